package org.echorec.bindings.openblas;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.List;
import org.echorec.bindings.Native;

/**
 * OpenBLAS's {@code cblas.h}, the part echorec uses, in the shape jextract generates: constants for
 * the CBLAS enums (C ints), and per function a holder with its descriptor and handle (bound on first
 * use) and a static wrapper named as the C function. Signatures as in OpenBLAS 0.3.21 with 32-bit
 * {@code blasint} (Debian's {@code libopenblas0}):
 * <pre>
 * void cblas_sgemm(enum CBLAS_ORDER Order, enum CBLAS_TRANSPOSE TransA, enum CBLAS_TRANSPOSE TransB,
 *                  blasint M, blasint N, blasint K, float alpha, const float *A, blasint lda,
 *                  const float *B, blasint ldb, float beta, float *C, blasint ldc);
 * void openblas_set_num_threads(int num_threads);
 * int openblas_get_num_threads(void);
 * char* openblas_get_corename(void);
 * char* openblas_get_config(void);
 * </pre>
 * Not to be edited into a convenience API: callers add that on their side.
 */
public final class cblas_h {
    private cblas_h() {}

    public static final ValueLayout.OfInt C_INT = JAVA_INT;
    public static final ValueLayout.OfFloat C_FLOAT = JAVA_FLOAT;
    public static final AddressLayout C_POINTER = ADDRESS;

    /** enum CBLAS_ORDER */
    public static final int CblasRowMajor = 101;
    public static final int CblasColMajor = 102;
    /** enum CBLAS_TRANSPOSE */
    public static final int CblasNoTrans = 111;
    public static final int CblasTrans = 112;
    public static final int CblasConjTrans = 113;
    public static final int CblasConjNoTrans = 114;

    /** Where OpenBLAS was found, or why not (see {@link Native}: library discovery). */
    public static final Native.Library LIBRARY = Native.load("OpenBLAS", "openblas",
            List.of("libopenblas.so.0", "libopenblas.so"),
            List.of(Path.of("/usr/lib/x86_64-linux-gnu/openblas-pthread"),
                    Path.of("/usr/lib/x86_64-linux-gnu/openblas-openmp"),
                    Path.of("/usr/lib/x86_64-linux-gnu/openblas-serial"),
                    Path.of("/usr/lib64"), Path.of("/usr/local/lib"), Path.of("/opt/OpenBLAS/lib")));

    private static final class cblas_sgemm {
        static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(C_INT, C_INT, C_INT, C_INT, C_INT, C_INT,
                C_FLOAT, C_POINTER, C_INT, C_POINTER, C_INT, C_FLOAT, C_POINTER, C_INT);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "cblas_sgemm", DESC);
    }

    public static void cblas_sgemm(int Order, int TransA, int TransB, int M, int N, int K, float alpha,
                                   MemorySegment A, int lda, MemorySegment B, int ldb, float beta,
                                   MemorySegment C, int ldc) {
        MethodHandle mh$ = cblas_sgemm.HANDLE;
        try {
            mh$.invokeExact(Order, TransA, TransB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class openblas_set_num_threads {
        static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(C_INT);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "openblas_set_num_threads", DESC);
    }

    public static void openblas_set_num_threads(int num_threads) {
        MethodHandle mh$ = openblas_set_num_threads.HANDLE;
        try {
            mh$.invokeExact(num_threads);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class openblas_get_num_threads {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "openblas_get_num_threads", DESC);
    }

    public static int openblas_get_num_threads() {
        MethodHandle mh$ = openblas_get_num_threads.HANDLE;
        try {
            return (int) mh$.invokeExact();
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class openblas_get_corename {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_POINTER);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "openblas_get_corename", DESC);
    }

    /** A zero-length segment at the C string; {@code reinterpret} it to read. */
    public static MemorySegment openblas_get_corename() {
        MethodHandle mh$ = openblas_get_corename.HANDLE;
        try {
            return (MemorySegment) mh$.invokeExact();
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class openblas_get_config {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_POINTER);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "openblas_get_config", DESC);
    }

    /** A zero-length segment at the C string; {@code reinterpret} it to read. */
    public static MemorySegment openblas_get_config() {
        MethodHandle mh$ = openblas_get_config.HANDLE;
        try {
            return (MemorySegment) mh$.invokeExact();
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }
}

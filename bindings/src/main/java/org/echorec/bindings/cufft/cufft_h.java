package org.echorec.bindings.cufft;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.List;
import org.echorec.bindings.Native;
import org.echorec.bindings.cuda.CudaLibraries;

/**
 * cuFFT ({@code cufft.h}, {@code libcufft}), the part echorec uses, in the shape jextract generates: batched
 * real-to-complex and complex-to-real transforms in single precision. Every function returns a
 * {@code cufftResult} as an {@code int}; {@link org.echorec.bindings.cuda.CudaCheck#cufft} turns it into an
 * exception. {@code cufftHandle} is an {@code int} (the create calls write it through an {@code int*});
 * {@code cufftType} is an {@code int}; {@code cudaStream_t} and the data are pointers. Signatures checked
 * against copies of NVIDIA's {@code cufft.h} (cuFFT 10.5) and the cuFFT documentation; every symbol against
 * {@code libcufft.so.10} (cuFFT 10.9). cuFFT has no versioned symbols.
 */
public final class cufft_h {
    private cufft_h() {}

    public static final ValueLayout.OfInt C_INT = JAVA_INT;
    /** {@code size_t} */
    public static final ValueLayout.OfLong C_LONG = JAVA_LONG;
    public static final AddressLayout C_POINTER = ADDRESS;

    /** enum cufftResult_t; {@link org.echorec.bindings.cuda.CudaCheck} names and explains each. */
    public static final int CUFFT_SUCCESS = 0x0;
    public static final int CUFFT_INVALID_PLAN = 0x1;
    public static final int CUFFT_ALLOC_FAILED = 0x2;
    public static final int CUFFT_INVALID_TYPE = 0x3;
    public static final int CUFFT_INVALID_VALUE = 0x4;
    public static final int CUFFT_INTERNAL_ERROR = 0x5;
    public static final int CUFFT_EXEC_FAILED = 0x6;
    public static final int CUFFT_SETUP_FAILED = 0x7;
    public static final int CUFFT_INVALID_SIZE = 0x8;
    public static final int CUFFT_UNALIGNED_DATA = 0x9;
    /** Removed in cuFFT 12 (CUDA 13), as are {@link #CUFFT_PARSE_ERROR} and {@link #CUFFT_LICENSE_ERROR}. */
    public static final int CUFFT_INCOMPLETE_PARAMETER_LIST = 0xA;
    public static final int CUFFT_INVALID_DEVICE = 0xB;
    public static final int CUFFT_PARSE_ERROR = 0xC;
    public static final int CUFFT_NO_WORKSPACE = 0xD;
    public static final int CUFFT_NOT_IMPLEMENTED = 0xE;
    public static final int CUFFT_LICENSE_ERROR = 0xF;
    public static final int CUFFT_NOT_SUPPORTED = 0x10;
    /** Added in later cuFFT 11 releases (CUDA 12.x), with the three after it, for callbacks compiled at run time. */
    public static final int CUFFT_MISSING_DEPENDENCY = 0x11;
    public static final int CUFFT_NVRTC_FAILURE = 0x12;
    public static final int CUFFT_NVJITLINK_FAILURE = 0x13;
    public static final int CUFFT_NVSHMEM_FAILURE = 0x14;

    /** enum cufftType_t */
    public static final int CUFFT_R2C = 0x2a;
    public static final int CUFFT_C2R = 0x2c;
    public static final int CUFFT_C2C = 0x29;

    /** The sign of the exponent, for complex-to-complex transforms. */
    public static final int CUFFT_FORWARD = -1;
    public static final int CUFFT_INVERSE = 1;

    /**
     * Where {@code libcufft} was found, or why not: CUDA 13's soname first ({@code .so.12}: cuFFT's major
     * version runs one behind CUDA's), then CUDA 12's ({@code .so.11}) and CUDA 11's ({@code .so.10}).
     */
    public static final Native.Library LIBRARY = CudaLibraries.load("cuFFT", "cufft",
            List.of("libcufft.so.12", "libcufft.so.11", "libcufft.so.10", "libcufft.so"));

    private static final class cufftGetVersion {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "cufftGetVersion", DESC);
    }

    /**
     * {@code cufftResult cufftGetVersion(int *version)}
     * <p>{@code *version} is 1000 * major + 100 * minor + patch (10900 for cuFFT 10.9); needs no GPU.
     */
    public static int cufftGetVersion(MemorySegment version) {
        MethodHandle mh$ = cufftGetVersion.HANDLE;
        try {
            return (int) mh$.invokeExact(version);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class cufftCreate {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "cufftCreate", DESC);
    }

    /**
     * {@code cufftResult cufftCreate(cufftHandle *handle)}
     * <p>An empty plan, to be made by {@link #cufftMakePlanMany} after settings such as
     * {@link #cufftSetAutoAllocation}.
     */
    public static int cufftCreate(MemorySegment handle) {
        MethodHandle mh$ = cufftCreate.HANDLE;
        try {
            return (int) mh$.invokeExact(handle);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class cufftPlanMany {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_POINTER, C_POINTER,
                C_INT, C_INT, C_POINTER, C_INT, C_INT, C_INT, C_INT);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "cufftPlanMany", DESC);
    }

    /**
     * {@code cufftResult cufftPlanMany(cufftHandle *plan, int rank, int *n, int *inembed, int istride, int idist,
     *     int *onembed, int ostride, int odist, cufftType type, int batch)}
     * <p>{@code batch} transforms of the {@code rank}-dimensional sizes {@code n}; {@code inembed} and
     * {@code onembed} {@code NULL} mean contiguous data (strides and distances then ignored). Creates and makes the
     * plan in one call; needs a GPU.
     */
    public static int cufftPlanMany(MemorySegment plan, int rank, MemorySegment n, MemorySegment inembed, int istride,
            int idist, MemorySegment onembed, int ostride, int odist, int type, int batch) {
        MethodHandle mh$ = cufftPlanMany.HANDLE;
        try {
            return (int) mh$.invokeExact(plan, rank, n, inembed, istride, idist, onembed, ostride, odist, type,
                    batch);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class cufftMakePlanMany {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_INT, C_INT, C_POINTER, C_POINTER, C_INT,
                C_INT, C_POINTER, C_INT, C_INT, C_INT, C_INT, C_POINTER);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "cufftMakePlanMany", DESC);
    }

    /**
     * {@code cufftResult cufftMakePlanMany(cufftHandle plan, int rank, int *n, int *inembed, int istride, int idist,
     *     int *onembed, int ostride, int odist, cufftType type, int batch, size_t *workSize)}
     * <p>As {@link #cufftPlanMany} on a plan from {@link #cufftCreate}; writes the work area size in bytes.
     */
    public static int cufftMakePlanMany(int plan, int rank, MemorySegment n, MemorySegment inembed, int istride,
            int idist, MemorySegment onembed, int ostride, int odist, int type, int batch, MemorySegment workSize) {
        MethodHandle mh$ = cufftMakePlanMany.HANDLE;
        try {
            return (int) mh$.invokeExact(plan, rank, n, inembed, istride, idist, onembed, ostride, odist, type,
                    batch, workSize);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class cufftSetStream {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_INT, C_POINTER);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "cufftSetStream", DESC);
    }

    /**
     * {@code cufftResult cufftSetStream(cufftHandle plan, cudaStream_t stream)}
     */
    public static int cufftSetStream(int plan, MemorySegment stream) {
        MethodHandle mh$ = cufftSetStream.HANDLE;
        try {
            return (int) mh$.invokeExact(plan, stream);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class cufftSetAutoAllocation {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_INT, C_INT);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "cufftSetAutoAllocation", DESC);
    }

    /**
     * {@code cufftResult cufftSetAutoAllocation(cufftHandle plan, int autoAllocate)}
     * <p>0 before making the plan: the caller provides the work area with {@link #cufftSetWorkArea}.
     */
    public static int cufftSetAutoAllocation(int plan, int autoAllocate) {
        MethodHandle mh$ = cufftSetAutoAllocation.HANDLE;
        try {
            return (int) mh$.invokeExact(plan, autoAllocate);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class cufftSetWorkArea {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_INT, C_POINTER);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "cufftSetWorkArea", DESC);
    }

    /**
     * {@code cufftResult cufftSetWorkArea(cufftHandle plan, void *workArea)}
     */
    public static int cufftSetWorkArea(int plan, MemorySegment workArea) {
        MethodHandle mh$ = cufftSetWorkArea.HANDLE;
        try {
            return (int) mh$.invokeExact(plan, workArea);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class cufftExecR2C {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_POINTER);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "cufftExecR2C", DESC);
    }

    /**
     * {@code cufftResult cufftExecR2C(cufftHandle plan, cufftReal *idata, cufftComplex *odata)}
     * <p>Forward, unnormalised: n real floats in, n / 2 + 1 interleaved complex values ({@code float2}) out per
     * transform.
     */
    public static int cufftExecR2C(int plan, MemorySegment idata, MemorySegment odata) {
        MethodHandle mh$ = cufftExecR2C.HANDLE;
        try {
            return (int) mh$.invokeExact(plan, idata, odata);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class cufftExecC2R {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_POINTER);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "cufftExecC2R", DESC);
    }

    /**
     * {@code cufftResult cufftExecC2R(cufftHandle plan, cufftComplex *idata, cufftReal *odata)}
     * <p>Inverse, unnormalised (a round trip multiplies by n); may overwrite its input.
     */
    public static int cufftExecC2R(int plan, MemorySegment idata, MemorySegment odata) {
        MethodHandle mh$ = cufftExecC2R.HANDLE;
        try {
            return (int) mh$.invokeExact(plan, idata, odata);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class cufftDestroy {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_INT);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "cufftDestroy", DESC);
    }

    /**
     * {@code cufftResult cufftDestroy(cufftHandle plan)}
     */
    public static int cufftDestroy(int plan) {
        MethodHandle mh$ = cufftDestroy.HANDLE;
        try {
            return (int) mh$.invokeExact(plan);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }
}

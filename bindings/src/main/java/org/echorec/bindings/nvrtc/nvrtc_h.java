package org.echorec.bindings.nvrtc;

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
 * NVRTC, the CUDA runtime compiler ({@code nvrtc.h}, {@code libnvrtc}), in the shape jextract generates:
 * CUDA C++ source in, PTX (or a cubin) out, with no GPU and no driver needed. Every function but
 * {@link #nvrtcGetErrorString} returns an {@code nvrtcResult} as an {@code int};
 * {@link org.echorec.bindings.cuda.CudaCheck#nvrtc} turns it into an exception. {@code nvrtcProgram} is a
 * pointer; {@code size_t} is {@code long}. Signatures as in {@code nvrtc.h} since NVRTC 11.2 (the header is
 * not on the development machine: checked against its declarations as copied into public repositories, and
 * by {@code NvrtcTest} against {@code libnvrtc.so.11.2}). NVRTC has no versioned symbols.
 *
 * <p>PTX from an NVRTC newer than the driver does not load ({@code CUDA_ERROR_UNSUPPORTED_PTX_VERSION}):
 * PTX from NVRTC X.Y loads on drivers for CUDA X.Y and later only.
 */
public final class nvrtc_h {
    private nvrtc_h() {}

    public static final ValueLayout.OfInt C_INT = JAVA_INT;
    /** {@code size_t} */
    public static final ValueLayout.OfLong C_LONG = JAVA_LONG;
    public static final AddressLayout C_POINTER = ADDRESS;

    /** enum nvrtcResult (codes added after NVRTC 11 are named by {@link #nvrtcGetErrorString}) */
    public static final int NVRTC_SUCCESS = 0;
    public static final int NVRTC_ERROR_OUT_OF_MEMORY = 1;
    public static final int NVRTC_ERROR_PROGRAM_CREATION_FAILURE = 2;
    public static final int NVRTC_ERROR_INVALID_INPUT = 3;
    public static final int NVRTC_ERROR_INVALID_PROGRAM = 4;
    public static final int NVRTC_ERROR_INVALID_OPTION = 5;
    public static final int NVRTC_ERROR_COMPILATION = 6;
    public static final int NVRTC_ERROR_BUILTIN_OPERATION_FAILURE = 7;
    public static final int NVRTC_ERROR_NO_NAME_EXPRESSIONS_AFTER_COMPILATION = 8;
    public static final int NVRTC_ERROR_NO_LOWERED_NAMES_BEFORE_COMPILATION = 9;
    public static final int NVRTC_ERROR_NAME_EXPRESSION_NOT_VALID = 10;
    public static final int NVRTC_ERROR_INTERNAL_ERROR = 11;

    /**
     * Where {@code libnvrtc} was found, or why not: CUDA 13's soname first, then 12's, then 11.2's (the
     * soname of every NVRTC 11.2 to 11.8), then the unversioned development link.
     */
    public static final Native.Library LIBRARY = CudaLibraries.load("NVRTC", "nvrtc",
            List.of("libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so.11.2", "libnvrtc.so"));

    private static final class nvrtcVersion {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "nvrtcVersion", DESC);
    }

    /**
     * {@code nvrtcResult nvrtcVersion(int *major, int *minor)}
     */
    public static int nvrtcVersion(MemorySegment major, MemorySegment minor) {
        MethodHandle mh$ = nvrtcVersion.HANDLE;
        try {
            return (int) mh$.invokeExact(major, minor);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class nvrtcGetNumSupportedArchs {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "nvrtcGetNumSupportedArchs", DESC);
    }

    /**
     * {@code nvrtcResult nvrtcGetNumSupportedArchs(int *numArchs)}
     * <p>NVRTC 11.2 and later.
     */
    public static int nvrtcGetNumSupportedArchs(MemorySegment numArchs) {
        MethodHandle mh$ = nvrtcGetNumSupportedArchs.HANDLE;
        try {
            return (int) mh$.invokeExact(numArchs);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class nvrtcGetSupportedArchs {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "nvrtcGetSupportedArchs", DESC);
    }

    /**
     * {@code nvrtcResult nvrtcGetSupportedArchs(int *supportedArchs)}
     * <p>Fills {@code numArchs} ints, ascending: 52, 53, ... 90 means {@code sm_52} to {@code sm_90}. NVRTC 11.2 and
     * later.
     */
    public static int nvrtcGetSupportedArchs(MemorySegment supportedArchs) {
        MethodHandle mh$ = nvrtcGetSupportedArchs.HANDLE;
        try {
            return (int) mh$.invokeExact(supportedArchs);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class nvrtcCreateProgram {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER, C_INT,
                C_POINTER, C_POINTER);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "nvrtcCreateProgram", DESC);
    }

    /**
     * {@code nvrtcResult nvrtcCreateProgram(nvrtcProgram *prog, const char *src, const char *name, int numHeaders,
     *     const char * const *headers, const char * const *includeNames)}
     * <p>{@code src} and {@code name} are NUL-terminated; {@code headers} and {@code includeNames} may be
     * {@code NULL} when {@code numHeaders} is 0.
     */
    public static int nvrtcCreateProgram(MemorySegment prog, MemorySegment src, MemorySegment name, int numHeaders,
            MemorySegment headers, MemorySegment includeNames) {
        MethodHandle mh$ = nvrtcCreateProgram.HANDLE;
        try {
            return (int) mh$.invokeExact(prog, src, name, numHeaders, headers, includeNames);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class nvrtcDestroyProgram {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "nvrtcDestroyProgram", DESC);
    }

    /**
     * {@code nvrtcResult nvrtcDestroyProgram(nvrtcProgram *prog)}
     * <p>Takes a pointer to the handle, which it sets to {@code NULL}.
     */
    public static int nvrtcDestroyProgram(MemorySegment prog) {
        MethodHandle mh$ = nvrtcDestroyProgram.HANDLE;
        try {
            return (int) mh$.invokeExact(prog);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class nvrtcCompileProgram {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_POINTER);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "nvrtcCompileProgram", DESC);
    }

    /**
     * {@code nvrtcResult nvrtcCompileProgram(nvrtcProgram prog, int numOptions, const char * const *options)}
     * <p>{@code options}: an array of NUL-terminated strings such as {@code "--gpu-architecture=compute_90"}. A
     * source error returns {@code NVRTC_ERROR_COMPILATION}; the program log says where.
     */
    public static int nvrtcCompileProgram(MemorySegment prog, int numOptions, MemorySegment options) {
        MethodHandle mh$ = nvrtcCompileProgram.HANDLE;
        try {
            return (int) mh$.invokeExact(prog, numOptions, options);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class nvrtcGetPTXSize {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "nvrtcGetPTXSize", DESC);
    }

    /**
     * {@code nvrtcResult nvrtcGetPTXSize(nvrtcProgram prog, size_t *ptxSizeRet)}
     * <p>The size includes the terminating NUL.
     */
    public static int nvrtcGetPTXSize(MemorySegment prog, MemorySegment ptxSizeRet) {
        MethodHandle mh$ = nvrtcGetPTXSize.HANDLE;
        try {
            return (int) mh$.invokeExact(prog, ptxSizeRet);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class nvrtcGetPTX {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "nvrtcGetPTX", DESC);
    }

    /**
     * {@code nvrtcResult nvrtcGetPTX(nvrtcProgram prog, char *ptx)}
     */
    public static int nvrtcGetPTX(MemorySegment prog, MemorySegment ptx) {
        MethodHandle mh$ = nvrtcGetPTX.HANDLE;
        try {
            return (int) mh$.invokeExact(prog, ptx);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class nvrtcGetCUBINSize {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "nvrtcGetCUBINSize", DESC);
    }

    /**
     * {@code nvrtcResult nvrtcGetCUBINSize(nvrtcProgram prog, size_t *cubinSizeRet)}
     * <p>A cubin exists only when the program was compiled for a real architecture ({@code sm_XY}, not
     * {@code compute_XY}).
     */
    public static int nvrtcGetCUBINSize(MemorySegment prog, MemorySegment cubinSizeRet) {
        MethodHandle mh$ = nvrtcGetCUBINSize.HANDLE;
        try {
            return (int) mh$.invokeExact(prog, cubinSizeRet);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class nvrtcGetCUBIN {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "nvrtcGetCUBIN", DESC);
    }

    /**
     * {@code nvrtcResult nvrtcGetCUBIN(nvrtcProgram prog, char *cubin)}
     */
    public static int nvrtcGetCUBIN(MemorySegment prog, MemorySegment cubin) {
        MethodHandle mh$ = nvrtcGetCUBIN.HANDLE;
        try {
            return (int) mh$.invokeExact(prog, cubin);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class nvrtcGetProgramLogSize {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "nvrtcGetProgramLogSize", DESC);
    }

    /**
     * {@code nvrtcResult nvrtcGetProgramLogSize(nvrtcProgram prog, size_t *logSizeRet)}
     * <p>The size includes the terminating NUL.
     */
    public static int nvrtcGetProgramLogSize(MemorySegment prog, MemorySegment logSizeRet) {
        MethodHandle mh$ = nvrtcGetProgramLogSize.HANDLE;
        try {
            return (int) mh$.invokeExact(prog, logSizeRet);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class nvrtcGetProgramLog {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "nvrtcGetProgramLog", DESC);
    }

    /**
     * {@code nvrtcResult nvrtcGetProgramLog(nvrtcProgram prog, char *log)}
     */
    public static int nvrtcGetProgramLog(MemorySegment prog, MemorySegment log) {
        MethodHandle mh$ = nvrtcGetProgramLog.HANDLE;
        try {
            return (int) mh$.invokeExact(prog, log);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class nvrtcGetErrorString {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_POINTER, C_INT);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "nvrtcGetErrorString", DESC);
    }

    /**
     * {@code const char *nvrtcGetErrorString(nvrtcResult result)}
     * <p>A zero-length segment at a static C string such as {@code "NVRTC_ERROR_COMPILATION"}; {@code reinterpret}
     * it to read.
     */
    public static MemorySegment nvrtcGetErrorString(int result) {
        MethodHandle mh$ = nvrtcGetErrorString.HANDLE;
        try {
            return (MemorySegment) mh$.invokeExact(result);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }
}

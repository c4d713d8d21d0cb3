package org.echorec.bindings.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.List;
import org.echorec.bindings.Native;

/**
 * The CUDA driver API ({@code cuda.h}, {@code libcuda}), the part echorec uses, in the shape jextract
 * generates: constants, and per function a holder with its descriptor and handle (bound on first use) and a
 * static wrapper named as the symbol. Every wrapper returns the {@code CUresult} as an {@code int};
 * {@link CudaCheck#cu} turns it into an exception. Signatures checked against CUDA 13.0's {@code cuda.h}.
 *
 * <p>C types: {@code CUresult}, {@code CUdevice} and the enums are {@code int}; {@code unsigned int} is
 * passed as {@code int} (same bits); {@code CUdeviceptr} is an unsigned 64-bit integer ({@code long});
 * {@code size_t} is {@code long}; the handles {@code CUcontext}, {@code CUstream}, {@code CUevent},
 * {@code CUmodule} and {@code CUfunction} are pointers ({@link MemorySegment}, {@code NULL} for the default
 * stream).
 *
 * <p>Note: versioned symbols. {@code libcuda} keeps the ABI of CUDA 2 and 3.1 under the plain names
 * ({@code cuMemAlloc} there takes a 32-bit size and writes a 32-bit device pointer); {@code cuda.h}'s macros
 * send C callers to the current versions ({@code #define cuMemAlloc cuMemAlloc_v2}). A binding that looks
 * symbols up by name must name the versioned symbol itself, so each wrapper here is named as the symbol
 * that CUDA 13's macros select: {@code cuMemAlloc_v2}, {@code cuMemcpyHtoD_v2}, {@code cuCtxDestroy_v2}, ...
 * Two exceptions, each explained at its wrapper: {@link #cuCtxCreate_v2} (CUDA 13 maps {@code cuCtxCreate}
 * to {@code cuCtxCreate_v4}, a different signature) and {@link #cuEventElapsedTime} (bound by its plain name,
 * which drivers before 12.8 need). None of these are the per-thread-default-stream variants
 * ({@code _ptds}/{@code _ptsz}): the default stream here is the legacy one.
 */
public final class cuda_h {
    private cuda_h() {}

    public static final ValueLayout.OfByte C_CHAR = JAVA_BYTE;
    public static final ValueLayout.OfInt C_INT = JAVA_INT;
    /** {@code size_t} */
    public static final ValueLayout.OfLong C_LONG = JAVA_LONG;
    /** {@code unsigned long long}, the type of {@code CUdeviceptr} */
    public static final ValueLayout.OfLong C_LONG_LONG = JAVA_LONG;
    public static final ValueLayout.OfFloat C_FLOAT = JAVA_FLOAT;
    public static final AddressLayout C_POINTER = ADDRESS;

    /** enum cudaError_enum (CUresult), the codes callers test for; {@link CudaCheck} names every code. */
    public static final int CUDA_SUCCESS = 0;
    public static final int CUDA_ERROR_INVALID_VALUE = 1;
    public static final int CUDA_ERROR_OUT_OF_MEMORY = 2;
    public static final int CUDA_ERROR_NOT_INITIALIZED = 3;
    public static final int CUDA_ERROR_DEINITIALIZED = 4;
    /** A stub {@code libcuda} (the toolkit's {@code lib64/stubs}, for linking) was loaded instead of the driver's. */
    public static final int CUDA_ERROR_STUB_LIBRARY = 34;
    public static final int CUDA_ERROR_NO_DEVICE = 100;
    public static final int CUDA_ERROR_INVALID_DEVICE = 101;
    public static final int CUDA_ERROR_INVALID_IMAGE = 200;
    public static final int CUDA_ERROR_INVALID_CONTEXT = 201;
    public static final int CUDA_ERROR_NO_BINARY_FOR_GPU = 209;
    public static final int CUDA_ERROR_INVALID_PTX = 218;
    /** The PTX is newer than the driver's compiler: it came from an NVRTC newer than the driver. */
    public static final int CUDA_ERROR_UNSUPPORTED_PTX_VERSION = 222;
    public static final int CUDA_ERROR_INVALID_HANDLE = 400;
    public static final int CUDA_ERROR_NOT_FOUND = 500;
    public static final int CUDA_ERROR_NOT_READY = 600;
    public static final int CUDA_ERROR_ILLEGAL_ADDRESS = 700;
    public static final int CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES = 701;
    public static final int CUDA_ERROR_LAUNCH_TIMEOUT = 702;
    public static final int CUDA_ERROR_LAUNCH_FAILED = 719;
    public static final int CUDA_ERROR_NOT_SUPPORTED = 801;
    public static final int CUDA_ERROR_SYSTEM_DRIVER_MISMATCH = 803;
    public static final int CUDA_ERROR_UNKNOWN = 999;

    /** enum CUdevice_attribute */
    public static final int CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK = 1;
    public static final int CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK = 8;
    public static final int CU_DEVICE_ATTRIBUTE_WARP_SIZE = 10;
    public static final int CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT = 16;
    public static final int CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75;
    public static final int CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76;
    public static final int CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_MULTIPROCESSOR = 81;
    /** The most shared memory one block may have after {@link #cuFuncSetAttribute} opts in. */
    public static final int CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN = 97;

    /** enum CUfunction_attribute */
    public static final int CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES = 8;

    /** enum CUctx_flags */
    public static final int CU_CTX_SCHED_AUTO = 0;
    /** enum CUstream_flags */
    public static final int CU_STREAM_DEFAULT = 0;
    public static final int CU_STREAM_NON_BLOCKING = 1;
    /** enum CUevent_flags */
    public static final int CU_EVENT_DEFAULT = 0;
    public static final int CU_EVENT_BLOCKING_SYNC = 1;
    public static final int CU_EVENT_DISABLE_TIMING = 2;

    /** enum CUjit_option, for {@link #cuModuleLoadDataEx} */
    public static final int CU_JIT_INFO_LOG_BUFFER = 3;
    public static final int CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES = 4;
    public static final int CU_JIT_ERROR_LOG_BUFFER = 5;
    public static final int CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES = 6;
    public static final int CU_JIT_LOG_VERBOSE = 12;

    /**
     * Where {@code libcuda} was found, or why not. It comes with the NVIDIA driver, not the toolkit, so the
     * dynamic loader normally finds it; the directories of {@link CudaLibraries} are searched after.
     */
    public static final Native.Library LIBRARY = CudaLibraries.load("CUDA driver", "cuda",
            List.of("libcuda.so.1", "libcuda.so"));

    private static final class cuInit {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_INT);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "cuInit", DESC);
    }

    /**
     * {@code CUresult cuInit(unsigned int Flags)}
     * <p>Flags must be 0.
     */
    public static int cuInit(int Flags) {
        MethodHandle mh$ = cuInit.HANDLE;
        try {
            return (int) mh$.invokeExact(Flags);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class cuDriverGetVersion {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "cuDriverGetVersion", DESC);
    }

    /**
     * {@code CUresult cuDriverGetVersion(int *driverVersion)}
     * <p>Writes 1000 * major + 10 * minor of the newest CUDA the driver supports (12040 for 12.4); works before
     * cuInit.
     */
    public static int cuDriverGetVersion(MemorySegment driverVersion) {
        MethodHandle mh$ = cuDriverGetVersion.HANDLE;
        try {
            return (int) mh$.invokeExact(driverVersion);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class cuDeviceGetCount {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "cuDeviceGetCount", DESC);
    }

    /**
     * {@code CUresult cuDeviceGetCount(int *count)}
     */
    public static int cuDeviceGetCount(MemorySegment count) {
        MethodHandle mh$ = cuDeviceGetCount.HANDLE;
        try {
            return (int) mh$.invokeExact(count);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class cuDeviceGet {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "cuDeviceGet", DESC);
    }

    /**
     * {@code CUresult cuDeviceGet(CUdevice *device, int ordinal)}
     * <p>{@code CUdevice} is an {@code int}.
     */
    public static int cuDeviceGet(MemorySegment device, int ordinal) {
        MethodHandle mh$ = cuDeviceGet.HANDLE;
        try {
            return (int) mh$.invokeExact(device, ordinal);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class cuDeviceGetName {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "cuDeviceGetName", DESC);
    }

    /**
     * {@code CUresult cuDeviceGetName(char *name, int len, CUdevice dev)}
     */
    public static int cuDeviceGetName(MemorySegment name, int len, int dev) {
        MethodHandle mh$ = cuDeviceGetName.HANDLE;
        try {
            return (int) mh$.invokeExact(name, len, dev);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class cuDeviceGetAttribute {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "cuDeviceGetAttribute", DESC);
    }

    /**
     * {@code CUresult cuDeviceGetAttribute(int *pi, CUdevice_attribute attrib, CUdevice dev)}
     * <p>{@code attrib} is one of the {@code CU_DEVICE_ATTRIBUTE_*} constants.
     */
    public static int cuDeviceGetAttribute(MemorySegment pi, int attrib, int dev) {
        MethodHandle mh$ = cuDeviceGetAttribute.HANDLE;
        try {
            return (int) mh$.invokeExact(pi, attrib, dev);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class cuDeviceTotalMem_v2 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "cuDeviceTotalMem_v2", DESC);
    }

    /**
     * {@code CUresult cuDeviceTotalMem_v2(size_t *bytes, CUdevice dev)}
     * <p>cuda.h: {@code #define cuDeviceTotalMem cuDeviceTotalMem_v2}.
     */
    public static int cuDeviceTotalMem_v2(MemorySegment bytes, int dev) {
        MethodHandle mh$ = cuDeviceTotalMem_v2.HANDLE;
        try {
            return (int) mh$.invokeExact(bytes, dev);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class cuDevicePrimaryCtxRetain {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "cuDevicePrimaryCtxRetain", DESC);
    }

    /**
     * {@code CUresult cuDevicePrimaryCtxRetain(CUcontext *pctx, CUdevice dev)}
     * <p>The device's primary context, shared with the runtime API (and so with cuBLAS and cuFFT); the preferred way
     * to get a context.
     */
    public static int cuDevicePrimaryCtxRetain(MemorySegment pctx, int dev) {
        MethodHandle mh$ = cuDevicePrimaryCtxRetain.HANDLE;
        try {
            return (int) mh$.invokeExact(pctx, dev);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class cuDevicePrimaryCtxRelease_v2 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_INT);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "cuDevicePrimaryCtxRelease_v2", DESC);
    }

    /**
     * {@code CUresult cuDevicePrimaryCtxRelease_v2(CUdevice dev)}
     * <p>cuda.h: {@code #define cuDevicePrimaryCtxRelease cuDevicePrimaryCtxRelease_v2} (driver 11.0 and later).
     */
    public static int cuDevicePrimaryCtxRelease_v2(int dev) {
        MethodHandle mh$ = cuDevicePrimaryCtxRelease_v2.HANDLE;
        try {
            return (int) mh$.invokeExact(dev);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class cuCtxSetCurrent {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "cuCtxSetCurrent", DESC);
    }

    /**
     * {@code CUresult cuCtxSetCurrent(CUcontext ctx)}
     * <p>Binds {@code ctx} to the calling thread.
     */
    public static int cuCtxSetCurrent(MemorySegment ctx) {
        MethodHandle mh$ = cuCtxSetCurrent.HANDLE;
        try {
            return (int) mh$.invokeExact(ctx);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class cuCtxCreate_v2 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "cuCtxCreate_v2", DESC);
    }

    /**
     * {@code CUresult cuCtxCreate_v2(CUcontext *pctx, unsigned int flags, CUdevice dev)}
     * <p>CUDA 13's cuda.h maps {@code cuCtxCreate} to {@code cuCtxCreate_v4}, which takes a
     * {@code CUctxCreateParams*}; this is the three-argument form every driver since 3.2 exports (declared in
     * cuda.h's {@code __CUDA_API_VERSION_INTERNAL} section). Prefer {@link #cuDevicePrimaryCtxRetain}.
     */
    public static int cuCtxCreate_v2(MemorySegment pctx, int flags, int dev) {
        MethodHandle mh$ = cuCtxCreate_v2.HANDLE;
        try {
            return (int) mh$.invokeExact(pctx, flags, dev);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class cuCtxDestroy_v2 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "cuCtxDestroy_v2", DESC);
    }

    /**
     * {@code CUresult cuCtxDestroy_v2(CUcontext ctx)}
     * <p>cuda.h: {@code #define cuCtxDestroy cuCtxDestroy_v2}.
     */
    public static int cuCtxDestroy_v2(MemorySegment ctx) {
        MethodHandle mh$ = cuCtxDestroy_v2.HANDLE;
        try {
            return (int) mh$.invokeExact(ctx);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class cuCtxSynchronize {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "cuCtxSynchronize", DESC);
    }

    /**
     * {@code CUresult cuCtxSynchronize(void)}
     * <p>The current context. (CUDA 13 adds {@code cuCtxSynchronize_v2(CUcontext)}, a different function, not a
     * macro target.)
     */
    public static int cuCtxSynchronize() {
        MethodHandle mh$ = cuCtxSynchronize.HANDLE;
        try {
            return (int) mh$.invokeExact();
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class cuMemGetInfo_v2 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "cuMemGetInfo_v2", DESC);
    }

    /**
     * {@code CUresult cuMemGetInfo_v2(size_t *free, size_t *total)}
     * <p>cuda.h: {@code #define cuMemGetInfo cuMemGetInfo_v2}.
     */
    public static int cuMemGetInfo_v2(MemorySegment free, MemorySegment total) {
        MethodHandle mh$ = cuMemGetInfo_v2.HANDLE;
        try {
            return (int) mh$.invokeExact(free, total);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class cuMemAlloc_v2 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_LONG);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "cuMemAlloc_v2", DESC);
    }

    /**
     * {@code CUresult cuMemAlloc_v2(CUdeviceptr *dptr, size_t bytesize)}
     * <p>cuda.h: {@code #define cuMemAlloc cuMemAlloc_v2}; the plain symbol is the 32-bit {@code CUdeviceptr} ABI.
     * {@code *dptr} is an unsigned 64-bit device address: read it with {@code JAVA_LONG}.
     */
    public static int cuMemAlloc_v2(MemorySegment dptr, long bytesize) {
        MethodHandle mh$ = cuMemAlloc_v2.HANDLE;
        try {
            return (int) mh$.invokeExact(dptr, bytesize);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class cuMemFree_v2 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_LONG_LONG);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "cuMemFree_v2", DESC);
    }

    /**
     * {@code CUresult cuMemFree_v2(CUdeviceptr dptr)}
     * <p>cuda.h: {@code #define cuMemFree cuMemFree_v2}.
     */
    public static int cuMemFree_v2(long dptr) {
        MethodHandle mh$ = cuMemFree_v2.HANDLE;
        try {
            return (int) mh$.invokeExact(dptr);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class cuMemAllocHost_v2 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_LONG);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "cuMemAllocHost_v2", DESC);
    }

    /**
     * {@code CUresult cuMemAllocHost_v2(void **pp, size_t bytesize)}
     * <p>Page-locked host memory. cuda.h: {@code #define cuMemAllocHost cuMemAllocHost_v2}.
     */
    public static int cuMemAllocHost_v2(MemorySegment pp, long bytesize) {
        MethodHandle mh$ = cuMemAllocHost_v2.HANDLE;
        try {
            return (int) mh$.invokeExact(pp, bytesize);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class cuMemFreeHost {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "cuMemFreeHost", DESC);
    }

    /**
     * {@code CUresult cuMemFreeHost(void *p)}
     */
    public static int cuMemFreeHost(MemorySegment p) {
        MethodHandle mh$ = cuMemFreeHost.HANDLE;
        try {
            return (int) mh$.invokeExact(p);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class cuMemcpyHtoD_v2 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_LONG_LONG, C_POINTER, C_LONG);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "cuMemcpyHtoD_v2", DESC);
    }

    /**
     * {@code CUresult cuMemcpyHtoD_v2(CUdeviceptr dstDevice, const void *srcHost, size_t ByteCount)}
     * <p>cuda.h: {@code #define cuMemcpyHtoD __CUDA_API_PTDS(cuMemcpyHtoD_v2)}; the legacy default stream is used.
     */
    public static int cuMemcpyHtoD_v2(long dstDevice, MemorySegment srcHost, long ByteCount) {
        MethodHandle mh$ = cuMemcpyHtoD_v2.HANDLE;
        try {
            return (int) mh$.invokeExact(dstDevice, srcHost, ByteCount);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class cuMemcpyDtoH_v2 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_LONG_LONG, C_LONG);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "cuMemcpyDtoH_v2", DESC);
    }

    /**
     * {@code CUresult cuMemcpyDtoH_v2(void *dstHost, CUdeviceptr srcDevice, size_t ByteCount)}
     */
    public static int cuMemcpyDtoH_v2(MemorySegment dstHost, long srcDevice, long ByteCount) {
        MethodHandle mh$ = cuMemcpyDtoH_v2.HANDLE;
        try {
            return (int) mh$.invokeExact(dstHost, srcDevice, ByteCount);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class cuMemcpyDtoD_v2 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_LONG_LONG, C_LONG_LONG, C_LONG);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "cuMemcpyDtoD_v2", DESC);
    }

    /**
     * {@code CUresult cuMemcpyDtoD_v2(CUdeviceptr dstDevice, CUdeviceptr srcDevice, size_t ByteCount)}
     */
    public static int cuMemcpyDtoD_v2(long dstDevice, long srcDevice, long ByteCount) {
        MethodHandle mh$ = cuMemcpyDtoD_v2.HANDLE;
        try {
            return (int) mh$.invokeExact(dstDevice, srcDevice, ByteCount);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class cuMemcpyHtoDAsync_v2 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_LONG_LONG, C_POINTER, C_LONG,
                C_POINTER);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "cuMemcpyHtoDAsync_v2", DESC);
    }

    /**
     * {@code CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr dstDevice, const void *srcHost, size_t ByteCount,
     *     CUstream hStream)}
     * <p>Asynchronous only from page-locked host memory ({@link #cuMemAllocHost_v2}); from pageable memory it copies
     * before returning.
     */
    public static int cuMemcpyHtoDAsync_v2(long dstDevice, MemorySegment srcHost, long ByteCount,
            MemorySegment hStream) {
        MethodHandle mh$ = cuMemcpyHtoDAsync_v2.HANDLE;
        try {
            return (int) mh$.invokeExact(dstDevice, srcHost, ByteCount, hStream);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class cuMemcpyDtoHAsync_v2 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_LONG_LONG, C_LONG,
                C_POINTER);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "cuMemcpyDtoHAsync_v2", DESC);
    }

    /**
     * {@code CUresult cuMemcpyDtoHAsync_v2(void *dstHost, CUdeviceptr srcDevice, size_t ByteCount,
     *     CUstream hStream)}
     */
    public static int cuMemcpyDtoHAsync_v2(MemorySegment dstHost, long srcDevice, long ByteCount,
            MemorySegment hStream) {
        MethodHandle mh$ = cuMemcpyDtoHAsync_v2.HANDLE;
        try {
            return (int) mh$.invokeExact(dstHost, srcDevice, ByteCount, hStream);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class cuMemcpyDtoDAsync_v2 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_LONG_LONG, C_LONG_LONG, C_LONG,
                C_POINTER);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "cuMemcpyDtoDAsync_v2", DESC);
    }

    /**
     * {@code CUresult cuMemcpyDtoDAsync_v2(CUdeviceptr dstDevice, CUdeviceptr srcDevice, size_t ByteCount,
     *     CUstream hStream)}
     */
    public static int cuMemcpyDtoDAsync_v2(long dstDevice, long srcDevice, long ByteCount, MemorySegment hStream) {
        MethodHandle mh$ = cuMemcpyDtoDAsync_v2.HANDLE;
        try {
            return (int) mh$.invokeExact(dstDevice, srcDevice, ByteCount, hStream);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class cuMemsetD32Async {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_LONG_LONG, C_INT, C_LONG, C_POINTER);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "cuMemsetD32Async", DESC);
    }

    /**
     * {@code CUresult cuMemsetD32Async(CUdeviceptr dstDevice, unsigned int ui, size_t N, CUstream hStream)}
     * <p>Sets {@code N} 32-bit words. No {@code _v2}: cuda.h maps this name only under per-thread default stream.
     */
    public static int cuMemsetD32Async(long dstDevice, int ui, long N, MemorySegment hStream) {
        MethodHandle mh$ = cuMemsetD32Async.HANDLE;
        try {
            return (int) mh$.invokeExact(dstDevice, ui, N, hStream);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class cuMemsetD8Async {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_LONG_LONG, C_CHAR, C_LONG, C_POINTER);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "cuMemsetD8Async", DESC);
    }

    /**
     * {@code CUresult cuMemsetD8Async(CUdeviceptr dstDevice, unsigned char uc, size_t N, CUstream hStream)}
     */
    public static int cuMemsetD8Async(long dstDevice, byte uc, long N, MemorySegment hStream) {
        MethodHandle mh$ = cuMemsetD8Async.HANDLE;
        try {
            return (int) mh$.invokeExact(dstDevice, uc, N, hStream);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class cuStreamCreate {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "cuStreamCreate", DESC);
    }

    /**
     * {@code CUresult cuStreamCreate(CUstream *phStream, unsigned int Flags)}
     * <p>{@code Flags}: {@code CU_STREAM_DEFAULT} or {@code CU_STREAM_NON_BLOCKING}.
     */
    public static int cuStreamCreate(MemorySegment phStream, int Flags) {
        MethodHandle mh$ = cuStreamCreate.HANDLE;
        try {
            return (int) mh$.invokeExact(phStream, Flags);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class cuStreamSynchronize {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "cuStreamSynchronize", DESC);
    }

    /**
     * {@code CUresult cuStreamSynchronize(CUstream hStream)}
     */
    public static int cuStreamSynchronize(MemorySegment hStream) {
        MethodHandle mh$ = cuStreamSynchronize.HANDLE;
        try {
            return (int) mh$.invokeExact(hStream);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class cuStreamDestroy_v2 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "cuStreamDestroy_v2", DESC);
    }

    /**
     * {@code CUresult cuStreamDestroy_v2(CUstream hStream)}
     * <p>cuda.h: {@code #define cuStreamDestroy cuStreamDestroy_v2}.
     */
    public static int cuStreamDestroy_v2(MemorySegment hStream) {
        MethodHandle mh$ = cuStreamDestroy_v2.HANDLE;
        try {
            return (int) mh$.invokeExact(hStream);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class cuEventCreate {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "cuEventCreate", DESC);
    }

    /**
     * {@code CUresult cuEventCreate(CUevent *phEvent, unsigned int Flags)}
     */
    public static int cuEventCreate(MemorySegment phEvent, int Flags) {
        MethodHandle mh$ = cuEventCreate.HANDLE;
        try {
            return (int) mh$.invokeExact(phEvent, Flags);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class cuEventRecord {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "cuEventRecord", DESC);
    }

    /**
     * {@code CUresult cuEventRecord(CUevent hEvent, CUstream hStream)}
     */
    public static int cuEventRecord(MemorySegment hEvent, MemorySegment hStream) {
        MethodHandle mh$ = cuEventRecord.HANDLE;
        try {
            return (int) mh$.invokeExact(hEvent, hStream);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class cuEventSynchronize {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "cuEventSynchronize", DESC);
    }

    /**
     * {@code CUresult cuEventSynchronize(CUevent hEvent)}
     */
    public static int cuEventSynchronize(MemorySegment hEvent) {
        MethodHandle mh$ = cuEventSynchronize.HANDLE;
        try {
            return (int) mh$.invokeExact(hEvent);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class cuEventElapsedTime {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "cuEventElapsedTime", DESC);
    }

    /**
     * {@code CUresult cuEventElapsedTime(float *pMilliseconds, CUevent hStart, CUevent hEnd)}
     * <p>Bound by its plain name on purpose: CUDA 12.8 and later headers map {@code cuEventElapsedTime} to
     * {@code cuEventElapsedTime_v2}, which drivers before 12.8 do not export; the plain symbol has the same C
     * signature and is exported by every driver since 2.0 (cudaTypedefs.h: {@code PFN_cuEventElapsedTime_v2000}).
     */
    public static int cuEventElapsedTime(MemorySegment pMilliseconds, MemorySegment hStart, MemorySegment hEnd) {
        MethodHandle mh$ = cuEventElapsedTime.HANDLE;
        try {
            return (int) mh$.invokeExact(pMilliseconds, hStart, hEnd);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class cuEventDestroy_v2 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "cuEventDestroy_v2", DESC);
    }

    /**
     * {@code CUresult cuEventDestroy_v2(CUevent hEvent)}
     * <p>cuda.h: {@code #define cuEventDestroy cuEventDestroy_v2}.
     */
    public static int cuEventDestroy_v2(MemorySegment hEvent) {
        MethodHandle mh$ = cuEventDestroy_v2.HANDLE;
        try {
            return (int) mh$.invokeExact(hEvent);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class cuModuleLoadData {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "cuModuleLoadData", DESC);
    }

    /**
     * {@code CUresult cuModuleLoadData(CUmodule *module, const void *image)}
     * <p>{@code image}: NUL-terminated PTX text, or a cubin or fatbin; PTX is compiled by the driver for the current
     * device.
     */
    public static int cuModuleLoadData(MemorySegment module, MemorySegment image) {
        MethodHandle mh$ = cuModuleLoadData.HANDLE;
        try {
            return (int) mh$.invokeExact(module, image);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class cuModuleLoadDataEx {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_INT, C_POINTER,
                C_POINTER);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "cuModuleLoadDataEx", DESC);
    }

    /**
     * {@code CUresult cuModuleLoadDataEx(CUmodule *module, const void *image, unsigned int numOptions,
     *     CUjit_option *options, void **optionValues)}
     * <p>{@code options}: an array of {@code CU_JIT_*} ints; {@code optionValues}: one pointer-sized value each (for
     * example an error log buffer and its size, to see why PTX did not compile).
     */
    public static int cuModuleLoadDataEx(MemorySegment module, MemorySegment image, int numOptions,
            MemorySegment options, MemorySegment optionValues) {
        MethodHandle mh$ = cuModuleLoadDataEx.HANDLE;
        try {
            return (int) mh$.invokeExact(module, image, numOptions, options, optionValues);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class cuModuleGetFunction {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "cuModuleGetFunction", DESC);
    }

    /**
     * {@code CUresult cuModuleGetFunction(CUfunction *hfunc, CUmodule hmod, const char *name)}
     */
    public static int cuModuleGetFunction(MemorySegment hfunc, MemorySegment hmod, MemorySegment name) {
        MethodHandle mh$ = cuModuleGetFunction.HANDLE;
        try {
            return (int) mh$.invokeExact(hfunc, hmod, name);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class cuModuleUnload {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "cuModuleUnload", DESC);
    }

    /**
     * {@code CUresult cuModuleUnload(CUmodule hmod)}
     */
    public static int cuModuleUnload(MemorySegment hmod) {
        MethodHandle mh$ = cuModuleUnload.HANDLE;
        try {
            return (int) mh$.invokeExact(hmod);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class cuFuncSetAttribute {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "cuFuncSetAttribute", DESC);
    }

    /**
     * {@code CUresult cuFuncSetAttribute(CUfunction hfunc, CUfunction_attribute attrib, int value)}
     * <p>With {@code CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES}, lets a launch ask for more than 48 KiB of
     * dynamic shared memory.
     */
    public static int cuFuncSetAttribute(MemorySegment hfunc, int attrib, int value) {
        MethodHandle mh$ = cuFuncSetAttribute.HANDLE;
        try {
            return (int) mh$.invokeExact(hfunc, attrib, value);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class cuLaunchKernel {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT, C_INT, C_INT,
                C_INT, C_INT, C_INT, C_POINTER, C_POINTER, C_POINTER);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "cuLaunchKernel", DESC);
    }

    /**
     * {@code CUresult cuLaunchKernel(CUfunction f, unsigned int gridDimX, unsigned int gridDimY,
     *     unsigned int gridDimZ, unsigned int blockDimX, unsigned int blockDimY, unsigned int blockDimZ,
     *     unsigned int sharedMemBytes, CUstream hStream, void **kernelParams, void **extra)}
     * <p>{@code kernelParams}: an array with one pointer per kernel parameter, each to that parameter's value;
     * {@code extra} is usually {@code NULL}.
     */
    public static int cuLaunchKernel(MemorySegment f, int gridDimX, int gridDimY, int gridDimZ, int blockDimX,
            int blockDimY, int blockDimZ, int sharedMemBytes, MemorySegment hStream, MemorySegment kernelParams,
            MemorySegment extra) {
        MethodHandle mh$ = cuLaunchKernel.HANDLE;
        try {
            return (int) mh$.invokeExact(f, gridDimX, gridDimY, gridDimZ, blockDimX, blockDimY, blockDimZ,
                    sharedMemBytes, hStream, kernelParams, extra);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class cuGetErrorName {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_INT, C_POINTER);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "cuGetErrorName", DESC);
    }

    /**
     * {@code CUresult cuGetErrorName(CUresult error, const char **pStr)}
     * <p>Writes a pointer to a static string such as {@code "CUDA_ERROR_OUT_OF_MEMORY"}; an unknown code gives
     * {@code CUDA_ERROR_INVALID_VALUE} and {@code NULL}.
     */
    public static int cuGetErrorName(int error, MemorySegment pStr) {
        MethodHandle mh$ = cuGetErrorName.HANDLE;
        try {
            return (int) mh$.invokeExact(error, pStr);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class cuGetErrorString {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_INT, C_POINTER);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "cuGetErrorString", DESC);
    }

    /**
     * {@code CUresult cuGetErrorString(CUresult error, const char **pStr)}
     * <p>Writes a pointer to a static description such as {@code "out of memory"}.
     */
    public static int cuGetErrorString(int error, MemorySegment pStr) {
        MethodHandle mh$ = cuGetErrorString.HANDLE;
        try {
            return (int) mh$.invokeExact(error, pStr);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }
}

package org.echorec.bindings.cuda;

import static org.echorec.bindings.cuda.cuda_h.C_INT;
import static org.echorec.bindings.cuda.cuda_h.C_LONG_LONG;
import static org.echorec.bindings.cuda.cuda_h.C_POINTER;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * For the tests tagged {@code gpu}: device 0's primary context, retained once for the test JVM's life and
 * made current on the calling thread, or the reason there is none (no libcuda, a stub libcuda, no device).
 * The primary context is the one the runtime API, and so cuBLAS and cuFFT, use too.
 */
public final class GpuContext {
    private static String unavailableReason;
    private static int device;
    private static MemorySegment context;
    private static boolean initialised;

    private GpuContext() {}

    /** Makes the context current, or skips the calling test with the reason there is no GPU. */
    public static synchronized void assumeCurrent() {
        if (!initialised) {
            initialised = true;
            unavailableReason = open();
        }
        assumeTrue(unavailableReason == null, () -> "skipped: " + unavailableReason);
        CudaCheck.cu(cuda_h.cuCtxSetCurrent(context), "cuCtxSetCurrent");
    }

    public static synchronized int device() {
        return device;
    }

    /** Allocates {@code bytes} of device memory; free it with {@link #free}. */
    public static long alloc(long bytes) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ptr = arena.allocate(C_LONG_LONG);
            CudaCheck.cu(cuda_h.cuMemAlloc_v2(ptr, bytes), "cuMemAlloc_v2");
            return ptr.get(C_LONG_LONG, 0);
        }
    }

    public static void free(long dptr) {
        CudaCheck.cu(cuda_h.cuMemFree_v2(dptr), "cuMemFree_v2");
    }

    public static void upload(long dptr, float[] values) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment host = arena.allocateFrom(cuda_h.C_FLOAT, values);
            CudaCheck.cu(cuda_h.cuMemcpyHtoD_v2(dptr, host, host.byteSize()), "cuMemcpyHtoD_v2");
        }
    }

    public static float[] download(long dptr, int count) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment host = arena.allocate(cuda_h.C_FLOAT, count);
            CudaCheck.cu(cuda_h.cuMemcpyDtoH_v2(host, dptr, host.byteSize()), "cuMemcpyDtoH_v2");
            return host.toArray(cuda_h.C_FLOAT);
        }
    }

    private static String open() {
        if (!cuda_h.LIBRARY.isAvailable()) {
            return cuda_h.LIBRARY.unavailableReason();
        }
        int rc = cuda_h.cuInit(0);
        if (rc != cuda_h.CUDA_SUCCESS) {
            return "cuInit failed: " + CudaCheck.describeCu(rc) + ", with libcuda from " + cuda_h.LIBRARY.origin();
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment count = arena.allocate(C_INT);
            CudaCheck.cu(cuda_h.cuDeviceGetCount(count), "cuDeviceGetCount");
            if (count.get(C_INT, 0) == 0) {
                return "the CUDA driver sees no device";
            }
            MemorySegment dev = arena.allocate(C_INT);
            CudaCheck.cu(cuda_h.cuDeviceGet(dev, 0), "cuDeviceGet");
            device = dev.get(C_INT, 0);
            MemorySegment ctx = arena.allocate(C_POINTER);
            CudaCheck.cu(cuda_h.cuDevicePrimaryCtxRetain(ctx, device), "cuDevicePrimaryCtxRetain");
            context = ctx.get(C_POINTER, 0);
        }
        return null;
    }
}

package org.echorec.runtime.backend.cuda;

import static org.echorec.bindings.cuda.cuda_h.C_INT;
import static org.echorec.bindings.cuda.cuda_h.C_LONG_LONG;
import static org.echorec.bindings.cuda.cuda_h.C_POINTER;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.echorec.bindings.cuda.CudaCheck;
import org.echorec.bindings.cuda.cuda_h;

/**
 * One GPU as the backend uses it: its primary context, made current on whichever thread calls, one
 * stream that every kernel, copy and library call is queued on, and raw device memory for the cache.
 *
 * <p>Note: one stream. Queuing everything on one stream makes the order of the Java calls the order of
 * execution, so a tensor freed to the cache and handed out again is never written before its last
 * reader has run ({@link CachingDeviceAllocator}: "Note: reuse and stream order"), and host code only
 * waits where it reads results ({@link #synchronize}).
 */
final class CudaDevice implements DeviceMemory {
    private final int ordinal;
    private final MemorySegment context;
    private final MemorySegment stream;
    private final String name;
    private final int computeMajor;
    private final int computeMinor;
    private final int multiprocessors;
    private final long totalBytes;
    private final int driverVersion;
    private final ThreadLocal<Boolean> current = ThreadLocal.withInitial(() -> false);

    private CudaDevice(int ordinal) {
        this.ordinal = ordinal;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(C_LONG_LONG);
            CudaCheck.cu(cuda_h.cuDriverGetVersion(out), "cuDriverGetVersion");
            driverVersion = out.get(C_INT, 0);
            MemorySegment dev = arena.allocate(C_INT);
            CudaCheck.cu(cuda_h.cuDeviceGet(dev, ordinal), "cuDeviceGet");
            int device = dev.get(C_INT, 0);
            MemorySegment text = arena.allocate(256);
            CudaCheck.cu(cuda_h.cuDeviceGetName(text, 256, device), "cuDeviceGetName");
            name = text.getString(0);
            computeMajor = attribute(arena, cuda_h.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device);
            computeMinor = attribute(arena, cuda_h.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device);
            multiprocessors = attribute(arena, cuda_h.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, device);
            CudaCheck.cu(cuda_h.cuDeviceTotalMem_v2(out, device), "cuDeviceTotalMem_v2");
            totalBytes = out.get(C_LONG_LONG, 0);
            MemorySegment handle = arena.allocate(C_POINTER);
            CudaCheck.cu(cuda_h.cuDevicePrimaryCtxRetain(handle, device), "cuDevicePrimaryCtxRetain");
            context = handle.get(C_POINTER, 0);
            makeCurrent();
            CudaCheck.cu(cuda_h.cuStreamCreate(handle, cuda_h.CU_STREAM_NON_BLOCKING), "cuStreamCreate");
            stream = handle.get(C_POINTER, 0);
        }
    }

    /**
     * Device {@code ordinal}, or an {@link IllegalStateException} whose message is one sentence saying why
     * there is none (no driver library, a driver that finds no device, a bad ordinal).
     */
    static CudaDevice open(int ordinal) {
        if (!cuda_h.LIBRARY.isAvailable()) {
            throw new IllegalStateException("no CUDA driver: " + cuda_h.LIBRARY.unavailableReason());
        }
        int status = cuda_h.cuInit(0);
        if (status != cuda_h.CUDA_SUCCESS) {
            throw new IllegalStateException("the CUDA driver (" + cuda_h.LIBRARY.origin()
                    + ") did not initialise: " + CudaCheck.describeCu(status));
        }
        int count;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(C_INT);
            CudaCheck.cu(cuda_h.cuDeviceGetCount(out), "cuDeviceGetCount");
            count = out.get(C_INT, 0);
        }
        if (ordinal < 0 || ordinal >= count) {
            throw new IllegalStateException("no CUDA device " + ordinal + ": the driver sees " + count);
        }
        return new CudaDevice(ordinal);
    }

    private static int attribute(Arena arena, int attribute, int device) {
        MemorySegment value = arena.allocate(C_INT);
        CudaCheck.cu(cuda_h.cuDeviceGetAttribute(value, attribute, device), "cuDeviceGetAttribute");
        return value.get(C_INT, 0);
    }

    /** Binds the context to the calling thread once; every public entry of the backend calls this first. */
    void makeCurrent() {
        if (!current.get()) {
            CudaCheck.cu(cuda_h.cuCtxSetCurrent(context), "cuCtxSetCurrent");
            current.set(true);
        }
    }

    MemorySegment stream() {
        return stream;
    }

    String name() {
        return name;
    }

    int ordinal() {
        return ordinal;
    }

    /** Compute capability as NVRTC spells the architecture: 90 for 9.0. */
    int computeCapability() {
        return computeMajor * 10 + computeMinor;
    }

    /** Streaming multiprocessors: how many blocks it takes to fill the device (132 on an H100 SXM). */
    int multiprocessors() {
        return multiprocessors;
    }

    /** The driver's CUDA version, e.g. 12040 for 12.4. */
    int driverVersion() {
        return driverVersion;
    }

    @Override
    public long allocate(long bytes) {
        makeCurrent();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment address = arena.allocate(C_LONG_LONG);
            int status = cuda_h.cuMemAlloc_v2(address, bytes);
            if (status == cuda_h.CUDA_ERROR_OUT_OF_MEMORY) {
                return 0;
            }
            CudaCheck.cu(status, "cuMemAlloc_v2");
            return address.get(C_LONG_LONG, 0);
        }
    }

    @Override
    public void free(long address) {
        makeCurrent();
        CudaCheck.cu(cuda_h.cuMemFree_v2(address), "cuMemFree_v2");
    }

    @Override
    public long freeBytes() {
        makeCurrent();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment free = arena.allocate(C_LONG_LONG);
            MemorySegment total = arena.allocate(C_LONG_LONG);
            CudaCheck.cu(cuda_h.cuMemGetInfo_v2(free, total), "cuMemGetInfo_v2");
            return free.get(C_LONG_LONG, 0);
        }
    }

    @Override
    public long totalBytes() {
        return totalBytes;
    }

    /** Waits until everything queued on the stream has run; the place where asynchronous errors surface. */
    void synchronize() {
        makeCurrent();
        CudaCheck.cu(cuda_h.cuStreamSynchronize(stream), "cuStreamSynchronize");
    }
}

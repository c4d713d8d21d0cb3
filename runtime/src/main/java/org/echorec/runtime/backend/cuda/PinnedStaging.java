package org.echorec.runtime.backend.cuda;

import static org.echorec.bindings.cuda.cuda_h.C_POINTER;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.echorec.bindings.cuda.CudaCheck;
import org.echorec.bindings.cuda.cuda_h;

/**
 * A page-locked host buffer that every transfer passes through. Tensors arrive from Java arrays (heap
 * memory, which the driver cannot read) or from mapped files, so they are copied once into this buffer and
 * moved by DMA from there; pinned memory is also what makes {@code cuMemcpy*Async} truly asynchronous.
 * It grows to the largest transfer seen (a batch, or a checkpoint's largest tensor) and is kept.
 */
final class PinnedStaging {
    private final CudaDevice device;
    private MemorySegment buffer = MemorySegment.NULL;

    PinnedStaging(CudaDevice device) {
        this.device = device;
    }

    /** At least {@code bytes} of pinned memory; valid until the next call. */
    synchronized MemorySegment buffer(long bytes) {
        if (buffer.byteSize() < bytes) {
            device.makeCurrent();
            if (!buffer.equals(MemorySegment.NULL)) {
                device.synchronize(); // an async copy may still read the old buffer
                CudaCheck.cu(cuda_h.cuMemFreeHost(buffer), "cuMemFreeHost");
                buffer = MemorySegment.NULL;
            }
            long size = Math.max(bytes, 1L << 20);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment out = arena.allocate(C_POINTER);
                CudaCheck.cu(cuda_h.cuMemAllocHost_v2(out, size), "cuMemAllocHost_v2");
                buffer = out.get(C_POINTER, 0).reinterpret(size);
            }
        }
        return buffer;
    }
}

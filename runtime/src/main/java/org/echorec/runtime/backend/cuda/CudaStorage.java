package org.echorec.runtime.backend.cuda;

import org.echorec.runtime.tensor.Storage;

/** Device memory from the backend's caching allocator. */
final class CudaStorage extends Storage {
    private final CachingDeviceAllocator allocator;
    private final CachingDeviceAllocator.Block block;

    CudaStorage(CudaBackend backend, CachingDeviceAllocator allocator, long bytes) {
        super(backend, bytes);
        this.allocator = allocator;
        this.block = allocator.take(bytes);
    }

    /** The device address of the first byte. */
    long address() {
        checkLive();
        return block.address();
    }

    @Override
    protected void free() {
        allocator.give(block);
    }
}

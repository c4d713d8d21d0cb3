package org.echorec.runtime.backend.cpu;

import java.lang.foreign.MemorySegment;
import org.echorec.runtime.tensor.Storage;

/** Off-heap CPU memory from the backend's pool. */
final class CpuStorage extends Storage {
    private final CpuMemoryPool pool;
    private final CpuMemoryPool.Block block;
    private final MemorySegment segment;

    CpuStorage(CpuBackend backend, CpuMemoryPool pool, long bytes) {
        super(backend, bytes);
        this.pool = pool;
        this.block = pool.take(bytes);
        this.segment = block.segment().asSlice(0, bytes);
    }

    MemorySegment segment() {
        checkLive();
        return segment;
    }

    @Override
    protected void free() {
        pool.give(block);
    }
}

package org.echorec.runtime.backend.cpu;

import java.lang.foreign.MemorySegment;
import org.echorec.runtime.backend.Backend;
import org.echorec.runtime.backend.MemoryStats;
import org.echorec.runtime.op.CheckedOps;
import org.echorec.runtime.op.Ops;
import org.echorec.runtime.tensor.Storage;
import org.echorec.runtime.tensor.Tensor;

/**
 * The CPU: off-heap memory from a caching pool, kernels from {@link CpuKernels} (Vector API where the
 * incubator module is present, plain Java otherwise), run on the {@link Parallel} threads.
 */
public final class CpuBackend implements Backend {
    private static final long DEFAULT_CACHE_LIMIT = 8L << 30;
    private static volatile CpuBackend instance;

    private final CpuMemoryPool pool;
    private final Ops kernels;
    private final Ops ops;

    private CpuBackend(Ops kernels) {
        this.pool = new CpuMemoryPool(Long.getLong("echorec.cpu.cacheLimitBytes", DEFAULT_CACHE_LIMIT));
        this.kernels = kernels;
        this.ops = new CheckedOps(this, kernels);
    }

    /** The process-wide CPU backend, with the best kernels this JVM can run. */
    public static CpuBackend get() {
        CpuBackend b = instance;
        if (b == null) {
            synchronized (CpuBackend.class) {
                b = instance;
                if (b == null) {
                    b = new CpuBackend(CpuKernels.best());
                    instance = b;
                }
            }
        }
        return b;
    }

    /** A CPU backend running the given kernels (tests use it to run the plain kernels beside SIMD). */
    public static CpuBackend withKernels(Ops kernels) {
        return new CpuBackend(kernels);
    }

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public String describe() {
        return "cpu: " + CpuKernels.describe(kernels) + ", " + Parallel.threads() + " thread"
                + (Parallel.threads() == 1 ? "" : "s");
    }

    @Override
    public Ops ops() {
        return ops;
    }

    /** The unchecked kernels behind {@link #ops()}. */
    public Ops kernels() {
        return kernels;
    }

    @Override
    public Storage allocate(long bytes) {
        return new CpuStorage(this, pool, bytes);
    }

    @Override
    public void copyFromHost(MemorySegment src, Tensor dst) {
        long bytes = dst.numel() * dst.dtype().bytes();
        MemorySegment.copy(src, 0, Cpu.segment(dst), dst.offset() * dst.dtype().bytes(), bytes);
    }

    @Override
    public void copyToHost(Tensor src, MemorySegment dst) {
        long bytes = src.numel() * src.dtype().bytes();
        MemorySegment.copy(Cpu.segment(src), src.offset() * src.dtype().bytes(), dst, 0, bytes);
    }

    @Override
    public MemoryStats memoryStats() {
        return pool.stats();
    }

    /** Starts a new peak-memory measurement from the current use. */
    public void resetPeakMemory() {
        pool.resetPeak();
    }

    /** Gives cached memory back to the system. */
    public void trimCache() {
        pool.trim();
    }

    @Override
    public void synchronize() {
        // kernels run synchronously on the calling thread and its helpers
    }

    @Override
    public String toString() {
        return describe();
    }
}

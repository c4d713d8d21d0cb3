package org.echorec.runtime.op.random;

import org.echorec.runtime.tensor.Tensor;

/**
 * A seed and a running offset into its {@link Philox} streams: each draw takes the next
 * {@code numel} counters, so a run is reproducible from its seed on any backend and thread count.
 * Not thread-safe: one per training loop.
 */
public final class Rng {
    private final long seed;
    private long offset;

    public Rng(long seed) {
        this.seed = seed;
    }

    public long seed() {
        return seed;
    }

    /** The next unused counter. */
    public long offset() {
        return offset;
    }

    /** Reserves {@code count} counters and returns the first. */
    public long take(long count) {
        long first = offset;
        offset += count;
        return first;
    }

    /** Fills {@code dst} with normal values. */
    public void normal(Tensor dst, float mean, float std) {
        dst.backend().ops().randomNormal(dst, seed, take(dst.numel()), mean, std);
    }

    /** Fills {@code dst} with uniform values in [lo, hi). */
    public void uniform(Tensor dst, float lo, float hi) {
        dst.backend().ops().randomUniform(dst, seed, take(dst.numel()), lo, hi);
    }
}

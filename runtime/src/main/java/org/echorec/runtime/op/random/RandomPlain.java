package org.echorec.runtime.op.random;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;
import org.echorec.runtime.backend.cpu.Cpu;
import org.echorec.runtime.backend.cpu.Parallel;
import org.echorec.runtime.tensor.Tensor;

/** Dropout and random fills from {@link Philox}, in parallel: every element's number depends only on its index. */
public final class RandomPlain {
    static final int GRAIN = 1 << 14;

    private RandomPlain() {}

    public static void dropout(Tensor x, float p, long seed, long offset, Tensor y) {
        MemorySegment xs = Cpu.data(x);
        MemorySegment ys = Cpu.data(y);
        float scale = 1f / (1f - p);
        Parallel.forRange(Math.toIntExact(x.numel()), GRAIN,
                (from, to) -> dropout(xs, p, scale, new Philox.Uniforms(seed), offset, ys, from, to));
    }

    /** Dropout of the elements {@code [from, to)}; also the SIMD kernel's unaligned head and its tail. */
    static void dropout(MemorySegment xs, float p, float scale, Philox.Uniforms uniforms, long offset,
                        MemorySegment ys, int from, int to) {
        for (int i = from; i < to; i++) {
            boolean keep = uniforms.at(offset + i) >= p;
            ys.setAtIndex(JAVA_FLOAT, i, keep ? xs.getAtIndex(JAVA_FLOAT, i) * scale : 0f);
        }
    }

    public static void uniform(Tensor dst, long seed, long offset, float lo, float hi) {
        MemorySegment ds = Cpu.data(dst);
        float width = hi - lo;
        Parallel.forRange(Math.toIntExact(dst.numel()), GRAIN, (from, to) -> {
            Philox.Uniforms uniforms = new Philox.Uniforms(seed);
            for (int i = from; i < to; i++) {
                ds.setAtIndex(JAVA_FLOAT, i, lo + width * uniforms.at(offset + i));
            }
        });
    }

    public static void normal(Tensor dst, long seed, long offset, float mean, float std) {
        MemorySegment ds = Cpu.data(dst);
        Parallel.forRange(Math.toIntExact(dst.numel()), GRAIN, (from, to) -> {
            int[] words = new int[4];
            for (int i = from; i < to; i++) {
                ds.setAtIndex(JAVA_FLOAT, i, mean + std * Philox.normal(seed, offset + i, words));
            }
        });
    }
}

package org.echorec.runtime.op.binary;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;
import org.echorec.runtime.backend.cpu.Cpu;
import org.echorec.runtime.backend.cpu.Parallel;
import org.echorec.runtime.op.Binary;
import org.echorec.runtime.tensor.Tensor;

/**
 * Elementwise arithmetic in plain Java; b repeats with period {@code b.numel()} over a.
 *
 * <p>Note: runs. A range of a is walked as runs that stay inside one period of b, so the inner loops
 * index b without a modulo, and the operator is switched on once per run rather than per element.
 * {@link #run} and {@link #runScalar} also serve as the SIMD kernels' tails.
 *
 * <p>Note: fused affine. {@link #affine} and {@link #axpy} use {@code Math.fma} (an intrinsic wherever
 * the CPU has FMA): one rounding, as in the SIMD kernels, so both give the same bits and the result
 * stays within half an ulp even when {@code alpha·x} and {@code beta} nearly cancel.
 */
public final class BinaryPlain {
    static final int GRAIN = 1 << 14;

    private BinaryPlain() {}

    public static void binary(Binary op, Tensor a, Tensor b, Tensor out) {
        MemorySegment as = Cpu.data(a);
        MemorySegment bs = Cpu.data(b);
        MemorySegment os = Cpu.data(out);
        int period = Math.toIntExact(b.numel());
        Parallel.forRange(Math.toIntExact(a.numel()), GRAIN, (from, to) -> {
            if (period == 1) {
                runScalar(op, as, bs.getAtIndex(JAVA_FLOAT, 0), os, from, to);
                return;
            }
            for (int i = from; i < to; ) {
                int j = i % period;
                int len = Math.min(to - i, period - j);
                run(op, as, bs, os, i, j, len);
                i += len;
            }
        });
    }

    /** {@code out[i+k] = a[i+k] ∘ b[j+k]} for {@code k < len}. */
    static void run(Binary op, MemorySegment a, MemorySegment b, MemorySegment out, int i, int j, int len) {
        switch (op) {
            case ADD -> {
                for (int k = 0; k < len; k++) {
                    out.setAtIndex(JAVA_FLOAT, i + k, a.getAtIndex(JAVA_FLOAT, i + k) + b.getAtIndex(JAVA_FLOAT, j + k));
                }
            }
            case SUB -> {
                for (int k = 0; k < len; k++) {
                    out.setAtIndex(JAVA_FLOAT, i + k, a.getAtIndex(JAVA_FLOAT, i + k) - b.getAtIndex(JAVA_FLOAT, j + k));
                }
            }
            case MUL -> {
                for (int k = 0; k < len; k++) {
                    out.setAtIndex(JAVA_FLOAT, i + k, a.getAtIndex(JAVA_FLOAT, i + k) * b.getAtIndex(JAVA_FLOAT, j + k));
                }
            }
            case DIV -> {
                for (int k = 0; k < len; k++) {
                    out.setAtIndex(JAVA_FLOAT, i + k, a.getAtIndex(JAVA_FLOAT, i + k) / b.getAtIndex(JAVA_FLOAT, j + k));
                }
            }
        }
    }

    /** {@code out[i] = a[i] ∘ s} for {@code i} in {@code [from, to)}. */
    static void runScalar(Binary op, MemorySegment a, float s, MemorySegment out, int from, int to) {
        switch (op) {
            case ADD -> {
                for (int i = from; i < to; i++) {
                    out.setAtIndex(JAVA_FLOAT, i, a.getAtIndex(JAVA_FLOAT, i) + s);
                }
            }
            case SUB -> {
                for (int i = from; i < to; i++) {
                    out.setAtIndex(JAVA_FLOAT, i, a.getAtIndex(JAVA_FLOAT, i) - s);
                }
            }
            case MUL -> {
                for (int i = from; i < to; i++) {
                    out.setAtIndex(JAVA_FLOAT, i, a.getAtIndex(JAVA_FLOAT, i) * s);
                }
            }
            case DIV -> {
                for (int i = from; i < to; i++) {
                    out.setAtIndex(JAVA_FLOAT, i, a.getAtIndex(JAVA_FLOAT, i) / s);
                }
            }
        }
    }

    public static void affine(Tensor x, float alpha, float beta, Tensor y) {
        MemorySegment xs = Cpu.data(x);
        MemorySegment ys = Cpu.data(y);
        Parallel.forRange(Math.toIntExact(x.numel()), GRAIN, (from, to) -> affine(xs, alpha, beta, ys, from, to));
    }

    static void affine(MemorySegment x, float alpha, float beta, MemorySegment y, int from, int to) {
        for (int i = from; i < to; i++) {
            y.setAtIndex(JAVA_FLOAT, i, Math.fma(alpha, x.getAtIndex(JAVA_FLOAT, i), beta));
        }
    }

    public static void axpy(float alpha, Tensor x, Tensor y) {
        MemorySegment xs = Cpu.data(x);
        MemorySegment ys = Cpu.data(y);
        Parallel.forRange(Math.toIntExact(x.numel()), GRAIN, (from, to) -> axpy(alpha, xs, ys, from, to));
    }

    static void axpy(float alpha, MemorySegment x, MemorySegment y, int from, int to) {
        for (int i = from; i < to; i++) {
            y.setAtIndex(JAVA_FLOAT, i, Math.fma(alpha, x.getAtIndex(JAVA_FLOAT, i), y.getAtIndex(JAVA_FLOAT, i)));
        }
    }
}

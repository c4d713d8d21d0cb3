package org.echorec.runtime.op.softmax;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.MemorySegment;
import org.echorec.runtime.backend.cpu.Cpu;
import org.echorec.runtime.backend.cpu.Parallel;
import org.echorec.runtime.tensor.Tensor;

/**
 * Softmax over the last axis and the fused cross-entropy in plain Java, parallel over rows. The
 * helpers on an element range of one row are also the SIMD kernels' tails.
 *
 * <p>Note: blocked log-sum-exp. A cross-entropy row can hold a million logits (4 MB, more than L2),
 * so it is read from memory once: the row is cut into blocks of {@link #BLOCK} values (8 KB, in L1);
 * a block's max is found first, and when it raises the row's running max m the running sum is
 * rescaled by {@code exp(m_old − m_new)}; then the block's {@code Σ exp(x − m)} is added, re-reading the
 * block from L1. One exp per logit, nothing stored but lse, and the running sum is a double fed by
 * block sums, so its error does not grow with V. Every exp has an argument ≤ 0: no overflow at any
 * logit magnitude.
 */
public final class SoftmaxPlain {
    /** Elements a thread takes at least. */
    static final int GRAIN = 1 << 14;
    /** Logits per block of the log-sum-exp. */
    static final int BLOCK = 2048;

    private SoftmaxPlain() {}

    static int rowGrain(int width) {
        return Math.max(1, GRAIN / Math.max(1, width));
    }

    static int rows(Tensor x) {
        int width = x.dim(-1);
        return width == 0 ? 0 : Math.toIntExact(x.numel() / width);
    }

    // ------------------------------------------------------------------ softmax

    public static void softmax(Tensor x, Tensor y) {
        int v = x.dim(-1);
        MemorySegment xs = Cpu.data(x);
        MemorySegment ys = Cpu.data(y);
        Parallel.forRange(rows(x), rowGrain(v), (from, to) -> {
            for (int r = from; r < to; r++) {
                long off = (long) r * v;
                float m = max(xs, off, off + v, Float.NEGATIVE_INFINITY);
                double sum = expInto(xs, ys, off, off + v, m);
                scale(ys, off, off + v, (float) (1 / sum));
            }
        });
    }

    public static void softmaxBackward(Tensor y, Tensor dy, Tensor dx) {
        int v = y.dim(-1);
        MemorySegment ys = Cpu.data(y);
        MemorySegment dys = Cpu.data(dy);
        MemorySegment dxs = Cpu.data(dx);
        Parallel.forRange(rows(y), rowGrain(v), (from, to) -> {
            for (int r = from; r < to; r++) {
                long off = (long) r * v;
                float dot = (float) dot(ys, dys, off, off + v);
                softmaxDx(ys, dys, dxs, off, off + v, dot);
            }
        });
    }

    /** The larger of {@code start} and every x[i], i in {@code [from, to)}; NaN if any is NaN. */
    static float max(MemorySegment x, long from, long to, float start) {
        float m = start;
        for (long i = from; i < to; i++) {
            m = Math.max(m, x.getAtIndex(JAVA_FLOAT, i));
        }
        return m;
    }

    /** {@code y[i] = exp(x[i] − m)} for i in {@code [from, to)}; returns their sum. */
    static double expInto(MemorySegment x, MemorySegment y, long from, long to, float m) {
        double s = 0;
        for (long i = from; i < to; i++) {
            float e = (float) Math.exp(x.getAtIndex(JAVA_FLOAT, i) - m);
            y.setAtIndex(JAVA_FLOAT, i, e);
            s += e;
        }
        return s;
    }

    /** {@code y[i] *= c}. */
    static void scale(MemorySegment y, long from, long to, float c) {
        for (long i = from; i < to; i++) {
            y.setAtIndex(JAVA_FLOAT, i, y.getAtIndex(JAVA_FLOAT, i) * c);
        }
    }

    /** Σ a[i]·b[i]. */
    static double dot(MemorySegment a, MemorySegment b, long from, long to) {
        double s = 0;
        for (long i = from; i < to; i++) {
            s += (double) a.getAtIndex(JAVA_FLOAT, i) * b.getAtIndex(JAVA_FLOAT, i);
        }
        return s;
    }

    /** {@code dx = y·(dy − dot)}. */
    static void softmaxDx(MemorySegment y, MemorySegment dy, MemorySegment dx, long from, long to, float dot) {
        for (long i = from; i < to; i++) {
            dx.setAtIndex(JAVA_FLOAT, i, y.getAtIndex(JAVA_FLOAT, i) * (dy.getAtIndex(JAVA_FLOAT, i) - dot));
        }
    }

    // ------------------------------------------------------------------ cross-entropy

    /**
     * Throws unless every target is below {@code v}; negative targets mark ignored rows. Checked before
     * any output is written, so a bad batch leaves no half-written loss behind.
     */
    static void checkTargets(String op, MemorySegment targets, int rows, int v) {
        for (int r = 0; r < rows; r++) {
            int t = targets.getAtIndex(JAVA_INT, r);
            if (t >= v) {
                throw new IllegalArgumentException(op + ": target " + t + " of row " + r
                        + " is out of range for a vocabulary of " + v + " (targets < 0 mark ignored rows)");
            }
        }
    }

    public static void crossEntropy(Tensor logits, Tensor targets, Tensor loss, Tensor lse) {
        int rows = logits.dim(0);
        int v = logits.dim(1);
        MemorySegment xs = Cpu.data(logits);
        MemorySegment ts = Cpu.data(targets);
        MemorySegment ls = Cpu.data(loss);
        MemorySegment lses = Cpu.data(lse);
        checkTargets("crossEntropy", ts, rows, v);
        Parallel.forRange(rows, rowGrain(v), (from, to) -> {
            for (int r = from; r < to; r++) {
                long off = (long) r * v;
                double l = logSumExp(xs, off, v);
                int t = ts.getAtIndex(JAVA_INT, r);
                lses.setAtIndex(JAVA_FLOAT, r, (float) l);
                ls.setAtIndex(JAVA_FLOAT, r, t < 0 ? 0f : (float) (l - xs.getAtIndex(JAVA_FLOAT, off + t)));
            }
        });
    }

    /** log Σ exp(x) over the row at {@code off}, by blocks (note "blocked log-sum-exp"). */
    static double logSumExp(MemorySegment x, long off, int v) {
        float m = Float.NEGATIVE_INFINITY;
        double sum = 0;
        for (int b = 0; b < v; b += BLOCK) {
            long from = off + b;
            long to = off + Math.min(v, b + BLOCK);
            float bm = max(x, from, to, m);
            if (bm == Float.NEGATIVE_INFINITY) {
                continue; // nothing but −∞ so far: exp(−∞ − (−∞)) would be NaN
            }
            sum = sum * Math.exp(m - bm) + expSum(x, from, to, bm);
            m = bm;
        }
        return m + Math.log(sum);
    }

    /** Σ exp(x[i] − m) for i in {@code [from, to)}. */
    static double expSum(MemorySegment x, long from, long to, float m) {
        double s = 0;
        for (long i = from; i < to; i++) {
            s += (float) Math.exp(x.getAtIndex(JAVA_FLOAT, i) - m);
        }
        return s;
    }

    public static void crossEntropyBackward(Tensor logits, Tensor targets, Tensor lse, Tensor dloss, Tensor dlogits) {
        int rows = logits.dim(0);
        int v = logits.dim(1);
        MemorySegment xs = Cpu.data(logits);
        MemorySegment ts = Cpu.data(targets);
        MemorySegment lses = Cpu.data(lse);
        MemorySegment dls = Cpu.data(dloss);
        MemorySegment dxs = Cpu.data(dlogits);
        checkTargets("crossEntropyBackward", ts, rows, v);
        Parallel.forRange(rows, rowGrain(v), (from, to) -> {
            for (int r = from; r < to; r++) {
                long off = (long) r * v;
                int t = ts.getAtIndex(JAVA_INT, r);
                if (t < 0) {
                    zero(dxs, off, off + v);
                    continue;
                }
                float g = dls.getAtIndex(JAVA_FLOAT, r);
                float l = lses.getAtIndex(JAVA_FLOAT, r);
                float xt = xs.getAtIndex(JAVA_FLOAT, off + t); // read before dlogits may overwrite it
                scaledSoftmax(xs, dxs, off, off + v, l, g);
                dxs.setAtIndex(JAVA_FLOAT, off + t, g * ((float) Math.exp(xt - l) - 1f));
            }
        });
    }

    /** {@code dx[i] = g·exp(x[i] − lse)}; dx may alias x. */
    static void scaledSoftmax(MemorySegment x, MemorySegment dx, long from, long to, float lse, float g) {
        for (long i = from; i < to; i++) {
            dx.setAtIndex(JAVA_FLOAT, i, g * (float) Math.exp(x.getAtIndex(JAVA_FLOAT, i) - lse));
        }
    }

    static void zero(MemorySegment x, long from, long to) {
        x.asSlice(4 * from, 4 * (to - from)).fill((byte) 0);
    }
}

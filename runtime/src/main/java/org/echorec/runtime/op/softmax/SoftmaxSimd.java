package org.echorec.runtime.op.softmax;

import org.echorec.runtime.backend.cpu.simd.LaneSum;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.echorec.runtime.backend.cpu.Cpu;
import org.echorec.runtime.backend.cpu.Parallel;
import org.echorec.runtime.backend.cpu.simd.SimdSpecies;
import org.echorec.runtime.tensor.Tensor;

/**
 * Softmax and the fused cross-entropy with the Vector API, parallel over rows. The cross-entropy's
 * log-sum-exp is {@link SoftmaxPlain}'s blocked one (note "blocked log-sum-exp") with vector block
 * max and block exp-sums; exp is the JDK's vector intrinsic (PERF_NOTES, 6). Within a block, the float
 * exp-sum has two accumulators of at most BLOCK/(2·lanes) terms each, so its relative error is at most
 * about (BLOCK/(2·lanes) + log₂ lanes)·2⁻²⁴: 1.5e-5 at 128 bits, 4e-6 at 512, whatever V is, since
 * the blocks meet in a double. Softmax's row sums and its backward's dot products are blocked the
 * same way (one accumulator). Scalar tails run the plain helpers.
 */
public final class SoftmaxSimd {
    private static final VectorSpecies<Float> S = SimdSpecies.F;
    private static final int L = S.length();
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private SoftmaxSimd() {}

    private static FloatVector load(MemorySegment m, long i) {
        return FloatVector.fromMemorySegment(S, m, 4L * i, ORDER);
    }

    private static void store(FloatVector v, MemorySegment m, long i) {
        v.intoMemorySegment(m, 4L * i, ORDER);
    }

    /** End of the whole vectors of {@code [from, to)}. */
    private static long vectorEnd(long from, long to) {
        return from + (to - from) / L * L;
    }

    // ------------------------------------------------------------------ softmax

    public static void softmax(Tensor x, Tensor y) {
        int v = x.dim(-1);
        MemorySegment xs = Cpu.data(x);
        MemorySegment ys = Cpu.data(y);
        Parallel.forRange(SoftmaxPlain.rows(x), SoftmaxPlain.rowGrain(v), (from, to) -> {
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
        Parallel.forRange(SoftmaxPlain.rows(y), SoftmaxPlain.rowGrain(v), (from, to) -> {
            for (int r = from; r < to; r++) {
                long off = (long) r * v;
                float dot = (float) dot(ys, dys, off, off + v);
                softmaxDx(ys, dys, dxs, off, off + v, dot);
            }
        });
    }

    /** The larger of {@code start} and every x[i], i in {@code [from, to)}; NaN if any is NaN. */
    private static float max(MemorySegment x, long from, long to, float start) {
        long e = vectorEnd(from, to);
        FloatVector m0 = FloatVector.broadcast(S, start);
        FloatVector m1 = m0;
        long i = from;
        for (; i + 2L * L <= e; i += 2L * L) {
            m0 = m0.max(load(x, i));
            m1 = m1.max(load(x, i + L));
        }
        if (i < e) {
            m0 = m0.max(load(x, i));
        }
        float m = m0.max(m1).reduceLanes(VectorOperators.MAX);
        return SoftmaxPlain.max(x, e, to, m);
    }

    /** {@code y[i] = exp(x[i] − m)}; returns their sum, in float per block and double across blocks. */
    private static double expInto(MemorySegment x, MemorySegment y, long from, long to, float m) {
        long e = vectorEnd(from, to);
        FloatVector mv = FloatVector.broadcast(S, m);
        double total = 0;
        for (long b = from; b < e; b += SoftmaxPlain.BLOCK) {
            long blockEnd = Math.min(e, b + SoftmaxPlain.BLOCK);
            FloatVector s = FloatVector.zero(S);
            for (long i = b; i < blockEnd; i += L) {
                FloatVector ex = load(x, i).sub(mv).lanewise(VectorOperators.EXP);
                store(ex, y, i);
                s = s.add(ex);
            }
            total += LaneSum.of(s);
        }
        return total + SoftmaxPlain.expInto(x, y, e, to, m);
    }

    private static void scale(MemorySegment y, long from, long to, float c) {
        long e = vectorEnd(from, to);
        for (long i = from; i < e; i += L) {
            store(load(y, i).mul(c), y, i);
        }
        SoftmaxPlain.scale(y, e, to, c);
    }

    /** Σ a[i]·b[i], in float per block and double across blocks. */
    private static double dot(MemorySegment a, MemorySegment b, long from, long to) {
        long e = vectorEnd(from, to);
        double total = 0;
        for (long k = from; k < e; k += SoftmaxPlain.BLOCK) {
            long blockEnd = Math.min(e, k + SoftmaxPlain.BLOCK);
            FloatVector s = FloatVector.zero(S);
            for (long i = k; i < blockEnd; i += L) {
                s = load(a, i).fma(load(b, i), s);
            }
            total += LaneSum.of(s);
        }
        return total + SoftmaxPlain.dot(a, b, e, to);
    }

    private static void softmaxDx(MemorySegment y, MemorySegment dy, MemorySegment dx, long from, long to, float dot) {
        long e = vectorEnd(from, to);
        for (long i = from; i < e; i += L) {
            store(load(y, i).mul(load(dy, i).sub(dot)), dx, i);
        }
        SoftmaxPlain.softmaxDx(y, dy, dx, e, to, dot);
    }

    // ------------------------------------------------------------------ cross-entropy

    public static void crossEntropy(Tensor logits, Tensor targets, Tensor loss, Tensor lse) {
        int rows = logits.dim(0);
        int v = logits.dim(1);
        MemorySegment xs = Cpu.data(logits);
        MemorySegment ts = Cpu.data(targets);
        MemorySegment ls = Cpu.data(loss);
        MemorySegment lses = Cpu.data(lse);
        SoftmaxPlain.checkTargets("crossEntropy", ts, rows, v);
        Parallel.forRange(rows, SoftmaxPlain.rowGrain(v), (from, to) -> {
            for (int r = from; r < to; r++) {
                long off = (long) r * v;
                double l = logSumExp(xs, off, v);
                int t = ts.getAtIndex(JAVA_INT, r);
                lses.setAtIndex(JAVA_FLOAT, r, (float) l);
                ls.setAtIndex(JAVA_FLOAT, r, t < 0 ? 0f : (float) (l - xs.getAtIndex(JAVA_FLOAT, off + t)));
            }
        });
    }

    /** As {@link SoftmaxPlain#logSumExp}, with vector block max and exp-sum. */
    private static double logSumExp(MemorySegment x, long off, int v) {
        float m = Float.NEGATIVE_INFINITY;
        double sum = 0;
        for (int b = 0; b < v; b += SoftmaxPlain.BLOCK) {
            long from = off + b;
            long to = off + Math.min(v, b + SoftmaxPlain.BLOCK);
            float bm = max(x, from, to, m);
            if (bm == Float.NEGATIVE_INFINITY) {
                continue;
            }
            sum = sum * Math.exp(m - bm) + expSum(x, from, to, bm);
            m = bm;
        }
        return m + Math.log(sum);
    }

    /** Σ exp(x[i] − m) for i in {@code [from, to)}, two accumulators. */
    private static double expSum(MemorySegment x, long from, long to, float m) {
        long e = vectorEnd(from, to);
        FloatVector mv = FloatVector.broadcast(S, m);
        FloatVector s0 = FloatVector.zero(S);
        FloatVector s1 = FloatVector.zero(S);
        long i = from;
        for (; i + 2L * L <= e; i += 2L * L) {
            s0 = s0.add(load(x, i).sub(mv).lanewise(VectorOperators.EXP));
            s1 = s1.add(load(x, i + L).sub(mv).lanewise(VectorOperators.EXP));
        }
        if (i < e) {
            s0 = s0.add(load(x, i).sub(mv).lanewise(VectorOperators.EXP));
        }
        return LaneSum.of(s0.add(s1)) + SoftmaxPlain.expSum(x, e, to, m);
    }

    public static void crossEntropyBackward(Tensor logits, Tensor targets, Tensor lse, Tensor dloss, Tensor dlogits) {
        int rows = logits.dim(0);
        int v = logits.dim(1);
        MemorySegment xs = Cpu.data(logits);
        MemorySegment ts = Cpu.data(targets);
        MemorySegment lses = Cpu.data(lse);
        MemorySegment dls = Cpu.data(dloss);
        MemorySegment dxs = Cpu.data(dlogits);
        SoftmaxPlain.checkTargets("crossEntropyBackward", ts, rows, v);
        Parallel.forRange(rows, SoftmaxPlain.rowGrain(v), (from, to) -> {
            for (int r = from; r < to; r++) {
                long off = (long) r * v;
                int t = ts.getAtIndex(JAVA_INT, r);
                if (t < 0) {
                    SoftmaxPlain.zero(dxs, off, off + v);
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
    private static void scaledSoftmax(MemorySegment x, MemorySegment dx, long from, long to, float lse, float g) {
        long e = vectorEnd(from, to);
        FloatVector lv = FloatVector.broadcast(S, lse);
        for (long i = from; i < e; i += L) {
            store(load(x, i).sub(lv).lanewise(VectorOperators.EXP).mul(g), dx, i);
        }
        SoftmaxPlain.scaledSoftmax(x, dx, e, to, lse, g);
    }
}

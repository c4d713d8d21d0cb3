package org.echorec.runtime.op.reduce;

import org.echorec.runtime.backend.cpu.simd.LaneSum;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.echorec.runtime.backend.cpu.Cpu;
import org.echorec.runtime.backend.cpu.Parallel;
import org.echorec.runtime.backend.cpu.simd.SimdSpecies;
import org.echorec.runtime.tensor.Shape;
import org.echorec.runtime.tensor.Tensor;

/**
 * Axis sums and their adjoint with the Vector API, split into tasks as {@link SumPlan} says.
 *
 * <p>Note: blocked accumulation. Float vector accumulators add at most {@link #FLUSH} values per lane
 * before their block sum is added into a double (a register for row sums, a per-thread array for
 * column sums). A block's float rounding error is bounded by about {@code (FLUSH + log₂ lanes + 2)·2⁻²⁴}
 * of the block's Σ|x|, so the error of the whole sum does not grow with n the way a plain float
 * running sum's does (n·2⁻²⁴), while the inner loops stay float (twice the lanes of double) and the
 * double adds cost one per {@code FLUSH} vectors. Row sums (inner = 1) keep four accumulators for
 * the adds' latency; column sums (inner > 1) are vectorised across the columns, four vectors wide.
 */
public final class ReduceSimd {
    private static final VectorSpecies<Float> S = SimdSpecies.F;
    private static final int L = S.length();
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    /** Values per lane a float accumulator adds before it is flushed into double. */
    static final int FLUSH = 64;

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** Per-thread arrays of a column-sum task: double sums of one column block, one flushed vector. */
    private static final class Scratch {
        final double[] sums = new double[SumPlan.COLUMN_BLOCK];
        final float[] lanes = new float[L];
    }

    private ReduceSimd() {}

    public static void sum(Tensor x, int axis, float scale, Tensor out) {
        MemorySegment xs = Cpu.data(x);
        SumPlan plan = new SumPlan(x.shape(), axis, Cpu.data(out), scale);
        Parallel.forRange(plan.tasks(), plan.grain(), (from, to) -> {
            Scratch scratch = SCRATCH.get();
            for (int t = from; t < to; t++) {
                task(plan, xs, t, scratch);
            }
        });
        plan.finish();
    }

    private static void task(SumPlan p, MemorySegment x, int t, Scratch scratch) {
        int o = p.outerIndex(t);
        int r0 = p.rowFrom(t);
        int rows = p.rowTo(t) - r0;
        if (p.inner == 1) {
            p.emit(t, o, 0, rowSum(x, p.base(o, r0), rows));
            return;
        }
        int j0 = p.columnFrom(t);
        int j1 = p.columnTo(t);
        double[] acc = scratch.sums;
        Arrays.fill(acc, 0, j1 - j0, 0.0);
        long base = p.base(o, r0);
        int j = j0;
        for (; j + 4 * L <= j1; j += 4 * L) {
            fourColumnVectors(x, base, rows, p.inner, j, acc, j - j0, scratch.lanes);
        }
        for (; j + L <= j1; j += L) {
            oneColumnVector(x, base, rows, p.inner, j, acc, j - j0, scratch.lanes);
        }
        ReducePlain.columnSums(x, base, rows, p.inner, j, j1, acc, j0);
        for (int c = j0; c < j1; c++) {
            p.emit(t, o, c, acc[c - j0]);
        }
    }

    private static FloatVector load(MemorySegment m, long i) {
        return FloatVector.fromMemorySegment(S, m, 4L * i, ORDER);
    }

    private static void store(FloatVector v, MemorySegment m, long i) {
        v.intoMemorySegment(m, 4L * i, ORDER);
    }

    /** Σ x[from + i] for i < len: float blocks of {@link #FLUSH} vectors per accumulator, added in double. */
    private static double rowSum(MemorySegment x, long from, int len) {
        long end = from + len;
        long i = from;
        double total = 0;
        while (end - i >= 4L * L) {
            long blockEnd = i + Math.min((end - i) / (4L * L), FLUSH) * 4L * L;
            FloatVector s0 = FloatVector.zero(S);
            FloatVector s1 = FloatVector.zero(S);
            FloatVector s2 = FloatVector.zero(S);
            FloatVector s3 = FloatVector.zero(S);
            for (; i < blockEnd; i += 4L * L) {
                s0 = s0.add(load(x, i));
                s1 = s1.add(load(x, i + L));
                s2 = s2.add(load(x, i + 2L * L));
                s3 = s3.add(load(x, i + 3L * L));
            }
            total += LaneSum.of(s0.add(s1).add(s2.add(s3)));
        }
        FloatVector s = FloatVector.zero(S);
        for (; i + L <= end; i += L) {
            s = s.add(load(x, i));
        }
        total += LaneSum.of(s);
        return total + ReducePlain.rowSum(x, i, (int) (end - i));
    }

    /** {@code acc[at + k] += Σ_i x[base + i·stride + j + k]} for k < 4·lanes. */
    private static void fourColumnVectors(MemorySegment x, long base, int rows, int stride, int j, double[] acc, int at,
                                          float[] lanes) {
        for (int i0 = 0; i0 < rows; i0 += FLUSH) {
            int i1 = Math.min(rows, i0 + FLUSH);
            FloatVector s0 = FloatVector.zero(S);
            FloatVector s1 = FloatVector.zero(S);
            FloatVector s2 = FloatVector.zero(S);
            FloatVector s3 = FloatVector.zero(S);
            for (int i = i0; i < i1; i++) {
                long row = base + (long) i * stride + j;
                s0 = s0.add(load(x, row));
                s1 = s1.add(load(x, row + L));
                s2 = s2.add(load(x, row + 2L * L));
                s3 = s3.add(load(x, row + 3L * L));
            }
            flush(s0, acc, at, lanes);
            flush(s1, acc, at + L, lanes);
            flush(s2, acc, at + 2 * L, lanes);
            flush(s3, acc, at + 3 * L, lanes);
        }
    }

    /** {@code acc[at + k] += Σ_i x[base + i·stride + j + k]} for k < lanes. */
    private static void oneColumnVector(MemorySegment x, long base, int rows, int stride, int j, double[] acc, int at,
                                        float[] lanes) {
        for (int i0 = 0; i0 < rows; i0 += FLUSH) {
            int i1 = Math.min(rows, i0 + FLUSH);
            FloatVector s = FloatVector.zero(S);
            for (int i = i0; i < i1; i++) {
                s = s.add(load(x, base + (long) i * stride + j));
            }
            flush(s, acc, at, lanes);
        }
    }

    private static void flush(FloatVector v, double[] acc, int at, float[] lanes) {
        v.intoArray(lanes, 0);
        for (int k = 0; k < L; k++) {
            acc[at + k] += lanes[k];
        }
    }

    // ------------------------------------------------------------------ broadcastAxis

    public static void broadcastAxis(Tensor dy, int axis, float scale, Tensor dx) {
        int[] shape = dx.shape();
        int n = shape[axis];
        int inner = (int) Shape.numel(shape, axis + 1, shape.length);
        MemorySegment ys = Cpu.data(dy);
        MemorySegment xs = Cpu.data(dx);
        Parallel.forRange(Math.toIntExact(dx.numel()), ReducePlain.GRAIN, (from, to) -> {
            if (inner == 1) {
                broadcastRows(ys, xs, n, scale, from, to);
            } else {
                broadcastColumns(ys, xs, n, inner, scale, from, to);
            }
        });
    }

    private static void broadcastRows(MemorySegment dy, MemorySegment dx, int n, float scale, int from, int to) {
        for (int e = from; e < to; ) {
            int o = e / n;
            int end = (int) Math.min(to, (long) (o + 1) * n);
            float value = scale * dy.getAtIndex(JAVA_FLOAT, o);
            FloatVector v = FloatVector.broadcast(S, value);
            int i = e;
            for (int stop = e + S.loopBound(end - e); i < stop; i += L) {
                store(v, dx, i);
            }
            ReducePlain.fill(dx, i, end, value);
            e = end;
        }
    }

    private static void broadcastColumns(MemorySegment dy, MemorySegment dx, int n, int inner, float scale,
                                         int from, int to) {
        for (int e = from; e < to; ) {
            int row = e / inner;
            int j = e - row * inner;
            int len = Math.min(to - e, inner - j);
            long src = (long) (row / n) * inner + j;
            int k = 0;
            for (int stop = S.loopBound(len); k < stop; k += L) {
                store(load(dy, src + k).mul(scale), dx, e + k);
            }
            ReducePlain.scaledCopy(dy, src + k, dx, e + k, len - k, scale);
            e += len;
        }
    }
}

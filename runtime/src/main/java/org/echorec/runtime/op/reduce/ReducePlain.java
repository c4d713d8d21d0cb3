package org.echorec.runtime.op.reduce;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.echorec.runtime.backend.cpu.Cpu;
import org.echorec.runtime.backend.cpu.Parallel;
import org.echorec.runtime.tensor.Shape;
import org.echorec.runtime.tensor.Tensor;

/**
 * Sum over one axis and its adjoint in plain Java; sums accumulate in double. The split into tasks is
 * {@link SumPlan}'s (column sums walk rows in memory order, long sums are chunked across threads);
 * {@link #rowSum}, {@link #columnSums}, {@link #fill} and {@link #scaledCopy} are also the SIMD
 * kernels' tails.
 */
public final class ReducePlain {
    static final int GRAIN = 1 << 14;
    private static final ThreadLocal<double[]> COLUMNS = ThreadLocal.withInitial(() -> new double[SumPlan.COLUMN_BLOCK]);

    private ReducePlain() {}

    public static void sum(Tensor x, int axis, float scale, Tensor out) {
        MemorySegment xs = Cpu.data(x);
        SumPlan plan = new SumPlan(x.shape(), axis, Cpu.data(out), scale);
        Parallel.forRange(plan.tasks(), plan.grain(), (from, to) -> {
            double[] acc = COLUMNS.get();
            for (int t = from; t < to; t++) {
                task(plan, xs, t, acc);
            }
        });
        plan.finish();
    }

    private static void task(SumPlan p, MemorySegment x, int t, double[] acc) {
        int o = p.outerIndex(t);
        int r0 = p.rowFrom(t);
        int rows = p.rowTo(t) - r0;
        if (p.inner == 1) {
            p.emit(t, o, 0, rowSum(x, p.base(o, r0), rows));
            return;
        }
        int j0 = p.columnFrom(t);
        int j1 = p.columnTo(t);
        Arrays.fill(acc, 0, j1 - j0, 0.0);
        columnSums(x, p.base(o, r0), rows, p.inner, j0, j1, acc, j0);
        for (int j = j0; j < j1; j++) {
            p.emit(t, o, j, acc[j - j0]);
        }
    }

    /** Σ x[from + i] for i < len, in double. */
    static double rowSum(MemorySegment x, long from, int len) {
        double s = 0;
        for (int i = 0; i < len; i++) {
            s += x.getAtIndex(JAVA_FLOAT, from + i);
        }
        return s;
    }

    /**
     * {@code acc[j − accBase] += Σ_i x[base + i·stride + j]} for rows i < rows and columns j in
     * {@code [j0, j1)}, row by row so memory is read in order.
     */
    static void columnSums(MemorySegment x, long base, int rows, int stride, int j0, int j1, double[] acc, int accBase) {
        for (int i = 0; i < rows; i++) {
            long row = base + (long) i * stride;
            for (int j = j0; j < j1; j++) {
                acc[j - accBase] += x.getAtIndex(JAVA_FLOAT, row + j);
            }
        }
    }

    public static void broadcastAxis(Tensor dy, int axis, float scale, Tensor dx) {
        int[] shape = dx.shape();
        int n = shape[axis];
        int inner = (int) Shape.numel(shape, axis + 1, shape.length);
        MemorySegment ys = Cpu.data(dy);
        MemorySegment xs = Cpu.data(dx);
        Parallel.forRange(Math.toIntExact(dx.numel()), GRAIN, (from, to) -> {
            if (inner == 1) {
                broadcastRows(ys, xs, n, scale, from, to);
            } else {
                broadcastColumns(ys, xs, n, inner, scale, from, to);
            }
        });
    }

    /** Elements {@code [from, to)} of dx {@code [outer, n]}: row o is {@code scale·dy[o]}. */
    private static void broadcastRows(MemorySegment dy, MemorySegment dx, int n, float scale, int from, int to) {
        for (int e = from; e < to; ) {
            int o = e / n;
            int end = (int) Math.min(to, (long) (o + 1) * n);
            fill(dx, e, end, scale * dy.getAtIndex(JAVA_FLOAT, o));
            e = end;
        }
    }

    /** Elements {@code [from, to)} of dx {@code [outer, n, inner]}: each row is {@code scale·dy[o, :]}. */
    private static void broadcastColumns(MemorySegment dy, MemorySegment dx, int n, int inner, float scale,
                                         int from, int to) {
        for (int e = from; e < to; ) {
            int row = e / inner;
            int j = e - row * inner;
            int len = Math.min(to - e, inner - j);
            scaledCopy(dy, (long) (row / n) * inner + j, dx, e, len, scale);
            e += len;
        }
    }

    /** {@code dst[i] = value} for i in {@code [from, to)}. */
    static void fill(MemorySegment dst, int from, int to, float value) {
        for (int i = from; i < to; i++) {
            dst.setAtIndex(JAVA_FLOAT, i, value);
        }
    }

    /** {@code dst[at + k] = scale·src[from + k]} for k < len. */
    static void scaledCopy(MemorySegment src, long from, MemorySegment dst, long at, int len, float scale) {
        for (int k = 0; k < len; k++) {
            dst.setAtIndex(JAVA_FLOAT, at + k, scale * src.getAtIndex(JAVA_FLOAT, from + k));
        }
    }
}

package org.echorec.runtime.op.fft;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.echorec.runtime.backend.cpu.Cpu;
import org.echorec.runtime.backend.cpu.Parallel;
import org.echorec.runtime.tensor.Tensor;

/**
 * The complex product with a broadcast weight and its gradients, in plain Java.
 *
 * <p>Note: weight gradient order. {@code dw = Σ_rows dout·conj(a)} is a sum over the leading axes.
 * Rather than per-thread partial sums (whose grouping, and so whose rounding, would depend on the
 * thread count), the weight's floats are cut into column blocks of {@link #COLUMNS} and each thread
 * owns whole blocks, summing every row in order into an accumulator that stays in L1. Every element
 * of dw is then the same float sum, in the same order, on any machine and thread count, and the SIMD
 * kernels ({@code ComplexMulSimd}) sum in that order too. Each row of a block is a contiguous 4 KiB
 * read, so the strided sweep still streams; da, when asked for, is written in the same pass.
 */
final class ComplexMulPlain {
    /** Floats of the weight per column block of the dw sweep (even, a multiple of every vector length). */
    static final int COLUMNS = 1024;
    /** Complex elements below which an elementwise range is not split across threads. */
    static final int GRAIN = 1 << 14;

    private static final ThreadLocal<float[]> ACCUMULATORS = ThreadLocal.withInitial(() -> new float[2 * COLUMNS]);

    private ComplexMulPlain() {}

    /** This thread's dw accumulators for one column block: two halves of {@link #COLUMNS} floats. */
    static float[] accumulators() {
        return ACCUMULATORS.get();
    }

    static void forward(Tensor a, Tensor w, Tensor out) {
        MemorySegment as = Cpu.data(a);
        MemorySegment ws = Cpu.data(w);
        MemorySegment os = Cpu.data(out);
        int row = Math.toIntExact(w.numel());
        Parallel.forRange(Math.toIntExact(a.numel() / 2), GRAIN, (from, to) -> {
            for (long i = 2L * from, end = 2L * to; i < end; ) {
                int col = (int) (i % row);
                int len = (int) Math.min(end - i, row - col);
                multiply(as, ws, os, i, col, len);
                i += len;
            }
        });
    }

    static void backward(Tensor a, Tensor w, Tensor dout, Tensor da, Tensor dw) {
        MemorySegment as = Cpu.data(a);
        MemorySegment ws = Cpu.data(w);
        MemorySegment ds = Cpu.data(dout);
        MemorySegment das = Cpu.dataOrNull(da);
        int row = Math.toIntExact(w.numel());
        if (dw == null) {
            if (da != null) {
                Parallel.forRange(Math.toIntExact(a.numel() / 2), GRAIN, (from, to) -> {
                    for (long i = 2L * from, end = 2L * to; i < end; ) {
                        int col = (int) (i % row);
                        int len = (int) Math.min(end - i, row - col);
                        multiplyConj(ds, ws, das, i, col, len);
                        i += len;
                    }
                });
            }
            return;
        }
        MemorySegment dws = Cpu.data(dw);
        int rows = Math.toIntExact(a.numel() / row);
        int blocks = (row + COLUMNS - 1) / COLUMNS;
        Parallel.forRange(blocks, 1, (from, to) -> {
            float[] acc = accumulators();
            for (int b = from; b < to; b++) {
                int col = b * COLUMNS;
                int len = Math.min(COLUMNS, row - col);
                Arrays.fill(acc, 0f);
                for (int r = 0; r < rows; r++) {
                    long at = (long) r * row + col;
                    if (das != null) {
                        multiplyConj(ds, ws, das, at, col, len);
                    }
                    accumulate(ds, as, at, 0, len, acc);
                }
                reduce(acc, len, dws, col);
            }
        });
    }

    /** {@code out = a·w} over {@code len} floats from a's float {@code at} and w's float {@code col}. */
    static void multiply(MemorySegment as, MemorySegment ws, MemorySegment os, long at, int col, int len) {
        for (int i = 0; i < len; i += 2) {
            float ar = as.getAtIndex(JAVA_FLOAT, at + i);
            float ai = as.getAtIndex(JAVA_FLOAT, at + i + 1);
            float wr = ws.getAtIndex(JAVA_FLOAT, col + i);
            float wi = ws.getAtIndex(JAVA_FLOAT, col + i + 1);
            os.setAtIndex(JAVA_FLOAT, at + i, ar * wr - ai * wi);
            os.setAtIndex(JAVA_FLOAT, at + i + 1, ar * wi + ai * wr);
        }
    }

    /** {@code da = dout·conj(w)}, laid out as {@link #multiply}. */
    static void multiplyConj(MemorySegment ds, MemorySegment ws, MemorySegment das, long at, int col, int len) {
        for (int i = 0; i < len; i += 2) {
            float dr = ds.getAtIndex(JAVA_FLOAT, at + i);
            float di = ds.getAtIndex(JAVA_FLOAT, at + i + 1);
            float wr = ws.getAtIndex(JAVA_FLOAT, col + i);
            float wi = ws.getAtIndex(JAVA_FLOAT, col + i + 1);
            das.setAtIndex(JAVA_FLOAT, at + i, dr * wr + di * wi);
            das.setAtIndex(JAVA_FLOAT, at + i + 1, di * wr - dr * wi);
        }
    }

    /**
     * Adds one row's terms of {@code dout·conj(a)}, floats {@code [start, len)} of the block, in the
     * split form the SIMD kernel uses:
     * {@code acc[i] += dout[i]·a[i]} and {@code acc[COLUMNS + i] += swap(dout)[i]·a[i]}, so that
     * {@code Re dw = acc[2p] + acc[2p+1]} and {@code Im dw = acc[C+2p] − acc[C+2p+1]} (see {@link #reduce}).
     */
    static void accumulate(MemorySegment ds, MemorySegment as, long at, int start, int len, float[] acc) {
        for (int i = start; i < len; i += 2) {
            float dr = ds.getAtIndex(JAVA_FLOAT, at + i);
            float di = ds.getAtIndex(JAVA_FLOAT, at + i + 1);
            float ar = as.getAtIndex(JAVA_FLOAT, at + i);
            float ai = as.getAtIndex(JAVA_FLOAT, at + i + 1);
            acc[i] += dr * ar;
            acc[i + 1] += di * ai;
            acc[COLUMNS + i] += di * ar;
            acc[COLUMNS + i + 1] += dr * ai;
        }
    }

    /** Folds a block's accumulators into dw. */
    static void reduce(float[] acc, int len, MemorySegment dws, int col) {
        for (int i = 0; i < len; i += 2) {
            dws.setAtIndex(JAVA_FLOAT, col + i, acc[i] + acc[i + 1]);
            dws.setAtIndex(JAVA_FLOAT, col + i + 1, acc[COLUMNS + i] - acc[COLUMNS + i + 1]);
        }
    }
}

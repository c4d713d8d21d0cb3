package org.echorec.runtime.op.fft;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;
import org.echorec.runtime.backend.cpu.Cpu;
import org.echorec.runtime.backend.cpu.Parallel;
import org.echorec.runtime.backend.cpu.simd.SimdSpecies;
import org.echorec.runtime.tensor.Tensor;

/**
 * The complex product and its gradients with the Vector API, on the interleaved (re, im) layout.
 *
 * <p>Note: interleaved products. With {@code w'} the weight with each real part copied into both
 * lanes of its pair and {@code w''} its imaginary parts as {@code (−wi, +wi)}, the product of a vector
 * of interleaved pairs is {@code a·w' + swap(a)·w''} (swap exchanges the lanes of each pair): one
 * permute, one multiply, one FMA per vector. w' and w'' are built once per call, since w is broadcast
 * over every leading row. {@code da = dout·conj(w) = dout·w' − swap(dout)·w''}. The weight gradient
 * keeps {@code Σ dout·a} and {@code Σ swap(dout)·a} per lane and folds pairs at the end, in the
 * column-block order of {@link ComplexMulPlain} (its note). Tails run the plain loops.
 */
final class ComplexMulSimd {
    private static final VectorSpecies<Float> S = SimdSpecies.F;
    private static final int L = S.length();
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final VectorShuffle<Float> SWAP = VectorShuffle.fromOp(S, i -> i ^ 1);

    private ComplexMulSimd() {}

    /** The weight in the two broadcast forms of the class note, per calling thread. */
    private static final class Prepared {
        float[] re = new float[0];
        float[] im = new float[0];

        Prepared of(MemorySegment ws, int row) {
            if (re.length < row) {
                re = new float[row];
                im = new float[row];
            }
            for (int i = 0; i < row; i += 2) {
                float wr = ws.getAtIndex(JAVA_FLOAT, i);
                float wi = ws.getAtIndex(JAVA_FLOAT, i + 1);
                re[i] = wr;
                re[i + 1] = wr;
                im[i] = -wi;
                im[i + 1] = wi;
            }
            return this;
        }
    }

    private static final ThreadLocal<Prepared> PREPARED = ThreadLocal.withInitial(Prepared::new);

    static void forward(Tensor a, Tensor w, Tensor out) {
        MemorySegment as = Cpu.data(a);
        MemorySegment ws = Cpu.data(w);
        MemorySegment os = Cpu.data(out);
        int row = Math.toIntExact(w.numel());
        Prepared p = PREPARED.get().of(ws, row);
        Parallel.forRange(Math.toIntExact(a.numel() / 2), ComplexMulPlain.GRAIN, (from, to) -> {
            for (long i = 2L * from, end = 2L * to; i < end; ) {
                int col = (int) (i % row);
                int len = (int) Math.min(end - i, row - col);
                multiply(as, p.re, p.im, ws, os, i, col, len);
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
        Prepared p = PREPARED.get().of(ws, row);
        if (dw == null) {
            if (da != null) {
                Parallel.forRange(Math.toIntExact(a.numel() / 2), ComplexMulPlain.GRAIN, (from, to) -> {
                    for (long i = 2L * from, end = 2L * to; i < end; ) {
                        int col = (int) (i % row);
                        int len = (int) Math.min(end - i, row - col);
                        multiplyConj(ds, p.re, p.im, ws, das, i, col, len);
                        i += len;
                    }
                });
            }
            return;
        }
        MemorySegment dws = Cpu.data(dw);
        int rows = Math.toIntExact(a.numel() / row);
        int cols = ComplexMulPlain.COLUMNS;
        Parallel.forRange((row + cols - 1) / cols, 1, (from, to) -> {
            float[] acc = ComplexMulPlain.accumulators();
            for (int b = from; b < to; b++) {
                int col = b * cols;
                int len = Math.min(cols, row - col);
                Arrays.fill(acc, 0f);
                for (int r = 0; r < rows; r++) {
                    long at = (long) r * row + col;
                    if (das != null) {
                        multiplyConj(ds, p.re, p.im, ws, das, at, col, len);
                    }
                    accumulate(ds, as, at, len, acc);
                }
                ComplexMulPlain.reduce(acc, len, dws, col);
            }
        });
    }

    /** {@code out = a·w} over len floats from a's float at, w's float col (class note). */
    private static void multiply(MemorySegment as, float[] wRe, float[] wIm, MemorySegment ws, MemorySegment os,
                                 long at, int col, int len) {
        int i = 0;
        for (int end = S.loopBound(len); i < end; i += L) {
            FloatVector v = FloatVector.fromMemorySegment(S, as, 4 * (at + i), ORDER);
            FloatVector im = v.rearrange(SWAP).mul(FloatVector.fromArray(S, wIm, col + i));
            v.fma(FloatVector.fromArray(S, wRe, col + i), im).intoMemorySegment(os, 4 * (at + i), ORDER);
        }
        ComplexMulPlain.multiply(as, ws, os, at + i, col + i, len - i);
    }

    /** {@code da = dout·conj(w)}, laid out as {@link #multiply}. */
    private static void multiplyConj(MemorySegment ds, float[] wRe, float[] wIm, MemorySegment ws, MemorySegment das,
                                     long at, int col, int len) {
        int i = 0;
        for (int end = S.loopBound(len); i < end; i += L) {
            FloatVector v = FloatVector.fromMemorySegment(S, ds, 4 * (at + i), ORDER);
            FloatVector im = v.rearrange(SWAP).mul(FloatVector.fromArray(S, wIm, col + i));
            v.fma(FloatVector.fromArray(S, wRe, col + i), im.neg()).intoMemorySegment(das, 4 * (at + i), ORDER);
        }
        ComplexMulPlain.multiplyConj(ds, ws, das, at + i, col + i, len - i);
    }

    /** {@link ComplexMulPlain}'s accumulate: {@code acc += dout·a}, {@code acc[COLUMNS..] += swap(dout)·a}. */
    private static void accumulate(MemorySegment ds, MemorySegment as, long at, int len, float[] acc) {
        int cols = ComplexMulPlain.COLUMNS;
        int i = 0;
        for (int end = S.loopBound(len); i < end; i += L) {
            FloatVector d = FloatVector.fromMemorySegment(S, ds, 4 * (at + i), ORDER);
            FloatVector x = FloatVector.fromMemorySegment(S, as, 4 * (at + i), ORDER);
            d.fma(x, FloatVector.fromArray(S, acc, i)).intoArray(acc, i);
            d.rearrange(SWAP).fma(x, FloatVector.fromArray(S, acc, cols + i)).intoArray(acc, cols + i);
        }
        ComplexMulPlain.accumulate(ds, as, at, i, len, acc);
    }
}

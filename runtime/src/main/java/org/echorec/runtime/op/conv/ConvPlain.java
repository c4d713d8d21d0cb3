package org.echorec.runtime.op.conv;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;
import org.echorec.runtime.backend.cpu.Cpu;
import org.echorec.runtime.backend.cpu.Parallel;
import org.echorec.runtime.tensor.Tensor;

/**
 * Depthwise causal convolution over [B, L, C] in plain Java, parallel over batch rows.
 *
 * <p>Note: weight gradient. dw and dbias sum over every batch row; each thread sums its rows into a
 * private buffer and the buffers are added in thread order afterwards, so the result does not depend
 * on scheduling.
 */
public final class ConvPlain {
    private ConvPlain() {}

    public static void causalConv1d(Tensor x, Tensor w, Tensor bias, Tensor y) {
        int batch = x.dim(0);
        int length = x.dim(1);
        int channels = x.dim(2);
        int kernel = w.dim(1);
        MemorySegment xs = Cpu.data(x);
        MemorySegment ws = Cpu.data(w);
        MemorySegment bs = Cpu.dataOrNull(bias);
        MemorySegment ys = Cpu.data(y);
        Parallel.forRange(batch, 1, (from, to) -> {
            for (int b = from; b < to; b++) {
                long row = (long) b * length * channels;
                for (int t = 0; t < length; t++) {
                    for (int c = 0; c < channels; c++) {
                        float acc = bs == null ? 0f : bs.getAtIndex(JAVA_FLOAT, c);
                        for (int k = Math.max(0, kernel - 1 - t); k < kernel; k++) {
                            long src = row + (long) (t - kernel + 1 + k) * channels + c;
                            acc += ws.getAtIndex(JAVA_FLOAT, (long) c * kernel + k) * xs.getAtIndex(JAVA_FLOAT, src);
                        }
                        ys.setAtIndex(JAVA_FLOAT, row + (long) t * channels + c, acc);
                    }
                }
            }
        });
    }

    public static void causalConv1dBackward(Tensor x, Tensor w, Tensor dy, Tensor dx, Tensor dw, Tensor dbias) {
        int batch = x.dim(0);
        int length = x.dim(1);
        int channels = x.dim(2);
        int kernel = w.dim(1);
        MemorySegment xs = Cpu.data(x);
        MemorySegment ws = Cpu.data(w);
        MemorySegment gs = Cpu.data(dy);
        MemorySegment dxs = Cpu.dataOrNull(dx);
        boolean params = dw != null || dbias != null;
        WeightPartials partials = new WeightPartials(channels, kernel);
        Parallel.forRange(batch, 1, (from, to) -> {
            double[] part = params ? partials.forRange(from) : null;
            for (int b = from; b < to; b++) {
                long row = (long) b * length * channels;
                for (int s = 0; s < length; s++) {
                    for (int c = 0; c < channels; c++) {
                        float xv = xs.getAtIndex(JAVA_FLOAT, row + (long) s * channels + c);
                        float acc = 0f;
                        for (int k = 0; k < kernel; k++) {
                            int t = s + kernel - 1 - k; // the output that saw x[s] through tap k
                            if (t >= length) {
                                continue;
                            }
                            float g = gs.getAtIndex(JAVA_FLOAT, row + (long) t * channels + c);
                            acc += ws.getAtIndex(JAVA_FLOAT, (long) c * kernel + k) * g;
                            if (part != null) {
                                part[c * kernel + k] += (double) g * xv;
                            }
                        }
                        if (dxs != null) {
                            dxs.setAtIndex(JAVA_FLOAT, row + (long) s * channels + c, acc);
                        }
                        if (part != null) {
                            part[channels * kernel + c] += gs.getAtIndex(JAVA_FLOAT, row + (long) s * channels + c);
                        }
                    }
                }
            }
        });
        if (params) {
            partials.writeTo(dw, dbias);
        }
    }
}

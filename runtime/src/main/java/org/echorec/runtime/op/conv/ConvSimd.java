package org.echorec.runtime.op.conv;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.echorec.runtime.backend.cpu.Cpu;
import org.echorec.runtime.backend.cpu.Parallel;
import org.echorec.runtime.backend.cpu.simd.SimdSpecies;
import org.echorec.runtime.tensor.Tensor;

/**
 * Depthwise causal convolution with the Vector API: channels are contiguous in [B, L, C], so a vector
 * holds consecutive channels and every tap is one fused multiply-add. The weight is transposed once
 * per call to [K, C] so a tap's weights are one vector load. Weight gradients are summed per batch row
 * in float vectors (L terms) and then per thread in double, as in {@link ConvPlain}.
 */
public final class ConvSimd {
    private static final VectorSpecies<Float> S = SimdSpecies.F;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private ConvSimd() {}

    public static void causalConv1d(Tensor x, Tensor w, Tensor bias, Tensor y) {
        int batch = x.dim(0);
        int length = x.dim(1);
        int channels = x.dim(2);
        int kernel = w.dim(1);
        float[] taps = transposed(w, channels, kernel);
        float[] b = bias == null ? new float[channels] : bias.toFloatArray();
        MemorySegment xs = Cpu.data(x);
        MemorySegment ys = Cpu.data(y);
        Parallel.forRange(batch, 1, (from, to) -> {
            for (int r = from; r < to; r++) {
                forwardRow(xs, ys, (long) r * length * channels, length, channels, kernel, taps, b);
            }
        });
    }

    private static void forwardRow(MemorySegment xs, MemorySegment ys, long row, int length, int channels,
                                   int kernel, float[] taps, float[] bias) {
        int vectorEnd = S.loopBound(channels);
        for (int t = 0; t < length; t++) {
            long out = 4L * (row + (long) t * channels);
            int firstTap = Math.max(0, kernel - 1 - t);
            long in = 4L * (row + (long) (t - kernel + 1 + firstTap) * channels);
            int c = 0;
            for (; c < vectorEnd; c += S.length()) {
                FloatVector acc = FloatVector.fromArray(S, bias, c);
                long src = in + 4L * c;
                for (int k = firstTap; k < kernel; k++, src += 4L * channels) {
                    acc = FloatVector.fromArray(S, taps, k * channels + c)
                            .fma(FloatVector.fromMemorySegment(S, xs, src, ORDER), acc);
                }
                acc.intoMemorySegment(ys, out + 4L * c, ORDER);
            }
            for (; c < channels; c++) {
                float acc = bias[c];
                long src = in + 4L * c;
                for (int k = firstTap; k < kernel; k++, src += 4L * channels) {
                    acc += taps[k * channels + c] * xs.get(JAVA_FLOAT, src);
                }
                ys.set(JAVA_FLOAT, out + 4L * c, acc);
            }
        }
    }

    public static void causalConv1dBackward(Tensor x, Tensor w, Tensor dy, Tensor dx, Tensor dw, Tensor dbias) {
        int batch = x.dim(0);
        int length = x.dim(1);
        int channels = x.dim(2);
        int kernel = w.dim(1);
        float[] taps = transposed(w, channels, kernel);
        MemorySegment xs = Cpu.data(x);
        MemorySegment gs = Cpu.data(dy);
        MemorySegment dxs = Cpu.dataOrNull(dx);
        boolean params = dw != null || dbias != null;
        WeightPartials partials = new WeightPartials(channels, kernel);
        Parallel.forRange(batch, 1, (from, to) -> {
            double[] total = params ? partials.forRange(from) : null;
            float[] rowSums = params ? new float[(kernel + 1) * channels] : null;
            for (int r = from; r < to; r++) {
                long row = (long) r * length * channels;
                if (dxs != null) {
                    inputGradientRow(gs, dxs, row, length, channels, kernel, taps);
                }
                if (params) {
                    java.util.Arrays.fill(rowSums, 0f);
                    weightGradientRow(xs, gs, row, length, channels, kernel, rowSums);
                    addTransposed(rowSums, total, channels, kernel);
                }
            }
        });
        if (params) {
            partials.writeTo(dw, dbias);
        }
    }

    /** dx[s, c] = Σ_k w[c,k]·dy[s+K−1−k, c] for one batch row. */
    private static void inputGradientRow(MemorySegment gs, MemorySegment dxs, long row, int length, int channels,
                                         int kernel, float[] taps) {
        int vectorEnd = S.loopBound(channels);
        for (int s = 0; s < length; s++) {
            long out = 4L * (row + (long) s * channels);
            int lastTap = Math.min(kernel - 1, s + kernel - 1); // taps whose output index stays below length
            int firstTap = Math.max(0, s + kernel - length);
            int c = 0;
            for (; c < vectorEnd; c += S.length()) {
                FloatVector acc = FloatVector.zero(S);
                for (int k = firstTap; k <= lastTap; k++) {
                    long src = 4L * (row + (long) (s + kernel - 1 - k) * channels + c);
                    acc = FloatVector.fromArray(S, taps, k * channels + c)
                            .fma(FloatVector.fromMemorySegment(S, gs, src, ORDER), acc);
                }
                acc.intoMemorySegment(dxs, out + 4L * c, ORDER);
            }
            for (; c < channels; c++) {
                float acc = 0f;
                for (int k = firstTap; k <= lastTap; k++) {
                    acc += taps[k * channels + c] * gs.get(JAVA_FLOAT, 4L * (row + (long) (s + kernel - 1 - k) * channels + c));
                }
                dxs.set(JAVA_FLOAT, out + 4L * c, acc);
            }
        }
    }

    /** sums[k, c] += Σ_t dy[t, c]·x[t−K+1+k, c]; sums[K, c] += Σ_t dy[t, c], for one batch row. */
    private static void weightGradientRow(MemorySegment xs, MemorySegment gs, long row, int length, int channels,
                                          int kernel, float[] sums) {
        int vectorEnd = S.loopBound(channels);
        for (int t = 0; t < length; t++) {
            long at = 4L * (row + (long) t * channels);
            int firstTap = Math.max(0, kernel - 1 - t);
            int c = 0;
            for (; c < vectorEnd; c += S.length()) {
                FloatVector g = FloatVector.fromMemorySegment(S, gs, at + 4L * c, ORDER);
                for (int k = firstTap; k < kernel; k++) {
                    long src = 4L * (row + (long) (t - kernel + 1 + k) * channels + c);
                    int slot = k * channels + c;
                    g.fma(FloatVector.fromMemorySegment(S, xs, src, ORDER), FloatVector.fromArray(S, sums, slot))
                            .intoArray(sums, slot);
                }
                g.add(FloatVector.fromArray(S, sums, kernel * channels + c)).intoArray(sums, kernel * channels + c);
            }
            for (; c < channels; c++) {
                float g = gs.get(JAVA_FLOAT, at + 4L * c);
                for (int k = firstTap; k < kernel; k++) {
                    sums[k * channels + c] += g * xs.get(JAVA_FLOAT, 4L * (row + (long) (t - kernel + 1 + k) * channels + c));
                }
                sums[kernel * channels + c] += g;
            }
        }
    }

    /** Adds [K, C] (+ [C]) row sums into a [C, K] (+ [C]) double total. */
    private static void addTransposed(float[] sums, double[] total, int channels, int kernel) {
        for (int k = 0; k < kernel; k++) {
            for (int c = 0; c < channels; c++) {
                total[c * kernel + k] += sums[k * channels + c];
            }
        }
        for (int c = 0; c < channels; c++) {
            total[channels * kernel + c] += sums[kernel * channels + c];
        }
    }

    /** w [C, K] as [K, C]. */
    private static float[] transposed(Tensor w, int channels, int kernel) {
        float[] cw = w.toFloatArray();
        float[] taps = new float[kernel * channels];
        for (int c = 0; c < channels; c++) {
            for (int k = 0; k < kernel; k++) {
                taps[k * channels + c] = cw[c * kernel + k];
            }
        }
        return taps;
    }
}

package org.echorec.runtime.op.conv;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.echorec.runtime.tensor.Tensor;

/**
 * Per-thread partial sums of a convolution's weight and bias gradients, in double ([C·K] in dw's
 * layout, then [C], in one array), keyed by the first batch row of the thread's range and added in
 * that order, so the totals are the same whatever the scheduling.
 */
final class WeightPartials {
    private final int channels;
    private final int kernel;
    private final Map<Integer, double[]> parts = new TreeMap<>();

    WeightPartials(int channels, int kernel) {
        this.channels = channels;
        this.kernel = kernel;
    }

    synchronized double[] forRange(int firstRow) {
        return parts.computeIfAbsent(firstRow, k -> new double[channels * kernel + channels]);
    }

    void writeTo(Tensor dw, Tensor dbias) {
        double[] total = new double[channels * kernel + channels];
        for (double[] p : parts.values()) {
            for (int i = 0; i < total.length; i++) {
                total[i] += p[i];
            }
        }
        float[] sums = new float[total.length];
        for (int i = 0; i < total.length; i++) {
            sums[i] = (float) total[i];
        }
        if (dw != null) {
            dw.copyFrom(Arrays.copyOf(sums, channels * kernel));
        }
        if (dbias != null) {
            dbias.copyFrom(Arrays.copyOfRange(sums, channels * kernel, sums.length));
        }
    }
}

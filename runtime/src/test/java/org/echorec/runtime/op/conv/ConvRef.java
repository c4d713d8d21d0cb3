package org.echorec.runtime.op.conv;

/** Scalar reference of the depthwise causal convolution, in double; x [B, L, C], w [C, K]. */
public final class ConvRef {
    private ConvRef() {}

    public static double[] forward(double[] x, double[] w, double[] bias, int batch, int length, int channels, int kernel) {
        double[] y = new double[x.length];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < length; t++) {
                for (int c = 0; c < channels; c++) {
                    double acc = bias == null ? 0 : bias[c];
                    for (int k = 0; k < kernel; k++) {
                        int s = t - kernel + 1 + k;
                        if (s >= 0) {
                            acc += w[c * kernel + k] * x[(b * length + s) * channels + c];
                        }
                    }
                    y[(b * length + t) * channels + c] = acc;
                }
            }
        }
        return y;
    }

    /** {dx, dw, dbias} by reverse-mode of the forward loop. */
    public static double[][] backward(double[] x, double[] w, double[] dy, int batch, int length, int channels, int kernel) {
        double[] dx = new double[x.length];
        double[] dw = new double[w.length];
        double[] db = new double[channels];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < length; t++) {
                for (int c = 0; c < channels; c++) {
                    double g = dy[(b * length + t) * channels + c];
                    db[c] += g;
                    for (int k = 0; k < kernel; k++) {
                        int s = t - kernel + 1 + k;
                        if (s >= 0) {
                            int xi = (b * length + s) * channels + c;
                            dx[xi] += w[c * kernel + k] * g;
                            dw[c * kernel + k] += x[xi] * g;
                        }
                    }
                }
            }
        }
        return new double[][] {dx, dw, db};
    }
}

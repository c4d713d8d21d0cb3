package org.echorec.runtime.op.fft;

/**
 * The scalar reference of the FFT family, in double, written from the {@code Ops} docs: DFT sums
 * by their definition (O(n²), with angles reduced exactly as {@code kt mod n}), the inverse from the
 * full Hermitian spectrum, the backward formulas as stated. Signals are [outer, n, inner], spectra
 * [outer, n/2+1, inner, 2], flattened row-major.
 */
final class FftRef {
    private FftRef() {}

    /** {@code out[o,k,j] = n^{−½} Σ_t x[o,t,j]·e^{−2πi·kt/n}}, k ≤ n/2. */
    static double[] rfft(double[] x, int outer, int n, int inner) {
        int bins = n / 2 + 1;
        double[] cos = cosTable(n);
        double[] sin = sinTable(n);
        double scale = 1 / Math.sqrt(n);
        double[] out = new double[outer * bins * inner * 2];
        for (int o = 0; o < outer; o++) {
            for (int k = 0; k < bins; k++) {
                for (int j = 0; j < inner; j++) {
                    double re = 0;
                    double im = 0;
                    for (int t = 0; t < n; t++) {
                        double v = x[(o * n + t) * inner + j];
                        int a = (int) ((long) k * t % n);
                        re += v * cos[a];
                        im -= v * sin[a];
                    }
                    int at = ((o * bins + k) * inner + j) * 2;
                    out[at] = scale * re;
                    out[at + 1] = scale * im;
                }
            }
        }
        return out;
    }

    /**
     * {@code x[o,t,j] = n^{−½} Σ_{k<n} X_k e^{2πi·kt/n}} with {@code X_{n−k} = conj X_k} and the
     * imaginary parts of bin 0 and (even n) bin n/2 taken as zero.
     */
    static double[] irfft(double[] spec, int outer, int n, int inner) {
        int bins = n / 2 + 1;
        double[] cos = cosTable(n);
        double[] sin = sinTable(n);
        double scale = 1 / Math.sqrt(n);
        double[] x = new double[outer * n * inner];
        double[] re = new double[n];
        double[] im = new double[n];
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < inner; j++) {
                for (int k = 0; k < n; k++) {
                    int src = k < bins ? k : n - k;
                    int at = ((o * bins + src) * inner + j) * 2;
                    boolean edge = src == 0 || 2 * src == n;
                    re[k] = spec[at];
                    im[k] = edge ? 0 : k < bins ? spec[at + 1] : -spec[at + 1];
                }
                for (int t = 0; t < n; t++) {
                    double sum = 0;
                    for (int k = 0; k < n; k++) {
                        int a = (int) ((long) k * t % n);
                        sum += re[k] * cos[a] - im[k] * sin[a];
                    }
                    x[(o * n + t) * inner + j] = scale * sum;
                }
            }
        }
        return x;
    }

    /** {@code dx[t] = n^{−½} Re Σ_{k≤n/2} dout_k·e^{2πi·kt/n}}. */
    static double[] rfftBackward(double[] dout, int outer, int n, int inner) {
        int bins = n / 2 + 1;
        double[] cos = cosTable(n);
        double[] sin = sinTable(n);
        double scale = 1 / Math.sqrt(n);
        double[] dx = new double[outer * n * inner];
        for (int o = 0; o < outer; o++) {
            for (int t = 0; t < n; t++) {
                for (int j = 0; j < inner; j++) {
                    double sum = 0;
                    for (int k = 0; k < bins; k++) {
                        int at = ((o * bins + k) * inner + j) * 2;
                        int a = (int) ((long) k * t % n);
                        sum += dout[at] * cos[a] - dout[at + 1] * sin[a];
                    }
                    dx[(o * n + t) * inner + j] = scale * sum;
                }
            }
        }
        return dx;
    }

    /** {@code dspec_k = m_k·rfft(dx)_k}, m = 1 at bin 0 and (even n) n/2, else 2; edge imaginary parts 0. */
    static double[] irfftBackward(double[] dx, int outer, int n, int inner) {
        int bins = n / 2 + 1;
        double[] spec = rfft(dx, outer, n, inner);
        for (int o = 0; o < outer; o++) {
            for (int k = 0; k < bins; k++) {
                boolean edge = k == 0 || 2 * k == n;
                for (int j = 0; j < inner; j++) {
                    int at = ((o * bins + k) * inner + j) * 2;
                    spec[at] *= edge ? 1 : 2;
                    spec[at + 1] = edge ? 0 : 2 * spec[at + 1];
                }
            }
        }
        return spec;
    }

    /** {@code out = a·w} per complex element, w (interleaved, length {@code 2P}) repeating over a's rows. */
    static double[] complexMul(double[] a, double[] w) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i += 2) {
            int c = i % w.length;
            out[i] = a[i] * w[c] - a[i + 1] * w[c + 1];
            out[i + 1] = a[i] * w[c + 1] + a[i + 1] * w[c];
        }
        return out;
    }

    /** {@code {da, dw}}: {@code da = dout·conj(w)}, {@code dw = Σ_rows dout·conj(a)}. */
    static double[][] complexMulBackward(double[] a, double[] w, double[] dout) {
        double[] da = new double[a.length];
        double[] dw = new double[w.length];
        for (int i = 0; i < a.length; i += 2) {
            int c = i % w.length;
            da[i] = dout[i] * w[c] + dout[i + 1] * w[c + 1];
            da[i + 1] = dout[i + 1] * w[c] - dout[i] * w[c + 1];
            dw[c] += dout[i] * a[i] + dout[i + 1] * a[i + 1];
            dw[c + 1] += dout[i + 1] * a[i] - dout[i] * a[i + 1];
        }
        return new double[][] {da, dw};
    }

    private static double[] cosTable(int n) {
        double[] c = new double[n];
        for (int i = 0; i < n; i++) {
            c[i] = Math.cos(2 * Math.PI * i / n);
        }
        return c;
    }

    private static double[] sinTable(int n) {
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            s[i] = Math.sin(2 * Math.PI * i / n);
        }
        return s;
    }
}

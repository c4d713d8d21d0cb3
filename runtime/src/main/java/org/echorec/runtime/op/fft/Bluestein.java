package org.echorec.runtime.op.fft;

/**
 * The tables of Bluestein's chirp-z transform for one length n, used by {@link FftPlan} when n has a
 * prime factor too large for a direct butterfly.
 *
 * <p>Note: chirp-z. With {@code kt = (k² + t² − (k−t)²)/2},
 * {@code X_k = c_k · Σ_t (x_t·c_t)·conj(c_{k−t})} where {@code c_t = e^{−iπt²/n}}: a DFT of any
 * length is a chirp, a linear convolution with the conjugate chirp, and a chirp again. The
 * convolution runs as a cyclic one of a power-of-two length {@code m ≥ 2n−1} (so no wrap-around
 * reaches the n outputs): forward FFT of the chirped, zero-padded input, a pointwise product with
 * the precomputed spectrum of the conjugate chirp (which already carries the 1/m of the inverse), an
 * inverse FFT. The chirp angle {@code π·(t² mod 2n)/n} is reduced exactly in integers, and the
 * kernel spectrum is computed in double, so the tables add one float rounding each.
 */
final class Bluestein {
    final int n;
    final int m;
    final FftPlan inner;
    /** {@code c_t = e^{−iπt²/n}}, t &lt; n. */
    final float[] chirpRe;
    final float[] chirpIm;
    /** DFT_m of the cyclic conjugate chirp, divided by m. */
    final float[] kernelRe;
    final float[] kernelIm;

    Bluestein(int n) {
        this.n = n;
        this.m = Integer.highestOneBit(2 * n - 1) << (Integer.bitCount(2 * n - 1) == 1 ? 0 : 1);
        this.inner = new FftPlan(m);
        this.chirpRe = new float[n];
        this.chirpIm = new float[n];
        double[] bRe = new double[m];
        double[] bIm = new double[m];
        for (int t = 0; t < n; t++) {
            double angle = Math.PI * ((long) t * t % (2L * n)) / n;
            double c = Math.cos(angle);
            double s = Math.sin(angle);
            chirpRe[t] = (float) c;
            chirpIm[t] = (float) -s;
            bRe[t] = c;
            bIm[t] = s;
            if (t > 0) {
                bRe[m - t] = c;
                bIm[m - t] = s;
            }
        }
        fftRadix2(bRe, bIm);
        this.kernelRe = new float[m];
        this.kernelIm = new float[m];
        for (int k = 0; k < m; k++) {
            kernelRe[k] = (float) (bRe[k] / m);
            kernelIm[k] = (float) (bIm[k] / m);
        }
    }

    /**
     * In-place forward DFT of a power-of-two length in double, used once per plan for the kernel
     * spectrum (iterative radix 2 with a bit-reversal permutation: speed does not matter here).
     */
    static void fftRadix2(double[] re, double[] im) {
        int len = re.length;
        for (int i = 1, j = 0; i < len; i++) {
            int bit = len >> 1;
            for (; (j & bit) != 0; bit >>= 1) {
                j ^= bit;
            }
            j |= bit;
            if (i < j) {
                double t = re[i];
                re[i] = re[j];
                re[j] = t;
                t = im[i];
                im[i] = im[j];
                im[j] = t;
            }
        }
        for (int size = 2; size <= len; size <<= 1) {
            int half = size / 2;
            for (int k = 0; k < half; k++) {
                double angle = -2 * Math.PI * k / size;
                double wr = Math.cos(angle);
                double wi = Math.sin(angle);
                for (int start = 0; start < len; start += size) {
                    int a = start + k;
                    int b = a + half;
                    double xr = re[b] * wr - im[b] * wi;
                    double xi = re[b] * wi + im[b] * wr;
                    re[b] = re[a] - xr;
                    im[b] = im[a] - xi;
                    re[a] += xr;
                    im[a] += xi;
                }
            }
        }
    }
}

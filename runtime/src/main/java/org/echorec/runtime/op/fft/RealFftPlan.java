package org.echorec.runtime.op.fft;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The plan of a real transform of length n: the complex plan it runs and the twiddles that turn the
 * complex result into the half spectrum (and back). Cached per n and immutable, so every thread
 * shares one plan per length.
 *
 * <p>Note: real transforms. For even n the n real samples are packed as h = n/2 complex ones,
 * {@code z_t = x_{2t} + i·x_{2t+1}}, and transformed at half the length. With {@code Z} that
 * transform and {@code w = e^{−2πi/n}}, the even and odd samples' spectra are
 * {@code E_k = (Z_k + conj Z_{h−k})/2}, {@code O_k = (Z_k − conj Z_{h−k})/(2i)}, and
 * <pre>
 *   X_k = E_k + w^k·O_k,    X_{h−k} = conj(E_k − w^k·O_k)      (k ≤ h/2, Z_h = Z_0)
 * </pre>
 * so one pass over the bin pairs (k, h−k) finishes the real transform. The inverse runs the same
 * algebra backwards, {@code Z_k = A + U}, {@code Z_{h−k} = conj(A − U)} with
 * {@code A = X_k + conj X_{h−k}}, {@code U = i·conj(w^k)·(X_k − conj X_{h−k})}, then an inverse
 * complex transform of length h whose real and imaginary parts are the even and odd samples. An
 * inverse is a forward transform with real and imaginary parts swapped on the way in and out
 * ({@code IDFT(z) = swap(DFT(swap z))}, {@code swap(a+ib) = b+ia}), so only forward plans exist.
 * Odd n (not used by the model) runs a full complex transform of length n with a zero imaginary
 * part, twice the work of the packed form.
 */
final class RealFftPlan {
    private static final ConcurrentHashMap<Integer, RealFftPlan> CACHE = new ConcurrentHashMap<>();

    final int n;
    final boolean even;
    /** n/2, the number of complex points of the packed transform for even n. */
    final int half;
    /** Number of spectrum bins, n/2 + 1. */
    final int bins;
    final FftPlan complex;
    /** {@code w^k = e^{−2πik/n}} for k ≤ h/2 (even n only). */
    final float[] upRe;
    final float[] upIm;
    /** The orthonormal scale 1/√n. */
    final float scale;

    private RealFftPlan(int n) {
        this.n = n;
        this.even = n % 2 == 0;
        this.half = n / 2;
        this.bins = n / 2 + 1;
        this.complex = new FftPlan(even ? half : n);
        int pairs = even ? half / 2 + 1 : 0;
        this.upRe = new float[pairs];
        this.upIm = new float[pairs];
        for (int k = 0; k < pairs; k++) {
            double angle = 2 * Math.PI * k / n;
            upRe[k] = (float) Math.cos(angle);
            upIm[k] = (float) -Math.sin(angle);
        }
        this.scale = (float) (1 / Math.sqrt(n));
    }

    /** The cached plan of length n. */
    static RealFftPlan of(int n) {
        RealFftPlan plan = CACHE.get(n);
        return plan != null ? plan : CACHE.computeIfAbsent(n, RealFftPlan::new);
    }

    /** Complex points of the transform this plan runs. */
    int points() {
        return complex.n;
    }
}

package org.echorec.runtime.op.fft;

import java.util.Arrays;

/**
 * A forward complex DFT of one length, ready to run: the factorisation, every stage's twiddles and,
 * for lengths with a large prime factor, the Bluestein tables. Immutable once built, so one plan is
 * shared by all threads (plans are cached through {@link RealFftPlan#of}).
 *
 * <p>Note: FFT plans. The transform is a mixed-radix Stockham autosort FFT: each stage reads one
 * buffer and writes the other, and the output comes out in natural order, so there is no bit-reversal
 * pass and every stage is a plain loop over contiguous elements. With {@code N} the length still to be
 * split (n at first), {@code s} the number of interleaved sub-sequences already formed (1 at first)
 * and {@code m = N/p} for the stage's radix p, a stage computes for every {@code j < m, q < s}
 * <pre>
 *   b_k = Σ_{r<p} in[q + s·(j + r·m)] · ω_p^{rk}          (a length-p DFT, the butterfly)
 *   out[q + s·(p·j + k)] = b_k · ω_N^{jk}                   (k < p, the twiddle)
 * </pre>
 * and the next stage continues with {@code N ← m, s ← s·p}. Radices 4 first (fewest operations per
 * element), then 2, 3, 5 (closed-form butterflies), then any other prime up to
 * {@link #MAX_DIRECT_PRIME} with a generic butterfly that pairs {@code r} with {@code p−r}
 * (cost ~p/2 complex multiply-adds per element). A length with a larger prime factor would make that
 * quadratic, so it goes through Bluestein's chirp-z instead (see {@link Bluestein}): three
 * power-of-two transforms of length ≥ 2n−1, O(n log n) for every n. Twiddles are computed in double
 * from the exact angle {@code 2π·(jk mod N)/N} and rounded once to float.
 *
 * <p>Every element of the transform is a block of W channels (see {@link ComplexFftPlain}); the
 * plan does not depend on W.
 */
final class FftPlan {
    /** The largest prime factor handled by a direct butterfly; above it the plan uses Bluestein. */
    static final int MAX_DIRECT_PRIME = 64;

    final int n;
    final int stages;
    final int[] radix;
    final int[] span;
    final int[] stride;
    final int[] twOffset;
    /** {@code ω_N^{jk} = cos − i·sin(2π·jk/N)} of every stage, k = 1..p−1 for each j: real parts. */
    final float[] twRe;
    /** Imaginary parts of the twiddles (the forward sign already applied). */
    final float[] twIm;
    /** For a generic-radix stage: offset of its {@code cos(2πi/p), sin(2πi/p)}, i &lt; p, in the root tables. */
    final int[] rootOffset;
    final float[] rootCos;
    final float[] rootSin;
    /** The largest generic radix used (0 if none): sizes the butterfly scratch. */
    final int maxGenericRadix;
    /** Non-null when this length runs through the chirp-z transform instead of the stages. */
    final Bluestein bluestein;

    FftPlan(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("FFT length must be positive, got " + n);
        }
        this.n = n;
        int[] factors = factor(n);
        boolean direct = factors.length == 0 || factors[factors.length - 1] <= MAX_DIRECT_PRIME;
        if (!direct) {
            factors = new int[0];
        }
        this.bluestein = direct ? null : new Bluestein(n);
        this.stages = factors.length;
        this.radix = factors;
        this.span = new int[stages];
        this.stride = new int[stages];
        this.twOffset = new int[stages];
        this.rootOffset = new int[stages];
        int twTotal = 0;
        int rootTotal = 0;
        int generic = 0;
        int remaining = n;
        int s = 1;
        for (int st = 0; st < stages; st++) {
            int p = factors[st];
            span[st] = remaining / p;
            stride[st] = s;
            twOffset[st] = twTotal;
            twTotal += span[st] * (p - 1);
            if (isGeneric(p)) {
                rootOffset[st] = rootTotal;
                rootTotal += p;
                generic = Math.max(generic, p);
            }
            remaining /= p;
            s *= p;
        }
        this.maxGenericRadix = generic;
        this.twRe = new float[twTotal];
        this.twIm = new float[twTotal];
        this.rootCos = new float[rootTotal];
        this.rootSin = new float[rootTotal];
        fillTables();
    }

    /** True for a radix without a closed-form butterfly. */
    static boolean isGeneric(int p) {
        return p != 2 && p != 3 && p != 4 && p != 5;
    }

    private void fillTables() {
        int length = n;
        for (int st = 0; st < stages; st++) {
            int p = radix[st];
            int m = span[st];
            for (int j = 0; j < m; j++) {
                for (int k = 1; k < p; k++) {
                    double angle = 2 * Math.PI * ((long) j * k % length) / length;
                    int at = twOffset[st] + j * (p - 1) + (k - 1);
                    twRe[at] = (float) Math.cos(angle);
                    twIm[at] = (float) -Math.sin(angle);
                }
            }
            if (isGeneric(p)) {
                for (int i = 0; i < p; i++) {
                    double angle = 2 * Math.PI * i / p;
                    rootCos[rootOffset[st] + i] = (float) Math.cos(angle);
                    rootSin[rootOffset[st] + i] = (float) Math.sin(angle);
                }
            }
            length = m;
        }
    }

    /** Radices in stage order: 4s, a 2, 3s, 5s, then the other primes ascending. Empty for n = 1. */
    static int[] factor(int n) {
        int[] out = new int[32];
        int count = 0;
        int rest = n;
        while (rest % 4 == 0) {
            out[count++] = 4;
            rest /= 4;
        }
        for (int p = 2; rest > 1; p = p == 2 ? 3 : p + 2) {
            if ((long) p * p > rest) {
                out[count++] = rest;
                break;
            }
            while (rest % p == 0) {
                out[count++] = p;
                rest /= p;
            }
        }
        return Arrays.copyOf(out, count);
    }

    /** Elements of scratch one W-wide transform of this length needs beyond its two n-element buffers. */
    int bluesteinLength() {
        return bluestein == null ? 0 : bluestein.m;
    }

    @Override
    public String toString() {
        return bluestein != null ? "FftPlan(" + n + ": Bluestein via " + bluestein.m + ")"
                : "FftPlan(" + n + ": radices " + Arrays.toString(radix) + ")";
    }
}

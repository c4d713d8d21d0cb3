package org.echorec.runtime.op.fft;

/**
 * The forward complex FFT of a {@link FftPlan} in plain Java, on W independent sequences at once.
 *
 * <p>Note: channel blocks. The transforms run along a strided axis ([outer, n, inner] with the
 * channels contiguous), so a block of W consecutive channels is transformed together: element t of
 * a buffer is {@code 2W} floats, W real parts then W imaginary parts ({@code buf[2W·t + l]},
 * {@code buf[2W·t + W + l]} for channel l). Gathering a block reads whole rows of W floats, every
 * butterfly is a loop over the W channels with the same twiddles, and the SIMD engine
 * ({@code ComplexFftSimd}) uses the same layout with W = one vector.
 */
final class ComplexFftPlain {
    private ComplexFftPlain() {}

    /** Per-thread buffers, grown when a longer transform or a wider block first needs more. */
    static final class Scratch {
        float[] a = new float[0];
        float[] b = new float[0];
        float[] c = new float[0];
        float[] d = new float[0];
        float[] tmp = new float[0];

        /** Makes every buffer large enough for plan's transform on blocks of w channels. */
        Scratch ensure(FftPlan plan, int w) {
            int main = 2 * w * plan.n;
            if (a.length < main) {
                a = new float[main];
                b = new float[main];
            }
            int chirp = 2 * w * plan.bluesteinLength();
            if (c.length < chirp) {
                c = new float[chirp];
                d = new float[chirp];
            }
            if (tmp.length < 4 * plan.maxGenericRadix) {
                tmp = new float[4 * plan.maxGenericRadix];
            }
            return this;
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** This thread's scratch, large enough for {@code plan} on blocks of w channels. */
    static Scratch scratch(FftPlan plan, int w) {
        return SCRATCH.get().ensure(plan, w);
    }

    /**
     * Forward DFT of the {@code plan.n} elements of {@code a} (W-wide, see the class note); {@code b}
     * is a work buffer of the same size. Returns whichever of a, b holds the result.
     */
    static float[] forward(FftPlan plan, float[] a, float[] b, int w, Scratch s) {
        if (plan.bluestein != null) {
            return bluestein(plan.bluestein, a, w, s);
        }
        float[] in = a;
        float[] out = b;
        for (int st = 0; st < plan.stages; st++) {
            stage(plan, st, in, out, w, s.tmp);
            float[] t = in;
            in = out;
            out = t;
        }
        return in;
    }

    private static void stage(FftPlan plan, int st, float[] in, float[] out, int w, float[] tmp) {
        int m = plan.span[st];
        int s = plan.stride[st];
        int tw = plan.twOffset[st];
        switch (plan.radix[st]) {
            case 2 -> stage2(in, out, m, s, w, plan.twRe, plan.twIm, tw);
            case 3 -> stage3(in, out, m, s, w, plan.twRe, plan.twIm, tw);
            case 4 -> stage4(in, out, m, s, w, plan.twRe, plan.twIm, tw);
            case 5 -> stage5(in, out, m, s, w, plan.twRe, plan.twIm, tw);
            default -> stageGeneric(plan, st, in, out, w, tmp);
        }
    }

    private static void stage2(float[] in, float[] out, int m, int s, int w, float[] twRe, float[] twIm, int tw) {
        int e = 2 * w;
        int is = s * m * e;
        int os = s * e;
        for (int j = 0; j < m; j++) {
            float w1r = twRe[tw + j];
            float w1i = twIm[tw + j];
            for (int q = 0; q < s; q++) {
                int src = (q + s * j) * e;
                int dst = (q + 2 * s * j) * e;
                for (int l = 0; l < w; l++) {
                    int i = src + l;
                    int o = dst + l;
                    float a0r = in[i];
                    float a0i = in[i + w];
                    float a1r = in[i + is];
                    float a1i = in[i + is + w];
                    out[o] = a0r + a1r;
                    out[o + w] = a0i + a1i;
                    float dr = a0r - a1r;
                    float di = a0i - a1i;
                    out[o + os] = dr * w1r - di * w1i;
                    out[o + os + w] = dr * w1i + di * w1r;
                }
            }
        }
    }

    private static void stage3(float[] in, float[] out, int m, int s, int w, float[] twRe, float[] twIm, int tw) {
        final float h = (float) Math.sqrt(0.75);
        int e = 2 * w;
        int is = s * m * e;
        int os = s * e;
        for (int j = 0; j < m; j++) {
            int t = tw + 2 * j;
            float w1r = twRe[t];
            float w1i = twIm[t];
            float w2r = twRe[t + 1];
            float w2i = twIm[t + 1];
            for (int q = 0; q < s; q++) {
                int src = (q + s * j) * e;
                int dst = (q + 3 * s * j) * e;
                for (int l = 0; l < w; l++) {
                    int i = src + l;
                    int o = dst + l;
                    float a0r = in[i];
                    float a0i = in[i + w];
                    float a1r = in[i + is];
                    float a1i = in[i + is + w];
                    float a2r = in[i + 2 * is];
                    float a2i = in[i + 2 * is + w];
                    float tr = a1r + a2r;
                    float ti = a1i + a2i;
                    float dr = (a1r - a2r) * h;
                    float di = (a1i - a2i) * h;
                    float mr = a0r - 0.5f * tr;
                    float mi = a0i - 0.5f * ti;
                    out[o] = a0r + tr;
                    out[o + w] = a0i + ti;
                    twiddle(out, o + os, w, mr + di, mi - dr, w1r, w1i);
                    twiddle(out, o + 2 * os, w, mr - di, mi + dr, w2r, w2i);
                }
            }
        }
    }

    private static void stage4(float[] in, float[] out, int m, int s, int w, float[] twRe, float[] twIm, int tw) {
        int e = 2 * w;
        int is = s * m * e;
        int os = s * e;
        for (int j = 0; j < m; j++) {
            int t = tw + 3 * j;
            float w1r = twRe[t];
            float w1i = twIm[t];
            float w2r = twRe[t + 1];
            float w2i = twIm[t + 1];
            float w3r = twRe[t + 2];
            float w3i = twIm[t + 2];
            for (int q = 0; q < s; q++) {
                int src = (q + s * j) * e;
                int dst = (q + 4 * s * j) * e;
                for (int l = 0; l < w; l++) {
                    int i = src + l;
                    int o = dst + l;
                    float a0r = in[i];
                    float a0i = in[i + w];
                    float a1r = in[i + is];
                    float a1i = in[i + is + w];
                    float a2r = in[i + 2 * is];
                    float a2i = in[i + 2 * is + w];
                    float a3r = in[i + 3 * is];
                    float a3i = in[i + 3 * is + w];
                    float t0r = a0r + a2r;
                    float t0i = a0i + a2i;
                    float t1r = a0r - a2r;
                    float t1i = a0i - a2i;
                    float t2r = a1r + a3r;
                    float t2i = a1i + a3i;
                    float t3r = a1r - a3r;
                    float t3i = a1i - a3i;
                    out[o] = t0r + t2r;
                    out[o + w] = t0i + t2i;
                    twiddle(out, o + os, w, t1r + t3i, t1i - t3r, w1r, w1i);
                    twiddle(out, o + 2 * os, w, t0r - t2r, t0i - t2i, w2r, w2i);
                    twiddle(out, o + 3 * os, w, t1r - t3i, t1i + t3r, w3r, w3i);
                }
            }
        }
    }

    private static void stage5(float[] in, float[] out, int m, int s, int w, float[] twRe, float[] twIm, int tw) {
        final float c1 = (float) Math.cos(2 * Math.PI / 5);
        final float c2 = (float) Math.cos(4 * Math.PI / 5);
        final float s1 = (float) Math.sin(2 * Math.PI / 5);
        final float s2 = (float) Math.sin(4 * Math.PI / 5);
        int e = 2 * w;
        int is = s * m * e;
        int os = s * e;
        for (int j = 0; j < m; j++) {
            int t = tw + 4 * j;
            for (int q = 0; q < s; q++) {
                int src = (q + s * j) * e;
                int dst = (q + 5 * s * j) * e;
                for (int l = 0; l < w; l++) {
                    int i = src + l;
                    int o = dst + l;
                    float a0r = in[i];
                    float a0i = in[i + w];
                    float a1r = in[i + is];
                    float a1i = in[i + is + w];
                    float a2r = in[i + 2 * is];
                    float a2i = in[i + 2 * is + w];
                    float a3r = in[i + 3 * is];
                    float a3i = in[i + 3 * is + w];
                    float a4r = in[i + 4 * is];
                    float a4i = in[i + 4 * is + w];
                    float t1r = a1r + a4r;
                    float t1i = a1i + a4i;
                    float t2r = a2r + a3r;
                    float t2i = a2i + a3i;
                    float t3r = a1r - a4r;
                    float t3i = a1i - a4i;
                    float t4r = a2r - a3r;
                    float t4i = a2i - a3i;
                    float car = a0r + c1 * t1r + c2 * t2r;
                    float cai = a0i + c1 * t1i + c2 * t2i;
                    float sar = s1 * t3r + s2 * t4r;
                    float sai = s1 * t3i + s2 * t4i;
                    float cbr = a0r + c2 * t1r + c1 * t2r;
                    float cbi = a0i + c2 * t1i + c1 * t2i;
                    float sbr = s2 * t3r - s1 * t4r;
                    float sbi = s2 * t3i - s1 * t4i;
                    out[o] = a0r + t1r + t2r;
                    out[o + w] = a0i + t1i + t2i;
                    twiddle(out, o + os, w, car + sai, cai - sar, twRe[t], twIm[t]);
                    twiddle(out, o + 2 * os, w, cbr + sbi, cbi - sbr, twRe[t + 1], twIm[t + 1]);
                    twiddle(out, o + 3 * os, w, cbr - sbi, cbi + sbr, twRe[t + 2], twIm[t + 2]);
                    twiddle(out, o + 4 * os, w, car - sai, cai + sar, twRe[t + 3], twIm[t + 3]);
                }
            }
        }
    }

    /**
     * A prime radix p without a closed form: {@code b_k = a_0 + Σ_{r ≤ (p−1)/2} cos(2πrk/p)·t_r
     * − i·sin(2πrk/p)·u_r} with {@code t_r = a_r + a_{p−r}}, {@code u_r = a_r − a_{p−r}}, and
     * b_{p−k} the same with +i, so each pair of outputs costs (p−1)/2 real multiply-adds per part.
     * One channel at a time; tmp holds t and u.
     */
    private static void stageGeneric(FftPlan plan, int st, float[] in, float[] out, int w, float[] tmp) {
        int p = plan.radix[st];
        int m = plan.span[st];
        int s = plan.stride[st];
        int e = 2 * w;
        int is = s * m * e;
        int os = s * e;
        for (int j = 0; j < m; j++) {
            int tw = plan.twOffset[st] + j * (p - 1);
            for (int q = 0; q < s; q++) {
                int src = (q + s * j) * e;
                int dst = (q + p * s * j) * e;
                for (int l = 0; l < w; l++) {
                    genericButterfly(plan, st, in, src + l, is, out, dst + l, os, w, tw, tmp);
                }
            }
        }
    }

    private static void genericButterfly(FftPlan plan, int st, float[] in, int i, int is, float[] out, int o, int os,
                                         int w, int tw, float[] tmp) {
        int p = plan.radix[st];
        int half = (p - 1) / 2;
        int roots = plan.rootOffset[st];
        float a0r = in[i];
        float a0i = in[i + w];
        float sumR = a0r;
        float sumI = a0i;
        for (int r = 1; r <= half; r++) {
            float xr = in[i + r * is];
            float xi = in[i + r * is + w];
            float yr = in[i + (p - r) * is];
            float yi = in[i + (p - r) * is + w];
            tmp[4 * r] = xr + yr;
            tmp[4 * r + 1] = xi + yi;
            tmp[4 * r + 2] = xr - yr;
            tmp[4 * r + 3] = xi - yi;
            sumR += xr + yr;
            sumI += xi + yi;
        }
        out[o] = sumR;
        out[o + w] = sumI;
        for (int k = 1; k <= half; k++) {
            float pr = a0r;
            float pi = a0i;
            float qr = 0f;
            float qi = 0f;
            int idx = 0;
            for (int r = 1; r <= half; r++) {
                idx += k;
                if (idx >= p) {
                    idx -= p;
                }
                float c = plan.rootCos[roots + idx];
                float sn = plan.rootSin[roots + idx];
                pr += c * tmp[4 * r];
                pi += c * tmp[4 * r + 1];
                qr += sn * tmp[4 * r + 2];
                qi += sn * tmp[4 * r + 3];
            }
            twiddle(out, o + k * os, w, pr + qi, pi - qr, plan.twRe[tw + k - 1], plan.twIm[tw + k - 1]);
            twiddle(out, o + (p - k) * os, w, pr - qi, pi + qr, plan.twRe[tw + p - k - 1], plan.twIm[tw + p - k - 1]);
        }
    }

    /** Stores {@code (re + i·im)·(wr + i·wi)} at element offset o (real part) and o + w (imaginary). */
    private static void twiddle(float[] out, int o, int w, float re, float im, float wr, float wi) {
        out[o] = re * wr - im * wi;
        out[o + w] = re * wi + im * wr;
    }

    /**
     * Chirp-z (see {@link Bluestein}): the input in {@code a} is chirped into {@code s.c}, zero-padded
     * to m, transformed, multiplied by the kernel spectrum and written back swapped so that a second
     * forward transform is the inverse; the result, chirped again, goes back into {@code a}.
     */
    private static float[] bluestein(Bluestein bs, float[] a, int w, Scratch s) {
        int e = 2 * w;
        float[] c = s.c;
        for (int t = 0; t < bs.n; t++) {
            float cr = bs.chirpRe[t];
            float ci = bs.chirpIm[t];
            for (int l = t * e, end = l + w; l < end; l++) {
                float xr = a[l];
                float xi = a[l + w];
                c[l] = xr * cr - xi * ci;
                c[l + w] = xr * ci + xi * cr;
            }
        }
        java.util.Arrays.fill(c, bs.n * e, bs.m * e, 0f);
        float[] spec = forward(bs.inner, c, s.d, w, s);
        for (int k = 0; k < bs.m; k++) {
            float kr = bs.kernelRe[k];
            float ki = bs.kernelIm[k];
            for (int l = k * e, end = l + w; l < end; l++) {
                float xr = spec[l];
                float xi = spec[l + w];
                spec[l] = xr * ki + xi * kr;
                spec[l + w] = xr * kr - xi * ki;
            }
        }
        float[] conv = forward(bs.inner, spec, spec == c ? s.d : c, w, s);
        for (int t = 0; t < bs.n; t++) {
            float cr = bs.chirpRe[t];
            float ci = bs.chirpIm[t];
            for (int l = t * e, end = l + w; l < end; l++) {
                float xr = conv[l + w];
                float xi = conv[l];
                a[l] = xr * cr - xi * ci;
                a[l + w] = xr * ci + xi * cr;
            }
        }
        return a;
    }
}

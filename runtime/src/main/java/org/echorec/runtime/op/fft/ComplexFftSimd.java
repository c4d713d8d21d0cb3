package org.echorec.runtime.op.fft;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.echorec.runtime.backend.cpu.simd.SimdSpecies;

/**
 * The forward complex FFT of a {@link FftPlan} with the Vector API, on one vector of channels at
 * once: the layout of {@link ComplexFftPlain} with W = the lane count, so element t is a vector of
 * real parts at float {@code t·ELEM} and a vector of imaginary parts right after it. Every butterfly
 * is the plain one with each float replaced by a vector of channels; twiddles are broadcast once per
 * column j. The first column of every stage ({@code j = 0}) has unit twiddles and skips the
 * multiplications; C2 unswitches that test out of the inner loop.
 *
 * <p>Note: no vector helpers in hot loops. A radix-4 or radix-5 stage is 60–100 vector operations in
 * one loop, at or past C2's inlining node budget (NodeCountInliningCutoff). The Vector API's own
 * methods are force-inlined past that budget, but a small helper of ours taking or returning a
 * vector ({@code load(…)}, {@code store(re, im)}, a complex multiply) is then compiled as a call and
 * every vector crossing it is boxed: measured here at ~400 MB of garbage and 10× the time per call
 * at [2048, 200, 64]. So the loops below spell out {@code fromArray}/{@code intoArray}/{@code fma}
 * directly, and helpers take arrays and offsets only. The scratch is heap arrays rather than
 * 64-byte-aligned off-heap segments: their accesses cost C2 fewer nodes, and an aligned off-heap
 * copy of this engine measured no faster (length 100, 16 lanes: 1.65–1.75 µs per transform either
 * way); a group's buffers (~100 KB at n = 200) stay in L2.
 */
final class ComplexFftSimd {
    static final VectorSpecies<Float> S = SimdSpecies.F;
    static final int L = S.length();
    /** Floats from an element's real vector to its imaginary vector. */
    static final int HALF = L;
    /** Floats per element (a real and an imaginary vector). */
    static final int ELEM = 2 * L;

    private ComplexFftSimd() {}

    /**
     * Per-thread buffers, grown when a longer transform or a larger group first needs more: a pair
     * of element buffers per vector block of a group ({@code a[g]} holds block g's input, {@code b[g]}
     * is its work buffer, {@code z[g]} names whichever holds its result), and the shared chirp-z and
     * generic-radix buffers.
     */
    static final class Scratch {
        float[][] a = new float[0][];
        float[][] b = new float[0][];
        float[][] z = new float[0][];
        float[] c = new float[0];
        float[] d = new float[0];
        float[] tmp = new float[0];

        Scratch ensure(FftPlan plan, int blocks) {
            int main = ELEM * plan.n;
            if (a.length < blocks || a[0].length < main) {
                int count = Math.max(blocks, a.length);
                a = new float[count][main];
                b = new float[count][main];
                z = new float[count][];
            }
            int chirp = ELEM * plan.bluesteinLength();
            if (c.length < chirp) {
                c = new float[chirp];
                d = new float[chirp];
            }
            int generic = 2 * ELEM * (plan.maxGenericRadix / 2 + 1);
            if (tmp.length < generic) {
                tmp = new float[generic];
            }
            return this;
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    static Scratch scratch(FftPlan plan, int blocks) {
        return SCRATCH.get().ensure(plan, blocks);
    }

    /** Forward DFT of the plan's elements in {@code a} ({@code b} is work); returns the buffer holding it. */
    static float[] forward(FftPlan plan, float[] a, float[] b, Scratch s) {
        if (plan.bluestein != null) {
            return bluestein(plan.bluestein, a, s);
        }
        float[] in = a;
        float[] out = b;
        for (int st = 0; st < plan.stages; st++) {
            stage(plan, st, in, out, s.tmp);
            float[] t = in;
            in = out;
            out = t;
        }
        return in;
    }

    private static void stage(FftPlan plan, int st, float[] in, float[] out, float[] tmp) {
        int m = plan.span[st];
        int s = plan.stride[st];
        int tw = plan.twOffset[st];
        switch (plan.radix[st]) {
            case 2 -> stage2(in, out, m, s, plan.twRe, plan.twIm, tw);
            case 3 -> stage3(in, out, m, s, plan.twRe, plan.twIm, tw);
            case 4 -> stage4(in, out, m, s, plan.twRe, plan.twIm, tw);
            case 5 -> stage5(in, out, m, s, plan.twRe, plan.twIm, tw);
            default -> stageGeneric(plan, st, in, out, tmp);
        }
    }

    // ------------------------------------------------------------------ stages

    private static void stage2(float[] in, float[] out, int m, int s, float[] twRe, float[] twIm, int tw) {
        int is = s * m * ELEM;
        int os = s * ELEM;
        for (int j = 0; j < m; j++) {
            FloatVector w1r = FloatVector.broadcast(S, twRe[tw + j]);
            FloatVector w1i = FloatVector.broadcast(S, twIm[tw + j]);
            FloatVector n1i = FloatVector.broadcast(S, -twIm[tw + j]);
            for (int q = 0; q < s; q++) {
                int src = (q + s * j) * ELEM;
                int dst = (q + 2 * s * j) * ELEM;
                FloatVector a0r = FloatVector.fromArray(S, in, src);
                FloatVector a0i = FloatVector.fromArray(S, in, src + HALF);
                FloatVector a1r = FloatVector.fromArray(S, in, src + is);
                FloatVector a1i = FloatVector.fromArray(S, in, src + is + HALF);
                a0r.add(a1r).intoArray(out, dst);
                a0i.add(a1i).intoArray(out, dst + HALF);
                FloatVector dr = a0r.sub(a1r);
                FloatVector di = a0i.sub(a1i);
                if (j == 0) {
                    dr.intoArray(out, dst + os);
                    di.intoArray(out, dst + os + HALF);
                } else {
                    dr.fma(w1r, di.mul(n1i)).intoArray(out, dst + os);
                    dr.fma(w1i, di.mul(w1r)).intoArray(out, dst + os + HALF);
                }
            }
        }
    }

    private static void stage3(float[] in, float[] out, int m, int s, float[] twRe, float[] twIm, int tw) {
        FloatVector half = FloatVector.broadcast(S, -0.5f);
        FloatVector h = FloatVector.broadcast(S, (float) Math.sqrt(0.75));
        int is = s * m * ELEM;
        int os = s * ELEM;
        for (int j = 0; j < m; j++) {
            int t = tw + 2 * j;
            FloatVector w1r = FloatVector.broadcast(S, twRe[t]);
            FloatVector w1i = FloatVector.broadcast(S, twIm[t]);
            FloatVector n1i = FloatVector.broadcast(S, -twIm[t]);
            FloatVector w2r = FloatVector.broadcast(S, twRe[t + 1]);
            FloatVector w2i = FloatVector.broadcast(S, twIm[t + 1]);
            FloatVector n2i = FloatVector.broadcast(S, -twIm[t + 1]);
            for (int q = 0; q < s; q++) {
                int src = (q + s * j) * ELEM;
                int dst = (q + 3 * s * j) * ELEM;
                FloatVector a0r = FloatVector.fromArray(S, in, src);
                FloatVector a0i = FloatVector.fromArray(S, in, src + HALF);
                FloatVector a1r = FloatVector.fromArray(S, in, src + is);
                FloatVector a1i = FloatVector.fromArray(S, in, src + is + HALF);
                FloatVector a2r = FloatVector.fromArray(S, in, src + 2 * is);
                FloatVector a2i = FloatVector.fromArray(S, in, src + 2 * is + HALF);
                FloatVector tr = a1r.add(a2r);
                FloatVector ti = a1i.add(a2i);
                FloatVector dr = a1r.sub(a2r).mul(h);
                FloatVector di = a1i.sub(a2i).mul(h);
                FloatVector mr = tr.fma(half, a0r);
                FloatVector mi = ti.fma(half, a0i);
                a0r.add(tr).intoArray(out, dst);
                a0i.add(ti).intoArray(out, dst + HALF);
                FloatVector b1r = mr.add(di);
                FloatVector b1i = mi.sub(dr);
                FloatVector b2r = mr.sub(di);
                FloatVector b2i = mi.add(dr);
                if (j == 0) {
                    b1r.intoArray(out, dst + os);
                    b1i.intoArray(out, dst + os + HALF);
                    b2r.intoArray(out, dst + 2 * os);
                    b2i.intoArray(out, dst + 2 * os + HALF);
                } else {
                    b1r.fma(w1r, b1i.mul(n1i)).intoArray(out, dst + os);
                    b1r.fma(w1i, b1i.mul(w1r)).intoArray(out, dst + os + HALF);
                    b2r.fma(w2r, b2i.mul(n2i)).intoArray(out, dst + 2 * os);
                    b2r.fma(w2i, b2i.mul(w2r)).intoArray(out, dst + 2 * os + HALF);
                }
            }
        }
    }

    private static void stage4(float[] in, float[] out, int m, int s, float[] twRe, float[] twIm, int tw) {
        int is = s * m * ELEM;
        int os = s * ELEM;
        for (int j = 0; j < m; j++) {
            int t = tw + 3 * j;
            FloatVector w1r = FloatVector.broadcast(S, twRe[t]);
            FloatVector w1i = FloatVector.broadcast(S, twIm[t]);
            FloatVector n1i = FloatVector.broadcast(S, -twIm[t]);
            FloatVector w2r = FloatVector.broadcast(S, twRe[t + 1]);
            FloatVector w2i = FloatVector.broadcast(S, twIm[t + 1]);
            FloatVector n2i = FloatVector.broadcast(S, -twIm[t + 1]);
            FloatVector w3r = FloatVector.broadcast(S, twRe[t + 2]);
            FloatVector w3i = FloatVector.broadcast(S, twIm[t + 2]);
            FloatVector n3i = FloatVector.broadcast(S, -twIm[t + 2]);
            for (int q = 0; q < s; q++) {
                int src = (q + s * j) * ELEM;
                int dst = (q + 4 * s * j) * ELEM;
                FloatVector a0r = FloatVector.fromArray(S, in, src);
                FloatVector a0i = FloatVector.fromArray(S, in, src + HALF);
                FloatVector a1r = FloatVector.fromArray(S, in, src + is);
                FloatVector a1i = FloatVector.fromArray(S, in, src + is + HALF);
                FloatVector a2r = FloatVector.fromArray(S, in, src + 2 * is);
                FloatVector a2i = FloatVector.fromArray(S, in, src + 2 * is + HALF);
                FloatVector a3r = FloatVector.fromArray(S, in, src + 3 * is);
                FloatVector a3i = FloatVector.fromArray(S, in, src + 3 * is + HALF);
                FloatVector t0r = a0r.add(a2r);
                FloatVector t0i = a0i.add(a2i);
                FloatVector t1r = a0r.sub(a2r);
                FloatVector t1i = a0i.sub(a2i);
                FloatVector t2r = a1r.add(a3r);
                FloatVector t2i = a1i.add(a3i);
                FloatVector t3r = a1r.sub(a3r);
                FloatVector t3i = a1i.sub(a3i);
                t0r.add(t2r).intoArray(out, dst);
                t0i.add(t2i).intoArray(out, dst + HALF);
                FloatVector b1r = t1r.add(t3i);
                FloatVector b1i = t1i.sub(t3r);
                FloatVector b2r = t0r.sub(t2r);
                FloatVector b2i = t0i.sub(t2i);
                FloatVector b3r = t1r.sub(t3i);
                FloatVector b3i = t1i.add(t3r);
                if (j == 0) {
                    b1r.intoArray(out, dst + os);
                    b1i.intoArray(out, dst + os + HALF);
                    b2r.intoArray(out, dst + 2 * os);
                    b2i.intoArray(out, dst + 2 * os + HALF);
                    b3r.intoArray(out, dst + 3 * os);
                    b3i.intoArray(out, dst + 3 * os + HALF);
                } else {
                    b1r.fma(w1r, b1i.mul(n1i)).intoArray(out, dst + os);
                    b1r.fma(w1i, b1i.mul(w1r)).intoArray(out, dst + os + HALF);
                    b2r.fma(w2r, b2i.mul(n2i)).intoArray(out, dst + 2 * os);
                    b2r.fma(w2i, b2i.mul(w2r)).intoArray(out, dst + 2 * os + HALF);
                    b3r.fma(w3r, b3i.mul(n3i)).intoArray(out, dst + 3 * os);
                    b3r.fma(w3i, b3i.mul(w3r)).intoArray(out, dst + 3 * os + HALF);
                }
            }
        }
    }

    private static void stage5(float[] in, float[] out, int m, int s, float[] twRe, float[] twIm, int tw) {
        FloatVector c1 = FloatVector.broadcast(S, (float) Math.cos(2 * Math.PI / 5));
        FloatVector c2 = FloatVector.broadcast(S, (float) Math.cos(4 * Math.PI / 5));
        FloatVector s1 = FloatVector.broadcast(S, (float) Math.sin(2 * Math.PI / 5));
        FloatVector s2 = FloatVector.broadcast(S, (float) Math.sin(4 * Math.PI / 5));
        FloatVector ns1 = FloatVector.broadcast(S, (float) -Math.sin(2 * Math.PI / 5));
        int is = s * m * ELEM;
        int os = s * ELEM;
        for (int j = 0; j < m; j++) {
            int t = tw + 4 * j;
            FloatVector w1r = FloatVector.broadcast(S, twRe[t]);
            FloatVector w1i = FloatVector.broadcast(S, twIm[t]);
            FloatVector n1i = FloatVector.broadcast(S, -twIm[t]);
            FloatVector w2r = FloatVector.broadcast(S, twRe[t + 1]);
            FloatVector w2i = FloatVector.broadcast(S, twIm[t + 1]);
            FloatVector n2i = FloatVector.broadcast(S, -twIm[t + 1]);
            FloatVector w3r = FloatVector.broadcast(S, twRe[t + 2]);
            FloatVector w3i = FloatVector.broadcast(S, twIm[t + 2]);
            FloatVector n3i = FloatVector.broadcast(S, -twIm[t + 2]);
            FloatVector w4r = FloatVector.broadcast(S, twRe[t + 3]);
            FloatVector w4i = FloatVector.broadcast(S, twIm[t + 3]);
            FloatVector n4i = FloatVector.broadcast(S, -twIm[t + 3]);
            for (int q = 0; q < s; q++) {
                int src = (q + s * j) * ELEM;
                int dst = (q + 5 * s * j) * ELEM;
                FloatVector a0r = FloatVector.fromArray(S, in, src);
                FloatVector a0i = FloatVector.fromArray(S, in, src + HALF);
                FloatVector a1r = FloatVector.fromArray(S, in, src + is);
                FloatVector a1i = FloatVector.fromArray(S, in, src + is + HALF);
                FloatVector a4r = FloatVector.fromArray(S, in, src + 4 * is);
                FloatVector a4i = FloatVector.fromArray(S, in, src + 4 * is + HALF);
                FloatVector t1r = a1r.add(a4r);
                FloatVector t1i = a1i.add(a4i);
                FloatVector t3r = a1r.sub(a4r);
                FloatVector t3i = a1i.sub(a4i);
                FloatVector a2r = FloatVector.fromArray(S, in, src + 2 * is);
                FloatVector a2i = FloatVector.fromArray(S, in, src + 2 * is + HALF);
                FloatVector a3r = FloatVector.fromArray(S, in, src + 3 * is);
                FloatVector a3i = FloatVector.fromArray(S, in, src + 3 * is + HALF);
                FloatVector t2r = a2r.add(a3r);
                FloatVector t2i = a2i.add(a3i);
                FloatVector t4r = a2r.sub(a3r);
                FloatVector t4i = a2i.sub(a3i);
                FloatVector car = t2r.fma(c2, t1r.fma(c1, a0r));
                FloatVector cai = t2i.fma(c2, t1i.fma(c1, a0i));
                FloatVector sar = t4r.fma(s2, t3r.mul(s1));
                FloatVector sai = t4i.fma(s2, t3i.mul(s1));
                FloatVector cbr = t2r.fma(c1, t1r.fma(c2, a0r));
                FloatVector cbi = t2i.fma(c1, t1i.fma(c2, a0i));
                FloatVector sbr = t4r.fma(ns1, t3r.mul(s2));
                FloatVector sbi = t4i.fma(ns1, t3i.mul(s2));
                a0r.add(t1r).add(t2r).intoArray(out, dst);
                a0i.add(t1i).add(t2i).intoArray(out, dst + HALF);
                FloatVector b1r = car.add(sai);
                FloatVector b1i = cai.sub(sar);
                FloatVector b2r = cbr.add(sbi);
                FloatVector b2i = cbi.sub(sbr);
                FloatVector b3r = cbr.sub(sbi);
                FloatVector b3i = cbi.add(sbr);
                FloatVector b4r = car.sub(sai);
                FloatVector b4i = cai.add(sar);
                if (j == 0) {
                    b1r.intoArray(out, dst + os);
                    b1i.intoArray(out, dst + os + HALF);
                    b2r.intoArray(out, dst + 2 * os);
                    b2i.intoArray(out, dst + 2 * os + HALF);
                    b3r.intoArray(out, dst + 3 * os);
                    b3i.intoArray(out, dst + 3 * os + HALF);
                    b4r.intoArray(out, dst + 4 * os);
                    b4i.intoArray(out, dst + 4 * os + HALF);
                } else {
                    b1r.fma(w1r, b1i.mul(n1i)).intoArray(out, dst + os);
                    b1r.fma(w1i, b1i.mul(w1r)).intoArray(out, dst + os + HALF);
                    b2r.fma(w2r, b2i.mul(n2i)).intoArray(out, dst + 2 * os);
                    b2r.fma(w2i, b2i.mul(w2r)).intoArray(out, dst + 2 * os + HALF);
                    b3r.fma(w3r, b3i.mul(n3i)).intoArray(out, dst + 3 * os);
                    b3r.fma(w3i, b3i.mul(w3r)).intoArray(out, dst + 3 * os + HALF);
                    b4r.fma(w4r, b4i.mul(n4i)).intoArray(out, dst + 4 * os);
                    b4r.fma(w4i, b4i.mul(w4r)).intoArray(out, dst + 4 * os + HALF);
                }
            }
        }
    }

    /** The generic prime radix of {@link ComplexFftPlain#stageGeneric}, a vector of channels at a time. */
    private static void stageGeneric(FftPlan plan, int st, float[] in, float[] out, float[] tmp) {
        int p = plan.radix[st];
        int m = plan.span[st];
        int s = plan.stride[st];
        int is = s * m * ELEM;
        int os = s * ELEM;
        for (int j = 0; j < m; j++) {
            for (int q = 0; q < s; q++) {
                int src = (q + s * j) * ELEM;
                int dst = (q + p * s * j) * ELEM;
                genericSums(p, in, src, is, out, dst, tmp);
                genericOutputs(plan, st, j, in, src, out, dst, os, tmp);
            }
        }
    }

    /**
     * Stores {@code b_0} and, for r ≤ (p−1)/2, {@code t_r = a_r + a_{p−r}} at float {@code 2r·ELEM} of
     * tmp and {@code u_r = a_r − a_{p−r}} right after it.
     */
    private static void genericSums(int p, float[] in, int src, int is, float[] out, int dst, float[] tmp) {
        FloatVector sumR = FloatVector.fromArray(S, in, src);
        FloatVector sumI = FloatVector.fromArray(S, in, src + HALF);
        for (int r = 1; 2 * r < p; r++) {
            FloatVector xr = FloatVector.fromArray(S, in, src + r * is);
            FloatVector xi = FloatVector.fromArray(S, in, src + r * is + HALF);
            FloatVector yr = FloatVector.fromArray(S, in, src + (p - r) * is);
            FloatVector yi = FloatVector.fromArray(S, in, src + (p - r) * is + HALF);
            FloatVector tr = xr.add(yr);
            FloatVector ti = xi.add(yi);
            tr.intoArray(tmp, 2 * r * ELEM);
            ti.intoArray(tmp, 2 * r * ELEM + HALF);
            xr.sub(yr).intoArray(tmp, (2 * r + 1) * ELEM);
            xi.sub(yi).intoArray(tmp, (2 * r + 1) * ELEM + HALF);
            sumR = sumR.add(tr);
            sumI = sumI.add(ti);
        }
        sumR.intoArray(out, dst);
        sumI.intoArray(out, dst + HALF);
    }

    /** Outputs k and p−k from the sums in tmp, twiddled, for k ≤ (p−1)/2. */
    private static void genericOutputs(FftPlan plan, int st, int j, float[] in, int src, float[] out, int dst, int os,
                                       float[] tmp) {
        int p = plan.radix[st];
        int roots = plan.rootOffset[st];
        int tw = plan.twOffset[st] + j * (p - 1);
        for (int k = 1; 2 * k < p; k++) {
            FloatVector pr = FloatVector.fromArray(S, in, src);
            FloatVector pi = FloatVector.fromArray(S, in, src + HALF);
            FloatVector qr = FloatVector.zero(S);
            FloatVector qi = FloatVector.zero(S);
            int idx = 0;
            for (int r = 1; 2 * r < p; r++) {
                idx += k;
                if (idx >= p) {
                    idx -= p;
                }
                FloatVector c = FloatVector.broadcast(S, plan.rootCos[roots + idx]);
                FloatVector sn = FloatVector.broadcast(S, plan.rootSin[roots + idx]);
                int at = 2 * r * ELEM;
                pr = FloatVector.fromArray(S, tmp, at).fma(c, pr);
                pi = FloatVector.fromArray(S, tmp, at + HALF).fma(c, pi);
                qr = FloatVector.fromArray(S, tmp, at + ELEM).fma(sn, qr);
                qi = FloatVector.fromArray(S, tmp, at + ELEM + HALF).fma(sn, qi);
            }
            FloatVector br = pr.add(qi);
            FloatVector bi = pi.sub(qr);
            FloatVector cr = pr.sub(qi);
            FloatVector ci = pi.add(qr);
            FloatVector wr = FloatVector.broadcast(S, plan.twRe[tw + k - 1]);
            FloatVector wi = FloatVector.broadcast(S, plan.twIm[tw + k - 1]);
            br.fma(wr, bi.mul(wi).neg()).intoArray(out, dst + k * os);
            br.fma(wi, bi.mul(wr)).intoArray(out, dst + k * os + HALF);
            FloatVector vr = FloatVector.broadcast(S, plan.twRe[tw + p - k - 1]);
            FloatVector vi = FloatVector.broadcast(S, plan.twIm[tw + p - k - 1]);
            cr.fma(vr, ci.mul(vi).neg()).intoArray(out, dst + (p - k) * os);
            cr.fma(vi, ci.mul(vr)).intoArray(out, dst + (p - k) * os + HALF);
        }
    }

    // ------------------------------------------------------------------ chirp-z

    /** {@link ComplexFftPlain}'s Bluestein, on vectors; the result is written back into {@code a}. */
    private static float[] bluestein(Bluestein bs, float[] a, Scratch s) {
        float[] c = s.c;
        chirp(bs, a, c, false);
        Arrays.fill(c, bs.n * ELEM, bs.m * ELEM, 0f);
        float[] spec = forward(bs.inner, c, s.d, s);
        convolve(bs, spec);
        float[] conv = forward(bs.inner, spec, spec == c ? s.d : c, s);
        chirp(bs, conv, a, true);
        return a;
    }

    /** {@code dst_t = c_t·src_t} for t &lt; n, reading src swapped (the inverse's output) when asked. */
    private static void chirp(Bluestein bs, float[] src, float[] dst, boolean swapped) {
        int re = swapped ? HALF : 0;
        int im = swapped ? 0 : HALF;
        for (int t = 0; t < bs.n; t++) {
            int at = t * ELEM;
            FloatVector xr = FloatVector.fromArray(S, src, at + re);
            FloatVector xi = FloatVector.fromArray(S, src, at + im);
            FloatVector cr = FloatVector.broadcast(S, bs.chirpRe[t]);
            FloatVector ci = FloatVector.broadcast(S, bs.chirpIm[t]);
            xr.fma(cr, xi.mul(ci).neg()).intoArray(dst, at);
            xr.fma(ci, xi.mul(cr)).intoArray(dst, at + HALF);
        }
    }

    /** Multiplies by the kernel spectrum and stores the product swapped, so the next forward FFT inverts. */
    private static void convolve(Bluestein bs, float[] spec) {
        for (int k = 0; k < bs.m; k++) {
            int at = k * ELEM;
            FloatVector xr = FloatVector.fromArray(S, spec, at);
            FloatVector xi = FloatVector.fromArray(S, spec, at + HALF);
            FloatVector kr = FloatVector.broadcast(S, bs.kernelRe[k]);
            FloatVector ki = FloatVector.broadcast(S, bs.kernelIm[k]);
            xr.fma(ki, xi.mul(kr)).intoArray(spec, at);
            xr.fma(kr, xi.mul(ki).neg()).intoArray(spec, at + HALF);
        }
    }
}

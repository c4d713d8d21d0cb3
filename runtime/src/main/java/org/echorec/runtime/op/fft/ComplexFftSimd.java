package org.echorec.runtime.op.fft;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.echorec.runtime.backend.cpu.simd.SimdSpecies;

/**
 * The forward complex FFT of a {@link FftPlan} with the Vector API, on one vector of channels at
 * once: the layout of {@link ComplexFftPlain} with W = the lane count, so element t is a vector of
 * real parts at byte {@code t·ELEM} and a vector of imaginary parts right after it. Every butterfly is
 * the plain one with each float replaced by a vector of channels; twiddles are scalars broadcast to
 * all lanes. The scratch is off-heap and 64-byte aligned (PERF_NOTES 5), so an element's vectors
 * never straddle cache lines on 512-bit vectors.
 *
 * <p>Each radix has its own stage loop with the butterfly written out in it rather than a shared loop
 * calling a butterfly function: vectors only stay in registers when C2 inlines everything, and a
 * function parameter in the hot loop defeats that (PERF_NOTES, pitfall 2). The first column of
 * every stage ({@code j = 0}) has unit twiddles and skips the multiplications; C2 unswitches that test
 * out of the inner loop.
 */
final class ComplexFftSimd {
    static final VectorSpecies<Float> S = SimdSpecies.F;
    static final int L = S.length();
    static final ByteOrder ORDER = ByteOrder.nativeOrder();
    /** Bytes from an element's real vector to its imaginary vector. */
    static final long HALF = 4L * L;
    /** Bytes per element (a real and an imaginary vector). */
    static final long ELEM = 8L * L;

    private ComplexFftSimd() {}

    /** Per-thread off-heap buffers, grown when a longer transform first needs more. */
    static final class Scratch {
        MemorySegment a = MemorySegment.NULL;
        MemorySegment b = MemorySegment.NULL;
        MemorySegment c = MemorySegment.NULL;
        MemorySegment d = MemorySegment.NULL;
        MemorySegment tmp = MemorySegment.NULL;

        Scratch ensure(FftPlan plan) {
            long main = ELEM * plan.n;
            if (a.byteSize() < main) {
                a = allocate(main);
                b = allocate(main);
            }
            long chirp = ELEM * plan.bluesteinLength();
            if (c.byteSize() < chirp) {
                c = allocate(chirp);
                d = allocate(chirp);
            }
            long generic = 2 * ELEM * (plan.maxGenericRadix / 2 + 1);
            if (tmp.byteSize() < generic) {
                tmp = allocate(generic);
            }
            return this;
        }

        private static MemorySegment allocate(long bytes) {
            return Arena.ofAuto().allocate(bytes, 64);
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    static Scratch scratch(FftPlan plan) {
        return SCRATCH.get().ensure(plan);
    }

    /** Forward DFT of the plan's elements in {@code a} ({@code b} is work); returns the buffer holding it. */
    static MemorySegment forward(FftPlan plan, MemorySegment a, MemorySegment b, Scratch s) {
        if (plan.bluestein != null) {
            return bluestein(plan.bluestein, a, s);
        }
        MemorySegment in = a;
        MemorySegment out = b;
        for (int st = 0; st < plan.stages; st++) {
            stage(plan, st, in, out, s.tmp);
            MemorySegment t = in;
            in = out;
            out = t;
        }
        return in;
    }

    private static void stage(FftPlan plan, int st, MemorySegment in, MemorySegment out, MemorySegment tmp) {
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

    // ------------------------------------------------------------------ vector access

    static FloatVector ld(MemorySegment m, long byteOffset) {
        return FloatVector.fromMemorySegment(S, m, byteOffset, ORDER);
    }

    /** {@code a·b + c} with a scalar b (the Vector API has no such fma overload). */
    static FloatVector madd(FloatVector a, float b, FloatVector c) {
        return a.fma(FloatVector.broadcast(S, b), c);
    }

    /** Stores an element: real vector at {@code at}, imaginary vector after it. */
    static void st(MemorySegment m, long at, FloatVector re, FloatVector im) {
        re.intoMemorySegment(m, at, ORDER);
        im.intoMemorySegment(m, at + HALF, ORDER);
    }

    /** Stores the element {@code (re + i·im)·(wr + i·wi)}. */
    private static void stTw(MemorySegment m, long at, FloatVector re, FloatVector im, float wr, float wi) {
        st(m, at, madd(re, wr, im.mul(-wi)), madd(re, wi, im.mul(wr)));
    }

    // ------------------------------------------------------------------ stages

    private static void stage2(MemorySegment in, MemorySegment out, int m, int s, float[] twRe, float[] twIm, int tw) {
        long is = s * (long) m * ELEM;
        long os = s * ELEM;
        for (int j = 0; j < m; j++) {
            float w1r = twRe[tw + j];
            float w1i = twIm[tw + j];
            for (int q = 0; q < s; q++) {
                long src = (q + (long) s * j) * ELEM;
                long dst = (q + 2L * s * j) * ELEM;
                FloatVector a0r = ld(in, src);
                FloatVector a0i = ld(in, src + HALF);
                FloatVector a1r = ld(in, src + is);
                FloatVector a1i = ld(in, src + is + HALF);
                st(out, dst, a0r.add(a1r), a0i.add(a1i));
                if (j == 0) {
                    st(out, dst + os, a0r.sub(a1r), a0i.sub(a1i));
                } else {
                    stTw(out, dst + os, a0r.sub(a1r), a0i.sub(a1i), w1r, w1i);
                }
            }
        }
    }

    private static void stage3(MemorySegment in, MemorySegment out, int m, int s, float[] twRe, float[] twIm, int tw) {
        final float h = (float) Math.sqrt(0.75);
        long is = s * (long) m * ELEM;
        long os = s * ELEM;
        for (int j = 0; j < m; j++) {
            int t = tw + 2 * j;
            float w1r = twRe[t];
            float w1i = twIm[t];
            float w2r = twRe[t + 1];
            float w2i = twIm[t + 1];
            for (int q = 0; q < s; q++) {
                long src = (q + (long) s * j) * ELEM;
                long dst = (q + 3L * s * j) * ELEM;
                FloatVector a0r = ld(in, src);
                FloatVector a0i = ld(in, src + HALF);
                FloatVector a1r = ld(in, src + is);
                FloatVector a1i = ld(in, src + is + HALF);
                FloatVector a2r = ld(in, src + 2 * is);
                FloatVector a2i = ld(in, src + 2 * is + HALF);
                FloatVector tr = a1r.add(a2r);
                FloatVector ti = a1i.add(a2i);
                FloatVector dr = a1r.sub(a2r).mul(h);
                FloatVector di = a1i.sub(a2i).mul(h);
                FloatVector mr = madd(tr, -0.5f, a0r);
                FloatVector mi = madd(ti, -0.5f, a0i);
                st(out, dst, a0r.add(tr), a0i.add(ti));
                if (j == 0) {
                    st(out, dst + os, mr.add(di), mi.sub(dr));
                    st(out, dst + 2 * os, mr.sub(di), mi.add(dr));
                } else {
                    stTw(out, dst + os, mr.add(di), mi.sub(dr), w1r, w1i);
                    stTw(out, dst + 2 * os, mr.sub(di), mi.add(dr), w2r, w2i);
                }
            }
        }
    }

    private static void stage4(MemorySegment in, MemorySegment out, int m, int s, float[] twRe, float[] twIm, int tw) {
        long is = s * (long) m * ELEM;
        long os = s * ELEM;
        for (int j = 0; j < m; j++) {
            int t = tw + 3 * j;
            float w1r = twRe[t];
            float w1i = twIm[t];
            float w2r = twRe[t + 1];
            float w2i = twIm[t + 1];
            float w3r = twRe[t + 2];
            float w3i = twIm[t + 2];
            for (int q = 0; q < s; q++) {
                long src = (q + (long) s * j) * ELEM;
                long dst = (q + 4L * s * j) * ELEM;
                FloatVector a0r = ld(in, src);
                FloatVector a0i = ld(in, src + HALF);
                FloatVector a1r = ld(in, src + is);
                FloatVector a1i = ld(in, src + is + HALF);
                FloatVector a2r = ld(in, src + 2 * is);
                FloatVector a2i = ld(in, src + 2 * is + HALF);
                FloatVector a3r = ld(in, src + 3 * is);
                FloatVector a3i = ld(in, src + 3 * is + HALF);
                FloatVector t0r = a0r.add(a2r);
                FloatVector t0i = a0i.add(a2i);
                FloatVector t1r = a0r.sub(a2r);
                FloatVector t1i = a0i.sub(a2i);
                FloatVector t2r = a1r.add(a3r);
                FloatVector t2i = a1i.add(a3i);
                FloatVector t3r = a1r.sub(a3r);
                FloatVector t3i = a1i.sub(a3i);
                st(out, dst, t0r.add(t2r), t0i.add(t2i));
                if (j == 0) {
                    st(out, dst + os, t1r.add(t3i), t1i.sub(t3r));
                    st(out, dst + 2 * os, t0r.sub(t2r), t0i.sub(t2i));
                    st(out, dst + 3 * os, t1r.sub(t3i), t1i.add(t3r));
                } else {
                    stTw(out, dst + os, t1r.add(t3i), t1i.sub(t3r), w1r, w1i);
                    stTw(out, dst + 2 * os, t0r.sub(t2r), t0i.sub(t2i), w2r, w2i);
                    stTw(out, dst + 3 * os, t1r.sub(t3i), t1i.add(t3r), w3r, w3i);
                }
            }
        }
    }

    private static void stage5(MemorySegment in, MemorySegment out, int m, int s, float[] twRe, float[] twIm, int tw) {
        final float c1 = (float) Math.cos(2 * Math.PI / 5);
        final float c2 = (float) Math.cos(4 * Math.PI / 5);
        final float s1 = (float) Math.sin(2 * Math.PI / 5);
        final float s2 = (float) Math.sin(4 * Math.PI / 5);
        long is = s * (long) m * ELEM;
        long os = s * ELEM;
        for (int j = 0; j < m; j++) {
            int t = tw + 4 * j;
            float w1r = twRe[t];
            float w1i = twIm[t];
            float w2r = twRe[t + 1];
            float w2i = twIm[t + 1];
            float w3r = twRe[t + 2];
            float w3i = twIm[t + 2];
            float w4r = twRe[t + 3];
            float w4i = twIm[t + 3];
            for (int q = 0; q < s; q++) {
                long src = (q + (long) s * j) * ELEM;
                long dst = (q + 5L * s * j) * ELEM;
                FloatVector a0r = ld(in, src);
                FloatVector a0i = ld(in, src + HALF);
                FloatVector a1r = ld(in, src + is);
                FloatVector a1i = ld(in, src + is + HALF);
                FloatVector a4r = ld(in, src + 4 * is);
                FloatVector a4i = ld(in, src + 4 * is + HALF);
                FloatVector t1r = a1r.add(a4r);
                FloatVector t1i = a1i.add(a4i);
                FloatVector t3r = a1r.sub(a4r);
                FloatVector t3i = a1i.sub(a4i);
                FloatVector a2r = ld(in, src + 2 * is);
                FloatVector a2i = ld(in, src + 2 * is + HALF);
                FloatVector a3r = ld(in, src + 3 * is);
                FloatVector a3i = ld(in, src + 3 * is + HALF);
                FloatVector t2r = a2r.add(a3r);
                FloatVector t2i = a2i.add(a3i);
                FloatVector t4r = a2r.sub(a3r);
                FloatVector t4i = a2i.sub(a3i);
                FloatVector car = madd(t2r, c2, madd(t1r, c1, a0r));
                FloatVector cai = madd(t2i, c2, madd(t1i, c1, a0i));
                FloatVector sar = madd(t4r, s2, t3r.mul(s1));
                FloatVector sai = madd(t4i, s2, t3i.mul(s1));
                FloatVector cbr = madd(t2r, c1, madd(t1r, c2, a0r));
                FloatVector cbi = madd(t2i, c1, madd(t1i, c2, a0i));
                FloatVector sbr = madd(t4r, -s1, t3r.mul(s2));
                FloatVector sbi = madd(t4i, -s1, t3i.mul(s2));
                st(out, dst, a0r.add(t1r).add(t2r), a0i.add(t1i).add(t2i));
                if (j == 0) {
                    st(out, dst + os, car.add(sai), cai.sub(sar));
                    st(out, dst + 2 * os, cbr.add(sbi), cbi.sub(sbr));
                    st(out, dst + 3 * os, cbr.sub(sbi), cbi.add(sbr));
                    st(out, dst + 4 * os, car.sub(sai), cai.add(sar));
                } else {
                    stTw(out, dst + os, car.add(sai), cai.sub(sar), w1r, w1i);
                    stTw(out, dst + 2 * os, cbr.add(sbi), cbi.sub(sbr), w2r, w2i);
                    stTw(out, dst + 3 * os, cbr.sub(sbi), cbi.add(sbr), w3r, w3i);
                    stTw(out, dst + 4 * os, car.sub(sai), cai.add(sar), w4r, w4i);
                }
            }
        }
    }

    /** The generic prime radix of {@link ComplexFftPlain#stageGeneric}, a vector of channels at a time. */
    private static void stageGeneric(FftPlan plan, int st, MemorySegment in, MemorySegment out, MemorySegment tmp) {
        int p = plan.radix[st];
        int m = plan.span[st];
        int s = plan.stride[st];
        long is = s * (long) m * ELEM;
        long os = s * ELEM;
        for (int j = 0; j < m; j++) {
            int tw = plan.twOffset[st] + j * (p - 1);
            for (int q = 0; q < s; q++) {
                long src = (q + (long) s * j) * ELEM;
                long dst = (q + (long) p * s * j) * ELEM;
                genericButterfly(plan, st, in, src, is, out, dst, os, tw, tmp);
            }
        }
    }

    /** tmp holds {@code t_r} at byte {@code 2r·ELEM} and {@code u_r} right after it. */
    private static void genericButterfly(FftPlan plan, int st, MemorySegment in, long src, long is, MemorySegment out,
                                         long dst, long os, int tw, MemorySegment tmp) {
        int p = plan.radix[st];
        int half = (p - 1) / 2;
        FloatVector a0r = ld(in, src);
        FloatVector a0i = ld(in, src + HALF);
        FloatVector sumR = a0r;
        FloatVector sumI = a0i;
        for (int r = 1; r <= half; r++) {
            FloatVector xr = ld(in, src + r * is);
            FloatVector xi = ld(in, src + r * is + HALF);
            FloatVector yr = ld(in, src + (p - r) * is);
            FloatVector yi = ld(in, src + (p - r) * is + HALF);
            FloatVector tr = xr.add(yr);
            FloatVector ti = xi.add(yi);
            st(tmp, 2 * r * ELEM, tr, ti);
            st(tmp, (2 * r + 1) * ELEM, xr.sub(yr), xi.sub(yi));
            sumR = sumR.add(tr);
            sumI = sumI.add(ti);
        }
        st(out, dst, sumR, sumI);
        for (int k = 1; k <= half; k++) {
            FloatVector pr = a0r;
            FloatVector pi = a0i;
            FloatVector qr = FloatVector.zero(S);
            FloatVector qi = FloatVector.zero(S);
            int idx = 0;
            for (int r = 1; r <= half; r++) {
                idx += k;
                if (idx >= p) {
                    idx -= p;
                }
                float c = plan.rootCos[plan.rootOffset[st] + idx];
                float sn = plan.rootSin[plan.rootOffset[st] + idx];
                long at = 2 * r * ELEM;
                pr = madd(ld(tmp, at), c, pr);
                pi = madd(ld(tmp, at + HALF), c, pi);
                qr = madd(ld(tmp, at + ELEM), sn, qr);
                qi = madd(ld(tmp, at + ELEM + HALF), sn, qi);
            }
            stTw(out, dst + k * os, pr.add(qi), pi.sub(qr), plan.twRe[tw + k - 1], plan.twIm[tw + k - 1]);
            stTw(out, dst + (p - k) * os, pr.sub(qi), pi.add(qr), plan.twRe[tw + p - k - 1], plan.twIm[tw + p - k - 1]);
        }
    }

    // ------------------------------------------------------------------ chirp-z

    /** {@link ComplexFftPlain}'s Bluestein, on vectors; the result is written back into {@code a}. */
    private static MemorySegment bluestein(Bluestein bs, MemorySegment a, Scratch s) {
        MemorySegment c = s.c;
        for (int t = 0; t < bs.n; t++) {
            long at = t * ELEM;
            FloatVector xr = ld(a, at);
            FloatVector xi = ld(a, at + HALF);
            stTw(c, at, xr, xi, bs.chirpRe[t], bs.chirpIm[t]);
        }
        c.asSlice(bs.n * ELEM, (bs.m - bs.n) * ELEM).fill((byte) 0);
        MemorySegment spec = forward(bs.inner, c, s.d, s);
        for (int k = 0; k < bs.m; k++) {
            long at = k * ELEM;
            FloatVector xr = ld(spec, at);
            FloatVector xi = ld(spec, at + HALF);
            float kr = bs.kernelRe[k];
            float ki = bs.kernelIm[k];
            st(spec, at, madd(xr, ki, xi.mul(kr)), madd(xr, kr, xi.mul(-ki)));
        }
        MemorySegment conv = forward(bs.inner, spec, spec == c ? s.d : c, s);
        for (int t = 0; t < bs.n; t++) {
            long at = t * ELEM;
            FloatVector xr = ld(conv, at + HALF);
            FloatVector xi = ld(conv, at);
            stTw(a, at, xr, xi, bs.chirpRe[t], bs.chirpIm[t]);
        }
        return a;
    }
}

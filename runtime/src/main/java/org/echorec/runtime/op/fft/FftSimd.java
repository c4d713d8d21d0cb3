package org.echorec.runtime.op.fft;

import static org.echorec.runtime.op.fft.ComplexFftSimd.ELEM;
import static org.echorec.runtime.op.fft.ComplexFftSimd.HALF;
import static org.echorec.runtime.op.fft.ComplexFftSimd.L;
import static org.echorec.runtime.op.fft.ComplexFftSimd.ORDER;
import static org.echorec.runtime.op.fft.ComplexFftSimd.S;
import static org.echorec.runtime.op.fft.ComplexFftSimd.ld;
import static org.echorec.runtime.op.fft.ComplexFftSimd.madd;
import static org.echorec.runtime.op.fft.ComplexFftSimd.st;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import org.echorec.runtime.backend.cpu.Cpu;
import org.echorec.runtime.backend.cpu.Parallel;
import org.echorec.runtime.op.fft.FftPlain.Geometry;
import org.echorec.runtime.tensor.Tensor;

/**
 * The real FFT primitives with the Vector API: {@link FftPlain}'s drivers (same note: the backward
 * passes are the forward ones with a factor on the interior bins) with one vector of consecutive
 * channels per work unit and {@link ComplexFftSimd} as the engine. The channels left after the last
 * full vector go through {@link FftPlain#forwardBlock} / {@link FftPlain#inverseBlock}.
 *
 * <p>The spectrum stores (re, im) interleaved per channel while the engine keeps split vectors, so
 * the pass over the bins converts with two-table lane selections ({@code selectFrom(v1, v2)}, one
 * permute instruction on AVX-512): two loads and two selections give the real and imaginary vectors
 * of a bin, two selections and two stores write one.
 */
public final class FftSimd {
    /** Lane indexes into the concatenation (re ‖ im) that interleave them: low half, then high half. */
    private static final FloatVector INTERLEAVE_LO = indexes(0);
    private static final FloatVector INTERLEAVE_HI = indexes(L / 2);
    /** Lane indexes into the concatenation of two interleaved vectors picking the real, imaginary parts. */
    private static final FloatVector EVEN_LANES = strided(0);
    private static final FloatVector ODD_LANES = strided(1);

    private FftSimd() {}

    public static void rfft(Tensor x, int axis, Tensor out) {
        forward(x, axis, out, 1f);
    }

    public static void irfft(Tensor spec, int axis, Tensor x) {
        inverse(spec, axis, x, 1f);
    }

    public static void rfftBackward(Tensor dout, int axis, Tensor dx) {
        inverse(dout, axis, dx, 0.5f);
    }

    public static void irfftBackward(Tensor dx, int axis, Tensor dspec) {
        forward(dx, axis, dspec, 2f);
    }

    public static void complexMul(Tensor a, Tensor w, Tensor out) {
        ComplexMulSimd.forward(a, w, out);
    }

    public static void complexMulBackward(Tensor a, Tensor w, Tensor dout, Tensor da, Tensor dw) {
        ComplexMulSimd.backward(a, w, dout, da, dw);
    }

    // ------------------------------------------------------------------ drivers

    private static void forward(Tensor x, int axis, Tensor spec, float interior) {
        Geometry g = Geometry.of("rfft", x, axis);
        RealFftPlan plan = RealFftPlan.of(g.n());
        MemorySegment xs = Cpu.data(x);
        MemorySegment ss = Cpu.data(spec);
        int inner = g.inner();
        int full = inner / L;
        int blocks = full + (inner % L == 0 ? 0 : 1);
        Parallel.forRange(g.outer() * blocks, g.grain(L), (from, to) -> {
            for (int u = from; u < to; u++) {
                int o = u / blocks;
                int b = u % blocks;
                if (b < full) {
                    forwardBlock(plan, xs, ss, o, b * L, inner, interior);
                } else {
                    FftPlain.forwardBlock(plan, xs, ss, o, full * L, inner - full * L, inner, interior);
                }
            }
        });
    }

    private static void inverse(Tensor spec, int axis, Tensor x, float interior) {
        Geometry g = Geometry.of("irfft", x, axis);
        RealFftPlan plan = RealFftPlan.of(g.n());
        MemorySegment ss = Cpu.data(spec);
        MemorySegment xs = Cpu.data(x);
        int inner = g.inner();
        int full = inner / L;
        int blocks = full + (inner % L == 0 ? 0 : 1);
        Parallel.forRange(g.outer() * blocks, g.grain(L), (from, to) -> {
            for (int u = from; u < to; u++) {
                int o = u / blocks;
                int b = u % blocks;
                if (b < full) {
                    inverseBlock(plan, ss, xs, o, b * L, inner, interior);
                } else {
                    FftPlain.inverseBlock(plan, ss, xs, o, full * L, inner - full * L, inner, interior);
                }
            }
        });
    }

    private static void forwardBlock(RealFftPlan plan, MemorySegment xs, MemorySegment ss, int o, int c, int inner,
                                     float interior) {
        ComplexFftSimd.Scratch s = ComplexFftSimd.scratch(plan.complex);
        long x0 = 4 * ((long) o * plan.n * inner + c);
        long s0 = 8 * ((long) o * plan.bins * inner + c);
        if (plan.even) {
            gatherPacked(xs, x0, 4L * inner, plan.half, s.a);
            MemorySegment z = ComplexFftSimd.forward(plan.complex, s.a, s.b, s);
            unpackEven(plan, z, ss, s0, 8L * inner, interior);
        } else {
            gatherReal(xs, x0, 4L * inner, plan.n, s.a);
            MemorySegment z = ComplexFftSimd.forward(plan.complex, s.a, s.b, s);
            unpackOdd(plan, z, ss, s0, 8L * inner, interior);
        }
    }

    private static void inverseBlock(RealFftPlan plan, MemorySegment ss, MemorySegment xs, int o, int c, int inner,
                                     float interior) {
        ComplexFftSimd.Scratch s = ComplexFftSimd.scratch(plan.complex);
        long x0 = 4 * ((long) o * plan.n * inner + c);
        long s0 = 8 * ((long) o * plan.bins * inner + c);
        if (plan.even) {
            packEven(plan, ss, s0, 8L * inner, s.a, interior);
            MemorySegment z = ComplexFftSimd.forward(plan.complex, s.a, s.b, s);
            scatterPacked(z, xs, x0, 4L * inner, plan.half);
        } else {
            packOdd(plan, ss, s0, 8L * inner, s.a, interior);
            MemorySegment z = ComplexFftSimd.forward(plan.complex, s.a, s.b, s);
            scatterReal(z, xs, x0, 4L * inner, plan.n);
        }
    }

    // ------------------------------------------------------------------ forward: gather and unpack (byte offsets)

    private static void gatherPacked(MemorySegment xs, long x0, long row, int h, MemorySegment a) {
        for (int t = 0; t < h; t++) {
            long even = x0 + 2 * t * row;
            st(a, t * ELEM, ld(xs, even), ld(xs, even + row));
        }
    }

    private static void gatherReal(MemorySegment xs, long x0, long row, int n, MemorySegment a) {
        FloatVector zero = FloatVector.zero(S);
        for (int t = 0; t < n; t++) {
            st(a, t * ELEM, ld(xs, x0 + t * row), zero);
        }
    }

    /** {@link FftPlain}'s unpackEven on vectors (the formulas are in {@link RealFftPlan}). */
    private static void unpackEven(RealFftPlan plan, MemorySegment z, MemorySegment ss, long s0, long row,
                                   float interior) {
        int h = plan.half;
        float f = plan.scale;
        FloatVector zr = ld(z, 0);
        FloatVector zi = ld(z, HALF);
        FloatVector zero = FloatVector.zero(S);
        storeBin(ss, s0, zr.add(zi).mul(f), zero);
        storeBin(ss, s0 + h * row, zr.sub(zi).mul(f), zero);
        float fi = f * interior * 0.5f;
        for (int k = 1; 2 * k <= h; k++) {
            FloatVector ar = ld(z, k * ELEM);
            FloatVector ai = ld(z, k * ELEM + HALF);
            FloatVector br = ld(z, (h - k) * ELEM);
            FloatVector bi = ld(z, (h - k) * ELEM + HALF).neg();
            FloatVector er = ar.add(br);
            FloatVector ei = ai.add(bi);
            FloatVector or = ai.sub(bi);
            FloatVector oi = br.sub(ar);
            float wr = plan.upRe[k];
            float wi = plan.upIm[k];
            FloatVector tr = madd(or, wr, oi.mul(-wi));
            FloatVector ti = madd(or, wi, oi.mul(wr));
            storeBin(ss, s0 + k * row, er.add(tr).mul(fi), ei.add(ti).mul(fi));
            storeBin(ss, s0 + (h - k) * row, er.sub(tr).mul(fi), ti.sub(ei).mul(fi));
        }
    }

    private static void unpackOdd(RealFftPlan plan, MemorySegment z, MemorySegment ss, long s0, long row,
                                  float interior) {
        float f = plan.scale;
        float fi = f * interior;
        storeBin(ss, s0, ld(z, 0).mul(f), FloatVector.zero(S));
        for (int k = 1; k < plan.bins; k++) {
            storeBin(ss, s0 + k * row, ld(z, k * ELEM).mul(fi), ld(z, k * ELEM + HALF).mul(fi));
        }
    }

    /** Writes a vector of complex bins, interleaving real and imaginary parts. */
    private static void storeBin(MemorySegment ss, long at, FloatVector re, FloatVector im) {
        INTERLEAVE_LO.selectFrom(re, im).intoMemorySegment(ss, at, ORDER);
        INTERLEAVE_HI.selectFrom(re, im).intoMemorySegment(ss, at + HALF, ORDER);
    }

    // ------------------------------------------------------------------ inverse: pack and scatter

    /** {@link FftPlain}'s packEven on vectors: written swapped, edge bins' imaginary parts never read. */
    private static void packEven(RealFftPlan plan, MemorySegment ss, long s0, long row, MemorySegment a,
                                 float interior) {
        int h = plan.half;
        float f = plan.scale;
        FloatVector dc = EVEN_LANES.selectFrom(ld(ss, s0), ld(ss, s0 + HALF));
        FloatVector ny = EVEN_LANES.selectFrom(ld(ss, s0 + h * row), ld(ss, s0 + h * row + HALF));
        st(a, 0, dc.sub(ny).mul(f), dc.add(ny).mul(f));
        float fi = f * interior;
        for (int k = 1; 2 * k <= h; k++) {
            long pk = s0 + k * row;
            long pc = s0 + (h - k) * row;
            FloatVector x0 = ld(ss, pk);
            FloatVector x1 = ld(ss, pk + HALF);
            FloatVector y0 = ld(ss, pc);
            FloatVector y1 = ld(ss, pc + HALF);
            FloatVector xr = EVEN_LANES.selectFrom(x0, x1);
            FloatVector xi = ODD_LANES.selectFrom(x0, x1);
            FloatVector yr = EVEN_LANES.selectFrom(y0, y1);
            FloatVector yi = ODD_LANES.selectFrom(y0, y1);
            FloatVector ar = xr.add(yr);
            FloatVector ai = xi.sub(yi);
            FloatVector br = xr.sub(yr);
            FloatVector bi = xi.add(yi);
            float wr = plan.upRe[k];
            float wi = plan.upIm[k];
            FloatVector vr = madd(br, wr, bi.mul(wi));
            FloatVector vi = madd(bi, wr, br.mul(-wi));
            st(a, k * ELEM, ai.add(vr).mul(fi), ar.sub(vi).mul(fi));
            st(a, (h - k) * ELEM, vr.sub(ai).mul(fi), ar.add(vi).mul(fi));
        }
    }

    private static void packOdd(RealFftPlan plan, MemorySegment ss, long s0, long row, MemorySegment a,
                                float interior) {
        int n = plan.n;
        float f = plan.scale;
        float fi = f * interior;
        FloatVector dc = EVEN_LANES.selectFrom(ld(ss, s0), ld(ss, s0 + HALF));
        st(a, 0, FloatVector.zero(S), dc.mul(f));
        for (int k = 1; k < plan.bins; k++) {
            FloatVector x0 = ld(ss, s0 + k * row);
            FloatVector x1 = ld(ss, s0 + k * row + HALF);
            FloatVector xr = EVEN_LANES.selectFrom(x0, x1).mul(fi);
            FloatVector xi = ODD_LANES.selectFrom(x0, x1).mul(fi);
            st(a, k * ELEM, xi, xr);
            st(a, (n - k) * ELEM, xi.neg(), xr);
        }
    }

    private static void scatterPacked(MemorySegment z, MemorySegment xs, long x0, long row, int h) {
        for (int t = 0; t < h; t++) {
            long even = x0 + 2 * t * row;
            ld(z, t * ELEM + HALF).intoMemorySegment(xs, even, ORDER);
            ld(z, t * ELEM).intoMemorySegment(xs, even + row, ORDER);
        }
    }

    private static void scatterReal(MemorySegment z, MemorySegment xs, long x0, long row, int n) {
        for (int t = 0; t < n; t++) {
            ld(z, t * ELEM + HALF).intoMemorySegment(xs, x0 + t * row, ORDER);
        }
    }

    // ------------------------------------------------------------------ lane tables

    private static FloatVector indexes(int start) {
        float[] idx = new float[L];
        for (int i = 0; i < L / 2; i++) {
            idx[2 * i] = start + i;
            idx[2 * i + 1] = start + i + L;
        }
        return FloatVector.fromArray(S, idx, 0);
    }

    private static FloatVector strided(int start) {
        float[] idx = new float[L];
        for (int i = 0; i < L; i++) {
            idx[i] = start + 2 * i;
        }
        return FloatVector.fromArray(S, idx, 0);
    }
}

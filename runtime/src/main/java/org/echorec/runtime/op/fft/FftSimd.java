package org.echorec.runtime.op.fft;

import static org.echorec.runtime.op.fft.ComplexFftSimd.ELEM;
import static org.echorec.runtime.op.fft.ComplexFftSimd.HALF;
import static org.echorec.runtime.op.fft.ComplexFftSimd.L;
import static org.echorec.runtime.op.fft.ComplexFftSimd.S;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import org.echorec.runtime.backend.cpu.Cpu;
import org.echorec.runtime.backend.cpu.Parallel;
import org.echorec.runtime.op.fft.FftPlain.Geometry;
import org.echorec.runtime.tensor.Tensor;

/**
 * The real FFT primitives with the Vector API: {@link FftPlain}'s drivers (same note: the backward
 * passes are the forward ones with a factor on the interior bins) with {@link ComplexFftSimd} as the
 * engine, one vector of consecutive channels per transform. The channels left after the last full
 * vector go through {@link FftPlain#forwardBlock} / {@link FftPlain#inverseBlock}.
 *
 * <p>Note: channel groups. A work unit is a group of up to {@link #GROUP} vector blocks (64
 * channels) of one outer row: the group is gathered row by row into one buffer per block, each block
 * is transformed, and the bins are written row by row. At the model's [B, L, 64] a unit then reads
 * and writes whole 256-byte rows in order instead of one 64-byte line per row at a 256-byte stride;
 * measured at [2048, 200, 64] on one thread (CPU time), rfft 46–51 → 39 ms, irfft 59 → 40–44 ms.
 *
 * <p>The spectrum stores (re, im) interleaved per channel while the engine keeps split vectors, so
 * the pass over the bins converts with two-table lane selections ({@code selectFrom(v1, v2)}, which
 * C2 intrinsifies as a two-table permute): two loads and two selections give the real and imaginary
 * vectors of a bin, two selections and two stores write one. As in {@link ComplexFftSimd} (its note),
 * the loops call the Vector API directly, never a helper of ours that takes or returns a vector.
 */
public final class FftSimd {
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    /** Bytes of one vector. */
    private static final long VBYTES = 4L * L;
    /** Vector blocks per work unit: 64 channels, so a unit reads and writes whole 256-byte rows. */
    static final int GROUP = Math.max(1, 64 / L);
    /** Scratch bytes a group may use per thread; long transforms get smaller groups (at least one block). */
    private static final long GROUP_BYTES = 1L << 20;
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
        int group = groupSize(plan);
        int groups = (full + group - 1) / group;
        int units = groups + (inner % L == 0 ? 0 : 1);
        Parallel.forRange(g.outer() * units, g.grain(group * L), (from, to) -> {
            for (int u = from; u < to; u++) {
                int o = u / units;
                int b = u % units * group;
                if (b < full) {
                    forwardGroup(plan, xs, ss, o, b * L, Math.min(group, full - b), inner, interior);
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
        int group = groupSize(plan);
        int groups = (full + group - 1) / group;
        int units = groups + (inner % L == 0 ? 0 : 1);
        Parallel.forRange(g.outer() * units, g.grain(group * L), (from, to) -> {
            for (int u = from; u < to; u++) {
                int o = u / units;
                int b = u % units * group;
                if (b < full) {
                    inverseGroup(plan, ss, xs, o, b * L, Math.min(group, full - b), inner, interior);
                } else {
                    FftPlain.inverseBlock(plan, ss, xs, o, full * L, inner - full * L, inner, interior);
                }
            }
        });
    }

    /** Blocks per group for this length: {@link #GROUP}, fewer when their buffers would pass {@link #GROUP_BYTES}. */
    private static int groupSize(RealFftPlan plan) {
        long perBlock = 2L * 4 * ELEM * plan.points();
        return (int) Math.max(1, Math.min(GROUP, GROUP_BYTES / perBlock));
    }

    /** rfft of {@code blocks} vectors of channels from channel c of outer row o. */
    private static void forwardGroup(RealFftPlan plan, MemorySegment xs, MemorySegment ss, int o, int c, int blocks,
                                     int inner, float interior) {
        ComplexFftSimd.Scratch s = ComplexFftSimd.scratch(plan.complex, blocks);
        long x0 = 4 * ((long) o * plan.n * inner + c);
        long s0 = 8 * ((long) o * plan.bins * inner + c);
        if (plan.even) {
            gatherPacked(xs, x0, 4L * inner, plan.half, s.a, blocks);
        } else {
            gatherReal(xs, x0, 4L * inner, plan.n, s.a, blocks);
        }
        for (int g = 0; g < blocks; g++) {
            s.z[g] = ComplexFftSimd.forward(plan.complex, s.a[g], s.b[g], s);
        }
        if (plan.even) {
            unpackEven(plan, s.z, blocks, ss, s0, 8L * inner, interior);
        } else {
            unpackOdd(plan, s.z, blocks, ss, s0, 8L * inner, interior);
        }
    }

    /** irfft of {@code blocks} vectors of channels from channel c of outer row o. */
    private static void inverseGroup(RealFftPlan plan, MemorySegment ss, MemorySegment xs, int o, int c, int blocks,
                                     int inner, float interior) {
        ComplexFftSimd.Scratch s = ComplexFftSimd.scratch(plan.complex, blocks);
        long x0 = 4 * ((long) o * plan.n * inner + c);
        long s0 = 8 * ((long) o * plan.bins * inner + c);
        if (plan.even) {
            packEven(plan, ss, s0, 8L * inner, s.a, blocks, interior);
        } else {
            packOdd(plan, ss, s0, 8L * inner, s.a, blocks, interior);
        }
        for (int g = 0; g < blocks; g++) {
            s.z[g] = ComplexFftSimd.forward(plan.complex, s.a[g], s.b[g], s);
        }
        if (plan.even) {
            scatterPacked(s.z, blocks, xs, x0, 4L * inner, plan.half);
        } else {
            scatterReal(s.z, blocks, xs, x0, 4L * inner, plan.n);
        }
    }

    // ------------------------------------------------------------------ forward: gather and unpack

    /**
     * {@code z_t = x_{2t} + i·x_{2t+1}} into each block's buffer; x offsets in bytes, {@code row} the
     * bytes between time steps. Blocks innermost, so a time step's channels are read in order.
     */
    private static void gatherPacked(MemorySegment xs, long x0, long row, int h, float[][] a, int blocks) {
        for (int t = 0; t < h; t++) {
            long even = x0 + 2 * t * row;
            for (int g = 0; g < blocks; g++) {
                FloatVector.fromMemorySegment(S, xs, even + g * VBYTES, ORDER).intoArray(a[g], t * ELEM);
            }
            for (int g = 0; g < blocks; g++) {
                FloatVector.fromMemorySegment(S, xs, even + row + g * VBYTES, ORDER).intoArray(a[g], t * ELEM + HALF);
            }
        }
    }

    private static void gatherReal(MemorySegment xs, long x0, long row, int n, float[][] a, int blocks) {
        FloatVector zero = FloatVector.zero(S);
        for (int t = 0; t < n; t++) {
            for (int g = 0; g < blocks; g++) {
                FloatVector.fromMemorySegment(S, xs, x0 + t * row + g * VBYTES, ORDER).intoArray(a[g], t * ELEM);
                zero.intoArray(a[g], t * ELEM + HALF);
            }
        }
    }

    /** {@link FftPlain}'s unpackEven on vectors (the formulas are in {@link RealFftPlan}). */
    private static void unpackEven(RealFftPlan plan, float[][] zs, int blocks, MemorySegment ss, long s0, long row,
                                   float interior) {
        int h = plan.half;
        FloatVector f = FloatVector.broadcast(S, plan.scale);
        FloatVector zero = FloatVector.zero(S);
        for (int g = 0; g < blocks; g++) {
            FloatVector zr = FloatVector.fromArray(S, zs[g], 0);
            FloatVector zi = FloatVector.fromArray(S, zs[g], HALF);
            FloatVector dc = zr.add(zi).mul(f);
            long at = s0 + 2 * g * VBYTES;
            INTERLEAVE_LO.selectFrom(dc, zero).intoMemorySegment(ss, at, ORDER);
            INTERLEAVE_HI.selectFrom(dc, zero).intoMemorySegment(ss, at + VBYTES, ORDER);
        }
        for (int g = 0; g < blocks; g++) {
            FloatVector zr = FloatVector.fromArray(S, zs[g], 0);
            FloatVector zi = FloatVector.fromArray(S, zs[g], HALF);
            FloatVector ny = zr.sub(zi).mul(f);
            long at = s0 + h * row + 2 * g * VBYTES;
            INTERLEAVE_LO.selectFrom(ny, zero).intoMemorySegment(ss, at, ORDER);
            INTERLEAVE_HI.selectFrom(ny, zero).intoMemorySegment(ss, at + VBYTES, ORDER);
        }
        for (int k = 1; 2 * k <= h; k++) {
            for (int g = 0; g < blocks; g++) {
                unpackPair(plan, k, zs[g], ss, s0 + 2 * g * VBYTES, row, interior);
            }
        }
    }

    /** Bins k and h−k of one block from its packed transform z. */
    private static void unpackPair(RealFftPlan plan, int k, float[] z, MemorySegment ss, long s0, long row,
                                   float interior) {
        int h = plan.half;
        FloatVector fi = FloatVector.broadcast(S, plan.scale * interior * 0.5f);
        FloatVector ar = FloatVector.fromArray(S, z, k * ELEM);
        FloatVector ai = FloatVector.fromArray(S, z, k * ELEM + HALF);
        FloatVector br = FloatVector.fromArray(S, z, (h - k) * ELEM);
        FloatVector bi = FloatVector.fromArray(S, z, (h - k) * ELEM + HALF).neg();
        FloatVector er = ar.add(br);
        FloatVector ei = ai.add(bi);
        FloatVector or = ai.sub(bi);
        FloatVector oi = br.sub(ar);
        FloatVector wr = FloatVector.broadcast(S, plan.upRe[k]);
        FloatVector wi = FloatVector.broadcast(S, plan.upIm[k]);
        FloatVector tr = or.fma(wr, oi.mul(wi).neg());
        FloatVector ti = or.fma(wi, oi.mul(wr));
        FloatVector xr = er.add(tr).mul(fi);
        FloatVector xi = ei.add(ti).mul(fi);
        FloatVector yr = er.sub(tr).mul(fi);
        FloatVector yi = ti.sub(ei).mul(fi);
        long pk = s0 + k * row;
        long pc = s0 + (h - k) * row;
        INTERLEAVE_LO.selectFrom(xr, xi).intoMemorySegment(ss, pk, ORDER);
        INTERLEAVE_HI.selectFrom(xr, xi).intoMemorySegment(ss, pk + VBYTES, ORDER);
        INTERLEAVE_LO.selectFrom(yr, yi).intoMemorySegment(ss, pc, ORDER);
        INTERLEAVE_HI.selectFrom(yr, yi).intoMemorySegment(ss, pc + VBYTES, ORDER);
    }

    private static void unpackOdd(RealFftPlan plan, float[][] zs, int blocks, MemorySegment ss, long s0, long row,
                                  float interior) {
        FloatVector zero = FloatVector.zero(S);
        FloatVector f = FloatVector.broadcast(S, plan.scale);
        FloatVector fi = FloatVector.broadcast(S, plan.scale * interior);
        for (int k = 0; k < plan.bins; k++) {
            for (int g = 0; g < blocks; g++) {
                FloatVector xr = FloatVector.fromArray(S, zs[g], k * ELEM).mul(k == 0 ? f : fi);
                FloatVector xi = k == 0 ? zero : FloatVector.fromArray(S, zs[g], k * ELEM + HALF).mul(fi);
                long at = s0 + k * row + 2 * g * VBYTES;
                INTERLEAVE_LO.selectFrom(xr, xi).intoMemorySegment(ss, at, ORDER);
                INTERLEAVE_HI.selectFrom(xr, xi).intoMemorySegment(ss, at + VBYTES, ORDER);
            }
        }
    }

    // ------------------------------------------------------------------ inverse: pack and scatter

    /** {@link FftPlain}'s packEven on vectors: written swapped, edge bins' imaginary parts never read. */
    private static void packEven(RealFftPlan plan, MemorySegment ss, long s0, long row, float[][] as, int blocks,
                                 float interior) {
        int h = plan.half;
        FloatVector f = FloatVector.broadcast(S, plan.scale);
        for (int g = 0; g < blocks; g++) {
            long at = s0 + 2 * g * VBYTES;
            FloatVector dc = EVEN_LANES.selectFrom(FloatVector.fromMemorySegment(S, ss, at, ORDER),
                    FloatVector.fromMemorySegment(S, ss, at + VBYTES, ORDER));
            FloatVector ny = EVEN_LANES.selectFrom(FloatVector.fromMemorySegment(S, ss, at + h * row, ORDER),
                    FloatVector.fromMemorySegment(S, ss, at + h * row + VBYTES, ORDER));
            dc.sub(ny).mul(f).intoArray(as[g], 0);
            dc.add(ny).mul(f).intoArray(as[g], HALF);
        }
        for (int k = 1; 2 * k <= h; k++) {
            for (int g = 0; g < blocks; g++) {
                packPair(plan, k, ss, s0 + 2 * g * VBYTES, row, as[g], interior);
            }
        }
    }

    /** Packed points k and h−k of one block from its bins k and h−k. */
    private static void packPair(RealFftPlan plan, int k, MemorySegment ss, long s0, long row, float[] a,
                                 float interior) {
        int h = plan.half;
        FloatVector fi = FloatVector.broadcast(S, plan.scale * interior);
        long pk = s0 + k * row;
        long pc = s0 + (h - k) * row;
        FloatVector x0 = FloatVector.fromMemorySegment(S, ss, pk, ORDER);
        FloatVector x1 = FloatVector.fromMemorySegment(S, ss, pk + VBYTES, ORDER);
        FloatVector y0 = FloatVector.fromMemorySegment(S, ss, pc, ORDER);
        FloatVector y1 = FloatVector.fromMemorySegment(S, ss, pc + VBYTES, ORDER);
        FloatVector xr = EVEN_LANES.selectFrom(x0, x1);
        FloatVector xi = ODD_LANES.selectFrom(x0, x1);
        FloatVector yr = EVEN_LANES.selectFrom(y0, y1);
        FloatVector yi = ODD_LANES.selectFrom(y0, y1);
        FloatVector ar = xr.add(yr);
        FloatVector ai = xi.sub(yi);
        FloatVector br = xr.sub(yr);
        FloatVector bi = xi.add(yi);
        FloatVector wr = FloatVector.broadcast(S, plan.upRe[k]);
        FloatVector wi = FloatVector.broadcast(S, plan.upIm[k]);
        FloatVector vr = br.fma(wr, bi.mul(wi));
        FloatVector vi = bi.fma(wr, br.mul(wi).neg());
        ai.add(vr).mul(fi).intoArray(a, k * ELEM);
        ar.sub(vi).mul(fi).intoArray(a, k * ELEM + HALF);
        vr.sub(ai).mul(fi).intoArray(a, (h - k) * ELEM);
        ar.add(vi).mul(fi).intoArray(a, (h - k) * ELEM + HALF);
    }

    private static void packOdd(RealFftPlan plan, MemorySegment ss, long s0, long row, float[][] as, int blocks,
                                float interior) {
        int n = plan.n;
        FloatVector zero = FloatVector.zero(S);
        FloatVector f = FloatVector.broadcast(S, plan.scale);
        FloatVector fi = FloatVector.broadcast(S, plan.scale * interior);
        for (int g = 0; g < blocks; g++) {
            long at = s0 + 2 * g * VBYTES;
            FloatVector dc = EVEN_LANES.selectFrom(FloatVector.fromMemorySegment(S, ss, at, ORDER),
                    FloatVector.fromMemorySegment(S, ss, at + VBYTES, ORDER));
            zero.intoArray(as[g], 0);
            dc.mul(f).intoArray(as[g], HALF);
        }
        for (int k = 1; k < plan.bins; k++) {
            for (int g = 0; g < blocks; g++) {
                long at = s0 + k * row + 2 * g * VBYTES;
                FloatVector x0 = FloatVector.fromMemorySegment(S, ss, at, ORDER);
                FloatVector x1 = FloatVector.fromMemorySegment(S, ss, at + VBYTES, ORDER);
                FloatVector xr = EVEN_LANES.selectFrom(x0, x1).mul(fi);
                FloatVector xi = ODD_LANES.selectFrom(x0, x1).mul(fi);
                float[] a = as[g];
                xi.intoArray(a, k * ELEM);
                xr.intoArray(a, k * ELEM + HALF);
                xi.neg().intoArray(a, (n - k) * ELEM);
                xr.intoArray(a, (n - k) * ELEM + HALF);
            }
        }
    }

    /** Undoes the swap: imaginary slots are the even samples, real slots the odd ones. */
    private static void scatterPacked(float[][] zs, int blocks, MemorySegment xs, long x0, long row, int h) {
        for (int t = 0; t < h; t++) {
            long even = x0 + 2 * t * row;
            for (int g = 0; g < blocks; g++) {
                FloatVector.fromArray(S, zs[g], t * ELEM + HALF).intoMemorySegment(xs, even + g * VBYTES, ORDER);
            }
            for (int g = 0; g < blocks; g++) {
                FloatVector.fromArray(S, zs[g], t * ELEM).intoMemorySegment(xs, even + row + g * VBYTES, ORDER);
            }
        }
    }

    private static void scatterReal(float[][] zs, int blocks, MemorySegment xs, long x0, long row, int n) {
        for (int t = 0; t < n; t++) {
            for (int g = 0; g < blocks; g++) {
                FloatVector.fromArray(S, zs[g], t * ELEM + HALF).intoMemorySegment(xs, x0 + t * row + g * VBYTES, ORDER);
            }
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

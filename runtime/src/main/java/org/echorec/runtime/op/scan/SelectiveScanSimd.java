package org.echorec.runtime.op.scan;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.echorec.runtime.backend.cpu.Cpu;
import org.echorec.runtime.backend.cpu.Parallel;
import org.echorec.runtime.backend.cpu.simd.SimdSpecies;
import org.echorec.runtime.tensor.Tensor;

/**
 * The selective scan with the Vector API: the algorithm and the math of {@link SelectiveScanPlain}
 * (see its notes on chunks, the backward and threads), vectorised over channels.
 *
 * <h2>Note: vector layout</h2>
 * A vector holds {@code LANES} consecutive channels d0..d0+LANES of one batch row: u, delta, y and
 * their gradients are contiguous over channels, so each step reads them with one load; b and c
 * are the same for every channel and enter as broadcast scalars. A is transposed once per call to
 * {@code [N, D]} so that {@code A[d0.., n]} is one load, and the state h of a channel block lives in
 * scratch as {@code [N][LANES]}. exp(Δ·A) is one {@code VectorOperators.EXP} per step and state,
 * which JDK 25 intrinsifies. The channels past the last full block run the plain per-channel code.
 *
 * <h2>Note: sums over channels</h2>
 * dB and dC sum over channels, so each (step, state) reduces its vector across lanes and adds it to
 * the row of dB/dC that the thread owns (threads split the batch, as in the plain backward). dA, dD
 * and dBias are kept per part as vectors over channels ({@code dA} transposed like A) and reduced in
 * part order at the end.
 */
public final class SelectiveScanSimd {
    private static final VectorSpecies<Float> S = SimdSpecies.F;
    private static final int LANES = S.length();
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final FloatVector ZERO = FloatVector.zero(S);
    private static final FloatVector ONE = FloatVector.broadcast(S, 1f);
    /** Work (steps × states × lanes) below which a range is not worth a thread. */
    private static final int GRAIN = 1 << 16;

    private SelectiveScanSimd() {}

    public static void forward(Tensor u, Tensor delta, Tensor a, Tensor b, Tensor c, Tensor d, Tensor deltaBias,
                               boolean deltaSoftplus, Tensor y, Tensor states) {
        ScanArgs p = ScanArgs.forward(u, delta, a, b, c, d, deltaBias, deltaSoftplus, y, states);
        float[] at = transposeA(p);
        int blocks = p.channels / LANES;
        int perRow = blocks + (p.channels % LANES == 0 ? 0 : 1); // the tail channels are one unit
        int units = Math.multiplyExact(p.batch, perRow);
        int minUnits = Math.max(1, GRAIN / Math.max(1, p.length * p.n * LANES));
        Parallel.forRange(units, minUnits, (from, to) -> {
            ScanScratch s = ScanScratch.get(p.n * LANES, 0, 0, 0);
            for (int i = from; i < to; i++) {
                int bi = i / perRow;
                int block = i % perRow;
                if (block < blocks) {
                    forwardBlock(p, at, bi, block * LANES, s.h);
                } else {
                    for (int ch = blocks * LANES; ch < p.channels; ch++) {
                        SelectiveScanPlain.forwardChannel(p, bi, ch, s.h);
                    }
                }
            }
        });
    }

    public static void backward(Tensor u, Tensor delta, Tensor a, Tensor b, Tensor c, Tensor d, Tensor deltaBias,
                                boolean deltaSoftplus, Tensor states, Tensor dy, Tensor du, Tensor ddelta,
                                Tensor da, Tensor db, Tensor dc, Tensor dd, Tensor ddeltaBias) {
        ScanArgs p = ScanArgs.backward(u, delta, a, b, c, d, deltaBias, deltaSoftplus, states, dy, du, ddelta,
                db, dc);
        float[] at = transposeA(p);
        int parts = Math.min(Parallel.threads(), p.batch);
        // per part: dA transposed [N][D], then dD [D], then dBias [D]
        float[][] partial = new float[parts][(p.n + 2) * p.channels];
        Parallel.forRange(parts, 1, (from, to) -> {
            for (int part = from; part < to; part++) {
                backwardPart(p, at, p.partStart(part, parts), p.partStart(part + 1, parts), partial[part]);
            }
        });
        writeSums(p, partial, da, dd, ddeltaBias);
    }

    private static float[] transposeA(ScanArgs p) {
        float[] at = new float[p.n * p.channels];
        for (int ch = 0; ch < p.channels; ch++) {
            for (int i = 0; i < p.n; i++) {
                at[i * p.channels + ch] = p.a.getAtIndex(JAVA_FLOAT, (long) ch * p.n + i);
            }
        }
        return at;
    }

    private static void writeSums(ScanArgs p, float[][] partial, Tensor da, Tensor dd, Tensor ddeltaBias) {
        int ds = p.channels;
        int nd = p.n * ds;
        float[] sum = new float[(p.n + 2) * ds];
        for (float[] part : partial) {
            for (int i = 0; i < sum.length; i++) {
                sum[i] += part[i];
            }
        }
        MemorySegment das = Cpu.data(da);
        for (int ch = 0; ch < ds; ch++) {
            for (int i = 0; i < p.n; i++) {
                das.setAtIndex(JAVA_FLOAT, (long) ch * p.n + i, sum[i * ds + ch]);
            }
        }
        if (dd != null) {
            MemorySegment.copy(sum, nd, Cpu.data(dd), JAVA_FLOAT, 0, ds);
        }
        if (ddeltaBias != null) {
            MemorySegment.copy(sum, nd + ds, Cpu.data(ddeltaBias), JAVA_FLOAT, 0, ds);
        }
    }

    // ------------------------------------------------------------------ forward of one channel block

    private static void forwardBlock(ScanArgs p, float[] at, int bi, int d0, float[] h) {
        int n = p.n;
        int ds = p.channels;
        Arrays.fill(h, 0, n * LANES, 0f);
        FloatVector skip = p.d == null ? ZERO : load(p.d, d0);
        FloatVector bias = p.bias == null ? ZERO : load(p.bias, d0);
        for (int k = 0; k < p.chunks; k++) {
            for (int t = p.chunkStart(k), end = p.chunkEnd(k); t < end; t++) {
                long x = p.row(bi, t) * ds + d0;
                long bc = p.row(bi, t) * n;
                FloatVector z = load(p.delta, x).add(bias);
                FloatVector dt = p.softplus ? softplus(z) : z;
                FloatVector uv = load(p.u, x);
                FloatVector dtu = dt.mul(uv);
                FloatVector yv = skip.mul(uv);
                for (int i = 0; i < n; i++) {
                    FloatVector decay = dt.mul(FloatVector.fromArray(S, at, i * ds + d0)).lanewise(VectorOperators.EXP);
                    FloatVector drive = dtu.mul(p.b.getAtIndex(JAVA_FLOAT, bc + i));
                    FloatVector hv = FloatVector.fromArray(S, h, i * LANES).fma(decay, drive);
                    hv.intoArray(h, i * LANES);
                    yv = hv.fma(FloatVector.broadcast(S, p.c.getAtIndex(JAVA_FLOAT, bc + i)), yv);
                }
                yv.intoMemorySegment(p.y, 4L * x, ORDER);
            }
            storeState(p, bi, k, d0, h, 0);
        }
    }

    /** states[bi, k, d0+l, i] = h[off + i·LANES + l]: the block's state, transposed to the states layout. */
    private static void storeState(ScanArgs p, int bi, int k, int d0, float[] h, int off) {
        for (int l = 0; l < LANES; l++) {
            long base = p.state(bi, k, d0 + l);
            for (int i = 0; i < p.n; i++) {
                p.states.setAtIndex(JAVA_FLOAT, base + i, h[off + i * LANES + l]);
            }
        }
    }

    /** The inverse of {@link #storeState}: h[i·LANES + l] = states[bi, k, d0+l, i]. */
    private static void loadState(ScanArgs p, int bi, int k, int d0, float[] h) {
        for (int l = 0; l < LANES; l++) {
            long base = p.state(bi, k, d0 + l);
            for (int i = 0; i < p.n; i++) {
                h[i * LANES + l] = p.states.getAtIndex(JAVA_FLOAT, base + i);
            }
        }
    }

    // ------------------------------------------------------------------ backward

    private static void backwardPart(ScanArgs p, float[] at, int rowFrom, int rowTo, float[] partial) {
        int n = p.n;
        int blocks = p.channels / LANES;
        int nl = n * LANES;
        ScanScratch s = ScanScratch.get((p.chunkLen + 1) * nl, p.chunkLen * nl, nl, n + 2);
        for (int bi = rowFrom; bi < rowTo; bi++) {
            SelectiveScanPlain.zeroRows(p, bi);
            for (int block = 0; block < blocks; block++) {
                backwardBlock(p, at, bi, block * LANES, s, partial);
            }
            for (int ch = blocks * LANES; ch < p.channels; ch++) {
                backwardTailChannel(p, bi, ch, s, partial);
            }
        }
    }

    private static void backwardTailChannel(ScanArgs p, int bi, int ch, ScanScratch s, float[] partial) {
        int n = p.n;
        int ds = p.channels;
        float[] acc = s.acc;
        Arrays.fill(acc, 0, n + 2, 0f);
        SelectiveScanPlain.backwardChannel(p, bi, ch, s, acc, 0);
        for (int i = 0; i < n; i++) {
            partial[i * ds + ch] += acc[i];
        }
        partial[n * ds + ch] += acc[n];
        partial[(n + 1) * ds + ch] += acc[n + 1];
    }

    private static void backwardBlock(ScanArgs p, float[] at, int bi, int d0, ScanScratch s, float[] partial) {
        int nl = p.n * LANES;
        Arrays.fill(s.g, 0, nl, 0f);
        FloatVector skip = p.d == null ? ZERO : load(p.d, d0);
        FloatVector bias = p.bias == null ? ZERO : load(p.bias, d0);
        for (int k = p.chunks - 1; k >= 0; k--) {
            int t0 = p.chunkStart(k);
            int t1 = p.chunkEnd(k);
            if (t0 == t1) {
                continue;
            }
            if (k == 0) {
                Arrays.fill(s.h, 0, nl, 0f);
            } else {
                loadState(p, bi, k - 1, d0, s.h);
            }
            recomputeBlock(p, at, bi, d0, t0, t1, bias, s.h, s.e);
            for (int t = t1 - 1; t >= t0; t--) {
                reverseStep(p, at, bi, d0, t, t - t0, skip, bias, s, partial);
            }
        }
    }

    /** h[(j+1)·N·LANES..] = the block's state after step t0+j, e[j·N·LANES..] = its decays. */
    private static void recomputeBlock(ScanArgs p, float[] at, int bi, int d0, int t0, int t1, FloatVector bias,
                                       float[] h, float[] e) {
        int n = p.n;
        int ds = p.channels;
        int nl = n * LANES;
        for (int t = t0; t < t1; t++) {
            int j = (t - t0) * nl;
            long x = p.row(bi, t) * ds + d0;
            long bc = p.row(bi, t) * n;
            FloatVector z = load(p.delta, x).add(bias);
            FloatVector dt = p.softplus ? softplus(z) : z;
            FloatVector dtu = dt.mul(load(p.u, x));
            for (int i = 0; i < n; i++) {
                int o = i * LANES;
                FloatVector decay = dt.mul(FloatVector.fromArray(S, at, i * ds + d0)).lanewise(VectorOperators.EXP);
                decay.intoArray(e, j + o);
                FloatVector drive = dtu.mul(p.b.getAtIndex(JAVA_FLOAT, bc + i));
                FloatVector.fromArray(S, h, j + o).fma(decay, drive).intoArray(h, j + nl + o);
            }
        }
    }

    /** Step t (j-th of its chunk) of the reverse recurrence of "Note: backward" for one channel block. */
    private static void reverseStep(ScanArgs p, float[] at, int bi, int d0, int t, int j, FloatVector skip,
                                    FloatVector bias, ScanScratch s, float[] partial) {
        int n = p.n;
        int ds = p.channels;
        int nl = n * LANES;
        float[] h = s.h;
        float[] e = s.e;
        float[] g = s.g;
        long x = p.row(bi, t) * ds + d0;
        long bc = p.row(bi, t) * n;
        FloatVector z = load(p.delta, x).add(bias);
        FloatVector dt = p.softplus ? softplus(z) : z;
        FloatVector uv = load(p.u, x);
        FloatVector dyv = load(p.dy, x);
        FloatVector dtu = dt.mul(uv);
        FloatVector sumGA = ZERO;
        FloatVector sumGB = ZERO;
        int before = j * nl;
        for (int i = 0; i < n; i++) {
            int o = i * LANES;
            int ai = i * ds + d0;
            FloatVector gi = dyv.fma(FloatVector.broadcast(S, p.c.getAtIndex(JAVA_FLOAT, bc + i)),
                    FloatVector.fromArray(S, g, o));
            FloatVector decay = FloatVector.fromArray(S, e, before + o);
            FloatVector carried = FloatVector.fromArray(S, h, before + o).mul(decay);
            FloatVector hNow = FloatVector.fromArray(S, h, before + nl + o);
            addAt(p.dc, bc + i, dyv.mul(hNow).reduceLanes(VectorOperators.ADD));
            addAt(p.db, bc + i, gi.mul(dtu).reduceLanes(VectorOperators.ADD));
            FloatVector gc = gi.mul(carried);
            gc.fma(dt, FloatVector.fromArray(S, partial, ai)).intoArray(partial, ai);
            sumGA = gc.fma(FloatVector.fromArray(S, at, ai), sumGA);
            sumGB = gi.fma(FloatVector.broadcast(S, p.b.getAtIndex(JAVA_FLOAT, bc + i)), sumGB);
            gi.mul(decay).intoArray(g, o);
        }
        FloatVector ddt = sumGB.fma(uv, sumGA);
        FloatVector dz = p.softplus ? ddt.mul(sigmoid(z)) : ddt;
        dt.fma(sumGB, skip.mul(dyv)).intoMemorySegment(p.du, 4L * x, ORDER);
        dz.intoMemorySegment(p.ddelta, 4L * x, ORDER);
        int dSkip = n * ds + d0;
        int dBias = (n + 1) * ds + d0;
        dyv.fma(uv, FloatVector.fromArray(S, partial, dSkip)).intoArray(partial, dSkip);
        dz.add(FloatVector.fromArray(S, partial, dBias)).intoArray(partial, dBias);
    }

    // ------------------------------------------------------------------ vector helpers

    private static FloatVector load(MemorySegment m, long i) {
        return FloatVector.fromMemorySegment(S, m, 4L * i, ORDER);
    }

    private static void addAt(MemorySegment m, long i, float v) {
        m.setAtIndex(JAVA_FLOAT, i, m.getAtIndex(JAVA_FLOAT, i) + v);
    }

    /** softplus with PyTorch's threshold: z itself above 20, as {@link SelectiveScanPlain#step}. */
    private static FloatVector softplus(FloatVector z) {
        FloatVector soft = z.lanewise(VectorOperators.EXP).lanewise(VectorOperators.LOG1P);
        return soft.blend(z, z.compare(VectorOperators.GT, 20f));
    }

    private static FloatVector sigmoid(FloatVector z) {
        return ONE.div(z.neg().lanewise(VectorOperators.EXP).add(1f));
    }
}

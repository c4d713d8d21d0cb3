package org.echorec.runtime.op.scan;

import org.echorec.runtime.backend.cpu.simd.LaneSum;
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
 * their gradients are contiguous over channels, so each step reads them with one load; b and c are
 * the same for every channel and enter as broadcast scalars, read from heap copies of the chunk's
 * rows (segment reads inside the state loop, with their bounds and liveness checks, cost about 15%
 * of the forward when measured against constants in their place). A is transposed once per call to
 * {@code [N, D]} so that {@code A[d0.., n]} is one load, and the state h of a channel block lives in
 * scratch as {@code [N][LANES]}. The channels past the last full block run the plain per-channel
 * code.
 *
 * <h2>Note: exp</h2>
 * exp(Δ·A) is needed for every step, state and channel, and is most of the arithmetic. It is
 * computed as {@code 2^(Δ·A·log2 e)} with A pre-scaled by log2 e at the transpose: round the
 * exponent to the nearest integer k by adding 1.5·2²³, a degree-6 polynomial for 2^f on
 * [−½, ½] (relative error below 1e-7 in float), and 2^k built in the exponent bits; the argument is
 * clamped to [−64, 127] (results below 2⁻⁶⁴ are 0, see "Note: denormals"; exp above 2¹²⁷ saturates).
 * That is 16 vector operations inline instead of a call to the JDK's vector exp stub. Measured in
 * three interleaved runs (B = 256, L = 50, one thread, best of 7, ns per vector-state step): the
 * forward took 11.5 / 11.9 / 11.8 against 13.5 / 14.9 / 13.7 with the stub; the backward did not
 * gain (30–31 against 29–30, within noise). The backward's recomputation uses it anyway, so that it
 * reproduces the forward's states bit for bit.
 *
 * <h2>Note: softplus</h2>
 * Δ = softplus(z), once per step and channel, is built from {@link #pow2} and a log made of plain
 * arithmetic ({@link #log1p}), not from the JDK's vector exp and log1p: C2 runs those through a
 * native vector math library while the interpreter and C1 compute lane by lane with Math, and the
 * two differ by an ulp in a few lanes, so the same call gave different bits before and after the
 * kernel was compiled (two scan tests failed now and then on it, and a training run's first steps
 * depended on JIT timing). Add, multiply, divide and fma round the same in every tier. The cost: exp
 * of z inherits up to 2|z| ulps from rounding z·log2 e and log2 e (as the decays do), 2.4e-6 relative at |z| = 20.
 * <p>
 * The clamp is a compare and a blend per bound, not max/min: those follow Math.max/min (NaN, −0)
 * and take six instructions each on AVX-512, while for constant bounds a compare and a blend give
 * the same lanes (a NaN compares false and stays NaN, −0 stays −0). The coefficients are float
 * constants broadcast in place: a static final vector is reloaded through its object at every use.
 * The function is the same bit for bit; measured at B = 2048, L = 50, D = 128, N = 32 (one thread,
 * CPU time, medians of four forked JVMs each, a shared 2-vCPU machine): the forward went from 266
 * to 222 ms; the backward gained about 8%, its recomputation being about half of it.
 *
 * <h2>Note: no int-to-float convert</h2>
 * {@link #ln} reads the exponent of u as a float by or-ing it into the mantissa of 2^23 and
 * subtracting, not with {@code IntVector.convert(I2F)}: with the convert, a Mamba4Rec epoch on
 * MovieLens-100K (full 50-step histories, one thread) took 110–144 s against 56 s before softplus was
 * built here, with the same losses; with the float trick, 55.6 s. The convert evidently ran lane by
 * lane (JDK 25, 512-bit species) at every call, two or three per step and channel block.
 * {@code bin/bench train-step mamba4rec 2048 50 12102}, one thread, two JVMs side by side: 1,123 ms
 * per step at 4f22a2a, 1,066 ms with the trick. Δ and σ(z) are computed in a pass of their own
 * ({@link #deltas}) before the step loops, from a first, wrong guess at the cause (C2's inlining
 * budget); it costs nothing measurable and keeps the step loops short, so it stays.
 *
 * <h2>Note: denormals</h2>
 * Java cannot set the CPU's flush-to-zero mode, and on x86 an operation that makes or reads a
 * denormal float takes a microcode assist: 35–55× slower per vector in a micro-benchmark here (a 2-vCPU Xeon VM). A
 * trained model has many fast-decaying channels (Δ·A far below −87, so exp(Δ·A) is under the normal
 * range), and the last layer's dy is nonzero at the gathered position only, so the carried gradient g
 * is multiplied by tiny decays step after step and sinks through the denormals: a Mamba4Rec epoch on
 * MovieLens-100K went from 95 s to 280–370 s as training went on, with the reverse pass at 75% of
 * the time. So decays below 2⁻⁶⁴ are exactly 0 (the state is wiped: what it carried counts less than
 * 1e-19 of it), and carried gradients below 2⁻⁶⁰ in magnitude are set to 0 after each step; with
 * decays either 0 or at least 2⁻⁶⁴, g·decay and h·decay stay normal for any g, h above 2⁻⁶². The plain
 * kernel, the specification, keeps exact exp and denormals; the two differ by less than 1e-19
 * relative, far inside the tests' tolerances.
 *
 * <h2>Note: sums over channels</h2>
 * dB and dC sum over channels: each (step, state, block) reduces its vector across lanes and adds it
 * to the row of dB/dC that the thread owns (threads split the batch, as in the plain backward). Adding
 * the blocks' vectors first and reducing once per chunk was measured too: no faster (a lane
 * reduction is a few cycles here) and 256 KiB more scratch, so the simpler form stayed. Measured
 * again with whole-row sums (every block adding its vectors into {@code [L][N][LANES]} scratch,
 * reduced once per row after the last block): 0.94× at B = 256, L = 50 (CPU time), the scratch's
 * loads and stores costing more than the reductions they replace (14 against 8 of 74 ms). Summing
 * the rows of dB and dC on the heap instead of through the tensor's segment was no faster; reducing
 * a step's N vectors together (a transposed tree, bit for bit the same sums, faster in isolation)
 * was slower in the kernel. dA, dD and dBias are kept per part as vectors over channels ({@code dA}
 * transposed like A) and reduced in part order at the end.
 */
public final class SelectiveScanSimd {
    private static final VectorSpecies<Float> S = SimdSpecies.F;
    private static final int LANES = S.length();
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final FloatVector ONE = FloatVector.broadcast(S, 1f);
    /** Work (steps × states × lanes) below which a range is not worth a thread. */
    private static final int GRAIN = 1 << 16;
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2 = 0.693147180559945309f;
    private static final float SQRT2 = 1.41421356237309505f;
    private static final float SOFTPLUS_THRESHOLD = 20f;

    // 2^f on [-1/2, 1/2], relative error 2e-9 before float rounding (fitted for this kernel)
    private static final float ROUND = 12582912f; // 1.5·2^23: adding it rounds to an integer
    private static final float P1 = 0.6931471824645996f;
    private static final float P2 = 0.24022647738456726f;
    private static final float P3 = 0.055503323674201965f;
    private static final float P4 = 0.00961843691766262f;
    private static final float P5 = 0.0013398875016719103f;
    private static final float P6 = 0.00015353361959569156f;
    private static final int ONE_BITS = 127 << 23;
    /** log2 of the smallest decay kept; below it the decay is 0 (see "Note: denormals"). */
    private static final float DECAY_FLOOR_LOG2 = -64f;
    /** Carried gradients below this in magnitude are 0 (see "Note: denormals"). */
    private static final float GRADIENT_FLOOR = 0x1.0p-60f;

    private SelectiveScanSimd() {}

    public static void forward(Tensor u, Tensor delta, Tensor a, Tensor b, Tensor c, Tensor d, Tensor deltaBias,
                               boolean deltaSoftplus, Tensor lengths, Tensor y, Tensor states) {
        ScanArgs p = ScanArgs.forward(u, delta, a, b, c, d, deltaBias, deltaSoftplus, lengths, y, states);
        float[] at2 = scaledTransposeA(p);
        int blocks = p.channels / LANES;
        int perRow = blocks + (p.channels % LANES == 0 ? 0 : 1); // the tail channels are one unit
        int units = Math.multiplyExact(p.batch, perRow);
        int minUnits = Math.max(1, GRAIN / Math.max(1, p.length * p.n * LANES));
        Parallel.forRange(units, minUnits, (from, to) -> {
            ScanScratch s = ScanScratch.get();
            for (int i = from; i < to; i++) {
                int bi = i / perRow;
                int block = i % perRow;
                if (block == 0) {
                    p.zeroAfterEnd(p.y, bi); // no unit writes there
                }
                if (block < blocks) {
                    forwardBlock(p, at2, bi, block * LANES, s);
                } else {
                    for (int ch = blocks * LANES; ch < p.channels; ch++) {
                        SelectiveScanPlain.forwardChannel(p, bi, ch, s.h(p.n));
                    }
                }
            }
        });
    }

    public static void backward(Tensor u, Tensor delta, Tensor a, Tensor b, Tensor c, Tensor d, Tensor deltaBias,
                                boolean deltaSoftplus, Tensor lengths, Tensor states, Tensor dy, Tensor du,
                                Tensor ddelta, Tensor da, Tensor db, Tensor dc, Tensor dd, Tensor ddeltaBias) {
        ScanArgs p = ScanArgs.backward(u, delta, a, b, c, d, deltaBias, deltaSoftplus, lengths, states, dy, du,
                ddelta, db, dc);
        float[] at2 = scaledTransposeA(p);
        int parts = Math.min(Parallel.threads(), p.batch);
        // per part: dA transposed [N][D], then dD [D], then dBias [D]
        float[][] partial = new float[parts][(p.n + 2) * p.channels];
        Parallel.forRange(parts, 1, (from, to) -> {
            for (int part = from; part < to; part++) {
                backwardPart(p, at2, p.partStart(part, parts), p.partStart(part + 1, parts), partial[part]);
            }
        });
        writeSums(p, partial, da, dd, ddeltaBias);
    }

    /** {@code A^T·log2 e} as {@code [N][D]} (see "Note: exp"). */
    private static float[] scaledTransposeA(ScanArgs p) {
        float[] at2 = new float[p.n * p.channels];
        for (int ch = 0; ch < p.channels; ch++) {
            for (int i = 0; i < p.n; i++) {
                at2[i * p.channels + ch] = p.a.getAtIndex(JAVA_FLOAT, (long) ch * p.n + i) * LOG2E;
            }
        }
        return at2;
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

    /** Rows t0..t1 of b and c of batch row bi into heap arrays (see "Note: vector layout"). */
    private static void copyRows(ScanArgs p, int bi, int t0, int t1, float[] rowB, float[] rowC) {
        long from = 4L * p.row(bi, t0) * p.n;
        int count = (t1 - t0) * p.n;
        MemorySegment.copy(p.b, JAVA_FLOAT, from, rowB, 0, count);
        MemorySegment.copy(p.c, JAVA_FLOAT, from, rowC, 0, count);
    }

    // ------------------------------------------------------------------ forward of one channel block

    private static void forwardBlock(ScanArgs p, float[] at2, int bi, int d0, ScanScratch s) {
        int n = p.n;
        int ds = p.channels;
        float[] h = s.h(n * LANES);
        float[] rowB = s.rowB(p.chunkLen * n);
        float[] rowC = s.rowC(p.chunkLen * n);
        float[] steps = s.steps(2 * p.chunkLen * LANES);
        Arrays.fill(h, 0, n * LANES, 0f);
        FloatVector skip = p.d == null ? zero() : load(p.d, d0);
        FloatVector bias = p.bias == null ? zero() : load(p.bias, d0);
        for (int k = 0; k < p.chunks; k++) {
            int t0 = p.chunkStart(k);
            int t1 = Math.max(t0, p.chunkEnd(k, bi));
            copyRows(p, bi, t0, t1, rowB, rowC);
            deltas(p, bi, d0, t0, t1, bias, false, steps);
            for (int t = t0; t < t1; t++) {
                long x = p.row(bi, t) * ds + d0;
                int bc = (t - t0) * n;
                FloatVector dt = FloatVector.fromArray(S, steps, 2 * (t - t0) * LANES);
                FloatVector uv = load(p.u, x);
                FloatVector dtu = dt.mul(uv);
                FloatVector yv = skip.mul(uv);
                for (int i = 0; i < n; i++) {
                    FloatVector decay = pow2(dt.mul(FloatVector.fromArray(S, at2, i * ds + d0)));
                    FloatVector hv = FloatVector.fromArray(S, h, i * LANES).fma(decay, dtu.mul(rowB[bc + i]));
                    hv.intoArray(h, i * LANES);
                    yv = hv.fma(FloatVector.broadcast(S, rowC[bc + i]), yv);
                }
                yv.intoMemorySegment(p.y, 4L * x, ORDER);
            }
            storeState(p, bi, k, d0, h);
        }
    }

    /** states[bi, k, d0+l, i] = h[i·LANES + l]: the block's state, transposed to the states layout. */
    private static void storeState(ScanArgs p, int bi, int k, int d0, float[] h) {
        for (int l = 0; l < LANES; l++) {
            long base = p.state(bi, k, d0 + l);
            for (int i = 0; i < p.n; i++) {
                p.states.setAtIndex(JAVA_FLOAT, base + i, h[i * LANES + l]);
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

    private static void backwardPart(ScanArgs p, float[] at2, int rowFrom, int rowTo, float[] partial) {
        int blocks = p.channels / LANES;
        ScanScratch s = ScanScratch.get();
        for (int bi = rowFrom; bi < rowTo; bi++) {
            SelectiveScanPlain.zeroRows(p, bi);
            for (int block = 0; block < blocks; block++) {
                backwardBlock(p, at2, bi, block * LANES, s, partial);
            }
            for (int ch = blocks * LANES; ch < p.channels; ch++) {
                backwardTailChannel(p, bi, ch, s, partial);
            }
        }
    }

    private static void backwardTailChannel(ScanArgs p, int bi, int ch, ScanScratch s, float[] partial) {
        int n = p.n;
        int ds = p.channels;
        float[] acc = s.acc(n + 2);
        Arrays.fill(acc, 0, n + 2, 0f);
        SelectiveScanPlain.backwardChannel(p, bi, ch, s, acc, 0);
        for (int i = 0; i < n; i++) {
            partial[i * ds + ch] += acc[i];
        }
        partial[n * ds + ch] += acc[n];
        partial[(n + 1) * ds + ch] += acc[n + 1];
    }

    /** Channel block d0 of batch row bi: the chunks in reverse, each recomputed then reversed. */
    private static void backwardBlock(ScanArgs p, float[] at2, int bi, int d0, ScanScratch s, float[] partial) {
        int n = p.n;
        int nl = n * LANES;
        int cl = p.chunkLen;
        float[] g = s.g(nl);
        float[] h = s.h((cl + 1) * nl);
        float[] e = s.e(cl * nl);
        float[] rowB = s.rowB(cl * n);
        float[] rowC = s.rowC(cl * n);
        float[] steps = s.steps(2 * cl * LANES);
        Arrays.fill(g, 0, nl, 0f);
        for (int k = p.chunks - 1; k >= 0; k--) {
            int t0 = p.chunkStart(k);
            int t1 = p.chunkEnd(k, bi);
            if (t0 >= t1) {
                continue;
            }
            if (k == 0) {
                Arrays.fill(h, 0, nl, 0f);
            } else {
                loadState(p, bi, k - 1, d0, h);
            }
            copyRows(p, bi, t0, t1, rowB, rowC);
            recomputeBlock(p, at2, bi, d0, t0, t1, rowB, h, e, steps);
            reverseBlock(p, at2, bi, d0, t0, t1, s, partial);
        }
    }

    /**
     * h[(j+1)·N·LANES..] = the block's state after step t0+j, e[j·N·LANES..] its decays; steps[2j·LANES..]
     * holds Δ of the step and, with softplus, softplus'(z) = σ(z) after it.
     */
    private static void recomputeBlock(ScanArgs p, float[] at2, int bi, int d0, int t0, int t1, float[] rowB,
                                       float[] h, float[] e, float[] steps) {
        int n = p.n;
        int ds = p.channels;
        int nl = n * LANES;
        MemorySegment u = p.u; // a local for the reason in reverseBlock
        FloatVector bias = p.bias == null ? zero() : load(p.bias, d0);
        deltas(p, bi, d0, t0, t1, bias, true, steps);
        for (int t = t0; t < t1; t++) {
            int j = t - t0;
            long x = p.row(bi, t) * ds + d0;
            FloatVector dt = FloatVector.fromArray(S, steps, 2 * j * LANES);
            FloatVector dtu = dt.mul(load(u, x));
            int before = j * nl;
            for (int i = 0; i < n; i++) {
                int o = i * LANES;
                FloatVector decay = pow2(dt.mul(FloatVector.fromArray(S, at2, i * ds + d0)));
                decay.intoArray(e, before + o);
                FloatVector hv = FloatVector.fromArray(S, h, before + o).fma(decay, dtu.mul(rowB[j * n + i]));
                hv.intoArray(h, before + nl + o);
            }
        }
    }

    /** The reverse steps of one chunk for one channel block; g carries the gradient across chunks. */
    private static void reverseBlock(ScanArgs p, float[] at2, int bi, int d0, int t0, int t1, ScanScratch s,
                                     float[] partial) {
        int n = p.n;
        int ds = p.channels;
        int nl = n * LANES;
        // backwardBlock sized every array for this chunk length
        float[] h = s.h(0);
        float[] e = s.e(0);
        float[] g = s.g(0);
        float[] rowB = s.rowB(0);
        float[] rowC = s.rowC(0);
        float[] steps = s.steps(0);
        // locals, not p's fields at each step: C2 does not trust ScanArgs' final fields, and a segment
        // read again is type- and bounds-checked again (about 6% of the backward, measured at B = 512)
        MemorySegment u = p.u;
        MemorySegment dy = p.dy;
        MemorySegment du = p.du;
        MemorySegment ddelta = p.ddelta;
        FloatVector skip = p.d == null ? zero() : load(p.d, d0);
        int dSkip = n * ds + d0;
        int dBias = (n + 1) * ds + d0;
        for (int t = t1 - 1; t >= t0; t--) {
            int j = t - t0;
            long x = p.row(bi, t) * ds + d0;
            FloatVector dt = FloatVector.fromArray(S, steps, 2 * j * LANES);
            FloatVector uv = load(u, x);
            FloatVector dyv = load(dy, x);
            FloatVector dtu = dt.mul(uv);
            FloatVector sumGA = zero();
            FloatVector sumGB = zero();
            int before = j * nl;
            int bc = j * n;
            long row = p.row(bi, t) * n;
            for (int i = 0; i < n; i++) {
                int o = before + i * LANES;
                int go = i * LANES;
                int ai = i * ds + d0;
                FloatVector gi = dyv.fma(FloatVector.broadcast(S, rowC[bc + i]), FloatVector.fromArray(S, g, go));
                FloatVector decay = FloatVector.fromArray(S, e, o);
                FloatVector carried = FloatVector.fromArray(S, h, o).mul(decay);
                addAt(p.dc, row + i, LaneSum.of(dyv.mul(FloatVector.fromArray(S, h, o + nl))));
                addAt(p.db, row + i, LaneSum.of(gi.mul(dtu)));
                FloatVector gc = gi.mul(carried);
                gc.fma(dt, FloatVector.fromArray(S, partial, ai)).intoArray(partial, ai);
                sumGA = gc.fma(FloatVector.fromArray(S, at2, ai), sumGA);
                sumGB = gi.fma(FloatVector.broadcast(S, rowB[bc + i]), sumGB);
                flushTiny(gi.mul(decay)).intoArray(g, go);
            }
            // sumGA used A·log2 e: scale back by ln 2
            FloatVector ddt = sumGB.fma(uv, sumGA.mul(LN2));
            FloatVector dz = p.softplus ? ddt.mul(FloatVector.fromArray(S, steps, (2 * j + 1) * LANES)) : ddt;
            dt.fma(sumGB, skip.mul(dyv)).intoMemorySegment(du, 4L * x, ORDER);
            dz.intoMemorySegment(ddelta, 4L * x, ORDER);
            dyv.fma(uv, FloatVector.fromArray(S, partial, dSkip)).intoArray(partial, dSkip);
            dz.add(FloatVector.fromArray(S, partial, dBias)).intoArray(partial, dBias);
        }
    }

    // ------------------------------------------------------------------ vector helpers

    /**
     * A zero vector made in the kernel. A static final vector constant as the start of a loop-carried
     * vector makes C2 box that vector on every iteration (the phi merges an object constant with
     * computed vectors): it cost the backward 3× and 700 MB of garbage per call.
     */
    private static FloatVector zero() {
        return FloatVector.broadcast(S, 0f);
    }

    private static FloatVector load(MemorySegment m, long i) {
        return FloatVector.fromMemorySegment(S, m, 4L * i, ORDER);
    }

    private static void addAt(MemorySegment m, long i, float v) {
        m.setAtIndex(JAVA_FLOAT, i, m.getAtIndex(JAVA_FLOAT, i) + v);
    }

    /**
     * Δ of steps t0..t1 of channel block d0 into {@code steps[2j·LANES..]} and, when {@code slope}, softplus'(z)
     * = σ(z) into {@code steps[(2j+1)·LANES..]} (what the backward needs). With softplus, Δ = softplus(z) with
     * PyTorch's threshold (z itself above 20, as {@link SelectiveScanPlain#step}), built from {@link #pow2} and
     * {@link #log1p} (see "Note: softplus"). A pass of its own, before the step loops: see "Note: no int-to-float convert".
     */
    private static void deltas(ScanArgs p, int bi, int d0, int t0, int t1, FloatVector bias, boolean slope,
                               float[] steps) {
        int ds = p.channels;
        MemorySegment delta = p.delta;
        for (int t = t0; t < t1; t++) {
            int j = t - t0;
            FloatVector z = load(delta, p.row(bi, t) * ds + d0).add(bias);
            if (!p.softplus) {
                z.intoArray(steps, 2 * j * LANES);
                continue;
            }
            FloatVector ez = pow2(z.mul(LOG2E));
            var linear = z.compare(VectorOperators.GT, SOFTPLUS_THRESHOLD);
            log1p(ez).blend(z, linear).intoArray(steps, 2 * j * LANES);
            if (slope) {
                ez.div(ez.add(1f)).blend(ONE, linear).intoArray(steps, (2 * j + 1) * LANES);
            }
        }
    }

    /**
     * log(1 + x) for x ≥ 0 (finite): log(u)·x/(u − 1) with u = 1 + x rounded, which cancels the rounding
     * of u (u − 1 is exact), and x itself where u rounds to 1.
     */
    private static FloatVector log1p(FloatVector x) {
        FloatVector u = x.add(1f);
        FloatVector uMinus1 = u.sub(1f);
        return ln(u).mul(x.div(uMinus1)).blend(x, uMinus1.compare(VectorOperators.EQ, 0f));
    }

    /**
     * log(u) for u ≥ 1 (finite): u = 2^k·m with m in [√½, √2), log m = 2·atanh(s) with s = (m − 1)/(m + 1),
     * |s| ≤ 0.172, whose series to s⁹ is within float rounding.
     */
    private static FloatVector ln(FloatVector u) {
        var bits = u.reinterpretAsInts();
        // the exponent as a float without an int-to-float conversion: 2^23 + e read as a float is exact
        FloatVector k = bits.lanewise(VectorOperators.LSHR, 23).or(0x4B00_0000).reinterpretAsFloats()
                .sub(8_388_608f + 127f);
        FloatVector m = bits.and(0x007f_ffff).or(ONE_BITS).reinterpretAsFloats();
        var high = m.compare(VectorOperators.GT, SQRT2);
        m = m.blend(m.mul(0.5f), high);
        k = k.blend(k.add(1f), high);
        FloatVector s = m.sub(1f).div(m.add(1f));
        FloatVector s2 = s.mul(s);
        FloatVector series = s2.fma(1f / 9, 1f / 7)
                .fma(s2, FloatVector.broadcast(S, 1f / 5))
                .fma(s2, FloatVector.broadcast(S, 1f / 3))
                .fma(s2, FloatVector.broadcast(S, 1f));
        return k.fma(FloatVector.broadcast(S, LN2), s.add(s).mul(series));
    }

    /** 2^x lane by lane (see "Note: exp": why the clamp is not max/min, why the coefficients are floats). */
    private static FloatVector pow2(FloatVector x) {
        FloatVector lo = FloatVector.broadcast(S, DECAY_FLOOR_LOG2);
        FloatVector hi = FloatVector.broadcast(S, 127f);
        var wiped = x.compare(VectorOperators.LT, lo);
        FloatVector low = x.blend(lo, wiped);
        FloatVector v = low.blend(hi, low.compare(VectorOperators.GT, hi));
        FloatVector r = v.add(ROUND);
        FloatVector f = v.sub(r.sub(ROUND));
        FloatVector poly = f.fma(P6, P5)
                .fma(f, FloatVector.broadcast(S, P4))
                .fma(f, FloatVector.broadcast(S, P3))
                .fma(f, FloatVector.broadcast(S, P2))
                .fma(f, FloatVector.broadcast(S, P1))
                .fma(f, FloatVector.broadcast(S, 1f));
        FloatVector scale = r.reinterpretAsInts().lanewise(VectorOperators.LSHL, 23).add(ONE_BITS).reinterpretAsFloats();
        return poly.mul(scale).blend(0f, wiped);
    }

    /** v with the lanes below {@link #GRADIENT_FLOOR} in magnitude set to 0 (see "Note: denormals"). */
    private static FloatVector flushTiny(FloatVector v) {
        return v.blend(0f, v.abs().compare(VectorOperators.LT, GRADIENT_FLOOR));
    }
}

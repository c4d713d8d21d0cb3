package org.echorec.runtime.op.scan;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.echorec.runtime.backend.cpu.Cpu;
import org.echorec.runtime.backend.cpu.Parallel;
import org.echorec.runtime.tensor.Tensor;

/**
 * The Mamba selective scan in plain Java, forward and backward; its per-channel routines also run the
 * channel tail of {@link SelectiveScanSimd}. The contract is {@code Ops.selectiveScan}.
 *
 * <h2>Note: chunks</h2>
 * The forward keeps h only per channel and writes, besides y, the state after each of S chunks of
 * {@code c = ceil(L/S)} steps: chunk k covers steps {@code [min(L, k·c), min(L, (k+1)·c))}. When
 * {@code S·c ≥ L + c} the last chunks are empty (L = 7, S = 6: c = 2, chunks 4 and 5 are empty); an
 * empty chunk's state is the state where it starts, which is then the final state, so
 * {@code states[:, S−1]} is always h after step L−1 (zero when L = 0).
 *
 * <h2>Note: backward</h2>
 * Per batch row and channel, with {@code z_t = delta_t + bias}, {@code Δ_t = softplus(z_t)} (or
 * {@code z_t}), {@code ā_t[n] = exp(Δ_t·A[n])}:
 * <pre>
 *   h_t = ā_t·h_{t−1} + Δ_t·B_t·u_t          y_t = Σ_n C_t[n]·h_t[n] + D·u_t
 * </pre>
 * The adjoint of h_t collects y_t's gradient and what flows back from h_{t+1}:
 * <pre>
 *   ĝ_t = dy_t·C_t + g̃_t,   g̃_t = ā_{t+1}·ĝ_{t+1},   g̃_{L−1} = 0
 * </pre>
 * and every input's gradient is a sum of per-step terms:
 * <pre>
 *   dC_t[n] = Σ_d dy_t·h_t[n]                  dB_t[n] = Σ_d ĝ_t[n]·Δ_t·u_t
 *   dA[n]  += ĝ_t[n]·h_{t−1}[n]·ā_t[n]·Δ_t     (over batch rows and steps)
 *   dΔ_t    = Σ_n ĝ_t[n]·(h_{t−1}[n]·ā_t[n]·A[n] + B_t[n]·u_t)
 *   du_t    = D·dy_t + Δ_t·Σ_n ĝ_t[n]·B_t[n]    dD += dy_t·u_t
 *   ddelta_t = dΔ_t·σ(z_t) with softplus (softplus' = sigmoid), else dΔ_t;   dBias += ddelta_t
 * </pre>
 * The reverse steps need h_{t−1}, h_t and ā_t, which the forward did not keep. The chunks are walked
 * in reverse: chunk k restarts from {@code states[b, k−1]} (zero for k = 0), recomputes its c steps
 * into per-thread scratch ({@code (c+1)·N} states and {@code c·N} values of ā per channel), then
 * runs its reverse steps; g̃ is carried across chunk boundaries. The cost is one more forward; the
 * memory is O(c·N) per thread instead of the (B, L, D, N) tensor of all states.
 *
 * <h2>Note: threads and determinism</h2>
 * The forward splits the independent (row, channel) pairs into contiguous ranges. In the backward
 * dB and dC sum over channels while dA, dD and dBias sum over rows, so it splits the batch into
 * {@code P = min(threads, B)} parts: part p owns its rows of dB and dC (zeroed, then summed in
 * channel order) and keeps its own partial sums of dA, dD, dBias, which are added in part order at
 * the end. Results depend on the thread count only, never on scheduling. A batch smaller than the
 * thread count leaves threads idle (B = 1 runs on one); training batches are far larger.
 */
public final class SelectiveScanPlain {
    /** Work (steps × states) below which a range is not worth a thread. */
    private static final int GRAIN = 1 << 15;
    private static final float SOFTPLUS_THRESHOLD = 20f;

    private SelectiveScanPlain() {}

    public static void forward(Tensor u, Tensor delta, Tensor a, Tensor b, Tensor c, Tensor d, Tensor deltaBias,
                               boolean deltaSoftplus, Tensor lengths, Tensor y, Tensor states) {
        ScanArgs p = ScanArgs.forward(u, delta, a, b, c, d, deltaBias, deltaSoftplus, lengths, y, states);
        int pairs = Math.multiplyExact(p.batch, p.channels);
        int minPairs = Math.max(1, GRAIN / Math.max(1, p.length * p.n));
        Parallel.forRange(pairs, minPairs, (from, to) -> {
            float[] h = ScanScratch.get().h(p.n);
            for (int i = from; i < to; i++) {
                int bi = i / p.channels;
                if (i % p.channels == 0) {
                    p.zeroAfterEnd(p.y, bi); // no channel writes there
                }
                forwardChannel(p, bi, i % p.channels, h);
            }
        });
    }

    public static void backward(Tensor u, Tensor delta, Tensor a, Tensor b, Tensor c, Tensor d, Tensor deltaBias,
                                boolean deltaSoftplus, Tensor lengths, Tensor states, Tensor dy, Tensor du,
                                Tensor ddelta, Tensor da, Tensor db, Tensor dc, Tensor dd, Tensor ddeltaBias) {
        ScanArgs p = ScanArgs.backward(u, delta, a, b, c, d, deltaBias, deltaSoftplus, lengths, states, dy, du,
                ddelta, db, dc);
        int parts = Math.min(Parallel.threads(), p.batch);
        int stride = p.n + 2;
        // per part and channel: dA[0..N), dD, dBias
        float[][] partial = new float[parts][p.channels * stride];
        Parallel.forRange(parts, 1, (from, to) -> {
            for (int part = from; part < to; part++) {
                backwardPart(p, p.partStart(part, parts), p.partStart(part + 1, parts), partial[part]);
            }
        });
        float[] sum = new float[p.channels * stride];
        for (float[] part : partial) {
            for (int i = 0; i < sum.length; i++) {
                sum[i] += part[i];
            }
        }
        writeChannelSums(sum, p.channels, p.n, da, dd, ddeltaBias);
    }

    private static void backwardPart(ScanArgs p, int rowFrom, int rowTo, float[] partial) {
        int stride = p.n + 2;
        ScanScratch s = ScanScratch.get();
        for (int bi = rowFrom; bi < rowTo; bi++) {
            zeroRows(p, bi);
            for (int ch = 0; ch < p.channels; ch++) {
                backwardChannel(p, bi, ch, s, partial, ch * stride);
            }
        }
    }

    /**
     * Zeroes row bi of dB and dC, which the channels then accumulate into, and the steps of du and
     * ddelta after the row's end, which no channel writes.
     */
    static void zeroRows(ScanArgs p, int bi) {
        long bytes = 4L * p.length * p.n;
        long at = 4L * p.row(bi, 0) * p.n;
        p.db.asSlice(at, bytes).fill((byte) 0);
        p.dc.asSlice(at, bytes).fill((byte) 0);
        p.zeroAfterEnd(p.du, bi);
        p.zeroAfterEnd(p.ddelta, bi);
    }

    /** Writes da, dd, ddeltaBias from per-channel sums laid out {@code [D][N + 2]}. */
    private static void writeChannelSums(float[] sum, int channels, int n, Tensor da, Tensor dd, Tensor ddeltaBias) {
        MemorySegment das = Cpu.data(da);
        MemorySegment dds = Cpu.dataOrNull(dd);
        MemorySegment dbs = Cpu.dataOrNull(ddeltaBias);
        int stride = n + 2;
        for (int ch = 0; ch < channels; ch++) {
            for (int i = 0; i < n; i++) {
                das.setAtIndex(JAVA_FLOAT, (long) ch * n + i, sum[ch * stride + i]);
            }
            if (dds != null) {
                dds.setAtIndex(JAVA_FLOAT, ch, sum[ch * stride + n]);
            }
            if (dbs != null) {
                dbs.setAtIndex(JAVA_FLOAT, ch, sum[ch * stride + n + 1]);
            }
        }
    }

    // ------------------------------------------------------------------ one channel of one row

    /** Forward of channel ch of row bi: writes y and the chunk states; h is N floats of scratch. */
    static void forwardChannel(ScanArgs p, int bi, int ch, float[] h) {
        int n = p.n;
        Arrays.fill(h, 0, n, 0f);
        float dskip = p.d == null ? 0f : p.d.getAtIndex(JAVA_FLOAT, ch);
        float bias = p.bias == null ? 0f : p.bias.getAtIndex(JAVA_FLOAT, ch);
        long arow = (long) ch * n;
        for (int k = 0; k < p.chunks; k++) {
            for (int t = p.chunkStart(k), end = p.chunkEnd(k, bi); t < end; t++) {
                long x = p.row(bi, t) * p.channels + ch;
                long bc = p.row(bi, t) * n;
                float dt = step(p.softplus, p.delta.getAtIndex(JAVA_FLOAT, x) + bias);
                float uu = p.u.getAtIndex(JAVA_FLOAT, x);
                float dtu = dt * uu;
                float acc = 0f;
                for (int i = 0; i < n; i++) {
                    float decay = (float) Math.exp(dt * p.a.getAtIndex(JAVA_FLOAT, arow + i));
                    h[i] = decay * h[i] + dtu * p.b.getAtIndex(JAVA_FLOAT, bc + i);
                    acc += p.c.getAtIndex(JAVA_FLOAT, bc + i) * h[i];
                }
                p.y.setAtIndex(JAVA_FLOAT, x, acc + dskip * uu);
            }
            MemorySegment.copy(h, 0, p.states, JAVA_FLOAT, 4L * p.state(bi, k, ch), n);
        }
    }

    /**
     * Backward of channel ch of row bi (see "Note: backward"): writes du, ddelta, adds into dB and dC,
     * and adds this channel's dA[0..N), dD, dBias to {@code acc[off..off+N+2)}.
     */
    static void backwardChannel(ScanArgs p, int bi, int ch, ScanScratch s, float[] acc, int off) {
        int n = p.n;
        float[] h = s.h((p.chunkLen + 1) * n);
        float[] e = s.e(p.chunkLen * n);
        float[] g = s.g(n);
        Arrays.fill(g, 0, n, 0f);
        float dskip = p.d == null ? 0f : p.d.getAtIndex(JAVA_FLOAT, ch);
        float bias = p.bias == null ? 0f : p.bias.getAtIndex(JAVA_FLOAT, ch);
        for (int k = p.chunks - 1; k >= 0; k--) {
            int t0 = p.chunkStart(k);
            int t1 = p.chunkEnd(k, bi);
            if (t0 >= t1) {
                continue;
            }
            if (k == 0) {
                Arrays.fill(h, 0, n, 0f);
            } else {
                MemorySegment.copy(p.states, JAVA_FLOAT, 4L * p.state(bi, k - 1, ch), h, 0, n);
            }
            recompute(p, bi, ch, t0, t1, bias, h, e);
            for (int t = t1 - 1; t >= t0; t--) {
                reverseStep(p, bi, ch, t, t - t0, dskip, bias, h, e, g, acc, off);
            }
        }
    }

    /** States h[(j+1)·N..] after step t0+j of the chunk and the decays e[j·N..] of that step. */
    private static void recompute(ScanArgs p, int bi, int ch, int t0, int t1, float bias, float[] h, float[] e) {
        int n = p.n;
        long arow = (long) ch * n;
        for (int t = t0; t < t1; t++) {
            int j = t - t0;
            long x = p.row(bi, t) * p.channels + ch;
            long bc = p.row(bi, t) * n;
            float dt = step(p.softplus, p.delta.getAtIndex(JAVA_FLOAT, x) + bias);
            float dtu = dt * p.u.getAtIndex(JAVA_FLOAT, x);
            for (int i = 0; i < n; i++) {
                float decay = (float) Math.exp(dt * p.a.getAtIndex(JAVA_FLOAT, arow + i));
                e[j * n + i] = decay;
                h[(j + 1) * n + i] = decay * h[j * n + i] + dtu * p.b.getAtIndex(JAVA_FLOAT, bc + i);
            }
        }
    }

    /** Step t (j-th of its chunk) of the reverse recurrence; updates the carried gradient s.g. */
    private static void reverseStep(ScanArgs p, int bi, int ch, int t, int j, float dskip, float bias, float[] h,
                                    float[] e, float[] g, float[] acc, int off) {
        int n = p.n;
        long x = p.row(bi, t) * p.channels + ch;
        long bc = p.row(bi, t) * n;
        long arow = (long) ch * n;
        float z = p.delta.getAtIndex(JAVA_FLOAT, x) + bias;
        float dt = step(p.softplus, z);
        float uu = p.u.getAtIndex(JAVA_FLOAT, x);
        float dyt = p.dy.getAtIndex(JAVA_FLOAT, x);
        float dtu = dt * uu;
        float sumGA = 0f;
        float sumGB = 0f;
        for (int i = 0; i < n; i++) {
            float bn = p.b.getAtIndex(JAVA_FLOAT, bc + i);
            float gi = dyt * p.c.getAtIndex(JAVA_FLOAT, bc + i) + g[i];
            float decay = e[j * n + i];
            float carried = h[j * n + i] * decay;
            addAt(p.dc, bc + i, dyt * h[(j + 1) * n + i]);
            addAt(p.db, bc + i, gi * dtu);
            acc[off + i] += gi * carried * dt;
            sumGA += gi * carried * p.a.getAtIndex(JAVA_FLOAT, arow + i);
            sumGB += gi * bn;
            g[i] = gi * decay;
        }
        float ddt = sumGA + sumGB * uu;
        float dz = p.softplus ? ddt * sigmoid(z) : ddt;
        p.du.setAtIndex(JAVA_FLOAT, x, dskip * dyt + dt * sumGB);
        p.ddelta.setAtIndex(JAVA_FLOAT, x, dz);
        acc[off + n] += dyt * uu;
        acc[off + n + 1] += dz;
    }

    private static void addAt(MemorySegment m, long i, float v) {
        m.setAtIndex(JAVA_FLOAT, i, m.getAtIndex(JAVA_FLOAT, i) + v);
    }

    /** Δ from z = delta + bias: softplus (with PyTorch's threshold 20) or the identity. */
    static float step(boolean softplus, float z) {
        if (!softplus || z > SOFTPLUS_THRESHOLD) {
            return z;
        }
        return (float) Math.log1p(Math.exp(z));
    }

    static float sigmoid(float z) {
        return 1f / (1f + (float) Math.exp(-z));
    }
}

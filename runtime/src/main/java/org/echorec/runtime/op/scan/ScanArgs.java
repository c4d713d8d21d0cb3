package org.echorec.runtime.op.scan;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.MemorySegment;
import org.echorec.runtime.backend.cpu.Cpu;
import org.echorec.runtime.tensor.Tensor;

/**
 * One selective-scan call as the kernels see it: the operands' memory (element i at byte 4·i, see
 * {@link Cpu#data}), the sizes, and the chunk geometry of "Note: chunks" in {@link SelectiveScanPlain}.
 * Shared by the plain and the SIMD kernels so that a SIMD kernel can hand a channel tail to the plain
 * code. Optional operands (d, bias) and the gradients of a forward call are null; so is
 * {@code valid} when every row runs all L steps.
 */
final class ScanArgs {
    final MemorySegment u;
    final MemorySegment delta;
    final MemorySegment a;
    final MemorySegment b;
    final MemorySegment c;
    final MemorySegment d;
    final MemorySegment bias;
    final MemorySegment y;
    final MemorySegment states;
    final MemorySegment dy;
    final MemorySegment du;
    final MemorySegment ddelta;
    final MemorySegment db;
    final MemorySegment dc;
    final boolean softplus;
    /** Steps each row runs (the op's {@code lengths}), or null for L. */
    private final int[] valid;
    final int batch;
    final int length;
    final int channels;
    final int n;
    final int chunks;
    final int chunkLen;

    private ScanArgs(Tensor u, Tensor delta, Tensor a, Tensor b, Tensor c, Tensor d, Tensor bias, boolean softplus,
                     Tensor lengths, Tensor y, Tensor states, Tensor dy, Tensor du, Tensor ddelta, Tensor db,
                     Tensor dc) {
        this.u = Cpu.data(u);
        this.delta = Cpu.data(delta);
        this.a = Cpu.data(a);
        this.b = Cpu.data(b);
        this.c = Cpu.data(c);
        this.d = Cpu.dataOrNull(d);
        this.bias = Cpu.dataOrNull(bias);
        this.y = Cpu.dataOrNull(y);
        this.states = Cpu.data(states);
        this.dy = Cpu.dataOrNull(dy);
        this.du = Cpu.dataOrNull(du);
        this.ddelta = Cpu.dataOrNull(ddelta);
        this.db = Cpu.dataOrNull(db);
        this.dc = Cpu.dataOrNull(dc);
        this.softplus = softplus;
        this.batch = u.dim(0);
        this.length = u.dim(1);
        this.channels = u.dim(2);
        this.n = a.dim(1);
        this.chunks = states.dim(1);
        this.chunkLen = (length + chunks - 1) / chunks;
        this.valid = lengths == null ? null : Cpu.data(lengths).toArray(JAVA_INT);
        if (valid != null) {
            for (int v : valid) {
                if (v < 0 || v > length) {
                    throw new IllegalArgumentException("selectiveScan: a row length " + v + " is outside 0.." + length);
                }
            }
        }
    }

    static ScanArgs forward(Tensor u, Tensor delta, Tensor a, Tensor b, Tensor c, Tensor d, Tensor bias,
                            boolean softplus, Tensor lengths, Tensor y, Tensor states) {
        return new ScanArgs(u, delta, a, b, c, d, bias, softplus, lengths, y, states, null, null, null, null, null);
    }

    static ScanArgs backward(Tensor u, Tensor delta, Tensor a, Tensor b, Tensor c, Tensor d, Tensor bias,
                             boolean softplus, Tensor lengths, Tensor states, Tensor dy, Tensor du,
                             Tensor ddelta, Tensor db, Tensor dc) {
        return new ScanArgs(u, delta, a, b, c, d, bias, softplus, lengths, null, states, dy, du, ddelta, db, dc);
    }

    /** The number of steps row bi runs: L, or its {@code lengths} entry. */
    int end(int bi) {
        return valid == null ? length : valid[bi];
    }

    /** Last step + 1 of chunk k that row bi runs (at most {@link #chunkEnd}). */
    int chunkEnd(int k, int bi) {
        return Math.min(chunkEnd(k), end(bi));
    }

    /**
     * Zeroes the steps of row bi after its end in {@code m} (a {@code [B, L, D]} output): y in the
     * forward, du and ddelta in the backward.
     */
    void zeroAfterEnd(MemorySegment m, int bi) {
        long from = row(bi, end(bi)) * channels;
        long to = row(bi, length) * channels;
        if (to > from) {
            m.asSlice(4 * from, 4 * (to - from)).fill((byte) 0);
        }
    }

    /** First step of chunk k (L when the chunk is empty). */
    int chunkStart(int k) {
        return (int) Math.min(length, (long) k * chunkLen);
    }

    /** One past the last step of chunk k. */
    int chunkEnd(int k) {
        return (int) Math.min(length, (long) (k + 1) * chunkLen);
    }

    /** Index of row (b, t) of a {@code [B, L, ·]} operand, in rows. */
    long row(int bi, int t) {
        return (long) bi * length + t;
    }

    /** Index of {@code states[b, k, ch, 0]}. */
    long state(int bi, int k, int ch) {
        return (((long) bi * chunks + k) * channels + ch) * n;
    }

    /**
     * The batch rows of part p when the backward splits the batch into {@code parts} contiguous parts
     * (each part owns its rows of dB and dC, and its own partial sums of dA, dD, dBias).
     */
    int partStart(int p, int parts) {
        return (int) ((long) batch * p / parts);
    }
}

package org.echorec.runtime.op.matmul;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.echorec.runtime.backend.cpu.simd.SimdSpecies;

/**
 * Copies blocks of A and B into the layouts {@link GemmKernel} reads.
 *
 * <p>Note: packing layouts. B's block {@code op(B)[k0:k0+kc, j0:j0+nc]} becomes panels of NR columns,
 * panel q at float {@code q·kc·NR}, its row k at {@code +k·NR}, columns past the block zero, so every
 * kernel load is a whole aligned vector (an aligned untransposed B is not packed at all: its rows
 * already are panel rows, see {@code GemmSimd.panelsOfB}). A is never transposed while copied, because
 * for the skinny shapes (K or N = 64) a transposing copy would cost as much as the multiply-adds that
 * use it: an untransposed A keeps its rows (row r of the block at {@code r·kc}; row-by-row vector
 * copies, one bulk copy when the block is contiguous); a transposed A already holds the six values of a
 * strip for one k side by side, so it becomes 6-row strips, k-major ({@code (r, k)} at {@code k·MR + r}
 * in its strip), by way of a row buffer, two vector copies per k and strip. (Keeping a transposed A's
 * rows of K as they are left the block larger than L1, and the kernel waited on L2 for every k.)
 * Missing rows of a partial strip are zeros, so the kernel never sees stale values (a stale denormal
 * would slow it down).
 */
final class GemmPack {
    private static final VectorSpecies<Float> S = SimdSpecies.F;
    private static final int L = S.length();
    private static final int MR = GemmKernel.MR;
    private static final int NR = GemmKernel.NR;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private GemmPack() {}

    // ------------------------------------------------------------------ B

    /** Packs {@code op(B)[k0:k0+kc, j0:j0+nc]} of batch t into panels at the start of {@code dst}. */
    static void packB(GemmArgs g, int t, int k0, int kc, int j0, int nc, MemorySegment dst) {
        if (g.transB) {
            packTransposedB(g, t, k0, kc, j0, nc, dst);
        } else {
            packRowsOfB(g, t, k0, kc, j0, nc, dst);
        }
    }

    /** B's rows are {@code op(B)}'s: each panel row is NR consecutive floats of one B row. */
    private static void packRowsOfB(GemmArgs g, int t, int k0, int kc, int j0, int nc, MemorySegment dst) {
        int panels = GemmPlan.ceilDiv(nc, NR);
        for (int k = 0; k < kc; k++) {
            long src = g.bIndex(t, k0 + k, j0);
            for (int q = 0; q < panels; q++) {
                int cols = Math.min(NR, nc - q * NR);
                long to = (long) q * kc * NR + (long) k * NR;
                copy(g.b, src + q * NR, dst, to, cols);
                zero(dst, to + cols, NR - cols);
            }
        }
    }

    /** B holds {@code op(B)}'s columns as rows: each column of a panel is read along one B row. */
    private static void packTransposedB(GemmArgs g, int t, int k0, int kc, int j0, int nc, MemorySegment dst) {
        int panels = GemmPlan.ceilDiv(nc, NR);
        for (int q = 0; q < panels; q++) {
            int cols = Math.min(NR, nc - q * NR);
            long panel = (long) q * kc * NR;
            for (int j = 0; j < cols; j++) {
                long src = g.bIndex(t, k0, j0 + q * NR + j);
                for (int k = 0; k < kc; k++) {
                    dst.setAtIndex(JAVA_FLOAT, panel + (long) k * NR + j, g.b.getAtIndex(JAVA_FLOAT, src + k));
                }
            }
            if (cols < NR) {
                for (int k = 0; k < kc; k++) {
                    zero(dst, panel + (long) k * NR + cols, NR - cols);
                }
            }
        }
    }

    // ------------------------------------------------------------------ A

    /**
     * Rows {@code i0..i0+rows} of an untransposed A, columns {@code k0..k0+kc}, into {@code dst[r·kc + k]};
     * rows up to the next multiple of MR are zero.
     */
    static void packRowsOfA(GemmArgs g, int t, int i0, int rows, int k0, int kc, float[] dst) {
        long src = g.aIndex(t, i0, k0);
        if (g.lda == kc) {
            MemorySegment.copy(g.a, JAVA_FLOAT, 4 * src, dst, 0, rows * kc);
        } else {
            for (int r = 0; r < rows; r++) {
                copy(g.a, src + r * g.lda, dst, r * kc, kc);
            }
        }
        Arrays.fill(dst, rows * kc, GemmPlan.roundUp(rows, MR) * kc, 0f);
    }

    /**
     * Rows {@code i0..i0+rows} of {@code op(A)} from a transposed A, as 6-row strips, each k-major:
     * strip s at {@code s·stripFloats(kc)}, its {@code (r, k)} at {@code +k·MR + r}; rows past
     * {@code rows} are zero. Each row of A (one k) is copied whole into {@code row}, in order, so the
     * block streams from memory; then every strip takes its six values with one unmasked vector copy,
     * whose extra lanes land where the next k (or the strip's padding) overwrites them.
     */
    static void packColumnsOfA(GemmArgs g, int t, int i0, int rows, int k0, int kc, float[] dst, float[] row) {
        int strips = GemmPlan.ceilDiv(rows, MR);
        int stride = stripFloats(kc);
        Arrays.fill(row, rows, strips * MR + L, 0f);
        for (int k = 0; k < kc; k++) {
            copy(g.a, g.aIndex(t, i0, k0 + k), row, 0, rows);
            for (int s = 0; s < strips; s++) {
                for (int j = 0; j < MR; j += L) {
                    FloatVector.fromArray(S, row, s * MR + j).intoArray(dst, s * stride + k * MR + j);
                }
            }
        }
    }

    /** Floats from one strip of a packed transposed A to the next: the strip plus room for the spill. */
    static int stripFloats(int kc) {
        return kc * MR + GemmPlan.roundUp(MR, L);
    }

    // ------------------------------------------------------------------ copies

    /** {@code n} floats from element {@code from} of a segment to element {@code to} of an array. */
    private static void copy(MemorySegment src, long from, float[] dst, int to, int n) {
        int j = 0;
        for (int end = S.loopBound(n); j < end; j += L) {
            FloatVector.fromMemorySegment(S, src, 4 * (from + j), ORDER).intoArray(dst, to + j);
        }
        for (; j < n; j++) {
            dst[to + j] = src.getAtIndex(JAVA_FLOAT, from + j);
        }
    }

    /** {@code n} floats between segments, by element index. */
    private static void copy(MemorySegment src, long from, MemorySegment dst, long to, int n) {
        int j = 0;
        for (int end = S.loopBound(n); j < end; j += L) {
            FloatVector.fromMemorySegment(S, src, 4 * (from + j), ORDER).intoMemorySegment(dst, 4 * (to + j), ORDER);
        }
        for (; j < n; j++) {
            dst.setAtIndex(JAVA_FLOAT, to + j, src.getAtIndex(JAVA_FLOAT, from + j));
        }
    }

    private static void zero(MemorySegment dst, long from, int n) {
        int j = 0;
        if (n >= L) {
            FloatVector zero = FloatVector.zero(S);
            for (int end = S.loopBound(n); j < end; j += L) {
                zero.intoMemorySegment(dst, 4 * (from + j), ORDER);
            }
        }
        for (; j < n; j++) {
            dst.setAtIndex(JAVA_FLOAT, from + j, 0f);
        }
    }
}

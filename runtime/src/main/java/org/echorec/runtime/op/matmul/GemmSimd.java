package org.echorec.runtime.op.matmul;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.echorec.runtime.backend.cpu.Parallel;
import org.echorec.runtime.backend.cpu.simd.SimdSpecies;
import org.echorec.runtime.op.matmul.GemmPlan.Split;
import org.echorec.runtime.tensor.Tensor;

/**
 * GEMM with the Vector API: the blocking loops around {@link GemmKernel}, and the threads.
 *
 * <p>Note: GEMM blocking. For each block of NC columns and each K block of at most KC (blocks evened
 * out), a thread sets up {@code op(B)}'s {@code KC×NC} block (≤ 512 KiB, for L2): packed into its
 * scratch, or read in place when B's rows already are aligned panel rows ({@link #panelsOfB}). Then
 * for each group of MC rows of A (MC_TRANSPOSED for a transposed A) it copies A's block into a heap
 * array, and runs the micro-kernel for every 6-row strip of that block against every panel of B,
 * strip after strip, so the strip (6 KiB) stays in L1 while B streams from L2. The first K block
 * writes C with the caller's beta, later ones add to it. The shapes the models use are skinny (K or N
 * of 64..256 against 100k rows), where B fits whole and the time goes into streaming A and C once: A
 * is copied row by row (one bulk copy when the block is contiguous), C is written once per K block,
 * straight from the registers when it can be, and never read when beta is 0. The weight gradient
 * {@code Aᵀ·B} streams both operands along K; it is computed with whichever operand is bigger on the
 * in-place B side ({@link GemmPlan#computeTransposed}). See {@link GemmPlan} for the sizes and for how
 * threads divide the work (Note: GEMM threading), {@link GemmKernel} for the micro-kernel and
 * {@link GemmPack} for the layouts.
 */
public final class GemmSimd {
    private static final VectorSpecies<Float> S = SimdSpecies.F;
    private static final int L = S.length();
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final int MR = GemmKernel.MR;
    private static final int NR = GemmKernel.NR;
    private static final int KC = GemmPlan.KC;
    private static final int MC = GemmPlan.MC;
    private static final int MCT = GemmPlan.MC_TRANSPOSED;
    private static final ThreadLocal<GemmScratch> SCRATCH = ThreadLocal.withInitial(() -> new GemmScratch(
            GemmPlan.B_BLOCK_FLOATS + (long) KC * NR, Math.max(MC * KC, MCT / MR * GemmPack.stripFloats(KC)),
            MCT + 2 * L, MR * NR, NR));

    private GemmSimd() {}

    public static void gemm(boolean transA, boolean transB, float alpha, Tensor a, Tensor b, float beta, Tensor c) {
        GemmArgs g = GemmArgs.of(transA, transB, alpha, a, b, beta, c);
        if (g.m == 0 || g.n == 0) {
            return;
        }
        int threads = Parallel.threads();
        if (g.batch >= threads && g.work() / g.batch < GemmPlan.PARALLEL_MIN * threads) {
            Parallel.forRange(g.batch, 1, (from, to) -> {
                for (int t = from; t < to; t++) {
                    product(g, t, Split.NONE);
                }
            });
            return;
        }
        if (GemmPlan.computeTransposed(g.transA, g.transB, g.m, g.n, g.k)) {
            transposedProduct(g, threads);
            return;
        }
        Split split = GemmPlan.split(g.m, g.n, g.k, threads, L, g.transB);
        for (int t = 0; t < g.batch; t++) {
            product(g, t, split);
        }
    }

    /** Each batch as {@code Cᵀ = op(B)ᵀ·op(A)ᵀ} into scratch, then {@code C = alpha·(Cᵀ)ᵀ + beta·C}. */
    private static void transposedProduct(GemmArgs g, int threads) {
        MemorySegment out = SCRATCH.get().transposed((long) g.m * g.n);
        GemmArgs swapped = g.transposedProduct(out);
        Split split = GemmPlan.split(swapped.m, swapped.n, swapped.k, threads, L, swapped.transB);
        for (int t = 0; t < g.batch; t++) {
            product(swapped, t, split);
            writeTransposed(out, g, t);
        }
    }

    /** {@code C[i, j] = alpha·T[j, i] + beta·C[i, j]} for the row-major {@code [n, m]} matrix T. */
    private static void writeTransposed(MemorySegment tr, GemmArgs g, int t) {
        for (int i = 0; i < g.m; i++) {
            long row = g.cIndex(t, i, 0);
            for (int j = 0; j < g.n; j++) {
                float v = g.alpha * tr.getAtIndex(JAVA_FLOAT, (long) j * g.m + i);
                if (g.beta != 0f) {
                    v += g.beta * g.c.getAtIndex(JAVA_FLOAT, row + j);
                }
                g.c.setAtIndex(JAVA_FLOAT, row + j, v);
            }
        }
    }

    /** Batch t of the call, its threads dividing the work as {@code split} says (Note: GEMM threading). */
    private static void product(GemmArgs g, int t, Split split) {
        long c0 = g.cIndex(t, 0, 0);
        int threads = Parallel.threads();
        switch (split) {
            case NONE -> block(g, t, 0, g.m, 0, g.n, 0, g.k, g.c, c0, g.ldc, g.beta);
            case M -> {
                int rows = GemmPlan.chunk(g.m, MR, 48, threads);
                shared(GemmPlan.ceilDiv(g.m, rows), q ->
                        block(g, t, q * rows, Math.min(g.m, (q + 1) * rows), 0, g.n, 0, g.k, g.c, c0, g.ldc, g.beta));
            }
            case N -> {
                int cols = GemmPlan.chunk(g.n, NR, 4, threads);
                shared(GemmPlan.ceilDiv(g.n, cols), q ->
                        block(g, t, 0, g.m, q * cols, Math.min(g.n, (q + 1) * cols), 0, g.k, g.c, c0, g.ldc, g.beta));
            }
            case K -> splitK(g, t, c0, threads);
        }
    }

    /**
     * Runs chunks {@code 0..chunks-1} on every thread, each thread taking the next chunk nobody has
     * taken: a thread that starts late or is descheduled (a busy machine) ends up with fewer chunks
     * instead of keeping the others waiting at the end.
     */
    private static void shared(int chunks, IntConsumer chunk) {
        AtomicInteger next = new AtomicInteger();
        Parallel.forRange(Parallel.threads(), 1, (from, to) -> {
            for (int q = next.getAndIncrement(); q < chunks; q = next.getAndIncrement()) {
                chunk.accept(q);
            }
        });
    }

    /**
     * The K range in chunks shared as above: chunk 0 goes into C (with beta), chunk q > 0 into partial
     * sum q of the calling thread's scratch, and the partials are then added to C in chunk order, so
     * the result does not depend on which thread ran which chunk.
     */
    private static void splitK(GemmArgs g, int t, long c0, int threads) {
        int len = GemmPlan.chunk(g.k, KC, 4, threads);
        int chunks = GemmPlan.ceilDiv(g.k, len);
        long size = (long) g.m * g.n;
        MemorySegment partials = SCRATCH.get().partials((chunks - 1) * size);
        shared(chunks, q -> {
            int k0 = q * len;
            int k1 = Math.min(g.k, k0 + len);
            if (q == 0) {
                block(g, t, 0, g.m, 0, g.n, k0, k1, g.c, c0, g.ldc, g.beta);
            } else {
                block(g, t, 0, g.m, 0, g.n, k0, k1, partials, (q - 1) * size, g.n, 0f);
            }
        });
        for (int q = 1; q < chunks; q++) {
            for (int i = 0; i < g.m; i++) {
                addRow(partials, (q - 1) * size + (long) i * g.n, g.c, c0 + i * g.ldc, g.n);
            }
        }
    }

    /**
     * {@code T[i0:i1, j0:j1] = alpha·op(A)[i0:i1, k0:k1]·op(B)[k0:k1, j0:j1] + beta·T} on this thread,
     * where T's element (i, j) is at index {@code t0 + i·ldt + j} of {@code target}.
     */
    private static void block(GemmArgs g, int t, int i0, int i1, int j0, int j1, int k0, int k1,
                              MemorySegment target, long t0, long ldt, float beta) {
        GemmScratch s = SCRATCH.get();
        int kLen = k1 - k0;
        if (kLen == 0) {
            scale(target, t0, ldt, i0, i1, j0, j1, beta);
            return;
        }
        int blocks = GemmPlan.kBlocks(kLen);
        int nc = GemmPlan.nc(GemmPlan.ceilDiv(kLen, blocks), NR);
        for (int jc = j0; jc < j1; jc += nc) {
            int ncb = Math.min(nc, j1 - jc);
            for (int p = 0; p < blocks; p++) {
                int ks = GemmPlan.kStart(k0, kLen, blocks, p);
                int kc = GemmPlan.kStart(k0, kLen, blocks, p + 1) - ks;
                panelsOfB(s, g, t, ks, kc, jc, ncb);
                float betaK = p == 0 ? beta : 1f;
                int mcMax = g.transA ? MCT : MC;
                for (int ic = i0; ic < i1; ic += mcMax) {
                    int mc = Math.min(mcMax, i1 - ic);
                    long tc = t0 + ic * ldt + jc;
                    if (g.transA) {
                        GemmPack.packColumnsOfA(g, t, ic, mc, ks, kc, s.packedA, s.aRow);
                        stripsOfColumns(s, mc, kc, ncb, target, tc, ldt, g.alpha, betaK);
                    } else {
                        GemmPack.packRowsOfA(g, t, ic, mc, ks, kc, s.packedA);
                        stripsOfRows(s, mc, kc, ncb, target, tc, ldt, g.alpha, betaK);
                    }
                }
            }
        }
    }

    /**
     * Sets up the B block the kernels read: an untransposed B whose rows are aligned and at most 2 KiB
     * apart is read in place, panel by panel (its rows already are the panel rows: no packing pass,
     * and the kernel's loads overlap the memory traffic that a pack would do alone, which matters for
     * the weight gradient, where B is 100 MB and each block is used by few strips); a transposed,
     * unaligned or widely strided B, and the last partial panel (which needs zero padding), are packed.
     */
    private static void panelsOfB(GemmScratch s, GemmArgs g, int t, int ks, int kc, int jc, int nc) {
        long rowBytes = 4 * g.ldb;
        long at = 4 * g.bIndex(t, ks, jc);
        boolean inPlace = !g.transB && rowBytes % 64 == 0 && rowBytes <= 2048 && (g.b.address() + at) % 64 == 0;
        int direct = inPlace ? nc / NR : 0;
        s.useB(g.b, at, rowBytes, direct, kc);
        if (direct * NR < nc) {
            GemmPack.packB(g, t, ks, kc, jc + direct * NR, nc - direct * NR, s.packedB);
        }
    }

    /** Every 6-row strip of a packed untransposed A block against every panel of the packed B. */
    private static void stripsOfRows(GemmScratch s, int mc, int kc, int nc, MemorySegment target, long tc,
                                     long ldt, float alpha, float beta) {
        int panels = GemmPlan.ceilDiv(nc, NR);
        boolean direct = alpha == 1f && (beta == 0f || beta == 1f);
        boolean accumulate = beta == 1f;
        for (int r = 0; r < mc; r += MR) {
            int rows = Math.min(MR, mc - r);
            for (int q = 0; q < panels; q++) {
                int cols = Math.min(NR, nc - q * NR);
                long at = tc + r * ldt + q * NR;
                MemorySegment b = s.panelSegment(q);
                long panel = s.panelByte(q);
                long ldb = s.panelRowBytes(q);
                if (direct && rows == MR && cols == NR) {
                    GemmKernel.rowsOfA(s.packedA, r * kc, kc, b, panel, ldb, target, 4 * at, 4 * ldt, accumulate);
                } else {
                    GemmKernel.rowsOfA(s.packedA, r * kc, kc, b, panel, ldb, s.tile, 0, 4L * NR, false);
                    GemmKernel.store(s.tile, rows, cols, target, at, ldt, alpha, beta);
                }
            }
        }
    }

    /** Every 6-row strip of a packed transposed A block against every panel of the packed B. */
    private static void stripsOfColumns(GemmScratch s, int mc, int kc, int nc, MemorySegment target, long tc,
                                        long ldt, float alpha, float beta) {
        int panels = GemmPlan.ceilDiv(nc, NR);
        int strip = GemmPack.stripFloats(kc);
        boolean direct = alpha == 1f && (beta == 0f || beta == 1f);
        boolean accumulate = beta == 1f;
        for (int r = 0; r < mc; r += MR) {
            int rows = Math.min(MR, mc - r);
            for (int q = 0; q < panels; q++) {
                int cols = Math.min(NR, nc - q * NR);
                long at = tc + r * ldt + q * NR;
                MemorySegment b = s.panelSegment(q);
                long panel = s.panelByte(q);
                long ldb = s.panelRowBytes(q);
                if (direct && rows == MR && cols == NR) {
                    GemmKernel.columnsOfA(s.packedA, r / MR * strip, kc, b, panel, ldb, target, 4 * at, 4 * ldt,
                            accumulate);
                } else {
                    GemmKernel.columnsOfA(s.packedA, r / MR * strip, kc, b, panel, ldb, s.tile, 0, 4L * NR, false);
                    GemmKernel.store(s.tile, rows, cols, target, at, ldt, alpha, beta);
                }
            }
        }
    }

    /** {@code dst[0:n] += src[0:n]}, by element index. */
    private static void addRow(MemorySegment src, long from, MemorySegment dst, long to, int n) {
        int j = 0;
        for (int end = S.loopBound(n); j < end; j += L) {
            FloatVector x = FloatVector.fromMemorySegment(S, src, 4 * (from + j), ORDER);
            FloatVector y = FloatVector.fromMemorySegment(S, dst, 4 * (to + j), ORDER);
            y.add(x).intoMemorySegment(dst, 4 * (to + j), ORDER);
        }
        for (; j < n; j++) {
            float sum = dst.getAtIndex(JAVA_FLOAT, to + j) + src.getAtIndex(JAVA_FLOAT, from + j);
            dst.setAtIndex(JAVA_FLOAT, to + j, sum);
        }
    }

    /** An empty sum: {@code T = beta·T}, and zeros (not {@code 0·NaN}) when beta is 0. */
    private static void scale(MemorySegment target, long t0, long ldt, int i0, int i1, int j0, int j1, float beta) {
        for (int i = i0; i < i1; i++) {
            for (int j = j0; j < j1; j++) {
                long at = t0 + i * ldt + j;
                target.setAtIndex(JAVA_FLOAT, at, beta == 0f ? 0f : beta * target.getAtIndex(JAVA_FLOAT, at));
            }
        }
    }
}

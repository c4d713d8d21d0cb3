package org.echorec.runtime.op.matmul;

import java.lang.foreign.MemorySegment;
import org.echorec.runtime.backend.cpu.Cpu;
import org.echorec.runtime.tensor.Tensor;

/**
 * One validated gemm call reduced to numbers: whole storages, element offsets and strides, so the
 * kernels index {@code op(A)}, {@code op(B)} and C without looking at tensors again. Shared by
 * {@link GemmPlain} and the Vector API kernels.
 *
 * <p>Element {@code (i, k)} of {@code op(A)} in batch {@code t} is at
 * {@code aOff + t·aBatch + (transA ? k·lda + i : i·lda + k)}; likewise for B and C (C never transposed).
 * A rank-2 operand beside a rank-3 C has batch stride 0.
 */
final class GemmArgs {
    final boolean transA;
    final boolean transB;
    final float alpha;
    final float beta;
    final MemorySegment a;
    final MemorySegment b;
    final MemorySegment c;
    final int m;
    final int n;
    final int k;
    final int batch;
    final long aOff;
    final long bOff;
    final long cOff;
    final long lda;
    final long ldb;
    final long ldc;
    final long aBatch;
    final long bBatch;
    final long cBatch;

    private GemmArgs(boolean transA, boolean transB, float alpha, float beta, MemorySegment a, MemorySegment b,
                     MemorySegment c, int m, int n, int k, int batch, long aOff, long bOff, long cOff,
                     long lda, long ldb, long ldc, long aBatch, long bBatch, long cBatch) {
        this.transA = transA;
        this.transB = transB;
        this.alpha = alpha;
        this.beta = beta;
        this.a = a;
        this.b = b;
        this.c = c;
        this.m = m;
        this.n = n;
        this.k = k;
        this.batch = batch;
        this.aOff = aOff;
        this.bOff = bOff;
        this.cOff = cOff;
        this.lda = lda;
        this.ldb = ldb;
        this.ldc = ldc;
        this.aBatch = aBatch;
        this.bBatch = bBatch;
        this.cBatch = cBatch;
    }

    /**
     * The geometry of a call that {@code CheckedOps} accepted. When B is shared by every batch and the
     * batches of A and C follow each other row after row, the batch axis is folded into M: one large
     * product packs B once instead of once per batch.
     */
    static GemmArgs of(boolean transA, boolean transB, float alpha, Tensor a, Tensor b, float beta, Tensor c) {
        int m = c.dim(-2);
        int n = c.dim(-1);
        int k = transA ? a.dim(-2) : a.dim(-1);
        int batch = c.rank() == 3 ? c.dim(0) : 1;
        long aBatch = batchStride(a, batch);
        long bBatch = batchStride(b, batch);
        long cBatch = batchStride(c, batch);
        long lda = a.stride(-2);
        long ldb = b.stride(-2);
        long ldc = c.stride(-2);
        if (batch > 1 && bBatch == 0 && !transA && aBatch == m * lda && cBatch == m * ldc) {
            m *= batch;
            batch = 1;
        }
        return new GemmArgs(transA, transB, alpha, beta, Cpu.segment(a), Cpu.segment(b), Cpu.segment(c),
                m, n, k, batch, a.offset(), b.offset(), c.offset(), lda, ldb, ldc, aBatch, bBatch, cBatch);
    }

    private static long batchStride(Tensor t, int batch) {
        return t.rank() == 3 && batch > 1 ? t.stride(0) : 0;
    }

    /**
     * The same product with the operands' roles exchanged, {@code Cᵀ = op(B)ᵀ·op(A)ᵀ}, written (alpha 1,
     * beta 0) into {@code out} as one row-major {@code [n, m]} matrix per call (batch stride 0: the
     * caller runs it batch by batch).
     */
    GemmArgs transposedProduct(MemorySegment out) {
        return new GemmArgs(!transB, !transA, 1f, 0f, b, a, out, n, m, k, batch, bOff, aOff, 0, ldb, lda, m,
                bBatch, aBatch, 0);
    }

    /** Multiply-adds of the whole call. */
    long work() {
        return (long) batch * m * n * k;
    }

    /** Index of {@code op(A)[i, kk]} in batch {@code t}. */
    long aIndex(int t, int i, int kk) {
        return aOff + t * aBatch + (transA ? kk * lda + i : i * lda + kk);
    }

    /** Index of {@code op(B)[kk, j]} in batch {@code t}. */
    long bIndex(int t, int kk, int j) {
        return bOff + t * bBatch + (transB ? j * ldb + kk : kk * ldb + j);
    }

    /** Index of {@code C[i, j]} in batch {@code t}. */
    long cIndex(int t, int i, int j) {
        return cOff + t * cBatch + i * ldc + j;
    }
}

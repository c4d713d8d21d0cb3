package org.echorec.runtime.op.matmul;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;
import org.echorec.runtime.backend.cpu.simd.SimdSpecies;

/**
 * The register-blocked micro-kernels and the write-back of their tiles into C.
 *
 * <p>Note: micro-kernel. A kernel call computes one full {@code MR × NR} tile ({@code MR = 6} rows,
 * {@code NR = 4} vectors) over a K block: 24 accumulators, 4 B vectors and one broadcast of A, 29 of
 * the 32 vector registers of AVX-512. Per k it loads one row of a packed, zero-padded B panel (four
 * aligned vectors) and broadcasts six A values from a heap array: reading A through a MemorySegment
 * here made C2's IR too large to inline the vector calls, and every vector was boxed (PERF_NOTES,
 * pitfall 2). For the same reason the kernel has no edge cases, no alpha, no beta and no C: it always
 * computes a whole tile (the missing rows of A are zeros, the missing columns of B are packed as zeros)
 * and stores it raw: straight into C when the tile is whole and C = A·B or C += A·B (alpha 1, beta 0
 * or 1: the forward products, and every K block after the first, whose accumulators then start from
 * C's tile instead of zero), else into a scratch tile that {@link #store} writes into C with alpha, beta and
 * the valid rows and columns, outside the hot loop. One kernel per layout of the A copy, so that each
 * indexes A with a constant stride in its loop and C2 can drop the bounds checks. Written against
 * {@link SimdSpecies#F}, so it runs at 128, 256 and 512 bits; at 256 and 128 bits 29 registers only
 * fit where AVX-512 provides 32 (on AVX2-only hardware a 4×3 tile would be the shape to try).
 */
final class GemmKernel {
    static final VectorSpecies<Float> S = SimdSpecies.F;
    static final int L = S.length();
    static final int MR = GemmPlan.MR;
    static final int NR = GemmPlan.NR_VECTORS * L;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final long VECTOR_BYTES = 4L * L;

    private GemmKernel() {}

    /**
     * The micro-tile {@code A(6×kc)·B(kc×NR)} with A's rows at {@code a0 + r·kc} (row-major, as copied
     * from an untransposed A) and B a packed panel at byte {@code bByte}; row r of the tile is stored at
     * byte {@code outByte + r·ldOut} of {@code out}: straight into C, or into the scratch tile.
     */
    static void rowsOfA(float[] a, int a0, int kc, MemorySegment b, long bByte, long ldb, MemorySegment out,
                        long outByte, long ldOut, boolean accumulate) {
        int a1 = a0 + kc;
        int a2 = a1 + kc;
        int a3 = a2 + kc;
        int a4 = a3 + kc;
        int a5 = a4 + kc;
        long o0 = outByte;
        long o1 = o0 + ldOut;
        long o2 = o1 + ldOut;
        long o3 = o2 + ldOut;
        long o4 = o3 + ldOut;
        long o5 = o4 + ldOut;
        // a blend, not a branch: a control-flow merge of two vectors into the loop's accumulators boxed them
        VectorMask<Float> keep = S.maskAll(accumulate);
        FloatVector c00 = FloatVector.fromMemorySegment(S, out, o0, ORDER, keep);
        FloatVector c01 = FloatVector.fromMemorySegment(S, out, o0 + 1 * VECTOR_BYTES, ORDER, keep);
        FloatVector c02 = FloatVector.fromMemorySegment(S, out, o0 + 2 * VECTOR_BYTES, ORDER, keep);
        FloatVector c03 = FloatVector.fromMemorySegment(S, out, o0 + 3 * VECTOR_BYTES, ORDER, keep);
        FloatVector c10 = FloatVector.fromMemorySegment(S, out, o1, ORDER, keep);
        FloatVector c11 = FloatVector.fromMemorySegment(S, out, o1 + 1 * VECTOR_BYTES, ORDER, keep);
        FloatVector c12 = FloatVector.fromMemorySegment(S, out, o1 + 2 * VECTOR_BYTES, ORDER, keep);
        FloatVector c13 = FloatVector.fromMemorySegment(S, out, o1 + 3 * VECTOR_BYTES, ORDER, keep);
        FloatVector c20 = FloatVector.fromMemorySegment(S, out, o2, ORDER, keep);
        FloatVector c21 = FloatVector.fromMemorySegment(S, out, o2 + 1 * VECTOR_BYTES, ORDER, keep);
        FloatVector c22 = FloatVector.fromMemorySegment(S, out, o2 + 2 * VECTOR_BYTES, ORDER, keep);
        FloatVector c23 = FloatVector.fromMemorySegment(S, out, o2 + 3 * VECTOR_BYTES, ORDER, keep);
        FloatVector c30 = FloatVector.fromMemorySegment(S, out, o3, ORDER, keep);
        FloatVector c31 = FloatVector.fromMemorySegment(S, out, o3 + 1 * VECTOR_BYTES, ORDER, keep);
        FloatVector c32 = FloatVector.fromMemorySegment(S, out, o3 + 2 * VECTOR_BYTES, ORDER, keep);
        FloatVector c33 = FloatVector.fromMemorySegment(S, out, o3 + 3 * VECTOR_BYTES, ORDER, keep);
        FloatVector c40 = FloatVector.fromMemorySegment(S, out, o4, ORDER, keep);
        FloatVector c41 = FloatVector.fromMemorySegment(S, out, o4 + 1 * VECTOR_BYTES, ORDER, keep);
        FloatVector c42 = FloatVector.fromMemorySegment(S, out, o4 + 2 * VECTOR_BYTES, ORDER, keep);
        FloatVector c43 = FloatVector.fromMemorySegment(S, out, o4 + 3 * VECTOR_BYTES, ORDER, keep);
        FloatVector c50 = FloatVector.fromMemorySegment(S, out, o5, ORDER, keep);
        FloatVector c51 = FloatVector.fromMemorySegment(S, out, o5 + 1 * VECTOR_BYTES, ORDER, keep);
        FloatVector c52 = FloatVector.fromMemorySegment(S, out, o5 + 2 * VECTOR_BYTES, ORDER, keep);
        FloatVector c53 = FloatVector.fromMemorySegment(S, out, o5 + 3 * VECTOR_BYTES, ORDER, keep);
        for (int k = 0; k < kc; k++) {
            long o = bByte + k * ldb;
            FloatVector b0 = FloatVector.fromMemorySegment(S, b, o, ORDER);
            FloatVector b1 = FloatVector.fromMemorySegment(S, b, o + 1 * VECTOR_BYTES, ORDER);
            FloatVector b2 = FloatVector.fromMemorySegment(S, b, o + 2 * VECTOR_BYTES, ORDER);
            FloatVector b3 = FloatVector.fromMemorySegment(S, b, o + 3 * VECTOR_BYTES, ORDER);
            FloatVector x0 = FloatVector.broadcast(S, a[a0 + k]);
            c00 = x0.fma(b0, c00);
            c01 = x0.fma(b1, c01);
            c02 = x0.fma(b2, c02);
            c03 = x0.fma(b3, c03);
            FloatVector x1 = FloatVector.broadcast(S, a[a1 + k]);
            c10 = x1.fma(b0, c10);
            c11 = x1.fma(b1, c11);
            c12 = x1.fma(b2, c12);
            c13 = x1.fma(b3, c13);
            FloatVector x2 = FloatVector.broadcast(S, a[a2 + k]);
            c20 = x2.fma(b0, c20);
            c21 = x2.fma(b1, c21);
            c22 = x2.fma(b2, c22);
            c23 = x2.fma(b3, c23);
            FloatVector x3 = FloatVector.broadcast(S, a[a3 + k]);
            c30 = x3.fma(b0, c30);
            c31 = x3.fma(b1, c31);
            c32 = x3.fma(b2, c32);
            c33 = x3.fma(b3, c33);
            FloatVector x4 = FloatVector.broadcast(S, a[a4 + k]);
            c40 = x4.fma(b0, c40);
            c41 = x4.fma(b1, c41);
            c42 = x4.fma(b2, c42);
            c43 = x4.fma(b3, c43);
            FloatVector x5 = FloatVector.broadcast(S, a[a5 + k]);
            c50 = x5.fma(b0, c50);
            c51 = x5.fma(b1, c51);
            c52 = x5.fma(b2, c52);
            c53 = x5.fma(b3, c53);
        }
        c00.intoMemorySegment(out, o0, ORDER);
        c01.intoMemorySegment(out, o0 + 1 * VECTOR_BYTES, ORDER);
        c02.intoMemorySegment(out, o0 + 2 * VECTOR_BYTES, ORDER);
        c03.intoMemorySegment(out, o0 + 3 * VECTOR_BYTES, ORDER);
        c10.intoMemorySegment(out, o1, ORDER);
        c11.intoMemorySegment(out, o1 + 1 * VECTOR_BYTES, ORDER);
        c12.intoMemorySegment(out, o1 + 2 * VECTOR_BYTES, ORDER);
        c13.intoMemorySegment(out, o1 + 3 * VECTOR_BYTES, ORDER);
        c20.intoMemorySegment(out, o2, ORDER);
        c21.intoMemorySegment(out, o2 + 1 * VECTOR_BYTES, ORDER);
        c22.intoMemorySegment(out, o2 + 2 * VECTOR_BYTES, ORDER);
        c23.intoMemorySegment(out, o2 + 3 * VECTOR_BYTES, ORDER);
        c30.intoMemorySegment(out, o3, ORDER);
        c31.intoMemorySegment(out, o3 + 1 * VECTOR_BYTES, ORDER);
        c32.intoMemorySegment(out, o3 + 2 * VECTOR_BYTES, ORDER);
        c33.intoMemorySegment(out, o3 + 3 * VECTOR_BYTES, ORDER);
        c40.intoMemorySegment(out, o4, ORDER);
        c41.intoMemorySegment(out, o4 + 1 * VECTOR_BYTES, ORDER);
        c42.intoMemorySegment(out, o4 + 2 * VECTOR_BYTES, ORDER);
        c43.intoMemorySegment(out, o4 + 3 * VECTOR_BYTES, ORDER);
        c50.intoMemorySegment(out, o5, ORDER);
        c51.intoMemorySegment(out, o5 + 1 * VECTOR_BYTES, ORDER);
        c52.intoMemorySegment(out, o5 + 2 * VECTOR_BYTES, ORDER);
        c53.intoMemorySegment(out, o5 + 3 * VECTOR_BYTES, ORDER);
    }

    /**
     * The micro-tile with A's element {@code (r, k)} at {@code a0 + k·MR + r} (a k-major strip, as packed
     * from a transposed A).
     */
    static void columnsOfA(float[] a, int a0, int kc, MemorySegment b, long bByte, long ldb,
                           MemorySegment out, long outByte, long ldOut, boolean accumulate) {
        long o0 = outByte;
        long o1 = o0 + ldOut;
        long o2 = o1 + ldOut;
        long o3 = o2 + ldOut;
        long o4 = o3 + ldOut;
        long o5 = o4 + ldOut;
        // a blend, not a branch: a control-flow merge of two vectors into the loop's accumulators boxed them
        VectorMask<Float> keep = S.maskAll(accumulate);
        FloatVector c00 = FloatVector.fromMemorySegment(S, out, o0, ORDER, keep);
        FloatVector c01 = FloatVector.fromMemorySegment(S, out, o0 + 1 * VECTOR_BYTES, ORDER, keep);
        FloatVector c02 = FloatVector.fromMemorySegment(S, out, o0 + 2 * VECTOR_BYTES, ORDER, keep);
        FloatVector c03 = FloatVector.fromMemorySegment(S, out, o0 + 3 * VECTOR_BYTES, ORDER, keep);
        FloatVector c10 = FloatVector.fromMemorySegment(S, out, o1, ORDER, keep);
        FloatVector c11 = FloatVector.fromMemorySegment(S, out, o1 + 1 * VECTOR_BYTES, ORDER, keep);
        FloatVector c12 = FloatVector.fromMemorySegment(S, out, o1 + 2 * VECTOR_BYTES, ORDER, keep);
        FloatVector c13 = FloatVector.fromMemorySegment(S, out, o1 + 3 * VECTOR_BYTES, ORDER, keep);
        FloatVector c20 = FloatVector.fromMemorySegment(S, out, o2, ORDER, keep);
        FloatVector c21 = FloatVector.fromMemorySegment(S, out, o2 + 1 * VECTOR_BYTES, ORDER, keep);
        FloatVector c22 = FloatVector.fromMemorySegment(S, out, o2 + 2 * VECTOR_BYTES, ORDER, keep);
        FloatVector c23 = FloatVector.fromMemorySegment(S, out, o2 + 3 * VECTOR_BYTES, ORDER, keep);
        FloatVector c30 = FloatVector.fromMemorySegment(S, out, o3, ORDER, keep);
        FloatVector c31 = FloatVector.fromMemorySegment(S, out, o3 + 1 * VECTOR_BYTES, ORDER, keep);
        FloatVector c32 = FloatVector.fromMemorySegment(S, out, o3 + 2 * VECTOR_BYTES, ORDER, keep);
        FloatVector c33 = FloatVector.fromMemorySegment(S, out, o3 + 3 * VECTOR_BYTES, ORDER, keep);
        FloatVector c40 = FloatVector.fromMemorySegment(S, out, o4, ORDER, keep);
        FloatVector c41 = FloatVector.fromMemorySegment(S, out, o4 + 1 * VECTOR_BYTES, ORDER, keep);
        FloatVector c42 = FloatVector.fromMemorySegment(S, out, o4 + 2 * VECTOR_BYTES, ORDER, keep);
        FloatVector c43 = FloatVector.fromMemorySegment(S, out, o4 + 3 * VECTOR_BYTES, ORDER, keep);
        FloatVector c50 = FloatVector.fromMemorySegment(S, out, o5, ORDER, keep);
        FloatVector c51 = FloatVector.fromMemorySegment(S, out, o5 + 1 * VECTOR_BYTES, ORDER, keep);
        FloatVector c52 = FloatVector.fromMemorySegment(S, out, o5 + 2 * VECTOR_BYTES, ORDER, keep);
        FloatVector c53 = FloatVector.fromMemorySegment(S, out, o5 + 3 * VECTOR_BYTES, ORDER, keep);
        for (int k = 0; k < kc; k++) {
            long o = bByte + k * ldb;
            int ak = a0 + k * MR;
            FloatVector b0 = FloatVector.fromMemorySegment(S, b, o, ORDER);
            FloatVector b1 = FloatVector.fromMemorySegment(S, b, o + 1 * VECTOR_BYTES, ORDER);
            FloatVector b2 = FloatVector.fromMemorySegment(S, b, o + 2 * VECTOR_BYTES, ORDER);
            FloatVector b3 = FloatVector.fromMemorySegment(S, b, o + 3 * VECTOR_BYTES, ORDER);
            FloatVector x0 = FloatVector.broadcast(S, a[ak]);
            c00 = x0.fma(b0, c00);
            c01 = x0.fma(b1, c01);
            c02 = x0.fma(b2, c02);
            c03 = x0.fma(b3, c03);
            FloatVector x1 = FloatVector.broadcast(S, a[ak + 1]);
            c10 = x1.fma(b0, c10);
            c11 = x1.fma(b1, c11);
            c12 = x1.fma(b2, c12);
            c13 = x1.fma(b3, c13);
            FloatVector x2 = FloatVector.broadcast(S, a[ak + 2]);
            c20 = x2.fma(b0, c20);
            c21 = x2.fma(b1, c21);
            c22 = x2.fma(b2, c22);
            c23 = x2.fma(b3, c23);
            FloatVector x3 = FloatVector.broadcast(S, a[ak + 3]);
            c30 = x3.fma(b0, c30);
            c31 = x3.fma(b1, c31);
            c32 = x3.fma(b2, c32);
            c33 = x3.fma(b3, c33);
            FloatVector x4 = FloatVector.broadcast(S, a[ak + 4]);
            c40 = x4.fma(b0, c40);
            c41 = x4.fma(b1, c41);
            c42 = x4.fma(b2, c42);
            c43 = x4.fma(b3, c43);
            FloatVector x5 = FloatVector.broadcast(S, a[ak + 5]);
            c50 = x5.fma(b0, c50);
            c51 = x5.fma(b1, c51);
            c52 = x5.fma(b2, c52);
            c53 = x5.fma(b3, c53);
        }
        c00.intoMemorySegment(out, o0, ORDER);
        c01.intoMemorySegment(out, o0 + 1 * VECTOR_BYTES, ORDER);
        c02.intoMemorySegment(out, o0 + 2 * VECTOR_BYTES, ORDER);
        c03.intoMemorySegment(out, o0 + 3 * VECTOR_BYTES, ORDER);
        c10.intoMemorySegment(out, o1, ORDER);
        c11.intoMemorySegment(out, o1 + 1 * VECTOR_BYTES, ORDER);
        c12.intoMemorySegment(out, o1 + 2 * VECTOR_BYTES, ORDER);
        c13.intoMemorySegment(out, o1 + 3 * VECTOR_BYTES, ORDER);
        c20.intoMemorySegment(out, o2, ORDER);
        c21.intoMemorySegment(out, o2 + 1 * VECTOR_BYTES, ORDER);
        c22.intoMemorySegment(out, o2 + 2 * VECTOR_BYTES, ORDER);
        c23.intoMemorySegment(out, o2 + 3 * VECTOR_BYTES, ORDER);
        c30.intoMemorySegment(out, o3, ORDER);
        c31.intoMemorySegment(out, o3 + 1 * VECTOR_BYTES, ORDER);
        c32.intoMemorySegment(out, o3 + 2 * VECTOR_BYTES, ORDER);
        c33.intoMemorySegment(out, o3 + 3 * VECTOR_BYTES, ORDER);
        c40.intoMemorySegment(out, o4, ORDER);
        c41.intoMemorySegment(out, o4 + 1 * VECTOR_BYTES, ORDER);
        c42.intoMemorySegment(out, o4 + 2 * VECTOR_BYTES, ORDER);
        c43.intoMemorySegment(out, o4 + 3 * VECTOR_BYTES, ORDER);
        c50.intoMemorySegment(out, o5, ORDER);
        c51.intoMemorySegment(out, o5 + 1 * VECTOR_BYTES, ORDER);
        c52.intoMemorySegment(out, o5 + 2 * VECTOR_BYTES, ORDER);
        c53.intoMemorySegment(out, o5 + 3 * VECTOR_BYTES, ORDER);
    }

    // ------------------------------------------------------------------ write-back

    /**
     * {@code C[0:rows, 0:cols] = alpha·tile + beta·C}, C's element (r, j) at index {@code c0 + r·ldc + j};
     * with {@code beta = 0} C is not read (it may hold NaN).
     */
    static void store(MemorySegment tile, int rows, int cols, MemorySegment c, long c0, long ldc, float alpha,
                      float beta) {
        int full = cols - cols % L;
        for (int r = 0; r < rows; r++) {
            long row = c0 + r * ldc;
            if (beta == 0f) {
                scaleRow(tile, r * NR, full, c, row, alpha);
            } else {
                axpbyRow(tile, r * NR, full, c, row, alpha, beta);
            }
            storeTail(tile, r * NR, full, cols, c, row, alpha, beta);
        }
    }

    private static void scaleRow(MemorySegment tile, int t0, int cols, MemorySegment c, long row, float alpha) {
        for (int j = 0; j < cols; j += L) {
            FloatVector t = FloatVector.fromMemorySegment(S, tile, 4L * (t0 + j), ORDER);
            t.mul(alpha).intoMemorySegment(c, 4 * (row + j), ORDER);
        }
    }

    private static void axpbyRow(MemorySegment tile, int t0, int cols, MemorySegment c, long row, float alpha,
                                 float beta) {
        for (int j = 0; j < cols; j += L) {
            long at = 4 * (row + j);
            FloatVector old = FloatVector.fromMemorySegment(S, c, at, ORDER);
            FloatVector t = FloatVector.fromMemorySegment(S, tile, 4L * (t0 + j), ORDER);
            t.mul(alpha).add(old.mul(beta)).intoMemorySegment(c, at, ORDER);
        }
    }

    /** Columns {@code [from, to)} of one tile row, one by one. */
    private static void storeTail(MemorySegment tile, int t0, int from, int to, MemorySegment c, long row, float alpha,
                                  float beta) {
        for (int j = from; j < to; j++) {
            float v = alpha * tile.getAtIndex(JAVA_FLOAT, t0 + j);
            if (beta != 0f) {
                v += beta * c.getAtIndex(JAVA_FLOAT, row + j);
            }
            c.setAtIndex(JAVA_FLOAT, row + j, v);
        }
    }
}

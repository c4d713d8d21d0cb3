package org.echorec.runtime.op.matmul;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.echorec.runtime.backend.Backend;
import org.echorec.runtime.backend.cpu.Parallel;
import org.echorec.runtime.op.matmul.GemmPlan.Split;
import org.echorec.runtime.tensor.Scope;
import org.echorec.runtime.tensor.Tensor;
import org.echorec.runtime.testing.Backends;
import org.echorec.runtime.testing.Near;
import org.echorec.runtime.testing.Rand;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every CPU gemm against {@link GemmRef}. Each case lays its operands out in a flat storage (row
 * strides, batch strides, offsets as the case says), runs the kernel on views of it, and compares the
 * whole of C's storage with the reference, so elements outside the view must be left untouched too.
 *
 * <p>Tolerance: operands are zero-mean normal, so the rounding errors of a length-K float sum add up
 * like a random walk; the test allows {@code 2⁻²⁴·(8·√K + 8)} times the magnitude
 * {@code |alpha|·max_ij Σ_k |a_ik|·|b_kj| + |beta|·max|C|}. That is loose enough for any summation
 * order (blocked, split over threads) yet tight enough that one missing K block fails.
 */
@Tag("kernel")
class GemmTest {
    private static final boolean[] BOOLS = {false, true};

    /**
     * How an operand lies in its storage: {@code batch} matrices of rows×cols (rank 3 when
     * {@code rank3}), row stride {@code ld ≥ cols}, batch stride {@code batchStride} (0: one matrix
     * shared by every batch), starting at {@code offset}.
     */
    record Geo(boolean rank3, int batch, int rows, int cols, int ld, int batchStride, int offset) {
        static Geo dense(int rows, int cols) {
            return new Geo(false, 1, rows, cols, cols, 0, 0);
        }

        static Geo dense(int batch, int rows, int cols) {
            return new Geo(true, batch, rows, cols, cols, rows * cols, 0);
        }

        /** A column slice of a wider matrix, with gaps between batches and before the first element. */
        static Geo slice(int batch, int rows, int cols) {
            int ld = cols + 3;
            return new Geo(batch > 0, Math.max(batch, 1), rows, cols, ld, rows * ld + 5, 2);
        }

        Geo shared(int batch) {
            return new Geo(true, batch, rows, cols, ld, 0, offset);
        }

        int[] shape() {
            return rank3 ? new int[] {batch, rows, cols} : new int[] {rows, cols};
        }

        long[] strides() {
            return rank3 ? new long[] {batchStride, ld, 1} : new long[] {ld, 1};
        }

        int storage() {
            return offset + (batch - 1) * batchStride + Math.max(0, rows - 1) * ld + cols + 3;
        }

        /** Offset of batch t's matrix (rank-2 operands are shared by every batch). */
        int at(int t) {
            return rank3 ? offset + t * batchStride : offset;
        }
    }

    static List<Named<Backend>> backends() {
        return Backends.cpuKernels();
    }

    private static Geo a(boolean transA, int m, int k) {
        return transA ? Geo.dense(k, m) : Geo.dense(m, k);
    }

    private static Geo b(boolean transB, int k, int n) {
        return transB ? Geo.dense(n, k) : Geo.dense(k, n);
    }

    /** Runs one case on {@code backend} and checks all of C's storage against the reference. */
    static void check(Backend backend, String what, boolean transA, boolean transB, float alpha, float beta,
                      Geo ga, Geo gb, Geo gc, long seed) {
        int m = gc.rows;
        int n = gc.cols;
        int k = transA ? ga.rows : ga.cols;
        String name = String.format("%s: %s%s m=%d n=%d k=%d alpha=%s beta=%s", what, transA ? "T" : "N",
                transB ? "T" : "N", m, n, k, alpha, beta);
        Rand rand = new Rand(seed);
        double[] a = rand.normal(ga.storage(), 1);
        double[] b = rand.normal(gb.storage(), 1);
        double[] c = beta == 0 ? nans(gc.storage()) : rand.normal(gc.storage(), 1);
        double[] expected = c.clone();
        double[] magnitude = new double[gc.storage()];
        double[] absA = GemmRef.abs(a);
        double[] absB = GemmRef.abs(b);
        for (int t = 0; t < gc.batch; t++) {
            GemmRef.gemm(transA, transB, m, n, k, alpha, a, ga.at(t), ga.ld, b, gb.at(t), gb.ld,
                    beta, expected, gc.at(t), gc.ld);
            GemmRef.gemm(transA, transB, m, n, k, 1, absA, ga.at(t), ga.ld, absB, gb.at(t), gb.ld,
                    0, magnitude, gc.at(t), gc.ld);
        }
        double scale = Math.abs(alpha) * Near.maxAbs(magnitude) + (beta == 0 ? 0 : Math.abs(beta) * Near.maxAbs(c));
        double tol = Math.scalb(8 * Math.sqrt(k) + 8, -24) * scale;
        try (Scope s = Scope.open()) {
            Tensor ta = view(backend, a, ga);
            Tensor tb = view(backend, b, gb);
            Tensor tcStorage = Tensor.of(backend, Rand.toFloat(c), c.length);
            Tensor tc = tcStorage.asStrided(gc.shape(), gc.strides(), gc.offset);
            backend.ops().gemm(transA, transB, alpha, ta, tb, beta, tc);
            Near.assertClose(name, expected, tcStorage.toFloatArray(), 0, tol);
        }
    }

    private static Tensor view(Backend backend, double[] storage, Geo g) {
        return Tensor.of(backend, Rand.toFloat(storage), storage.length).asStrided(g.shape(), g.strides(), g.offset);
    }

    private static double[] nans(int n) {
        double[] x = new double[n];
        java.util.Arrays.fill(x, Double.NaN);
        return x;
    }

    // ------------------------------------------------------------------ cases

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void awkwardSizesInEveryDimension(Backend backend) {
        long seed = 1;
        for (boolean ta : BOOLS) {
            for (boolean tb : BOOLS) {
                for (int s : Backends.awkwardSizes()) {
                    int[][] mnk = {{s, 19, 23}, {13, s, 17}, {11, 29, s}};
                    for (int[] d : mnk) {
                        check(backend, "awkward", ta, tb, 1f, 0f, a(ta, d[0], d[2]), b(tb, d[2], d[1]),
                                Geo.dense(d[0], d[1]), seed++);
                    }
                }
            }
        }
    }

    /**
     * Sizes on both sides of a micro-tile (6 rows × 4 vectors) and of a K block (256), each value of
     * each list at least once; then more rows than an M block (96 rows, 264 for a transposed A) and more
     * columns than a B block.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void partialTilesAndBlocks(Backend backend) {
        int nr = 4 * Backends.lanes();
        int[] ks = {1, 255, 256, 257, 600};
        long seed = 100;
        for (boolean ta : BOOLS) {
            for (boolean tb : BOOLS) {
                int next = 0;
                for (int m : new int[] {5, 6, 7, 13}) {
                    for (int n : new int[] {nr - 1, nr, nr + 1, 2 * nr + 5}) {
                        int k = ks[next++ % ks.length];
                        check(backend, "tiles", ta, tb, 1f, 0f, a(ta, m, k), b(tb, k, n), Geo.dense(m, n), seed++);
                    }
                }
                check(backend, "M blocks", ta, tb, 1f, 0f, a(ta, 280, 600), b(tb, 600, 20), Geo.dense(280, 20), seed++);
                check(backend, "N blocks", ta, tb, 1f, 0f, a(ta, 7, 600), b(tb, 600, 700), Geo.dense(7, 700), seed++);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void alphaAndBeta(Backend backend) {
        float[][] ab = {{1, 0}, {0.5f, 0}, {1, 1}, {0.5f, 1}, {-2, -0.5f}, {0, 2}};
        long seed = 200;
        for (boolean ta : BOOLS) {
            for (boolean tb : BOOLS) {
                for (float[] p : ab) {
                    check(backend, "alpha beta", ta, tb, p[0], p[1], a(ta, 37, 300), b(tb, 300, 41), Geo.dense(37, 41),
                            seed++);
                    // M > N: Aᵀ·B goes through the transposed product (GemmPlan.computeTransposed)
                    check(backend, "alpha beta", ta, tb, p[0], p[1], a(ta, 41, 300), b(tb, 300, 37), Geo.dense(41, 37),
                            seed++);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void emptyInnerDimensionScalesC(Backend backend) {
        check(backend, "k=0", false, false, 1f, 0f, Geo.dense(5, 0), Geo.dense(0, 7), Geo.dense(5, 7), 300);
        check(backend, "k=0", true, true, 2f, 0.5f, Geo.dense(0, 5), Geo.dense(7, 0), Geo.dense(5, 7), 301);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void batchedAndBroadcast(Backend backend) {
        int batch = 3;
        int m = 13;
        int n = 37;
        int k = 19;
        long seed = 400;
        for (boolean ta : BOOLS) {
            for (boolean tb : BOOLS) {
                Geo a3 = ta ? Geo.dense(batch, k, m) : Geo.dense(batch, m, k);
                Geo b3 = tb ? Geo.dense(batch, n, k) : Geo.dense(batch, k, n);
                Geo a2 = a(ta, m, k);
                Geo b2 = b(tb, k, n);
                Geo c3 = Geo.dense(batch, m, n);
                check(backend, "batched", ta, tb, 1f, 0f, a3, b3, c3, seed++);
                check(backend, "shared A", ta, tb, 1f, 1f, a2, b3, c3, seed++);
                check(backend, "shared B", ta, tb, 0.5f, 0f, a3, b2, c3, seed++);
                check(backend, "A batch stride 0", ta, tb, 1f, 0f, a2.shared(batch), b3, c3, seed++);
                check(backend, "B batch stride 0", ta, tb, 1f, -1f, a3, b2.shared(batch), c3, seed++);
                check(backend, "one batch", ta, tb, 1f, 0f, ta ? Geo.dense(1, k, m) : Geo.dense(1, m, k), b2,
                        Geo.dense(1, m, n), seed++);
            }
        }
        // long enough for the transposed product of Aᵀ·B (M > N), batch by batch
        Geo longA = Geo.dense(batch, 300, 40);
        Geo c40 = Geo.dense(batch, 40, 9);
        check(backend, "batched Aᵀ·B, M > N", true, false, 0.5f, 1f, longA, Geo.dense(batch, 300, 9), c40, seed++);
        check(backend, "batched Aᵀ·B, M > N, shared B", true, false, 1f, 0f, longA, Geo.dense(300, 9), c40, seed++);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void columnSlicesOfWiderMatrices(Backend backend) {
        int m = 29;
        int n = 4 * Backends.lanes() + 3;
        int k = 300;
        long seed = 500;
        for (boolean ta : BOOLS) {
            for (boolean tb : BOOLS) {
                Geo ga = ta ? Geo.slice(0, k, m) : Geo.slice(0, m, k);
                Geo gb = tb ? Geo.slice(0, n, k) : Geo.slice(0, k, n);
                check(backend, "slices", ta, tb, 1f, 0f, ga, gb, Geo.slice(0, m, n), seed++);
                check(backend, "slices", ta, tb, 0.5f, 1f, ga, gb, Geo.slice(0, m, n), seed++);
                Geo ga3 = ta ? Geo.slice(2, k, m) : Geo.slice(2, m, k);
                Geo gb3 = tb ? Geo.slice(2, n, k) : Geo.slice(2, k, n);
                check(backend, "batched slices", ta, tb, 1f, 0f, ga3, gb3, Geo.slice(2, m, n), seed++);
                check(backend, "batched slices, shared B", ta, tb, 1f, 0f, ga3, gb, Geo.slice(2, m, n), seed++);
            }
        }
    }

    /** Shapes large enough for both threads, one for each way of dividing the work (Note: GEMM threading). */
    static List<Arguments> splits() {
        List<Arguments> out = new ArrayList<>();
        for (Named<Backend> backend : backends()) {
            // the activations times a weight: 100k rows scaled down to 3000
            out.add(Arguments.of(backend, Split.M, false, true, 1500, 96, 64));
            out.add(Arguments.of(backend, Split.M, false, false, 601, 37, 203));
            // the scoring shape: a few rows against many items, B given as the item matrix [N, K]
            out.add(Arguments.of(backend, Split.N, false, true, 24, 3001, 64));
            // the weight gradient dW = dYᵀ·X: a long reduction, scaled down from K = 102400
            out.add(Arguments.of(backend, Split.K, true, false, 20, 24, 12001));
            out.add(Arguments.of(backend, Split.K, true, false, 40, 48, 6000));
            // M > N: computed as Cᵀ = Bᵀ·A (GemmPlan.computeTransposed), still split over K
            out.add(Arguments.of(backend, Split.K, true, false, 24, 20, 12001));
        }
        return out;
    }

    @ParameterizedTest(name = "{0} split {1} {2} {3} m={4} n={5} k={6}")
    @MethodSource("splits")
    void largeShapesOnEveryThread(Backend backend, Split expected, boolean ta, boolean tb, int m, int n, int k) {
        if (Parallel.threads() > 1) {
            assertEquals(expected, GemmPlan.split(m, n, k, Parallel.threads(), Backends.lanes(), tb),
                    "this case is meant to exercise that split");
        }
        check(backend, "split " + expected, ta, tb, 1f, 0f, a(ta, m, k), b(tb, k, n), Geo.dense(m, n), 600);
        check(backend, "split " + expected, ta, tb, 0.5f, 1f, a(ta, m, k), b(tb, k, n), Geo.dense(m, n), 601);
    }
}

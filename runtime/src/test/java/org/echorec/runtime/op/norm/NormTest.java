package org.echorec.runtime.op.norm;

import java.util.ArrayList;
import java.util.List;
import org.echorec.runtime.backend.Backend;
import org.echorec.runtime.tensor.Scope;
import org.echorec.runtime.tensor.Tensor;
import org.echorec.runtime.testing.Backends;
import org.echorec.runtime.testing.GradCheck;
import org.echorec.runtime.testing.Near;
import org.echorec.runtime.testing.Rand;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Tolerances scale with the row length d: the float row sums err by at most about (d + 32)·2⁻²⁴ of the
 * values' scale (see NormPlain's note "statistics"), and the tests allow four times that, absolute, on
 * the scale of the expected values ({@link #rowTol}). dγ and dβ are sums over the rows, accumulated in
 * float blocks of 32 rows flushed into double: they are allowed 4·(d + 64)·2⁻²⁴ of the largest
 * column's Σ|dy|·max(1, |x̂|) ({@link #columnTol}). The offset rows (|μ|/σ ≈ 300) would fail these
 * bounds with a one-pass E[x²] − μ² variance.
 */
@Tag("kernel")
class NormTest {
    private static final float EPS = 1e-5f;

    /** {rows, d, offset} cases: every awkward d, a size for both threads, one with 16 parts, offset rows. */
    private static List<int[]> cases() {
        List<int[]> list = new ArrayList<>();
        for (int d : Backends.awkwardSizes()) {
            list.add(new int[] {3, d, 0});
        }
        list.add(new int[] {1000, 67, 0});
        list.add(new int[] {5000, 64, 0});
        list.add(new int[] {8, 256, 300});
        return list;
    }

    private static double[] rows(int rows, int d, double offset, long seed) {
        double[] x = new Rand(seed).normal(rows * d, 2);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (x[i] + offset + 0.5);
        }
        return x;
    }

    private static double rowTol(int d, double[] expected) {
        return 4 * (d + 32) * 0x1p-24 * Math.max(1, Near.maxAbs(expected));
    }

    private static double columnTol(int d, double[] x, double[] dy, double eps) {
        int rows = x.length / d;
        double[] column = new double[d];
        for (int r = 0; r < rows; r++) {
            double mu = NormRef.mean(x, r, d);
            double rstd = NormRef.layerNormRstd(x, r, d, eps);
            for (int j = 0; j < d; j++) {
                column[j] += Math.abs(dy[r * d + j]) * Math.max(1, Math.abs((x[r * d + j] - mu) * rstd));
            }
        }
        double worst = Near.maxAbs(column);
        return 4 * (d + 64) * 0x1p-24 * worst;
    }

    private static String name(int[] c) {
        return "[" + c[0] + ", " + c[1] + "] offset " + c[2];
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.echorec.runtime.testing.Backends#cpuKernels")
    void layerNormForwardMatchesReference(Backend backend) {
        for (int[] c : cases()) {
            int rows = c[0];
            int d = c[1];
            double[] x = rows(rows, d, c[2], d);
            double[] gamma = new Rand(1).uniform(d, 0.5, 1.5);
            double[] beta = new Rand(2).normal(d, 0.5);
            double[] mean = new double[rows];
            double[] rstd = new double[rows];
            for (int r = 0; r < rows; r++) {
                mean[r] = NormRef.mean(x, r, d);
                rstd[r] = NormRef.layerNormRstd(x, r, d, EPS);
            }
            try (Scope s = Scope.open()) {
                Tensor tx = Tensor.of(backend, Rand.toFloat(x), rows, d);
                Tensor y = Tensor.emptyLike(tx);
                Tensor tm = Tensor.empty(backend, rows);
                Tensor tr = Tensor.empty(backend, rows);
                backend.ops().layerNorm(tx, Tensor.of(backend, Rand.toFloat(gamma), d),
                        Tensor.of(backend, Rand.toFloat(beta), d), EPS, y, tm, tr);
                double[] expected = NormRef.layerNorm(x, gamma, beta, EPS);
                Near.assertClose("layerNorm y " + name(c), expected, y.toFloatArray(), 0, rowTol(d, expected));
                Near.assertClose("layerNorm mean " + name(c), mean, tm.toFloatArray(), 0, rowTol(d, x));
                Near.assertClose("layerNorm rstd " + name(c), rstd, tr.toFloatArray(), 4 * (d + 32) * 0x1p-24, 0);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.echorec.runtime.testing.Backends#cpuKernels")
    void layerNormBackwardMatchesReference(Backend backend) {
        for (int[] c : cases()) {
            int rows = c[0];
            int d = c[1];
            double[] x = rows(rows, d, c[2], d + 1);
            double[] gamma = new Rand(3).uniform(d, 0.5, 1.5);
            double[] dy = new Rand(4).normal(rows * d, 1);
            float[] mean = new float[rows];
            float[] rstd = new float[rows];
            for (int r = 0; r < rows; r++) {
                mean[r] = (float) NormRef.mean(x, r, d);
                rstd[r] = (float) NormRef.layerNormRstd(x, r, d, EPS);
            }
            double[][] expected = NormRef.layerNormBackward(x, gamma, EPS, dy);
            double colTol = columnTol(d, x, dy, EPS);
            try (Scope s = Scope.open()) {
                Tensor tx = Tensor.of(backend, Rand.toFloat(x), rows, d);
                Tensor tg = Tensor.of(backend, Rand.toFloat(gamma), d);
                Tensor tm = Tensor.of(backend, mean, rows);
                Tensor tr = Tensor.of(backend, rstd, rows);
                Tensor tdy = Tensor.of(backend, Rand.toFloat(dy), rows, d);
                Tensor dx = Tensor.emptyLike(tx);
                Tensor dg = Tensor.empty(backend, d);
                Tensor db = Tensor.empty(backend, d);
                backend.ops().layerNormBackward(tx, tg, tm, tr, tdy, dx, dg, db);
                Near.assertClose("layerNorm dx " + name(c), expected[0], dx.toFloatArray(), 0, rowTol(d, expected[0]));
                Near.assertClose("layerNorm dgamma " + name(c), expected[1], dg.toFloatArray(), 0, colTol);
                Near.assertClose("layerNorm dbeta " + name(c), expected[2], db.toFloatArray(), 0, colTol);

                // each output alone, the others null
                Tensor dxOnly = Tensor.emptyLike(tx);
                backend.ops().layerNormBackward(tx, tg, tm, tr, tdy, dxOnly, null, null);
                Near.assertClose("layerNorm dx alone " + name(c), expected[0], dxOnly.toFloatArray(), 0,
                        rowTol(d, expected[0]));
                Tensor dgOnly = Tensor.empty(backend, d);
                backend.ops().layerNormBackward(tx, tg, tm, tr, tdy, null, dgOnly, null);
                Near.assertClose("layerNorm dgamma alone " + name(c), expected[1], dgOnly.toFloatArray(), 0, colTol);
                Tensor dbOnly = Tensor.empty(backend, d);
                backend.ops().layerNormBackward(tx, tg, tm, tr, tdy, null, null, dbOnly);
                Near.assertClose("layerNorm dbeta alone " + name(c), expected[2], dbOnly.toFloatArray(), 0, colTol);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.echorec.runtime.testing.Backends#cpuKernels")
    void rmsNormForwardMatchesReference(Backend backend) {
        for (int[] c : cases()) {
            int rows = c[0];
            int d = c[1];
            double[] x = rows(rows, d, c[2], d + 2);
            double[] gamma = new Rand(5).uniform(d, 0.5, 1.5);
            double[] rstd = new double[rows];
            for (int r = 0; r < rows; r++) {
                rstd[r] = NormRef.rmsNormRstd(x, r, d, EPS);
            }
            try (Scope s = Scope.open()) {
                Tensor tx = Tensor.of(backend, Rand.toFloat(x), rows, d);
                Tensor y = Tensor.emptyLike(tx);
                Tensor tr = Tensor.empty(backend, rows);
                backend.ops().rmsNorm(tx, Tensor.of(backend, Rand.toFloat(gamma), d), EPS, y, tr);
                double[] expected = NormRef.rmsNorm(x, gamma, EPS);
                Near.assertClose("rmsNorm y " + name(c), expected, y.toFloatArray(), 0, rowTol(d, expected));
                Near.assertClose("rmsNorm rstd " + name(c), rstd, tr.toFloatArray(), 4 * (d + 32) * 0x1p-24, 0);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.echorec.runtime.testing.Backends#cpuKernels")
    void rmsNormBackwardMatchesReference(Backend backend) {
        for (int[] c : cases()) {
            int rows = c[0];
            int d = c[1];
            double[] x = rows(rows, d, c[2], d + 3);
            double[] gamma = new Rand(6).uniform(d, 0.5, 1.5);
            double[] dy = new Rand(7).normal(rows * d, 1);
            float[] rstd = new float[rows];
            for (int r = 0; r < rows; r++) {
                rstd[r] = (float) NormRef.rmsNormRstd(x, r, d, EPS);
            }
            double[][] expected = NormRef.rmsNormBackward(x, gamma, EPS, dy);
            double colTol = columnTol(d, x, dy, EPS);
            try (Scope s = Scope.open()) {
                Tensor tx = Tensor.of(backend, Rand.toFloat(x), rows, d);
                Tensor tg = Tensor.of(backend, Rand.toFloat(gamma), d);
                Tensor tr = Tensor.of(backend, rstd, rows);
                Tensor tdy = Tensor.of(backend, Rand.toFloat(dy), rows, d);
                Tensor dx = Tensor.emptyLike(tx);
                Tensor dg = Tensor.empty(backend, d);
                backend.ops().rmsNormBackward(tx, tg, tr, tdy, dx, dg);
                Near.assertClose("rmsNorm dx " + name(c), expected[0], dx.toFloatArray(), 0, rowTol(d, expected[0]));
                Near.assertClose("rmsNorm dgamma " + name(c), expected[1], dg.toFloatArray(), 0, colTol);
                Tensor dxOnly = Tensor.emptyLike(tx);
                backend.ops().rmsNormBackward(tx, tg, tr, tdy, dxOnly, null);
                Near.assertClose("rmsNorm dx alone " + name(c), expected[0], dxOnly.toFloatArray(), 0,
                        rowTol(d, expected[0]));
                Tensor dgOnly = Tensor.empty(backend, d);
                backend.ops().rmsNormBackward(tx, tg, tr, tdy, null, dgOnly);
                Near.assertClose("rmsNorm dgamma alone " + name(c), expected[1], dgOnly.toFloatArray(), 0, colTol);
            }
        }
    }

    @Test
    void referenceBackwardsMatchFiniteDifferences() {
        int rows = 3;
        int d = 5;
        double eps = 1e-3;
        double[] x = new Rand(8).normal(rows * d, 1.5);
        double[] gamma = new Rand(9).uniform(d, 0.5, 1.5);
        double[] beta = new Rand(10).normal(d, 1);
        double[] w = new Rand(11).normal(rows * d, 1);
        GradCheck.reference("layerNorm", in -> NormRef.layerNorm(in[0], in[1], in[2], eps),
                new double[][] {x, gamma, beta}, w, NormRef.layerNormBackward(x, gamma, eps, w), 1e-6);
        GradCheck.reference("rmsNorm", in -> NormRef.rmsNorm(in[0], in[1], eps),
                new double[][] {x, gamma}, w, NormRef.rmsNormBackward(x, gamma, eps, w), 1e-6);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.echorec.runtime.testing.Backends#cpuKernels")
    void tapeGradientMatchesDifferences(Backend backend) {
        int rows = 4;
        int d = 6;
        float[] x = Rand.toFloat(new Rand(12).normal(rows * d, 1.5));
        float[] gamma = Rand.toFloat(new Rand(13).uniform(d, 0.5, 1.5));
        float[] beta = Rand.toFloat(new Rand(14).normal(d, 1));
        int[][] shapes = {{rows, d}, {d}, {d}};
        GradCheck.tape("layerNorm", backend, in -> NormGrad.layerNorm(in[0], in[1], in[2], EPS), 1e-2, 1e-2f,
                shapes, x, gamma, beta);
        GradCheck.tape("rmsNorm", backend, in -> NormGrad.rmsNorm(in[0], in[1], EPS), 1e-2, 1e-2f,
                new int[][] {{rows, d}, {d}}, x, gamma);
    }
}

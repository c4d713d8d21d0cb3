package org.echorec.runtime.op.reduce;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.echorec.runtime.backend.Backend;
import org.echorec.runtime.tensor.Scope;
import org.echorec.runtime.tensor.Shape;
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
 * Tolerances. The layout tests use multiples of 1/8 below 8 in magnitude, whose sums are exact in
 * float at every length here: any missed, doubled or misplaced element shows, and the only rounding
 * left is the final scale (RTOL = 2⁻²³). Precision is tested apart, on long sums of random values,
 * against 1e-6 of Σ|x| (the SIMD kernels' bound is about (64 + 6)·2⁻²⁴ ≈ 4e-6 of Σ|x| for the worst
 * case, typically far less); the test also asserts that a plain float running sum misses that bound.
 */
@Tag("kernel")
class ReduceTest {
    private static final double RTOL = 0x1p-23;

    /** {shape, axis} cases: every awkward n and inner, the three axis positions, chunked long sums. */
    private static List<int[][]> cases() {
        List<int[][]> list = new ArrayList<>();
        int[] sizes = Backends.awkwardSizes();
        for (int n : sizes) {
            for (int inner : sizes) {
                list.add(new int[][] {{2, n, inner}, {1}});
            }
            list.add(new int[][] {{n, 7}, {0}});
            list.add(new int[][] {{7, n}, {1}});
            list.add(new int[][] {{n}, {0}});
        }
        list.add(new int[][] {{1, 100_003, 1}, {1}});
        list.add(new int[][] {{1, 40_001, 67}, {1}});
        list.add(new int[][] {{3, 1_201, 1_029}, {1}});
        list.add(new int[][] {{70_001, 3}, {1}});
        list.add(new int[][] {{3, 2, 20_000}, {1}});
        return list;
    }

    private static double[] eighths(int n, long seed) {
        int[] k = new Rand(seed).ints(n, -63, 64);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = k[i] / 8.0;
        }
        return x;
    }

    private static String describe(int[][] c) {
        return Arrays.toString(c[0]) + " axis " + c[1][0];
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.echorec.runtime.testing.Backends#cpuKernels")
    void sumMatchesReference(Backend backend) {
        for (int[][] c : cases()) {
            int[] shape = c[0];
            int axis = c[1][0];
            double[] x = eighths((int) Shape.numel(shape), shape.length);
            for (float scale : new float[] {1f, 1f / 3}) {
                try (Scope s = Scope.open()) {
                    Tensor tx = Tensor.of(backend, Rand.toFloat(x), shape);
                    Tensor out = Tensor.empty(backend, Shape.without(shape, axis));
                    backend.ops().sum(tx, axis, scale, out);
                    Near.assertClose("sum " + describe(c) + " scale " + scale, ReduceRef.sum(x, shape, axis, scale),
                            out.toFloatArray(), RTOL, 0);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.echorec.runtime.testing.Backends#cpuKernels")
    void broadcastAxisMatchesReference(Backend backend) {
        for (int[][] c : cases()) {
            int[] shape = c[0];
            int axis = c[1][0];
            int[] reduced = Shape.without(shape, axis);
            double[] dy = new Rand(5).uniform((int) Shape.numel(reduced), -2, 2);
            try (Scope s = Scope.open()) {
                Tensor tdy = Tensor.of(backend, Rand.toFloat(dy), reduced);
                Tensor dx = Tensor.empty(backend, shape);
                backend.ops().broadcastAxis(tdy, axis, -0.3f, dx);
                Near.assertClose("broadcastAxis " + describe(c), ReduceRef.broadcastAxis(dy, shape, axis, -0.3f),
                        dx.toFloatArray(), RTOL, 0);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.echorec.runtime.testing.Backends#cpuKernels")
    void longSumsStayAccurate(Backend backend) {
        int[][] shapes = {{1 << 20}, {1 << 16, 16}};
        for (int[] shape : shapes) {
            int n = (int) Shape.numel(shape);
            double[] x = new Rand(17).uniform(n, 0, 1);
            double[] expected = ReduceRef.sum(x, shape, 0, 1);
            double[] absSum = expected.clone(); // x ≥ 0
            try (Scope s = Scope.open()) {
                Tensor out = Tensor.empty(backend, Shape.without(shape, 0));
                backend.ops().sum(Tensor.of(backend, Rand.toFloat(x), shape), 0, 1f, out);
                float[] got = out.toFloatArray();
                for (int j = 0; j < got.length; j++) {
                    double tol = 1e-6 * absSum[j];
                    assertTrue(Math.abs(got[j] - expected[j]) <= tol, "sum of " + Arrays.toString(shape) + " column " + j
                            + ": " + got[j] + " vs " + expected[j] + " (tol " + tol + ")");
                }
            }
            float naive = 0;
            for (int i = 0; i < n; i += n / shape[0]) {
                naive += (float) x[i];
            }
            assertTrue(Math.abs(naive - expected[0]) > 1e-6 * absSum[0],
                    "a float running sum should miss the tolerance, so the tolerance means something");
        }
    }

    @Test
    void referenceAdjointMatchesFiniteDifferences() {
        int[] shape = {3, 4, 5};
        for (int axis = 0; axis < 3; axis++) {
            int ax = axis;
            double[] x = new Rand(axis).uniform(60, -1, 1);
            int outN = (int) Shape.numel(Shape.without(shape, ax));
            double[] w = new Rand(axis + 10).normal(outN, 1);
            double[][] analytic = {ReduceRef.broadcastAxis(w, shape, ax, 0.5)};
            GradCheck.reference("sum axis " + ax, in -> ReduceRef.sum(in[0], shape, ax, 0.5), new double[][] {x}, w,
                    analytic, 1e-6);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.echorec.runtime.testing.Backends#cpuKernels")
    void tapeGradientMatchesDifferences(Backend backend) {
        float[] x = Rand.toFloat(new Rand(21).uniform(60, -2, 2));
        int[][] shape = {{3, 4, 5}};
        GradCheck.tape("sum axis 1", backend, in -> ReduceGrad.sum(in[0], 1), 1e-2, 1e-2f, shape, x);
        GradCheck.tape("sum axis 0", backend, in -> ReduceGrad.sum(in[0], 0), 1e-2, 1e-2f, shape, x);
        GradCheck.tape("mean axis -1", backend, in -> ReduceGrad.mean(in[0], -1), 1e-2, 1e-2f, shape, x);
        GradCheck.tape("sumAll", backend, in -> ReduceGrad.sumAll(in[0]), 1e-2, 1e-2f, shape, x);
        GradCheck.tape("meanAll", backend, in -> ReduceGrad.meanAll(in[0]), 1e-2, 1e-2f, shape, x);
    }

    @Test
    void wholeTensorReductionsAreScalars() {
        Backend cpu = Backends.cpu();
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.of(cpu, new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
            Tensor total = ReduceGrad.sumAll(x);
            Tensor mean = ReduceGrad.meanAll(x);
            assertTrue(total.rank() == 0 && total.item() == 21f, "sumAll " + total + " = " + total.item());
            assertTrue(mean.rank() == 0 && mean.item() == 3.5f, "meanAll " + mean + " = " + mean.item());
            assertTrue(Arrays.equals(ReduceGrad.mean(x, 0).toFloatArray(), new float[] {2.5f, 3.5f, 4.5f}));
        }
    }
}

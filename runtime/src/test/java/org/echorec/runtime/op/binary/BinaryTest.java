package org.echorec.runtime.op.binary;

import java.util.ArrayList;
import java.util.List;
import org.echorec.runtime.backend.Backend;
import org.echorec.runtime.op.Binary;
import org.echorec.runtime.tensor.Scope;
import org.echorec.runtime.tensor.Tensor;
import org.echorec.runtime.testing.Backends;
import org.echorec.runtime.testing.GradCheck;
import org.echorec.runtime.testing.Near;
import org.echorec.runtime.testing.Rand;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Tolerances: every kernel result is one float operation (or one fused multiply-add) on float inputs,
 * so it is the exact value rounded once: relative error ≤ 2⁻²⁴. RTOL = 2⁻²³ leaves a factor two; ATOL
 * covers the double reference's own rounding where an affine result cancels to nearly zero.
 */
@Tag("kernel")
class BinaryTest {
    private static final double RTOL = 0x1p-23;
    private static final double ATOL = 1e-14;
    /** Rows of a over which b is broadcast; 71 rows of 1001 are enough for both threads. */
    private static final int ROWS = 5;

    static List<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (Named<Backend> backend : Backends.cpuKernels()) {
            for (Binary op : Binary.values()) {
                out.add(Arguments.of(backend, op));
            }
        }
        return out;
    }

    /** b's values: away from zero, so that DIV stays well conditioned. */
    private static double[] divisorLike(int n, long seed) {
        double[] v = new Rand(seed).uniform(n, 0.5, 2);
        for (int i = 0; i < n; i += 2) {
            v[i] = -v[i];
        }
        return v;
    }

    /** {a shape, b shape} pairs: b a row, a row with a leading 1, a scalar (two ways), a's own shape. */
    private static List<int[][]> shapes() {
        List<int[][]> list = new ArrayList<>();
        for (int d : Backends.awkwardSizes()) {
            list.add(new int[][] {{ROWS, d}, {d}});
            list.add(new int[][] {{ROWS, d}, {1, d}});
            list.add(new int[][] {{ROWS, d}, {ROWS, d}});
            list.add(new int[][] {{ROWS, d}, {}});
            list.add(new int[][] {{d}, {1}});
        }
        list.add(new int[][] {{71, 1001}, {1001}});
        list.add(new int[][] {{71, 1001}, {}});
        list.add(new int[][] {{71, 1001}, {71, 1001}});
        list.add(new int[][] {{2, 35, 1001}, {35, 1001}});
        return list;
    }

    private static int numel(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void forwardMatchesReference(Backend backend, Binary op) {
        for (int[][] s : shapes()) {
            double[] a = new Rand(numel(s[0])).uniform(numel(s[0]), -4, 4);
            double[] b = divisorLike(numel(s[1]), 7);
            try (Scope scope = Scope.open()) {
                Tensor ta = Tensor.of(backend, Rand.toFloat(a), s[0]);
                Tensor tb = Tensor.of(backend, Rand.toFloat(b), s[1]);
                Tensor out = Tensor.emptyLike(ta);
                backend.ops().binary(op, ta, tb, out);
                Near.assertClose(op + " " + java.util.Arrays.deepToString(s), BinaryRef.forward(op, a, b),
                        out.toFloatArray(), RTOL, ATOL);
            }
        }
    }

    @ParameterizedTest(name = "{0} {1} in place")
    @MethodSource("cases")
    void outputMayAliasA(Backend backend, Binary op) {
        for (int[][] s : new int[][][] {{{ROWS, 1001}, {1001}}, {{3, 37}, {}}, {{71, 1001}, {71, 1001}}}) {
            double[] a = new Rand(3).uniform(numel(s[0]), -4, 4);
            double[] b = divisorLike(numel(s[1]), 8);
            try (Scope scope = Scope.open()) {
                Tensor ta = Tensor.of(backend, Rand.toFloat(a), s[0]);
                backend.ops().binary(op, ta, Tensor.of(backend, Rand.toFloat(b), s[1]), ta);
                Near.assertClose(op + " in place", BinaryRef.forward(op, a, b), ta.toFloatArray(), RTOL, ATOL);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.echorec.runtime.testing.Backends#cpuKernels")
    void affineAndAxpyMatchReference(Backend backend) {
        int[] sizes = Backends.awkwardSizes();
        int[] all = java.util.Arrays.copyOf(sizes, sizes.length + 1);
        all[sizes.length] = 70_001;
        for (int n : all) {
            double[] x = new Rand(n).uniform(n, -3, 3);
            double[] y = new Rand(n + 1).uniform(n, -3, 3);
            try (Scope scope = Scope.open()) {
                Tensor tx = Tensor.of(backend, Rand.toFloat(x), n);
                Tensor ty = Tensor.emptyLike(tx);
                backend.ops().affine(tx, -1.75f, 0.375f, ty);
                Near.assertClose("affine n=" + n, BinaryRef.affine(x, -1.75, 0.375), ty.toFloatArray(), RTOL, ATOL);
                backend.ops().affine(tx, 3f, 1f, tx);
                Near.assertClose("affine in place n=" + n, BinaryRef.affine(x, 3, 1), tx.toFloatArray(), RTOL, ATOL);

                Tensor u = Tensor.of(backend, Rand.toFloat(x), n);
                Tensor acc = Tensor.of(backend, Rand.toFloat(y), n);
                backend.ops().axpy(0.625f, u, acc);
                Near.assertClose("axpy n=" + n, BinaryRef.axpy(0.625, x, y), acc.toFloatArray(), RTOL, ATOL);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Binary.class)
    void referenceBackwardMatchesFiniteDifferences(Binary op) {
        double[] a = new Rand(1).uniform(12, -2, 2);
        double[] b = divisorLike(4, 2);
        double[] w = new Rand(3).normal(12, 1);
        double[][] analytic = BinaryRef.backward(op, a, b, w);
        GradCheck.reference(op.toString(), in -> BinaryRef.forward(op, in[0], in[1]), new double[][] {a, b}, w,
                analytic, 1e-6);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.echorec.runtime.testing.Backends#cpuKernels")
    void tapeGradientMatchesDifferences(Backend backend) {
        float[] a = Rand.toFloat(new Rand(9).uniform(15, -2, 2));
        float[] row = Rand.toFloat(divisorLike(5, 10));
        float[] same = Rand.toFloat(divisorLike(15, 11));
        float[] one = {1.25f};
        int[][] rowShapes = {{3, 5}, {5}};
        int[][] leadingOne = {{3, 5}, {1, 5}};
        int[][] sameShapes = {{3, 5}, {3, 5}};
        int[][] scalarShapes = {{3, 5}, {}};
        GradCheck.tape("add row", backend, in -> BinaryGrad.add(in[0], in[1]), 1e-2, 1e-2f, rowShapes, a, row);
        GradCheck.tape("add same", backend, in -> BinaryGrad.add(in[0], in[1]), 1e-2, 1e-2f, sameShapes, a, same);
        GradCheck.tape("sub [1,d]", backend, in -> BinaryGrad.sub(in[0], in[1]), 1e-2, 1e-2f, leadingOne, a, row);
        GradCheck.tape("sub scalar", backend, in -> BinaryGrad.sub(in[0], in[1]), 1e-2, 1e-2f, scalarShapes, a, one);
        GradCheck.tape("mul row", backend, in -> BinaryGrad.mul(in[0], in[1]), 1e-2, 1e-2f, rowShapes, a, row);
        GradCheck.tape("mul same", backend, in -> BinaryGrad.mul(in[0], in[1]), 1e-2, 1e-2f, sameShapes, a, same);
        GradCheck.tape("div row", backend, in -> BinaryGrad.div(in[0], in[1]), 1e-2, 1e-2f, rowShapes, a, row);
        GradCheck.tape("div scalar", backend, in -> BinaryGrad.div(in[0], in[1]), 1e-2, 1e-2f, scalarShapes, a, one);
        GradCheck.tape("x·x", backend, in -> BinaryGrad.mul(in[0], in[0]), 1e-2, 1e-2f, a);
        GradCheck.tape("scale", backend, in -> BinaryGrad.scale(in[0], -2.5f), 1e-2, 1e-2f, a);
        GradCheck.tape("addScalar", backend, in -> BinaryGrad.addScalar(in[0], 0.75f), 1e-2, 1e-2f, a);
        GradCheck.tape("(a + b)·a / b", backend,
                in -> BinaryGrad.div(BinaryGrad.mul(BinaryGrad.add(in[0], in[1]), in[0]), in[1]),
                1e-2, 1e-2f, rowShapes, a, row);
    }
}

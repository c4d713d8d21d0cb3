package org.echorec.runtime.op.matmul;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.echorec.runtime.backend.Backend;
import org.echorec.runtime.op.view.ViewGrad;
import org.echorec.runtime.tensor.Scope;
import org.echorec.runtime.tensor.Tensor;
import org.echorec.runtime.testing.Backends;
import org.echorec.runtime.testing.GradCheck;
import org.echorec.runtime.testing.Near;
import org.echorec.runtime.testing.Rand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** matmul and linear: the reference backward against differences, then the tape's wiring on every backend. */
class MatmulGradTest {
    private static final double TAPE_TOL = 1e-2;
    private static final float TAPE_STEP = 1e-2f;

    // ------------------------------------------------------------------ references in double

    /** {@code y = x·wᵀ + bias} for x {@code [rows, in]}, w {@code [out, in]}, bias {@code [out]} or null. */
    static double[] linearRef(double[] x, double[] w, double[] bias, int rows, int in, int out) {
        double[] y = new double[rows * out];
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < out; o++) {
                y[r * out + o] = bias == null ? 0 : bias[o];
            }
        }
        GemmRef.gemm(false, true, rows, out, in, 1, x, 0, in, w, 0, in, 1, y, 0, out);
        return y;
    }

    /** {@code {dx = dy·w, dw = dyᵀ·x, dbias = Σ_rows dy}}. */
    static double[][] linearRefBackward(double[] x, double[] w, double[] dy, int rows, int in, int out) {
        double[] dx = new double[rows * in];
        double[] dw = new double[out * in];
        double[] db = new double[out];
        GemmRef.gemm(false, false, rows, in, out, 1, dy, 0, out, w, 0, in, 0, dx, 0, in);
        GemmRef.gemm(true, false, out, in, rows, 1, dy, 0, out, x, 0, in, 0, dw, 0, in);
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < out; o++) {
                db[o] += dy[r * out + o];
            }
        }
        return new double[][] {dx, dw, db};
    }

    @Test
    void referenceMatmulBackwardMatchesDifferences() {
        int m = 3;
        int k = 4;
        int n = 5;
        Rand r = new Rand(1);
        double[][] in = {r.normal(m * k, 1), r.normal(k * n, 1)};
        double[] w = r.normal(m * n, 1);
        GradCheck.reference("matmul", x -> GemmRef.matmul(x[0], x[1], m, k, n), in, w,
                GemmRef.matmulBackward(in[0], in[1], w, m, k, n), 1e-6);
    }

    @Test
    void referenceLinearBackwardMatchesDifferences() {
        int rows = 6;
        int in = 4;
        int out = 3;
        Rand r = new Rand(2);
        double[][] inputs = {r.normal(rows * in, 1), r.normal(out * in, 1), r.normal(out, 1)};
        double[] w = r.normal(rows * out, 1);
        GradCheck.reference("linear", x -> linearRef(x[0], x[1], x[2], rows, in, out), inputs, w,
                linearRefBackward(inputs[0], inputs[1], w, rows, in, out), 1e-6);
    }

    // ------------------------------------------------------------------ the differentiable functions

    private static float[] values(int n, long seed) {
        return Rand.toFloat(new Rand(seed).normal(n, 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.echorec.runtime.testing.Backends#cpuKernels")
    void matmulForwardMatchesReference(Backend backend) {
        int m = 7;
        int k = 33;
        int n = 19;
        double[] a = new Rand(3).normal(m * k, 1);
        double[] b = new Rand(4).normal(k * n, 1);
        try (Scope s = Scope.open()) {
            Tensor ta = Tensor.of(backend, Rand.toFloat(a), m, k);
            Tensor c = MatmulGrad.matmul(ta, Tensor.of(backend, Rand.toFloat(b), k, n));
            assertArrayEquals(new int[] {m, n}, c.shape());
            Near.assertClose("matmul", GemmRef.matmul(a, b, m, k, n), c.toFloatArray(), 1e-5, 1e-5);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.echorec.runtime.testing.Backends#cpuKernels")
    void linearForwardMatchesReference(Backend backend) {
        int in = 9;
        int out = 5;
        double[] x = new Rand(5).normal(2 * 3 * in, 1);
        double[] w = new Rand(6).normal(out * in, 1);
        double[] bias = new Rand(7).normal(out, 1);
        try (Scope s = Scope.open()) {
            Tensor y = MatmulGrad.linear(Tensor.of(backend, Rand.toFloat(x), 2, 3, in),
                    Tensor.of(backend, Rand.toFloat(w), out, in), Tensor.of(backend, Rand.toFloat(bias), out));
            assertArrayEquals(new int[] {2, 3, out}, y.shape());
            Near.assertClose("linear", linearRef(x, w, bias, 6, in, out), y.toFloatArray(), 1e-5, 1e-5);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.echorec.runtime.testing.Backends#cpuKernels")
    void matmulTapeGradients(Backend backend) {
        GradCheck.tape("matmul", backend, t -> MatmulGrad.matmul(t[0], t[1]), TAPE_TOL, TAPE_STEP,
                new int[][] {{3, 4}, {4, 5}}, values(12, 10), values(20, 11));
        GradCheck.tape("batched matmul", backend, t -> MatmulGrad.matmul(t[0], t[1]), TAPE_TOL, TAPE_STEP,
                new int[][] {{2, 3, 4}, {2, 4, 5}}, values(24, 12), values(40, 13));
        GradCheck.tape("matmul, shared A", backend, t -> MatmulGrad.matmul(t[0], t[1]), TAPE_TOL, TAPE_STEP,
                new int[][] {{3, 4}, {2, 4, 5}}, values(12, 14), values(40, 15));
        GradCheck.tape("matmul, shared B", backend, t -> MatmulGrad.matmul(t[0], t[1]), TAPE_TOL, TAPE_STEP,
                new int[][] {{2, 3, 4}, {4, 5}}, values(24, 16), values(20, 17));
        // both contributions land in one gradient: the second gemm accumulates with beta = 1
        GradCheck.tape("x·x", backend, t -> MatmulGrad.matmul(t[0], t[0]), TAPE_TOL, TAPE_STEP,
                new int[][] {{4, 4}}, values(16, 18));
        GradCheck.tape("xᵀ·y (a view)", backend, t -> MatmulGrad.matmul(ViewGrad.transpose(t[0], 0, 1), t[1]),
                TAPE_TOL, TAPE_STEP, new int[][] {{4, 3}, {4, 5}}, values(12, 19), values(20, 20));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.echorec.runtime.testing.Backends#cpuKernels")
    void linearTapeGradients(Backend backend) {
        GradCheck.tape("linear", backend, t -> MatmulGrad.linear(t[0], t[1], t[2]), TAPE_TOL, TAPE_STEP,
                new int[][] {{2, 3, 4}, {5, 4}, {5}}, values(24, 21), values(20, 22), values(5, 23));
        GradCheck.tape("linear without bias", backend, t -> MatmulGrad.linear(t[0], t[1], null), TAPE_TOL, TAPE_STEP,
                new int[][] {{6, 4}, {5, 4}}, values(24, 24), values(20, 25));
        GradCheck.tape("linear of a view", backend,
                t -> MatmulGrad.linear(ViewGrad.transpose(t[0], 0, 1), t[1], t[2]), TAPE_TOL, TAPE_STEP,
                new int[][] {{4, 6}, {5, 4}, {5}}, values(24, 26), values(20, 27), values(5, 28));
        // the same weight twice: the second weight-gradient gemm accumulates
        GradCheck.tape("linear twice", backend,
                t -> MatmulGrad.linear(MatmulGrad.linear(t[0], t[1], t[2]), t[1], null), TAPE_TOL, TAPE_STEP,
                new int[][] {{3, 4}, {4, 4}, {4}}, values(12, 29), values(16, 30), values(4, 31));
    }

    @Test
    void shapesThatDoNotFitAreRejected() {
        Backend cpu = Backends.cpu();
        try (Scope s = Scope.open()) {
            assertThrows(IllegalArgumentException.class,
                    () -> MatmulGrad.matmul(Tensor.zeros(cpu, 3, 4), Tensor.zeros(cpu, 5, 6)));
            assertThrows(IllegalArgumentException.class,
                    () -> MatmulGrad.linear(Tensor.zeros(cpu, 3, 4), Tensor.zeros(cpu, 5, 3), null));
            assertThrows(IllegalArgumentException.class,
                    () -> MatmulGrad.linear(Tensor.zeros(cpu, 4), Tensor.zeros(cpu, 5, 4), null));
        }
    }
}

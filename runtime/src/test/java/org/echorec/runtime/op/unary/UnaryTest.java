package org.echorec.runtime.op.unary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.echorec.runtime.backend.Backend;
import org.echorec.runtime.op.Unary;
import org.echorec.runtime.tensor.Scope;
import org.echorec.runtime.tensor.Tensor;
import org.echorec.runtime.testing.Backends;
import org.echorec.runtime.testing.GradCheck;
import org.echorec.runtime.testing.Near;
import org.echorec.runtime.testing.Rand;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

@Tag("kernel")
class UnaryTest {
    private static final double RTOL = 1e-5;
    private static final double ATOL = 1e-6;

    static List<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (Named<Backend> backend : Backends.cpuKernels()) {
            for (Unary op : Unary.values()) {
                out.add(Arguments.of(backend, op));
            }
        }
        return out;
    }

    /** Inputs that cover each function's interesting range, thresholds included. */
    private static double[] inputs(Unary op, int n, long seed) {
        Rand r = new Rand(seed);
        return switch (op) {
            case LOG -> r.uniform(n, 0.05, 20);
            case EXP -> r.uniform(n, -20, 20);
            case SOFTPLUS -> r.uniform(n, -30, 30);
            default -> r.uniform(n, -8, 8);
        };
    }

    private static int[] sizes() {
        int[] awkward = Backends.awkwardSizes();
        int[] all = java.util.Arrays.copyOf(awkward, awkward.length + 1);
        all[awkward.length] = 70_001; // large enough to run on every thread
        return all;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void forwardMatchesReference(Backend backend, Unary op) {
        for (int n : sizes()) {
            double[] x = inputs(op, n, n);
            try (Scope s = Scope.open()) {
                Tensor tx = Tensor.of(backend, Rand.toFloat(x), n);
                Tensor ty = Tensor.emptyLike(tx);
                backend.ops().unary(op, tx, ty);
                Near.assertClose(op + " forward, n=" + n, UnaryRef.forward(op, x), ty.toFloatArray(), RTOL, ATOL);
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void backwardMatchesReference(Backend backend, Unary op) {
        for (int n : sizes()) {
            double[] x = inputs(op, n, n);
            double[] dy = new Rand(n + 1).normal(n, 1);
            try (Scope s = Scope.open()) {
                Tensor tx = Tensor.of(backend, Rand.toFloat(x), n);
                Tensor tdy = Tensor.of(backend, Rand.toFloat(dy), n);
                Tensor tdx = Tensor.emptyLike(tx);
                backend.ops().unaryBackward(op, tx, tdy, tdx);
                Near.assertClose(op + " backward, n=" + n, UnaryRef.backward(op, x, dy), tdx.toFloatArray(), RTOL, ATOL);
            }
        }
    }

    @ParameterizedTest(name = "{0} in place")
    @MethodSource("cases")
    void forwardMayWriteItsInput(Backend backend, Unary op) {
        double[] x = inputs(op, 37, 7);
        try (Scope s = Scope.open()) {
            Tensor t = Tensor.of(backend, Rand.toFloat(x), 37);
            backend.ops().unary(op, t, t);
            Near.assertClose(op + " in place", UnaryRef.forward(op, x), t.toFloatArray(), RTOL, ATOL);
        }
    }

    @ParameterizedTest
    @EnumSource(Unary.class)
    void referenceDerivativeMatchesFiniteDifferences(Unary op) {
        // stay off the kinks of hardswish and relu, where a difference straddles two branches
        double[] x = op == Unary.HARDSWISH || op == Unary.RELU
                ? new double[] {-5, -2.5, -0.7, 0.4, 2.9, 4.2}
                : inputs(op, 40, 3);
        double[] w = new Rand(4).normal(x.length, 1);
        double[][] analytic = {UnaryRef.backward(op, x, w)};
        GradCheck.reference(op.toString(), in -> UnaryRef.forward(op, in[0]), new double[][] {x}, w, analytic, 1e-6);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.echorec.runtime.testing.Backends#cpuKernels")
    void tailsAndThresholdsKeepRelativeAccuracy(Backend backend) {
        // GELU far in the negative tail is tiny: an erf with only absolute accuracy would get it wrong
        double[] x = {-5, -7, 25, -100, 100, -3, 3};
        try (Scope s = Scope.open()) {
            Tensor t = Tensor.of(backend, Rand.toFloat(x), x.length);
            for (Unary op : new Unary[] {Unary.GELU, Unary.SOFTPLUS, Unary.SIGMOID, Unary.SILU, Unary.HARDSWISH}) {
                Tensor y = Tensor.emptyLike(t);
                backend.ops().unary(op, t, y);
                float[] got = y.toFloatArray();
                for (int i = 0; i < x.length; i++) {
                    assertTrue(Float.isFinite(got[i]), op + "(" + x[i] + ") = " + got[i]);
                }
                Near.assertClose(op + " at the edges", UnaryRef.forward(op, x), got, 1e-5, 1e-30);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.echorec.runtime.testing.Backends#cpuKernels")
    void tapeGradientMatchesDifferences(Backend backend) {
        float[] x = Rand.toFloat(new Rand(9).uniform(29, -3, 3));
        for (Unary op : new Unary[] {Unary.SILU, Unary.GELU, Unary.SOFTPLUS, Unary.TANH}) {
            GradCheck.tape("tape " + op, backend, in -> UnaryGrad.apply(op, in[0]), 1e-2, 1e-2f, x);
        }
    }

    @Test
    void rejectsAViewThatIsNotContiguous() {
        Backend cpu = Backends.cpu();
        try (Scope s = Scope.open()) {
            Tensor m = Tensor.zeros(cpu, 4, 6);
            Tensor col = m.narrow(1, 1, 2);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> cpu.ops().unary(Unary.EXP, col, Tensor.zeros(cpu, 4, 2)));
            assertTrue(e.getMessage().startsWith("unary EXP: needs contiguous tensors"), e.getMessage());
            assertEquals(3, UnaryGrad.apply(Unary.EXP, col).rank() + 1, "the differentiable form copies the view");
        }
    }
}

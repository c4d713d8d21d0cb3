package org.echorec.runtime.op.softmax;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.echorec.runtime.autograd.Tape;
import org.echorec.runtime.backend.Backend;
import org.echorec.runtime.op.binary.BinaryGrad;
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
 * Tolerances scale with the row length v: a row sum of exps is float within blocks of 2048, each lane
 * of a 128-bit vector adding up to 2048/4 terms, so its relative error is at most about
 * {@code (min(v, 2048)/4 + 16)·2⁻²⁴} ({@link #sumTol}); softmax values are allowed that relative error,
 * lse that absolute error plus the rounding of lse itself. The cross-entropy gradient is computed from a
 * given lse, so it is allowed only the exp's error and lse's rounding: 16·2⁻²⁴·max(1, |lse|)·|dloss|.
 */
@Tag("kernel")
class SoftmaxTest {
    private static final int BIG_V = 20_011;

    private static double sumTol(int v) {
        return (Math.min(v, 2048) / 4.0 + 16) * 0x1p-24;
    }

    /** {rows, v}: every awkward v, both threads, a big vocabulary (ten blocks, a partial last one). */
    private static List<int[]> shapes() {
        List<int[]> list = new ArrayList<>();
        for (int v : Backends.awkwardSizes()) {
            list.add(new int[] {3, v});
        }
        list.add(new int[] {70, 1001});
        list.add(new int[] {3, BIG_V});
        return list;
    }

    /** Targets in [0, v) with every third row ignored (−1). */
    private static int[] targets(int rows, int v, long seed) {
        int[] t = new Rand(seed).ints(rows, 0, v);
        for (int r = 1; r < rows; r += 3) {
            t[r] = -1;
        }
        return t;
    }

    private static Tensor ints(Backend backend, int[] t) {
        return Tensor.ofInts(backend, t, t.length);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.echorec.runtime.testing.Backends#cpuKernels")
    void softmaxMatchesReference(Backend backend) {
        for (int[] s : shapes()) {
            int rows = s[0];
            int v = s[1];
            double[] x = new Rand(v).normal(rows * v, 3);
            double[] expected = SoftmaxRef.softmax(x, v);
            try (Scope scope = Scope.open()) {
                Tensor tx = Tensor.of(backend, Rand.toFloat(x), rows, v);
                Tensor y = Tensor.emptyLike(tx);
                backend.ops().softmax(tx, y);
                Near.assertClose("softmax [" + rows + ", " + v + "]", expected, y.toFloatArray(), sumTol(v), 1e-30);
                backend.ops().softmax(tx, tx);
                Near.assertClose("softmax in place [" + rows + ", " + v + "]", expected, tx.toFloatArray(), sumTol(v),
                        1e-30);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.echorec.runtime.testing.Backends#cpuKernels")
    void softmaxBackwardMatchesReference(Backend backend) {
        for (int[] s : shapes()) {
            int rows = s[0];
            int v = s[1];
            double[] y = SoftmaxRef.softmax(new Rand(v + 1).normal(rows * v, 2), v);
            double[] fy = Rand.toDouble(Rand.toFloat(y));
            double[] dy = new Rand(v + 2).normal(rows * v, 1);
            double[] expected = SoftmaxRef.softmaxBackward(fy, dy, v);
            double atol = 4 * sumTol(v) * Near.maxAbs(fy) * Near.maxAbs(dy);
            try (Scope scope = Scope.open()) {
                Tensor ty = Tensor.of(backend, Rand.toFloat(fy), rows, v);
                Tensor tdy = Tensor.of(backend, Rand.toFloat(dy), rows, v);
                Tensor dx = Tensor.emptyLike(ty);
                backend.ops().softmaxBackward(ty, tdy, dx);
                Near.assertClose("softmaxBackward [" + rows + ", " + v + "]", expected, dx.toFloatArray(), 0, atol);
                backend.ops().softmaxBackward(ty, tdy, tdy);
                Near.assertClose("softmaxBackward in place [" + rows + ", " + v + "]", expected, tdy.toFloatArray(),
                        0, atol);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.echorec.runtime.testing.Backends#cpuKernels")
    void crossEntropyMatchesReference(Backend backend) {
        for (int[] s : shapes()) {
            int rows = s[0];
            int v = s[1];
            double[] x = new Rand(v + 3).normal(rows * v, 3);
            int[] t = targets(rows, v, v);
            checkCrossEntropy(backend, "[" + rows + ", " + v + "]", x, t, v);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.echorec.runtime.testing.Backends#cpuKernels")
    void crossEntropyOfExtremeAndOrderedLogits(Backend backend) {
        // ±100 and ±1e4 overflow a naive exp; a rising row raises the running max in every block,
        // a falling one never after the first
        int v = 5000;
        double[] x = new double[4 * v];
        for (int j = 0; j < v; j++) {
            x[j] = j % 2 == 0 ? 100 : -100;
            x[v + j] = j % 3 == 0 ? 1e4 : -1e4;
            x[2 * v + j] = (float) (-50 + 100.0 * j / v);
            x[3 * v + j] = (float) (50 - 100.0 * j / v);
        }
        int[] t = {1, 3, v - 1, v - 1};
        float[] lse = checkCrossEntropy(backend, "extreme and ordered rows", x, t, v);
        for (float l : lse) {
            assertTrue(Float.isFinite(l), "lse " + l);
        }
        double[] eighty = {80, -80, 80, -80, 0};
        checkCrossEntropy(backend, "±80", eighty, new int[] {1}, 5);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.echorec.runtime.testing.Backends#cpuKernels")
    void crossEntropyOfOneClassIsZero(Backend backend) {
        double[] x = {3.5, -2, 1e4};
        float[] lse = checkCrossEntropy(backend, "V = 1", x, new int[] {0, -1, 0}, 1);
        assertArrayEquals(new float[] {3.5f, -2f, 1e4f}, lse);
    }

    /** Forward (loss, lse) and backward (fresh buffer and in place) against the reference; returns lse. */
    private static float[] checkCrossEntropy(Backend backend, String what, double[] x, int[] t, int v) {
        int rows = t.length;
        double[] lseRef = SoftmaxRef.logSumExp(x, v);
        double lseTol = sumTol(v) + 0x1p-23 * Near.maxAbs(lseRef);
        double[] dloss = new Rand(rows).uniform(rows, 0.5, 2);
        float[] lseGiven = Rand.toFloat(lseRef);
        double[] dxRef = SoftmaxRef.crossEntropyBackward(x, t, dloss, v);
        double dxTol = 16 * 0x1p-24 * Math.max(1, Near.maxAbs(lseRef)) * Near.maxAbs(dloss);
        try (Scope scope = Scope.open()) {
            Tensor logits = Tensor.of(backend, Rand.toFloat(x), rows, v);
            Tensor targets = ints(backend, t);
            Tensor loss = Tensor.empty(backend, rows);
            Tensor lse = Tensor.empty(backend, rows);
            backend.ops().crossEntropy(logits, targets, loss, lse);
            float[] got = loss.toFloatArray();
            Near.assertClose("crossEntropy lse " + what, lseRef, lse.toFloatArray(), 0, lseTol);
            Near.assertClose("crossEntropy loss " + what, SoftmaxRef.crossEntropy(x, t, v), got, 0, lseTol);
            for (int r = 0; r < rows; r++) {
                if (t[r] < 0) {
                    assertEquals(0f, got[r], "ignored row " + r + " of " + what);
                }
            }

            Tensor tdl = Tensor.of(backend, Rand.toFloat(dloss), rows);
            Tensor tlse = Tensor.of(backend, lseGiven, rows);
            Tensor dx = Tensor.full(backend, Float.NaN, rows, v);
            backend.ops().crossEntropyBackward(logits, targets, tlse, tdl, dx);
            Near.assertClose("crossEntropyBackward " + what, dxRef, dx.toFloatArray(), 0, dxTol);
            backend.ops().crossEntropyBackward(logits, targets, tlse, tdl, logits);
            Near.assertClose("crossEntropyBackward in place " + what, dxRef, logits.toFloatArray(), 0, dxTol);
            return lse.toFloatArray();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.echorec.runtime.testing.Backends#cpuKernels")
    void targetOutOfRangeThrowsNamingRowAndTarget(Backend backend) {
        try (Scope scope = Scope.open()) {
            Tensor logits = Tensor.zeros(backend, 4, 7);
            Tensor targets = ints(backend, new int[] {0, -1, 7, 2});
            Tensor loss = Tensor.full(backend, 5f, 4);
            Tensor lse = Tensor.empty(backend, 4);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> backend.ops().crossEntropy(logits, targets, loss, lse));
            assertTrue(e.getMessage().contains("target 7 of row 2"), e.getMessage());
            assertArrayEquals(new float[] {5, 5, 5, 5}, loss.toFloatArray(), "nothing written before the check");
            IllegalArgumentException back = assertThrows(IllegalArgumentException.class,
                    () -> backend.ops().crossEntropyBackward(logits, targets, lse, loss, Tensor.emptyLike(logits)));
            assertTrue(back.getMessage().contains("target 7 of row 2"), back.getMessage());
        }
    }

    @Test
    void referenceBackwardsMatchFiniteDifferences() {
        int v = 6;
        double[] x = new Rand(30).normal(3 * v, 2);
        double[] w = new Rand(31).normal(3 * v, 1);
        double[] y = SoftmaxRef.softmax(x, v);
        GradCheck.reference("softmax", in -> SoftmaxRef.softmax(in[0], v), new double[][] {x}, w,
                new double[][] {SoftmaxRef.softmaxBackward(y, w, v)}, 1e-6);
        int[] t = {2, -1, 5};
        double[] dloss = new Rand(32).normal(3, 1);
        GradCheck.reference("crossEntropy", in -> SoftmaxRef.crossEntropy(in[0], t, v), new double[][] {x}, dloss,
                new double[][] {SoftmaxRef.crossEntropyBackward(x, t, dloss, v)}, 1e-6);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.echorec.runtime.testing.Backends#cpuKernels")
    void tapeGradientMatchesDifferences(Backend backend) {
        int rows = 5;
        int v = 9;
        float[] x = Rand.toFloat(new Rand(40).normal(rows * v, 2));
        int[][] shape = {{rows, v}};
        int[] t = {3, -1, 8, 0, -1};
        GradCheck.tape("softmax", backend, in -> SoftmaxGrad.softmax(in[0]), 1e-2, 1e-2f, shape, x);
        GradCheck.tape("crossEntropy", backend, in -> SoftmaxGrad.crossEntropy(in[0], ints(backend, t)), 1e-2, 1e-2f,
                shape, x);
        GradCheck.tape("crossEntropyPerRow", backend, in -> SoftmaxGrad.crossEntropyPerRow(in[0], ints(backend, t)),
                1e-2, 1e-2f, shape, x);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.echorec.runtime.testing.Backends#cpuKernels")
    void meanLossKeepsTheLogitsAndCountsOnlyTargetedRows(Backend backend) {
        int rows = 4;
        int v = 6;
        double[] w = new Rand(50).normal(rows * v, 1);
        int[] t = {1, -1, 5, -1};
        try (Scope scope = Scope.open(); Tape tape = Tape.record()) {
            Tensor param = Tensor.of(backend, Rand.toFloat(w), rows, v).requiresGrad(true);
            Tensor logits = BinaryGrad.scale(param, 2f); // not a leaf: its rule reads the CE gradient later
            float[] before = logits.toFloatArray();
            Tensor loss = SoftmaxGrad.crossEntropy(logits, ints(backend, t));
            assertEquals(0, loss.rank());
            double[] x = Rand.toDouble(before);
            double[] perRow = SoftmaxRef.crossEntropy(x, t, v);
            assertEquals((perRow[0] + perRow[2]) / 2, loss.item(), 1e-5);
            tape.backward(loss);
            assertArrayEquals(before, logits.toFloatArray(), "the backward must not overwrite the forward logits");
            double[] dlogits = SoftmaxRef.crossEntropyBackward(x, t, new double[] {0.5, 0.5, 0.5, 0.5}, v);
            Near.assertClose("d param", scaled(dlogits, 2), param.grad().toFloatArray(), 1e-5, 1e-6);

            Tensor none = SoftmaxGrad.crossEntropy(logits, ints(backend, new int[] {-1, -1, -1, -1}));
            assertEquals(0f, none.item(), "no targeted row: loss 0");
        }
    }

    private static double[] scaled(double[] x, double c) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = c * x[i];
        }
        return y;
    }
}

package org.echorec.runtime.op.fft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.echorec.runtime.backend.Backend;
import org.echorec.runtime.op.CheckedOps;
import org.echorec.runtime.op.Ops;
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
 * The FFT family: plain and SIMD kernels against {@link FftRef}, the reference backward against
 * finite differences, the tape functions of {@link FftGrad}.
 *
 * <p>Tolerances. A float FFT's error grows like {@code log n · 2⁻²⁴} times the magnitude of the
 * values (the rms of a row, which for an orthonormal transform is the same on both sides); the
 * chirp-z lengths run three transforms of length ≥ 2n and pick up a few more roundings. The bound
 * used, {@code (4 + 2·log₂ n)·2⁻²⁴·max|expected|}, is about 4× the largest error seen on any case
 * here (all widths: at most 1.5·log₂ n·2⁻²⁴·max, at n = 2), while a wrong index, sign or scale is off
 * by O(1)·max|expected|. The complex
 * product is one multiply-add per part ({@code 4·2⁻²⁴·|a|·|w|}); its weight gradient sums R rows in
 * float, allowed {@code 2·R·2⁻²⁴·Σ|terms|}.
 */
@Tag("kernel")
class FftTest {
    private static final double EPS = 0x1p-24;

    /** A signal shape and the transform axis. */
    record Case(int[] shape, int axis) {
        int n() {
            return shape[axis];
        }

        int outer() {
            int o = 1;
            for (int i = 0; i < axis; i++) {
                o *= shape[i];
            }
            return o;
        }

        int inner() {
            int in = 1;
            for (int i = axis + 1; i < shape.length; i++) {
                in *= shape[i];
            }
            return in;
        }

        int size() {
            return outer() * n() * inner();
        }

        int[] spectrum() {
            return CheckedOps.spectrumShape(shape, axis);
        }

        @Override
        public String toString() {
            return Arrays.toString(shape) + " axis " + axis;
        }
    }

    /** Lengths of every plan kind: radices 2, 3, 4, 5, the generic 7 and 11, chirp-z (97, 134 = 2·67, 211). */
    private static final int[] LENGTHS = {1, 2, 3, 4, 5, 7, 8, 12, 16, 22, 49, 50, 64, 97, 128, 134, 200, 211, 256, 1000};

    /** A covering set: every length with a rotating channel count and outer size, and the odd shapes. */
    static List<Case> cases() {
        int l = Backends.lanes();
        int[] channels = {1, l - 1, l, l + 1, 2 * l + 3, 64};
        List<Case> out = new ArrayList<>();
        for (int i = 0; i < LENGTHS.length; i++) {
            int n = LENGTHS[i];
            int c = n >= 256 ? channels[i % 4] : channels[i % channels.length];
            out.add(new Case(new int[] {1 + i % 3, n, c}, 1));
        }
        for (int c : channels) {
            out.add(new Case(new int[] {2, 50, c}, 1));
            out.add(new Case(new int[] {1, 200, c}, 1));
        }
        out.add(new Case(new int[] {12, l + 1}, 0));
        out.add(new Case(new int[] {3, 49, l}, 1));
        out.add(new Case(new int[] {2, 10, 3, l + 2}, 1));
        out.add(new Case(new int[] {2, 3, 9, 5}, 2));
        out.add(new Case(new int[] {3, 2, 16}, 2));
        out.add(new Case(new int[] {40}, 0));
        out.add(new Case(new int[] {97, 2 * l}, 0));
        // more than one 64-channel group of vector blocks per row, with a tail
        out.add(new Case(new int[] {2, 12, 150}, 1));
        out.add(new Case(new int[] {2, 7, 150}, 1));
        return out;
    }

    private static double tol(int n, double[] expected) {
        double log = Math.log(Math.max(n, 2)) / Math.log(2);
        return (4 + 2 * log) * EPS * Math.max(Near.maxAbs(expected), 1e-30);
    }

    // ------------------------------------------------------------------ kernels vs reference

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.echorec.runtime.testing.Backends#cpuKernels")
    void rfftMatchesReference(Backend backend) {
        for (Case c : cases()) {
            double[] x = new Rand(c.size()).normal(c.size(), 1);
            double[] expected = FftRef.rfft(x, c.outer(), c.n(), c.inner());
            float[] got = run(backend, c, x, false, (ops, in, out) -> ops.rfft(in, c.axis(), out));
            Near.assertClose("rfft " + c, expected, got, 0, tol(c.n(), expected));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.echorec.runtime.testing.Backends#cpuKernels")
    void irfftMatchesReference(Backend backend) {
        for (Case c : cases()) {
            int count = (int) Shape.numel(c.spectrum());
            double[] spec = new Rand(count + 1).normal(count, 1);
            double[] expected = FftRef.irfft(spec, c.outer(), c.n(), c.inner());
            float[] got = run(backend, c, spec, true, (ops, in, out) -> ops.irfft(in, c.axis(), out));
            Near.assertClose("irfft " + c, expected, got, 0, tol(c.n(), expected));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.echorec.runtime.testing.Backends#cpuKernels")
    void rfftBackwardMatchesReference(Backend backend) {
        for (Case c : cases()) {
            int count = (int) Shape.numel(c.spectrum());
            double[] dout = new Rand(count + 2).normal(count, 1);
            double[] expected = FftRef.rfftBackward(dout, c.outer(), c.n(), c.inner());
            float[] got = run(backend, c, dout, true, (ops, in, out) -> ops.rfftBackward(in, c.axis(), out));
            Near.assertClose("rfftBackward " + c, expected, got, 0, tol(c.n(), expected));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.echorec.runtime.testing.Backends#cpuKernels")
    void irfftBackwardMatchesReference(Backend backend) {
        for (Case c : cases()) {
            double[] dx = new Rand(c.size() + 3).normal(c.size(), 1);
            double[] expected = FftRef.irfftBackward(dx, c.outer(), c.n(), c.inner());
            float[] got = run(backend, c, dx, false, (ops, in, out) -> ops.irfftBackward(in, c.axis(), out));
            Near.assertClose("irfftBackward " + c, expected, got, 0, tol(c.n(), expected));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.echorec.runtime.testing.Backends#cpuKernels")
    void largeBatchUsesEveryThreadAndMatchesReference(Backend backend) {
        Case c = new Case(new int[] {8, 200, 64}, 1);
        double[] x = new Rand(77).normal(c.size(), 3);
        double[] expected = FftRef.rfft(x, c.outer(), c.n(), c.inner());
        float[] spec = run(backend, c, x, false, (ops, in, out) -> ops.rfft(in, 1, out));
        Near.assertClose("rfft " + c, expected, spec, 0, tol(c.n(), expected));
        double[] back = FftRef.irfft(Rand.toDouble(spec), c.outer(), c.n(), c.inner());
        float[] got = run(backend, c, Rand.toDouble(spec), true, (ops, in, out) -> ops.irfft(in, 1, out));
        Near.assertClose("irfft " + c, back, got, 0, tol(c.n(), back));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.echorec.runtime.testing.Backends#cpuKernels")
    void inverseUndoesForward(Backend backend) {
        for (Case c : cases()) {
            double[] x = new Rand(c.size() + 4).normal(c.size(), 1);
            try (Scope s = Scope.open()) {
                Tensor tx = Tensor.of(backend, Rand.toFloat(x), c.shape());
                Tensor spec = Tensor.empty(backend, c.spectrum());
                Tensor back = Tensor.emptyLike(tx);
                backend.ops().rfft(tx, c.axis(), spec);
                backend.ops().irfft(spec, c.axis(), back);
                Near.assertClose("irfft(rfft(x)) " + c, x, back.toFloatArray(), 0, 2 * tol(c.n(), x));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.echorec.runtime.testing.Backends#cpuKernels")
    void longTransformsKeepEnergyAndInvert(Backend backend) {
        // long enough that a SIMD work unit shrinks to one block (its scratch cap), 8400 = 2·4·2·3·5²·7
        for (int n : new int[] {8400}) {
            Case c = new Case(new int[] {2, n, Backends.lanes() + 1}, 1);
            double[] x = new Rand(n).normal(c.size(), 1);
            try (Scope s = Scope.open()) {
                Tensor tx = Tensor.of(backend, Rand.toFloat(x), c.shape());
                Tensor spec = Tensor.empty(backend, c.spectrum());
                Tensor back = Tensor.emptyLike(tx);
                backend.ops().rfft(tx, 1, spec);
                backend.ops().irfft(spec, 1, back);
                Near.assertClose("irfft(rfft(x)) " + c, x, back.toFloatArray(), 0, 2 * tol(n, x));
                float[] bins = spec.toFloatArray();
                int count = n / 2 + 1;
                for (int o = 0; o < c.outer(); o++) {
                    for (int j = 0; j < c.inner(); j++) {
                        double time = 0;
                        for (int t = 0; t < n; t++) {
                            time += x[(o * n + t) * c.inner() + j] * x[(o * n + t) * c.inner() + j];
                        }
                        double freq = 0;
                        for (int k = 0; k < count; k++) {
                            int at = ((o * count + k) * c.inner() + j) * 2;
                            double p = (double) bins[at] * bins[at] + (double) bins[at + 1] * bins[at + 1];
                            freq += k == 0 || 2 * k == n ? p : 2 * p;
                        }
                        assertEquals(time, freq, 1e-5 * time, "Parseval, " + c + " row " + o + " channel " + j);
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------ conventions

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.echorec.runtime.testing.Backends#cpuKernels")
    void knownSpectraFollowNumpyOrtho(Backend backend) {
        double r3 = Math.sqrt(3);
        // numpy.fft.rfft([1, 2, 3, 4], norm="ortho") = [5, -1+1j, -1]
        assertSpectrum(backend, new double[] {1, 2, 3, 4}, new double[] {5, 0, -1, 1, -1, 0});
        // rfft([1, 2, 3], norm="ortho") = [6, -1.5+0.866j]/sqrt(3)
        assertSpectrum(backend, new double[] {1, 2, 3}, new double[] {6 / r3, 0, -1.5 / r3, 0.5});
        // [a, b] -> [(a+b), (a-b)]/sqrt(2)
        assertSpectrum(backend, new double[] {3, -1}, new double[] {2 / Math.sqrt(2), 0, 4 / Math.sqrt(2), 0});
        // a constant is all DC, an alternating sequence all Nyquist: sqrt(n) each
        double[] nyquist = new double[2 * 5];
        nyquist[8] = Math.sqrt(8);
        assertSpectrum(backend, new double[] {1, -1, 1, -1, 1, -1, 1, -1}, nyquist);
        double[] dc = new double[2 * 4];
        dc[0] = Math.sqrt(7);
        assertSpectrum(backend, new double[] {1, 1, 1, 1, 1, 1, 1}, dc);
        assertSpectrum(backend, new double[] {-2.5}, new double[] {-2.5, 0});
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.echorec.runtime.testing.Backends#cpuKernels")
    void inverseIgnoresImaginaryPartsOfEdgeBins(Backend backend) {
        double r3 = Math.sqrt(3);
        // n = 4: spec [1+5i, 0, 2+7i]; the 5i and 7i are ignored: x = (1 + 2·(-1)^t)/2
        assertSignal(backend, new double[] {1, 5, 0, 0, 2, 7}, 4, new double[] {1.5, -0.5, 1.5, -0.5});
        // n = 3: spec [1+9i, 0.5+0.25i]; only the 9i is ignored: x_t = (1 + 2·Re((0.5+0.25i)·e^{2πit/3}))/sqrt(3)
        assertSignal(backend, new double[] {1, 9, 0.5, 0.25}, 3,
                new double[] {2 / r3, (0.5 - r3 / 4) / r3, (0.5 + r3 / 4) / r3});
        for (Case c : cases()) {
            int count = (int) Shape.numel(c.spectrum());
            float[] spec = Rand.toFloat(new Rand(count + 5).normal(count, 1));
            float[] clean = spec.clone();
            int bins = c.n() / 2 + 1;
            for (int o = 0; o < c.outer(); o++) {
                for (int j = 0; j < c.inner(); j++) {
                    clean[((o * bins) * c.inner() + j) * 2 + 1] = 0f;
                    if (c.n() % 2 == 0) {
                        clean[((o * bins + bins - 1) * c.inner() + j) * 2 + 1] = 0f;
                    }
                }
            }
            float[] noisy = run(backend, c, Rand.toDouble(spec), true, (ops, in, out) -> ops.irfft(in, c.axis(), out));
            float[] quiet = run(backend, c, Rand.toDouble(clean), true, (ops, in, out) -> ops.irfft(in, c.axis(), out));
            assertArrayEquals(quiet, noisy, "irfft must not read the imaginary parts of the edge bins, " + c);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.echorec.runtime.testing.Backends#cpuKernels")
    void forwardEdgeBinsAreExactlyReal(Backend backend) {
        for (Case c : cases()) {
            double[] x = new Rand(c.size() + 6).normal(c.size(), 1);
            for (boolean backward : new boolean[] {false, true}) {
                float[] spec = run(backend, c, x, false, (ops, in, out) -> {
                    if (backward) {
                        ops.irfftBackward(in, c.axis(), out);
                    } else {
                        ops.rfft(in, c.axis(), out);
                    }
                });
                int bins = c.n() / 2 + 1;
                for (int o = 0; o < c.outer(); o++) {
                    for (int j = 0; j < c.inner(); j++) {
                        assertEquals(0f, spec[((o * bins) * c.inner() + j) * 2 + 1], "DC imaginary part, " + c);
                        if (c.n() % 2 == 0) {
                            assertEquals(0f, spec[((o * bins + bins - 1) * c.inner() + j) * 2 + 1],
                                    "Nyquist imaginary part, " + c);
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.echorec.runtime.testing.Backends#cpuKernels")
    void rejectsAnEmptyTransformAxis(Backend backend) {
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.zeros(backend, 2, 0, 3);
            Tensor spec = Tensor.zeros(backend, 2, 1, 3, 2);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> backend.ops().rfft(x, 1, spec));
            assertTrue(e.getMessage().startsWith("rfft"), e.getMessage());
        }
    }

    // ------------------------------------------------------------------ complex product

    /** Shapes [..., F, C, 2] of a and the row count R (the product of the leading axes). */
    static List<int[]> productShapes() {
        int l = Backends.lanes();
        return List.of(
                new int[] {3, 1, 2},
                new int[] {2, 5, l - 1, 2},
                new int[] {3, 2, l, 2},
                new int[] {2, 2, 3, l + 1, 2},
                new int[] {5, 4, 2 * l + 3, 2},
                new int[] {9, 26, 64, 2},
                new int[] {2, 101, 64, 2});
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.echorec.runtime.testing.Backends#cpuKernels")
    void complexMulMatchesReference(Backend backend) {
        for (int[] shape : productShapes()) {
            int[] wShape = Arrays.copyOfRange(shape, shape.length - 3, shape.length);
            int count = (int) Shape.numel(shape);
            double[] a = new Rand(count).normal(count, 1);
            double[] w = new Rand(count + 1).normal((int) Shape.numel(wShape), 1);
            double[] expected = FftRef.complexMul(a, w);
            double atol = 4 * EPS * Near.maxAbs(a) * Near.maxAbs(w);
            try (Scope s = Scope.open()) {
                Tensor ta = Tensor.of(backend, Rand.toFloat(a), shape);
                Tensor tw = Tensor.of(backend, Rand.toFloat(w), wShape);
                Tensor out = Tensor.emptyLike(ta);
                backend.ops().complexMul(ta, tw, out);
                Near.assertClose("complexMul " + Arrays.toString(shape), expected, out.toFloatArray(), 0, atol);
                backend.ops().complexMul(ta, tw, ta);
                Near.assertClose("complexMul in place " + Arrays.toString(shape), expected, ta.toFloatArray(), 0, atol);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.echorec.runtime.testing.Backends#cpuKernels")
    void complexMulBackwardMatchesReference(Backend backend) {
        for (int[] shape : productShapes()) {
            int[] wShape = Arrays.copyOfRange(shape, shape.length - 3, shape.length);
            int count = (int) Shape.numel(shape);
            int wCount = (int) Shape.numel(wShape);
            int rows = count / wCount;
            double[] a = new Rand(count + 2).normal(count, 1);
            double[] w = new Rand(count + 3).normal(wCount, 1);
            double[] dout = new Rand(count + 4).normal(count, 1);
            double[][] expected = FftRef.complexMulBackward(a, w, dout);
            double daTol = 4 * EPS * Near.maxAbs(dout) * Near.maxAbs(w);
            double dwTol = (rows + 2) * EPS * rows * 2 * Near.maxAbs(dout) * Near.maxAbs(a);
            for (int mode = 0; mode < 3; mode++) {
                try (Scope s = Scope.open()) {
                    Tensor ta = Tensor.of(backend, Rand.toFloat(a), shape);
                    Tensor tw = Tensor.of(backend, Rand.toFloat(w), wShape);
                    Tensor td = Tensor.of(backend, Rand.toFloat(dout), shape);
                    Tensor da = mode == 2 ? null : Tensor.full(backend, Float.NaN, shape);
                    Tensor dw = mode == 1 ? null : Tensor.full(backend, Float.NaN, wShape);
                    backend.ops().complexMulBackward(ta, tw, td, da, dw);
                    String what = "complexMulBackward " + Arrays.toString(shape) + " mode " + mode;
                    if (da != null) {
                        Near.assertClose(what + " da", expected[0], da.toFloatArray(), 0, daTol);
                    }
                    if (dw != null) {
                        Near.assertClose(what + " dw", expected[1], dw.toFloatArray(), 0, dwTol);
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------ reference backward vs differences

    @Test
    void referenceBackwardsMatchFiniteDifferences() {
        for (int n : new int[] {1, 2, 5, 6, 7, 8}) {
            int outer = 2;
            int inner = 2;
            int bins = n / 2 + 1;
            double[] x = new Rand(n).normal(outer * n * inner, 1);
            double[] wSpec = new Rand(n + 1).normal(outer * bins * inner * 2, 1);
            GradCheck.reference("rfft n=" + n, in -> FftRef.rfft(in[0], outer, n, inner), new double[][] {x}, wSpec,
                    new double[][] {FftRef.rfftBackward(wSpec, outer, n, inner)}, 1e-7);
            double[] spec = new Rand(n + 2).normal(outer * bins * inner * 2, 1);
            double[] wSig = new Rand(n + 3).normal(outer * n * inner, 1);
            GradCheck.reference("irfft n=" + n, in -> FftRef.irfft(in[0], outer, n, inner), new double[][] {spec}, wSig,
                    new double[][] {FftRef.irfftBackward(wSig, outer, n, inner)}, 1e-7);
        }
        double[] a = new Rand(11).normal(3 * 2 * 2 * 2, 1);
        double[] w = new Rand(12).normal(2 * 2 * 2, 1);
        double[] g = new Rand(13).normal(a.length, 1);
        GradCheck.reference("complexMul", in -> FftRef.complexMul(in[0], in[1]), new double[][] {a, w}, g,
                FftRef.complexMulBackward(a, w, g), 1e-7);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.echorec.runtime.testing.Backends#cpuKernels")
    void tapeGradientsMatchDifferences(Backend backend) {
        float[] x = Rand.toFloat(new Rand(21).normal(2 * 6 * 3, 1));
        GradCheck.tape("rfft", backend, in -> FftGrad.rfft(in[0], 1), 1e-2, 1e-2f,
                new int[][] {{2, 6, 3}}, x);
        float[] y = Rand.toFloat(new Rand(22).normal(5 * 7, 1));
        GradCheck.tape("rfft odd, last axis", backend, in -> FftGrad.rfft(in[0], -1), 1e-2, 1e-2f,
                new int[][] {{5, 7}}, y);
        float[] spec = Rand.toFloat(new Rand(23).normal(2 * 4 * 3 * 2, 1));
        GradCheck.tape("irfft n=6", backend, in -> FftGrad.irfft(in[0], 6, 1), 1e-2, 1e-2f,
                new int[][] {{2, 4, 3, 2}}, spec);
        GradCheck.tape("irfft n=7", backend, in -> FftGrad.irfft(in[0], 7, -2), 1e-2, 1e-2f,
                new int[][] {{2, 4, 3, 2}}, spec);
        float[] a = Rand.toFloat(new Rand(24).normal(2 * 3 * 2 * 2, 1));
        float[] w = Rand.toFloat(new Rand(25).normal(3 * 2 * 2, 1));
        GradCheck.tape("complexMul", backend, in -> FftGrad.complexMul(in[0], in[1]), 1e-2, 1e-2f,
                new int[][] {{2, 3, 2, 2}, {3, 2, 2}}, a, w);
        float[] signal = Rand.toFloat(new Rand(26).normal(2 * 8 * 3, 1));
        float[] filter = Rand.toFloat(new Rand(27).normal(5 * 3 * 2, 1));
        GradCheck.tape("spectralFilter", backend, in -> FftGrad.spectralFilter(in[0], in[1]), 1e-2, 1e-2f,
                new int[][] {{2, 8, 3}, {5, 3, 2}}, signal, filter);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.echorec.runtime.testing.Backends#cpuKernels")
    void tapeGradientOfASquareAddsBothContributions(Backend backend) {
        assumeTrue(supportsAxpy(backend), "the tape adds a second gradient contribution with axpy, which "
                + backend.describe() + " does not implement yet");
        float[] w = Rand.toFloat(new Rand(28).normal(3 * 2 * 2, 1));
        GradCheck.tape("complexMul of a weight by itself", backend, in -> FftGrad.complexMul(in[0], in[0]), 1e-2,
                1e-2f, new int[][] {{3, 2, 2}}, w);
    }

    private static boolean supportsAxpy(Backend backend) {
        try (Scope s = Scope.open()) {
            backend.ops().axpy(1f, Tensor.zeros(backend, 4), Tensor.zeros(backend, 4));
            return true;
        } catch (UnsupportedOperationException e) {
            return false;
        }
    }

    // ------------------------------------------------------------------ helpers

    @FunctionalInterface
    private interface Call {
        void run(Ops ops, Tensor in, Tensor out);
    }

    /** Runs a primitive from the signal (or, when {@code fromSpectrum}, the spectrum) of case c. */
    private static float[] run(Backend backend, Case c, double[] input, boolean fromSpectrum, Call call) {
        try (Scope s = Scope.open()) {
            int[] inShape = fromSpectrum ? c.spectrum() : c.shape();
            int[] outShape = fromSpectrum ? c.shape() : c.spectrum();
            Tensor in = Tensor.of(backend, Rand.toFloat(input), inShape);
            Tensor out = Tensor.full(backend, Float.NaN, outShape);
            call.run(backend.ops(), in, out);
            return out.toFloatArray();
        }
    }

    private static void assertSpectrum(Backend backend, double[] x, double[] expected) {
        Case c = new Case(new int[] {x.length}, 0);
        float[] got = run(backend, c, x, false, (ops, in, out) -> ops.rfft(in, 0, out));
        Near.assertClose("rfft " + Arrays.toString(x), expected, got, 0, 1e-6 * Math.max(1, Near.maxAbs(expected)));
    }

    private static void assertSignal(Backend backend, double[] spec, int n, double[] expected) {
        Case c = new Case(new int[] {n}, 0);
        float[] got = run(backend, c, spec, true, (ops, in, out) -> ops.irfft(in, 0, out));
        Near.assertClose("irfft " + Arrays.toString(spec), expected, got, 0, 1e-6);
    }
}

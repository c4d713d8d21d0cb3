package org.echorec.runtime.op.scan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.echorec.runtime.backend.Backend;
import org.echorec.runtime.op.view.ViewGrad;
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
 * Plain and SIMD selective scan against {@link SelectiveScanRef}; the reference backward against
 * finite differences; {@link ScanGrad} through the tape.
 *
 * <p>Tolerances. Every float result is a sum of products along a chain of at most L steps of the
 * recurrence and N states (the error of exp is a few ulps), then, for the gradients, a sum over the
 * {@code terms} of the outer reduction (D channels for dB and dC, B·L steps for dA, dD and dBias).
 * A result is allowed {@code 32·2⁻²⁴·(L + N + terms)} times the largest magnitude of its expected
 * values: an index or formula error is of the order of that magnitude itself.
 */
@Tag("kernel")
class SelectiveScanTest {
    private static final double EPS = 0x1p-24;

    /** Options of one case: which of d, deltaBias, softplus are used. */
    private record Options(boolean skip, boolean bias, boolean softplus) {
        static Options of(int bits) {
            return new Options((bits & 1) != 0, (bits & 2) != 0, (bits & 4) != 0);
        }

        @Override
        public String toString() {
            return (skip ? "D" : "noD") + (bias ? "+bias" : "") + (softplus ? "+softplus" : "");
        }
    }

    static SelectiveScanRef.Problem problem(int batch, int length, int channels, int n, Options o, long seed) {
        Rand r = new Rand(seed);
        int x = batch * length * channels;
        int bn = batch * length * n;
        double[] u = r.normal(x, 1);
        // without softplus Δ = delta + bias is used as is, so keep it positive like a real step size
        double[] delta = o.softplus ? r.uniform(x, -3, 1) : r.uniform(x, 0.05, 1);
        double[] a = negate(r.uniform(channels * n, 0.05, 3));
        double[] b = r.normal(bn, 1);
        double[] c = r.normal(bn, 1);
        double[] d = o.skip ? r.normal(channels, 1) : null;
        double[] bias = o.bias ? r.uniform(channels, o.softplus ? -1 : 0, 0.5) : null;
        return new SelectiveScanRef.Problem(batch, length, channels, n, u, delta, a, b, c, d, bias, o.softplus);
    }

    private static double[] negate(double[] v) {
        for (int i = 0; i < v.length; i++) {
            v[i] = -v[i];
        }
        return v;
    }

    private static int[] chunkCounts(int length) {
        return length == 1 ? new int[] {1, 2, 4} : new int[] {1, 2, 4, length, length + 2};
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.echorec.runtime.testing.Backends#cpuKernels")
    void matchesReferenceOnAwkwardSizes(Backend backend) {
        int lanes = Backends.lanes();
        int[] channelCounts = {1, lanes - 1, lanes, lanes + 1, 2 * lanes + 3};
        int option = 0;
        for (int channels : channelCounts) {
            for (int n : new int[] {1, 3, 16, 32}) {
                for (int length : new int[] {1, 7, 50}) {
                    for (int chunks : chunkCounts(length)) {
                        Options o = Options.of(option++);
                        check(backend, problem(2, length, channels, n, o, option), chunks,
                                "D=" + channels + " N=" + n + " L=" + length + " S=" + chunks + " " + o);
                    }
                }
            }
        }
        // the large odd size of Backends.awkwardSizes(): many channel blocks and a tail
        int wide = Backends.awkwardSizes()[5];
        check(backend, problem(1, 7, wide, 3, Options.of(7), 1), 2, "D=" + wide + " N=3 L=7 S=2");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.echorec.runtime.testing.Backends#cpuKernels")
    void matchesReferenceOnEveryThread(Backend backend) {
        // 41 channels leave a tail at every width; 4 rows × 41 × 64 steps × 16 states exceed twice the
        // kernels' grain at every width, so the forward and the backward split over two threads
        for (int bits = 0; bits < 8; bits += 7) {
            Options o = Options.of(bits);
            check(backend, problem(4, 64, 41, 16, o, 99 + bits), 3, "large " + o);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.echorec.runtime.testing.Backends#cpuKernels")
    void decayIsExpToFloatAccuracy(Backend backend) {
        // y_1 of twoStepScan is exp(A[d]) exactly, for A across the float exponent range. Allowed: 4 ulps
        // plus |A| ulps, the rounding of the argument itself
        // (the SIMD kernel rounds A·log2 e, the plain one nothing; exp amplifies either by |A|).
        // half the channels sweep [-4, 4] densely (where the polynomial's error shows), half [-87, 87]
        int channels = Backends.awkwardSizes()[5];
        int half = channels / 2;
        double[] a = new double[channels];
        for (int ch = 0; ch < channels; ch++) {
            a[ch] = ch < half ? (float) (-4 + 8.0 * ch / (half - 1)) : (float) (-87 + 174.0 * (ch - half) / (channels - half - 1));
        }
        float[] got = twoStepScan(backend, a);
        for (int ch = 0; ch < channels; ch++) {
            double want = Math.exp(a[ch]);
            // below 2⁻⁶⁴ the SIMD kernel's decay is 0, the state wiped (SelectiveScanSimd, "Note: denormals")
            double tol = want < 0x1p-64 ? want : (4 + Math.abs(a[ch])) * EPS * want;
            Near.assertClose("exp(" + a[ch] + ")", new double[] {0, want},
                    new float[] {got[ch], got[channels + ch]}, 0, tol);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.echorec.runtime.testing.Backends#cpuKernels")
    void softplusOfDeltaIsAccurateAcrossItsRange(Backend backend) {
        // one step with u = b = c = 1 and no skip: y = Δ = softplus(delta) (z itself above 20). Allowed:
        // 4 ulps plus 2|z| ulps: the SIMD kernel's exp rounds z·log2 e and log2 e itself, |z| and |z|/2
        // ulps at most (see its "Note: softplus")
        int channels = Backends.awkwardSizes()[5];
        double[] z = new double[channels];
        for (int ch = 0; ch < channels; ch++) {
            z[ch] = (float) (-40 + 70.0 * ch / (channels - 1));
        }
        double[] ones = new double[channels];
        java.util.Arrays.fill(ones, 1);
        try (Scope s = Scope.open()) {
            Tensor y = Tensor.empty(backend, 1, 1, channels);
            backend.ops().selectiveScan(tensor(backend, ones, 1, 1, channels), tensor(backend, z, 1, 1, channels),
                    tensor(backend, new double[channels], channels, 1), tensor(backend, new double[] {1}, 1, 1, 1),
                    tensor(backend, new double[] {1}, 1, 1, 1), null, null, true, null, y,
                    Tensor.empty(backend, 1, 1, channels, 1));
            float[] got = y.toFloatArray();
            for (int ch = 0; ch < channels; ch++) {
                double want = z[ch] > 20 ? z[ch] : Math.log1p(Math.exp(z[ch]));
                Near.assertClose("softplus(" + z[ch] + ")", new double[] {want}, new float[] {got[ch]}, 0,
                        (4 + 2 * Math.abs(z[ch])) * EPS * want);
            }
        }
    }

    /**
     * y [1, 2, D] of two steps with Δ = 1, u = (1, 0), b_0 = 1, c = (0, 1) and A [D, 1]: y_0 = 0 and
     * y_1 = exp(A[d]) exactly.
     */
    private static float[] twoStepScan(Backend backend, double[] a) {
        int channels = a.length;
        double[] u = new double[2 * channels];
        java.util.Arrays.fill(u, 0, channels, 1);
        double[] delta = new double[2 * channels];
        java.util.Arrays.fill(delta, 1);
        try (Scope s = Scope.open()) {
            Tensor y = Tensor.empty(backend, 1, 2, channels);
            backend.ops().selectiveScan(tensor(backend, u, 1, 2, channels), tensor(backend, delta, 1, 2, channels),
                    tensor(backend, a, channels, 1), tensor(backend, new double[] {1, 0}, 1, 2, 1),
                    tensor(backend, new double[] {0, 1}, 1, 2, 1), null, null, false, null, y,
                    Tensor.empty(backend, 1, 1, channels, 1));
            return y.toFloatArray();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.echorec.runtime.testing.Backends#cpuKernels")
    void decayBelowTheFloatRangeIsAtMostTheSmallestNormal(Backend backend) {
        // as decayIsExpToFloatAccuracy, with exp(A) below the normal floats: the SIMD kernel clamps the
        // argument and gives 0 (decays below 2⁻⁶⁴ wipe the state), the plain one rounds to a denormal or
        // 0; a wrong clamp gives garbage
        double[] below = {-88, -100, -200, -1e4, -1e30};
        int channels = Backends.awkwardSizes()[4]; // two channel blocks and a tail
        double[] a = new double[channels];
        for (int ch = 0; ch < channels; ch++) {
            a[ch] = below[ch % below.length];
        }
        float[] got = twoStepScan(backend, a);
        for (int ch = 0; ch < channels; ch++) {
            float decay = got[channels + ch];
            assertTrue(decay >= 0 && decay <= Float.MIN_NORMAL, "exp(" + a[ch] + ") gave " + decay + " at channel " + ch);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.echorec.runtime.testing.Backends#cpuKernels")
    void backwardIsDeterministic(Backend backend) {
        SelectiveScanRef.Problem p = problem(5, 40, 2 * Backends.lanes() + 3, 8, Options.of(7), 5);
        try (Scope s = Scope.open()) {
            Tensor[] first = run(backend, p, 3, new Rand(1).normal(p.u().length, 1));
            Tensor[] second = run(backend, p, 3, new Rand(1).normal(p.u().length, 1));
            for (int i = 0; i < first.length; i++) {
                assertArrayEquals(first[i].toFloatArray(), second[i].toFloatArray(), "output " + i + " differs");
            }
        }
    }

    /** Forward (y, states) and backward (all seven gradients) of one problem vs the reference. */
    private static void check(Backend backend, SelectiveScanRef.Problem p, int chunks, String what) {
        double[] dy = new Rand(p.length() * 31L + p.n()).normal(p.u().length, 1);
        SelectiveScanRef.Output want = SelectiveScanRef.forward(p, chunks);
        SelectiveScanRef.Gradients wantGrad = SelectiveScanRef.backward(p, dy);
        try (Scope s = Scope.open()) {
            Tensor[] got = run(backend, p, chunks, dy);
            int chain = p.length() + p.n();
            assertNear(what + " y", want.y(), got[0], chain);
            assertNear(what + " states", want.states(), got[1], chain);
            String[] names = {"du", "ddelta", "da", "db", "dc", "dd", "ddeltaBias"};
            int[] terms = {1, 1, p.batch() * p.length(), p.channels(), p.channels(), p.batch() * p.length(),
                    p.batch() * p.length()};
            double[][] expected = wantGrad.all();
            for (int k = 0; k < names.length; k++) {
                if (expected[k] != null) {
                    assertNear(what + " " + names[k], expected[k], got[2 + k], chain + terms[k]);
                }
            }
        }
    }

    private static void assertNear(String what, double[] expected, Tensor actual, int work) {
        double tol = 32 * EPS * work * Math.max(Near.maxAbs(expected), 1e-30);
        Near.assertClose(what, expected, actual.toFloatArray(), 0, tol);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.echorec.runtime.testing.Backends#cpuKernels")
    void rowLengthsStopTheScanAndMatchTheFullScanBefore(Backend backend) {
        // rows of every length kind: full, empty, one step, and ends inside and at chunk boundaries
        int[] lengths = {13, 0, 1, 7, 12, 4};
        int len = 13;
        int channels = Backends.lanes() + 3;
        for (int chunks : new int[] {1, 2, 4}) {
            for (int bits = 0; bits < 8; bits += 7) {
                Options o = Options.of(bits);
                SelectiveScanRef.Problem p = problem(lengths.length, len, channels, 8, o, 300 + chunks + bits);
                double[] dy = new Rand(301 + chunks).normal(p.u().length, 1);
                // the full scan with no gradient after each row's end is what the stopped scan must give
                double[] dyBefore = dy.clone();
                for (int b = 0; b < lengths.length; b++) {
                    java.util.Arrays.fill(dyBefore, (b * len + lengths[b]) * channels, (b + 1) * len * channels, 0);
                }
                String what = "S=" + chunks + " " + o;
                try (Scope s = Scope.open()) {
                    Tensor[] full = run(backend, p, chunks, dyBefore, null);
                    Tensor[] stopped = run(backend, p, chunks, dy, lengths);
                    float[] y = full[0].toFloatArray();
                    for (int b = 0; b < lengths.length; b++) {
                        java.util.Arrays.fill(y, (b * len + lengths[b]) * channels, (b + 1) * len * channels, 0f);
                    }
                    // not bit for bit: the softplus uses the JDK's vector exp and log1p, which differ by an
                    // ulp between compiler tiers, and the forward may be recompiled between the two runs
                    Near.assertClose("y " + what, Rand.toDouble(y), stopped[0].toFloatArray(), 0,
                            1e-6 * Near.maxAbs(Rand.toDouble(y)));
                    String[] names = {"du", "ddelta", "da", "db", "dc", "dd", "ddeltaBias"};
                    for (int k = 2; k < full.length; k++) {
                        if (full[k] != null) {
                            float[] want = full[k].toFloatArray();
                            // the same sums, the stopped scan without the exact zeros the full one adds
                            Near.assertClose(names[k - 2] + " " + what, Rand.toDouble(want),
                                    stopped[k].toFloatArray(), 0, 1e-6 * Near.maxAbs(Rand.toDouble(want)));
                        }
                    }
                }
            }
        }
    }

    private static Tensor[] run(Backend backend, SelectiveScanRef.Problem p, int chunks, double[] dy) {
        return run(backend, p, chunks, dy, null);
    }

    /**
     * Runs forward and backward on the backend, rows stopped at {@code lengths} (null: all steps): y,
     * states, then du, ddelta, da, db, dc, dd, ddeltaBias.
     */
    private static Tensor[] run(Backend backend, SelectiveScanRef.Problem p, int chunks, double[] dy, int[] lengths) {
        int bs = p.batch(), len = p.length(), ds = p.channels(), n = p.n();
        Tensor u = tensor(backend, p.u(), bs, len, ds);
        Tensor delta = tensor(backend, p.delta(), bs, len, ds);
        Tensor a = tensor(backend, p.a(), ds, n);
        Tensor b = tensor(backend, p.b(), bs, len, n);
        Tensor c = tensor(backend, p.c(), bs, len, n);
        Tensor d = p.d() == null ? null : tensor(backend, p.d(), ds);
        Tensor bias = p.bias() == null ? null : tensor(backend, p.bias(), ds);
        Tensor y = Tensor.full(backend, Float.NaN, bs, len, ds);
        Tensor states = Tensor.full(backend, Float.NaN, bs, chunks, ds, n);
        Tensor rows = lengths == null ? null : Tensor.ofInts(backend, lengths, bs);
        backend.ops().selectiveScan(u, delta, a, b, c, d, bias, p.softplus(), rows, y, states);
        // outputs start as NaN: a gradient that is not overwritten everywhere shows up
        Tensor du = Tensor.full(backend, Float.NaN, bs, len, ds);
        Tensor ddelta = Tensor.full(backend, Float.NaN, bs, len, ds);
        Tensor da = Tensor.full(backend, Float.NaN, ds, n);
        Tensor db = Tensor.full(backend, Float.NaN, bs, len, n);
        Tensor dc = Tensor.full(backend, Float.NaN, bs, len, n);
        Tensor dd = d == null ? null : Tensor.full(backend, Float.NaN, ds);
        Tensor dbias = bias == null ? null : Tensor.full(backend, Float.NaN, ds);
        backend.ops().selectiveScanBackward(u, delta, a, b, c, d, bias, p.softplus(), rows, states,
                tensor(backend, dy, bs, len, ds), du, ddelta, da, db, dc, dd, dbias);
        return new Tensor[] {y, states, du, ddelta, da, db, dc, dd, dbias};
    }

    private static Tensor tensor(Backend backend, double[] values, int... shape) {
        return Tensor.of(backend, Rand.toFloat(values), shape);
    }

    @Test
    void referenceBackwardMatchesFiniteDifferences() {
        for (int bits = 0; bits < 8; bits++) {
            Options o = Options.of(bits);
            SelectiveScanRef.Problem p = problem(2, 6, 3, 4, o, 40 + bits);
            double[] w = new Rand(41 + bits).normal(p.u().length, 1);
            // absent operands (d, bias) are passed as empty arrays: nothing to perturb, no gradient
            double[][] inputs = p.operands();
            double[][] analytic = SelectiveScanRef.backward(p, w).all();
            for (int k = 0; k < inputs.length; k++) {
                if (inputs[k] == null) {
                    inputs[k] = new double[0];
                    analytic[k] = new double[0];
                }
            }
            GradCheck.reference("selective scan " + o,
                    in -> SelectiveScanRef.forward(p.with(absentAsNull(in)), 1).y(), inputs, w, analytic, 1e-6);
        }
    }

    private static double[][] absentAsNull(double[][] in) {
        double[][] out = in.clone();
        for (int k = 5; k < out.length; k++) {
            if (out[k].length == 0) {
                out[k] = null;
            }
        }
        return out;
    }

    @Test
    void referenceStatesAreTheStatesAtChunkEnds() {
        // the last chunk state is the final state, whatever S (empty trailing chunks included)
        SelectiveScanRef.Problem p = problem(1, 7, 2, 3, Options.of(7), 3);
        double[] last = SelectiveScanRef.forward(p, 1).states();
        for (int chunks : new int[] {2, 4, 6, 7, 9}) {
            double[] states = SelectiveScanRef.forward(p, chunks).states();
            double[] tail = java.util.Arrays.copyOfRange(states, (chunks - 1) * 6, chunks * 6);
            Near.assertClose("final state with S=" + chunks, last, tail, 0, 0);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.echorec.runtime.testing.Backends#cpuKernels")
    void tapeGradientMatchesDifferences(Backend backend) {
        // u, delta, B, C arrive as column slices of one projection, as in a Mamba block
        tapeCheck(backend, 2, 5, 3, 4, true, true);
        tapeCheck(backend, 1, ScanGrad.CHUNK + 6, 2, 3, false, false); // two chunks, no D, no bias
    }

    private static void tapeCheck(Backend backend, int bs, int len, int ds, int n, boolean optional, boolean softplus) {
        Options o = new Options(optional, optional, softplus);
        SelectiveScanRef.Problem p = problem(bs, len, ds, n, o, 77 + len);
        int width = 2 * ds + 2 * n;
        float[] proj = new float[bs * len * width];
        for (int row = 0; row < bs * len; row++) {
            for (int j = 0; j < ds; j++) {
                proj[row * width + j] = (float) p.u()[row * ds + j];
                proj[row * width + ds + j] = (float) p.delta()[row * ds + j];
            }
            for (int j = 0; j < n; j++) {
                proj[row * width + 2 * ds + j] = (float) p.b()[row * n + j];
                proj[row * width + 2 * ds + n + j] = (float) p.c()[row * n + j];
            }
        }
        List<float[]> values = new ArrayList<>(List.of(proj, Rand.toFloat(p.a())));
        List<int[]> shapes = new ArrayList<>(List.of(new int[] {bs, len, width}, new int[] {ds, n}));
        if (optional) {
            values.add(Rand.toFloat(p.d()));
            values.add(Rand.toFloat(p.bias()));
            shapes.add(new int[] {ds});
            shapes.add(new int[] {ds});
        }
        GradCheck.tape("scan through the tape " + o + " L=" + len, backend, in -> {
            Tensor x = in[0];
            return ScanGrad.selectiveScan(ViewGrad.narrow(x, 2, 0, ds), ViewGrad.narrow(x, 2, ds, ds), in[1],
                    ViewGrad.narrow(x, 2, 2 * ds, n), ViewGrad.narrow(x, 2, 2 * ds + n, n),
                    optional ? in[2] : null, optional ? in[3] : null, softplus);
        }, 1e-2, 1e-2f, shapes.toArray(new int[0][]), values.toArray(new float[0][]));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.echorec.runtime.testing.Backends#cpuKernels")
    void tapeGradientWhenBAndCAreOneTensor(Backend backend) {
        SelectiveScanRef.Problem p = problem(1, 9, 3, 2, Options.of(7), 8);
        GradCheck.tape("scan with b = c", backend,
                in -> ScanGrad.selectiveScan(in[0], in[1], in[2], in[3], in[3], in[4], in[5], true), 1e-2, 1e-2f,
                new int[][] {{1, 9, 3}, {1, 9, 3}, {3, 2}, {1, 9, 2}, {3}, {3}},
                Rand.toFloat(p.u()), Rand.toFloat(p.delta()), Rand.toFloat(p.a()), Rand.toFloat(p.b()),
                Rand.toFloat(p.d()), Rand.toFloat(p.bias()));
    }
}

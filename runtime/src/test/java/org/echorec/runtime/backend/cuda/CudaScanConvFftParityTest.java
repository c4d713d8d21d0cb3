package org.echorec.runtime.backend.cuda;

import static org.echorec.runtime.backend.cuda.Parity.REDUCTION;
import static org.echorec.runtime.backend.cuda.Parity.check;
import static org.echorec.runtime.backend.cuda.Parity.empty;
import static org.echorec.runtime.backend.cuda.Parity.ints;
import static org.echorec.runtime.backend.cuda.Parity.normal;
import static org.echorec.runtime.backend.cuda.Parity.numel;
import static org.echorec.runtime.backend.cuda.Parity.of;
import static org.echorec.runtime.backend.cuda.Parity.uniform;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import org.echorec.runtime.backend.Backend;
import org.echorec.runtime.op.CheckedOps;
import org.echorec.runtime.tensor.Scope;
import org.echorec.runtime.tensor.Tensor;
import org.echorec.runtime.testing.Rand;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The selective scan, the causal convolution, the real FFTs and the complex product on CUDA against the
 * plain CPU kernels, forward and backward (see {@link CudaParityTest}). The scan runs every kernel variant
 * (N = 5, 16, 32, 64), L = 50 and 200 with the chunk counts training uses (ceil(L/64)) and awkward ones,
 * per-row lengths from 0 to L, with and without d, deltaBias and softplus.
 */
@Tag("gpu")
class CudaScanConvFftParityTest {

    @BeforeEach
    void needsGpu() {
        String reason = CudaBackend.unavailableReason();
        assumeTrue(reason == null, () -> "skipped: " + reason);
    }

    @Test
    void selectiveScanForwardAndBackward() {
        int[][] cases = { // {B, L, D, N, S}
                {3, 50, 67, 16, 1}, {3, 50, 67, 32, 7}, {2, 200, 130, 16, 4}, {2, 200, 64, 32, 4},
                {4, 200, 33, 32, 1}, {2, 50, 40, 5, 60}, {2, 50, 33, 64, 1}};
        for (int[] c : cases) {
            for (boolean full : new boolean[] {true, false}) {
                scan(c, full, !full);
            }
        }
    }

    private static void scan(int[] c, boolean withOptional, boolean withLengths) {
        int bt = c[0], len = c[1], dim = c[2], n = c[3], s = c[4];
        long seed = Arrays.hashCode(c) + (withOptional ? 1 : 0);
        float[] u = normal(seed, bt * len * dim, 1);
        // without softplus Δ is delta + bias itself: keep it positive, or exp(Δ·a) > 1 grows without bound
        float[] delta = withOptional ? uniform(seed + 1, bt * len * dim, -3, 1) : uniform(seed + 1, bt * len * dim, 0.01, 1);
        float[] a = uniform(seed + 2, dim * n, -4, -0.5);
        float[] bb = normal(seed + 3, bt * len * n, 1);
        float[] cc = normal(seed + 4, bt * len * n, 1);
        float[] d = uniform(seed + 5, dim, -1, 1);
        float[] bias = uniform(seed + 6, dim, -1, 0.5);
        float[] dy = normal(seed + 7, bt * len * dim, 1);
        int[] lengths = new Rand(seed + 8).ints(bt, 0, len + 1);
        lengths[0] = len;
        if (bt > 2) {
            lengths[1] = 0;
        }
        String what = "selectiveScan B L D N S " + Arrays.toString(c) + (withOptional ? " with d, deltaBias, softplus" : "")
                + (withLengths ? " lengths " + Arrays.toString(lengths) : "");
        check(what, REDUCTION, be -> {
            Tensor tu = of(be, u, bt, len, dim), tdelta = of(be, delta, bt, len, dim), ta = of(be, a, dim, n);
            Tensor tb = of(be, bb, bt, len, n), tc = of(be, cc, bt, len, n);
            Tensor td = withOptional ? of(be, d, dim) : null, tbias = withOptional ? of(be, bias, dim) : null;
            Tensor tl = withLengths ? ints(be, lengths, bt) : null;
            Tensor y = empty(be, bt, len, dim), states = empty(be, bt, s, dim, n);
            be.ops().selectiveScan(tu, tdelta, ta, tb, tc, td, tbias, withOptional, tl, y, states);
            Tensor du = empty(be, bt, len, dim), ddelta = empty(be, bt, len, dim), da = empty(be, dim, n);
            Tensor db = empty(be, bt, len, n), dc = empty(be, bt, len, n);
            Tensor dd = withOptional ? empty(be, dim) : null, dbias = withOptional ? empty(be, dim) : null;
            be.ops().selectiveScanBackward(tu, tdelta, ta, tb, tc, td, tbias, withOptional, tl, states,
                    of(be, dy, bt, len, dim), du, ddelta, da, db, dc, dd, dbias);
            return new Tensor[] {y, states, du, ddelta, da, db, dc, dd, dbias};
        });
    }

    @Test
    void scanBeyondTheKernelsFailsNamingOpShapeAndBackend() {
        try (Scope s = Scope.open()) {
            Backend b = Parity.cuda();
            int n = 65;
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.ops().selectiveScan(
                    empty(b, 1, 2, 3), empty(b, 1, 2, 3), empty(b, 3, n), empty(b, 1, 2, n), empty(b, 1, 2, n), null,
                    null, false, null, empty(b, 1, 2, 3), empty(b, 1, 1, 3, n)));
            assertTrue(e.getMessage().contains("selectiveScan on cuda") && e.getMessage().contains("65"), e.getMessage());
        }
    }

    @Test
    void causalConv1dForwardAndBackward() {
        int[][] cases = {{3, 50, 67, 4}, {2, 33, 5, 1}, {2, 20, 40, 9}, {64, 200, 32, 4}}; // {B, L, C, K}
        for (int[] c : cases) {
            for (boolean withBias : new boolean[] {true, false}) {
                int bt = c[0], len = c[1], ch = c[2], k = c[3];
                float[] x = normal(30, bt * len * ch, 1), w = uniform(31, ch * k, -1, 1), bias = uniform(32, ch, -1, 1);
                float[] dy = normal(33, bt * len * ch, 1);
                check("causalConv1d B L C K " + Arrays.toString(c) + (withBias ? " with bias" : ""), REDUCTION, b -> {
                    Tensor tx = of(b, x, bt, len, ch), tw = of(b, w, ch, k);
                    Tensor y = empty(b, bt, len, ch);
                    b.ops().causalConv1d(tx, tw, withBias ? of(b, bias, ch) : null, y);
                    Tensor dx = empty(b, bt, len, ch), dw = empty(b, ch, k), dbias = withBias ? empty(b, ch) : null;
                    b.ops().causalConv1dBackward(tx, tw, of(b, dy, bt, len, ch), dx, dw, dbias);
                    Tensor dwOnly = empty(b, ch, k);
                    b.ops().causalConv1dBackward(tx, tw, of(b, dy, bt, len, ch), null, dwOnly, null);
                    return new Tensor[] {y, dx, dw, dbias, dwOnly};
                });
            }
        }
    }

    @Test
    void realFftsAndTheirGradients() {
        int[][][] cases = { // {shape, axis}
                {{3, 1, 5}, {1}}, {{3, 2, 5}, {1}}, {{3, 7, 5}, {1}}, {{3, 16, 5}, {1}}, {{3, 50, 5}, {1}},
                {{3, 201, 5}, {1}}, {{4, 33}, {1}}, {{4, 50}, {1}}, {{33, 4}, {0}}, {{2, 50, 3, 64}, {1}},
                {{64, 200, 64}, {1}}};
        for (int[][] c : cases) {
            int[] shape = c[0];
            int axis = c[1][0];
            int[] spec = CheckedOps.spectrumShape(shape, axis);
            float[] x = normal(40, numel(shape), 1);
            float[] z = normal(41, numel(spec), 1);
            check("rfft, irfft and gradients of " + Arrays.toString(shape) + " axis " + axis, REDUCTION, b -> {
                Tensor out = empty(b, spec);
                b.ops().rfft(of(b, x, shape), axis, out);
                Tensor back = empty(b, shape);
                b.ops().irfft(of(b, z, spec), axis, back);
                Tensor dx = empty(b, shape);
                b.ops().rfftBackward(of(b, z, spec), axis, dx);
                Tensor dspec = empty(b, spec);
                b.ops().irfftBackward(of(b, x, shape), axis, dspec);
                return new Tensor[] {out, back, dx, dspec};
            });
        }
    }

    @Test
    void complexMulForwardAndBackward() {
        int[][] cases = {{3, 26, 67}, {3000, 3, 4}, {1, 1, 1}}; // {leading, F, C}
        for (int[] c : cases) {
            int lead = c[0], f = c[1], ch = c[2];
            float[] a = normal(50, lead * f * ch * 2, 1), w = normal(51, f * ch * 2, 1), dout = normal(52, lead * f * ch * 2, 1);
            check("complexMul a [" + lead + ", " + f + ", " + ch + ", 2]", REDUCTION, b -> {
                Tensor ta = of(b, a, lead, f, ch, 2), tw = of(b, w, f, ch, 2);
                Tensor out = empty(b, lead, f, ch, 2);
                b.ops().complexMul(ta, tw, out);
                Tensor da = empty(b, lead, f, ch, 2), dw = empty(b, f, ch, 2);
                b.ops().complexMulBackward(ta, tw, of(b, dout, lead, f, ch, 2), da, dw);
                return new Tensor[] {out, da, dw};
            });
        }
    }
}

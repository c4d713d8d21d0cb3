package org.echorec.runtime.op.conv;

import java.util.ArrayList;
import java.util.List;
import org.echorec.runtime.backend.Backend;
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
import org.junit.jupiter.params.provider.MethodSource;

@Tag("kernel")
class ConvTest {
    /** A length-K dot product per output: error grows with K, values are O(1). */
    private static final double RTOL = 1e-5;
    private static final double ATOL = 1e-5;

    static List<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        int[] channels = Backends.awkwardSizes();
        for (Named<Backend> backend : Backends.cpuKernels()) {
            for (int c : channels) {
                if (c > 300) {
                    continue;
                }
                out.add(Arguments.of(backend, 2, 7, c, 4, true));
                out.add(Arguments.of(backend, 3, 2, c, 4, false)); // shorter than the kernel
            }
            out.add(Arguments.of(backend, 1, 1, 5, 1, true));
            out.add(Arguments.of(backend, 9, 50, 128, 4, true)); // a Mamba shape, both threads
            out.add(Arguments.of(backend, 2, 13, 33, 3, true));
        }
        return out;
    }

    @ParameterizedTest(name = "{0} B={1} L={2} C={3} K={4} bias={5}")
    @MethodSource("cases")
    void forwardAndBackwardMatchReference(Backend backend, int batch, int length, int channels, int kernel, boolean withBias) {
        Rand r = new Rand(31L * channels + length);
        double[] x = r.normal(batch * length * channels, 1);
        double[] w = r.normal(channels * kernel, 0.5);
        double[] bias = withBias ? r.normal(channels, 0.5) : null;
        double[] dy = r.normal(x.length, 1);
        double[] y = ConvRef.forward(x, w, bias, batch, length, channels, kernel);
        double[][] grads = ConvRef.backward(x, w, dy, batch, length, channels, kernel);
        try (Scope s = Scope.open()) {
            Tensor tx = Tensor.of(backend, Rand.toFloat(x), batch, length, channels);
            Tensor tw = Tensor.of(backend, Rand.toFloat(w), channels, kernel);
            Tensor tb = withBias ? Tensor.of(backend, Rand.toFloat(bias), channels) : null;
            Tensor ty = Tensor.emptyLike(tx);
            backend.ops().causalConv1d(tx, tw, tb, ty);
            Near.assertClose("conv forward", y, ty.toFloatArray(), RTOL, ATOL);

            Tensor tdy = Tensor.of(backend, Rand.toFloat(dy), batch, length, channels);
            Tensor dx = Tensor.emptyLike(tx);
            Tensor dw = Tensor.emptyLike(tw);
            Tensor db = Tensor.zeros(backend, channels);
            backend.ops().causalConv1dBackward(tx, tw, tdy, dx, dw, db);
            Near.assertClose("conv dx", grads[0], dx.toFloatArray(), RTOL, ATOL);
            // dw and dbias sum B·L terms
            double sumTol = ATOL * Math.sqrt(batch * length);
            Near.assertClose("conv dw", grads[1], dw.toFloatArray(), RTOL, sumTol);
            Near.assertClose("conv dbias", grads[2], db.toFloatArray(), RTOL, sumTol);

            Tensor onlyDx = Tensor.emptyLike(tx);
            backend.ops().causalConv1dBackward(tx, tw, tdy, onlyDx, null, null);
            Near.assertClose("conv dx alone", grads[0], onlyDx.toFloatArray(), RTOL, ATOL);
        }
    }

    @Test
    void referenceBackwardMatchesFiniteDifferences() {
        int batch = 2;
        int length = 5;
        int channels = 3;
        int kernel = 4;
        Rand r = new Rand(5);
        double[][] in = {r.normal(batch * length * channels, 1), r.normal(channels * kernel, 1), r.normal(channels, 1)};
        double[] w = r.normal(batch * length * channels, 1);
        double[][] analytic = ConvRef.backward(in[0], in[1], w, batch, length, channels, kernel);
        GradCheck.reference("conv", v -> ConvRef.forward(v[0], v[1], v[2], batch, length, channels, kernel),
                in, w, analytic, 1e-7);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.echorec.runtime.testing.Backends#cpuKernels")
    void tapeGradientMatchesDifferences(Backend backend) {
        Rand r = new Rand(8);
        int[][] shapes = {{2, 6, 5}, {5, 4}, {5}};
        GradCheck.tape("conv tape", backend, in -> ConvGrad.causalConv1d(in[0], in[1], in[2]), 1e-2, 1e-2f, shapes,
                Rand.toFloat(r.normal(60, 1)), Rand.toFloat(r.normal(20, 0.5)), Rand.toFloat(r.normal(5, 0.5)));
    }
}

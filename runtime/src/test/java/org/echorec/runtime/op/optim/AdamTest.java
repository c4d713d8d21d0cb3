package org.echorec.runtime.op.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.echorec.runtime.backend.Backend;
import org.echorec.runtime.op.AdamStep;
import org.echorec.runtime.optim.Adam;
import org.echorec.runtime.tensor.Scope;
import org.echorec.runtime.tensor.Tensor;
import org.echorec.runtime.testing.Backends;
import org.echorec.runtime.testing.Near;
import org.echorec.runtime.testing.Rand;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@Tag("kernel")
class AdamTest {

    /** The reference: PyTorch's Adam/AdamW step, in double. Returns {p, m, v}. */
    static double[][] reference(double[] p, double[] g, double[] m, double[] v, AdamStep s) {
        double[] np = new double[p.length];
        double[] nm = new double[p.length];
        double[] nv = new double[p.length];
        double bc1 = 1 - Math.pow(s.beta1(), s.step());
        double bc2 = 1 - Math.pow(s.beta2(), s.step());
        for (int i = 0; i < p.length; i++) {
            double param = p[i];
            double grad = g[i];
            if (s.decoupled()) {
                param *= 1 - s.lr() * s.weightDecay();
            } else {
                grad += s.weightDecay() * p[i];
            }
            nm[i] = s.beta1() * m[i] + (1 - s.beta1()) * grad;
            nv[i] = s.beta2() * v[i] + (1 - s.beta2()) * grad * grad;
            double denom = Math.sqrt(nv[i]) / Math.sqrt(bc2) + s.eps();
            np[i] = param - s.lr() / bc1 * nm[i] / denom;
        }
        return new double[][] {np, nm, nv};
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.echorec.runtime.testing.Backends#cpuKernels")
    void fusedUpdateMatchesReference(Backend backend) {
        for (int n : Backends.awkwardSizes()) {
            for (AdamStep step : new AdamStep[] {
                new AdamStep(1e-3f, 0.9f, 0.999f, 1e-8f, 0f, false, 1),
                new AdamStep(1e-2f, 0.8f, 0.99f, 1e-6f, 0.1f, false, 7),
                new AdamStep(1e-2f, 0.9f, 0.999f, 1e-8f, 0.05f, true, 1000)}) {
                Rand r = new Rand(n);
                double[] p = r.normal(n, 1);
                double[] g = r.normal(n, 0.1);
                double[] m = r.normal(n, 0.01);
                double[] v = r.uniform(n, 0, 1e-3);
                double[][] expected = reference(p, g, m, v, step);
                try (Scope s = Scope.open()) {
                    Tensor tp = Tensor.of(backend, Rand.toFloat(p), n);
                    Tensor tm = Tensor.of(backend, Rand.toFloat(m), n);
                    Tensor tv = Tensor.of(backend, Rand.toFloat(v), n);
                    backend.ops().adam(tp, Tensor.of(backend, Rand.toFloat(g), n), tm, tv, step);
                    Near.assertClose("adam p " + step, expected[0], tp.toFloatArray(), 1e-6, 1e-6);
                    Near.assertClose("adam m", expected[1], tm.toFloatArray(), 1e-6, 1e-9);
                    Near.assertClose("adam v", expected[2], tv.toFloatArray(), 1e-5, 1e-12);
                }
            }
        }
    }

    @Test
    void firstStepMovesEachParameterByTheLearningRate() {
        // with zero moments, step 1 gives m̂/√v̂ = sign(g): every parameter moves by lr (eps aside)
        Backend cpu = Backends.cpu();
        try (Scope s = Scope.open(); Adam adam = new Adam(List.of(), 0.1f)) {
            Tensor p = Tensor.of(cpu, new float[] {1f, -2f, 3f}, 3).requiresGrad(true);
            Tensor q = Tensor.of(cpu, new float[] {5f}, 1).requiresGrad(true);
            try (Adam opt = new Adam(List.of(p, q), 0.1f)) {
                p.setGrad(Tensor.of(cpu, new float[] {0.5f, -4f, 1e-3f}, 3));
                opt.step();
                float[] got = p.toFloatArray();
                assertEquals(0.9f, got[0], 1e-6f);
                assertEquals(-1.9f, got[1], 1e-6f);
                assertEquals(2.9f, got[2], 1e-4f);
                assertEquals(5f, q.toFloatArray()[0], 0f, "no gradient, no update");
                opt.zeroGrad();
                assertNull(p.grad());
            }
        }
    }
}

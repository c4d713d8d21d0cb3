package org.echorec.runtime.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.echorec.runtime.backend.Backend;
import org.echorec.runtime.op.random.Rng;
import org.echorec.runtime.optim.Adam;
import org.echorec.runtime.tensor.Scope;
import org.echorec.runtime.tensor.Tensor;
import org.echorec.runtime.testing.Backends;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The whole runtime at once: two-layer MLPs trained with the tape and Adam reach a tight loss. */
class MlpEndToEndTest {

    /** A two-layer perceptron's parameters in their own scope. */
    private record Mlp(Tensor w1, Tensor b1, Tensor w2, Tensor b2) {
        static Mlp create(Backend backend, Scope scope, Rng rng, int in, int hidden, int out) {
            try (Scope.Entered e = scope.enter()) {
                Tensor w1 = Tensor.empty(backend, hidden, in);
                rng.normal(w1, 0f, (float) Math.sqrt(2.0 / in));
                Tensor w2 = Tensor.empty(backend, out, hidden);
                rng.normal(w2, 0f, (float) Math.sqrt(1.0 / hidden));
                return new Mlp(w1.requiresGrad(true), Tensor.zeros(backend, hidden).requiresGrad(true),
                        w2.requiresGrad(true), Tensor.zeros(backend, out).requiresGrad(true));
            }
        }

        Tensor forward(Tensor x) {
            return F.linear(F.tanh(F.linear(x, w1, b1)), w2, b2);
        }

        List<Tensor> parameters() {
            return List.of(w1, b1, w2, b2);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.echorec.runtime.testing.Backends#cpuKernels")
    void learnsXorWithCrossEntropy(Backend backend) {
        float[] inputs = {0, 0, 0, 1, 1, 0, 1, 1};
        int[] labels = {0, 1, 1, 0};
        Scope params = Scope.detached("xor");
        try (params; Scope data = Scope.open()) {
            Mlp mlp = Mlp.create(backend, params, new Rng(1), 2, 8, 2);
            Tensor x = Tensor.of(backend, inputs, 4, 2);
            Tensor y = Tensor.ofInts(backend, labels, 4);
            float loss = Float.NaN;
            try (Adam adam = new Adam(mlp.parameters(), 0.05f)) {
                for (int step = 0; step < 400; step++) {
                    try (Scope s = Scope.open(); Tape tape = Tape.record()) {
                        Tensor l = F.crossEntropy(mlp.forward(x), y);
                        tape.backward(l);
                        adam.step();
                        adam.zeroGrad();
                        loss = l.item();
                    }
                }
            }
            assertTrue(loss < 0.01f, "XOR cross-entropy after 400 steps: " + loss);
            try (Scope s = Scope.open()) {
                float[] logits = mlp.forward(x).toFloatArray();
                int[] predicted = new int[4];
                for (int i = 0; i < 4; i++) {
                    predicted[i] = logits[2 * i + 1] > logits[2 * i] ? 1 : 0;
                }
                assertArrayEquals(labels, predicted);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.echorec.runtime.testing.Backends#cpuKernels")
    void fitsASmoothRegressionToATightLoss(Backend backend) {
        int n = 256;
        float[] inputs = new float[2 * n];
        float[] targets = new float[n];
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        for (int i = 0; i < n; i++) {
            float a = (float) (2 * r.nextDouble() - 1);
            float b = (float) (2 * r.nextDouble() - 1);
            inputs[2 * i] = a;
            inputs[2 * i + 1] = b;
            targets[i] = (float) (Math.sin(2 * a) + 0.5 * b * b);
        }
        Scope params = Scope.detached("regression");
        try (params; Scope data = Scope.open()) {
            Mlp mlp = Mlp.create(backend, params, new Rng(2), 2, 32, 1);
            Tensor x = Tensor.of(backend, inputs, n, 2);
            Tensor y = Tensor.of(backend, targets, n, 1);
            float first = Float.NaN;
            float loss = Float.NaN;
            try (Adam adam = new Adam(mlp.parameters(), 0.01f)) {
                for (int step = 0; step < 1500; step++) {
                    try (Scope s = Scope.open(); Tape tape = Tape.record()) {
                        Tensor l = F.meanAll(F.square(F.sub(mlp.forward(x), y)));
                        tape.backward(l);
                        adam.step();
                        adam.zeroGrad();
                        loss = l.item();
                        if (step == 0) {
                            first = loss;
                        }
                    }
                }
            }
            assertTrue(loss < 2e-4f, "mean squared error after 1500 steps: " + loss + " (first step " + first + ")");
        }
    }
}

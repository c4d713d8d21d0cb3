package org.echorec.model.rec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.echorec.model.nn.Mode;
import org.echorec.runtime.autograd.F;
import org.echorec.runtime.autograd.Tape;
import org.echorec.runtime.backend.Backend;
import org.echorec.runtime.backend.cpu.CpuBackend;
import org.echorec.runtime.backend.cuda.CudaBackend;
import org.echorec.runtime.tensor.Scope;
import org.echorec.runtime.tensor.Tensor;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One training step of a whole model on CUDA against the CPU: the same weights (copied from the CPU
 * model), the same batch with per-row lengths, the mean cross-entropy and every parameter's gradient norm.
 * Tolerances: the loss to 1e-4 relative; gradient norms to 1e-3 relative, since a norm sums the
 * per-primitive differences (each ≤ 1e-4) of a dozen chained ops. Skipped, with the reason, without a GPU.
 */
@Tag("gpu")
class CudaTrainingStepParityTest {

    @ParameterizedTest
    @ValueSource(strings = {"mamba4rec", "echomamba4rec", "sasrec"})
    void lossAndGradientNormsMatchTheCpu(String name) {
        String reason = CudaBackend.unavailableReason();
        assumeTrue(reason == null, () -> "skipped: " + reason);
        Step cpu = step(name, CpuBackend.get(), null);
        Step gpu = step(name, CudaBackend.get(), cpu.weights);
        assertEquals(cpu.loss, gpu.loss, 1e-4 * Math.abs(cpu.loss), name + ": loss on cuda vs the CPU");
        for (String p : cpu.gradNorms.keySet()) {
            double e = cpu.gradNorms.get(p);
            double a = gpu.gradNorms.get(p);
            assertTrue(Math.abs(a - e) <= 1e-3 * e + 1e-7, name + ": gradient norm of " + p + " is " + a
                    + " on cuda, " + e + " on the CPU");
        }
    }

    private record Step(double loss, Map<String, Double> gradNorms, Map<String, float[]> weights) {}

    /** Builds the model on {@code backend} (with {@code weights} when given), runs forward + backward. */
    private static Step step(String name, Backend backend, Map<String, float[]> weights) {
        SequentialRecommender model = Recommenders.create(ModelGradientTest.tiny(name), backend, 5);
        try (var params = model.params(); Scope s = Scope.open()) {
            Map<String, float[]> used = new LinkedHashMap<>();
            for (var e : params.byName().entrySet()) {
                if (weights != null) {
                    e.getValue().copyFrom(weights.get(e.getKey()));
                }
                used.put(e.getKey(), e.getValue().toFloatArray());
            }
            int rows = 4;
            int[] targets = new int[rows];
            for (int r = 0; r < rows; r++) {
                targets[r] = 1 + (5 * r + 2) % 22;
            }
            int[] lengths = {10, 4, 1, 7};
            Map<String, Double> norms = new LinkedHashMap<>();
            double loss;
            try (Tape tape = Tape.record()) {
                Tensor items = Tensor.ofInts(backend, ModelGradientTest.histories(), rows, 10);
                Tensor logits = model.logits(model.encode(items, lengths, Mode.inference()));
                Tensor l = F.crossEntropy(logits, Tensor.ofInts(backend, targets, rows));
                loss = l.toFloatArray()[0];
                tape.backward(l);
                for (var e : params.byName().entrySet()) {
                    Tensor g = e.getValue().grad();
                    double sq = 0;
                    if (g != null) {
                        for (float v : g.toFloatArray()) {
                            sq += (double) v * v;
                        }
                    }
                    norms.put(e.getKey(), Math.sqrt(sq));
                }
            }
            return new Step(loss, norms, used);
        }
    }
}

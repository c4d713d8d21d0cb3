package org.echorec.model.rec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.Map;
import org.echorec.model.io.SafeTensors;
import org.echorec.model.nn.Mode;
import org.echorec.runtime.autograd.F;
import org.echorec.runtime.autograd.Tape;
import org.echorec.runtime.backend.Backend;
import org.echorec.runtime.backend.cpu.CpuBackend;
import org.echorec.runtime.tensor.Scope;
import org.echorec.runtime.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Java models against the PyTorch reference implementation ({@code bench/pytorch/echorec_ref.py}):
 * the fixtures hold the weights under the reference names, a batch, and the float64 reference's
 * outputs, loss and the gradient of every parameter after one backward pass (dropout off).
 */
class PyTorchParityTest {
    private static final double TOLERANCE = 1e-4;

    @ParameterizedTest
    @ValueSource(strings = {"mamba4rec", "echomamba4rec", "sasrec"})
    void outputsLossAndGradientsMatchPyTorch(String name) throws Exception {
        SafeTensors fixture;
        try (InputStream in = getClass().getResourceAsStream("/parity/" + name + ".safetensors")) {
            assertNotNull(in, "fixture " + name);
            fixture = SafeTensors.parse(name, in.readAllBytes());
        }
        ModelConfig config = ModelConfig.fromJson(new ObjectMapper().readTree(fixture.metadata().get("config")));
        assertEquals(name, config.model());
        Backend cpu = CpuBackend.get();
        SequentialRecommender model = Recommenders.create(config, cpu, 1);
        try (var params = model.params(); Scope s = Scope.open()) {
            for (Map.Entry<String, Tensor> p : params.byName().entrySet()) {
                p.getValue().copyFrom(fixture.floats(p.getKey()));
            }
            int[] shape = fixture.shape("input.item_seq");
            int[] lengths = fixture.ints("input.item_seq_len");
            Tensor items = Tensor.ofInts(cpu, fixture.ints("input.item_seq"), shape[0], shape[1]);
            Tensor targets = Tensor.ofInts(cpu, fixture.ints("input.pos_items"), shape[0]);
            try (Tape tape = Tape.record()) {
                Tensor encoded = model.encode(items, lengths, Mode.inference());
                Tensor logits = model.logits(encoded);
                Tensor loss = F.crossEntropy(logits, targets);
                close(name + " seq_output", fixture.floats("expected.seq_output"), encoded.toFloatArray());
                close(name + " logits", fixture.floats("expected.logits"), logits.toFloatArray());
                close(name + " loss", fixture.floats("expected.loss"), loss.toFloatArray());
                tape.backward(loss);
            }
            // the key bias's exact gradient is zero (softmax is shift-invariant per query): gradients
            // are compared relative to at least a thousandth of the model's largest gradient entry
            double gradientScale = 0;
            for (String p : params.byName().keySet()) {
                for (float v : fixture.floats("grad." + p)) {
                    gradientScale = Math.max(gradientScale, Math.abs(v));
                }
            }
            for (Map.Entry<String, Tensor> p : params.byName().entrySet()) {
                Tensor g = p.getValue().grad();
                float[] got = g == null ? new float[(int) p.getValue().numel()] : g.toFloatArray();
                close(name + " grad " + p.getKey(), fixture.floats("grad." + p.getKey()), got, 1e-3 * gradientScale);
            }
        }
    }

    /** max|a − b| / max(max|b|, floor) ≤ 1e-4, as the reference script's check mode (floor 1e-6). */
    private static void close(String what, float[] want, float[] got) {
        close(what, want, got, 1e-6);
    }

    private static void close(String what, float[] want, float[] got, double floor) {
        assertEquals(want.length, got.length, what + ": size");
        double maxDiff = 0;
        double maxRef = floor;
        for (int i = 0; i < want.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs((double) want[i] - got[i]));
            maxRef = Math.max(maxRef, Math.abs(want[i]));
        }
        if (maxDiff / maxRef > TOLERANCE) {
            fail(String.format("%s: relative error %.3g > %.0e (max |ref| %.3g)", what, maxDiff / maxRef, TOLERANCE,
                    maxRef));
        }
    }
}

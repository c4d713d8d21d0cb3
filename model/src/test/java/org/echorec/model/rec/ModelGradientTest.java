package org.echorec.model.rec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.echorec.model.nn.Mode;
import org.echorec.runtime.backend.Backend;
import org.echorec.runtime.backend.cpu.CpuBackend;
import org.echorec.runtime.tensor.Scope;
import org.echorec.runtime.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every parameter of every model gets the gradient that finite differences of the loss give. */
class ModelGradientTest {
    private static final int ITEMS = 23;
    private static final int LEN = 10;
    private static final int[] LENGTHS = {10, 4, 1, 7};

    static ModelConfig tiny(String model) {
        boolean sasrec = model.equals(ModelConfig.SASREC);
        return new ModelConfig(model, 12, sasrec ? 2 : (model.equals(ModelConfig.MAMBA4REC) ? 2 : 1), 6, 4, 2,
                LEN, ITEMS, 2, 24, 0f, 1e-12f, false);
    }

    static int[] histories() {
        int[] items = new int[LENGTHS.length * LEN];
        for (int b = 0; b < LENGTHS.length; b++) {
            for (int t = 0; t < LENGTHS[b]; t++) {
                items[b * LEN + t] = 1 + (7 * b + 5 * t + 3) % (ITEMS - 1);
            }
        }
        return items;
    }

    @ParameterizedTest
    @ValueSource(strings = {"mamba4rec", "echomamba4rec", "sasrec"})
    void gradientsMatchFiniteDifferences(String name) {
        Backend cpu = CpuBackend.get();
        SequentialRecommender model = Recommenders.create(tiny(name), cpu, 5);
        try (var params = model.params(); Scope s = Scope.open()) {
            // larger weights than the N(0, 0.02) init so that every gradient is well above float noise
            for (Tensor p : params.all()) {
                float[] v = p.toFloatArray();
                java.util.SplittableRandom r = new java.util.SplittableRandom(p.name().hashCode());
                for (int i = 0; i < v.length; i++) {
                    v[i] += (float) (0.3 * (r.nextDouble() - 0.5));
                }
                p.copyFrom(v);
            }
            Tensor items = Tensor.ofInts(cpu, histories(), LENGTHS.length, LEN);
            Map<String, Tensor> byName = params.byName();
            ParamGradients.check(name, byName,
                    () -> model.logits(model.encode(items, LENGTHS, Mode.inference())), 6, 1e-2f, 2e-2);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mamba4rec", "echomamba4rec", "sasrec"})
    void sameSeedSameModelAndOutputsOfTheRightShape(String name) {
        Backend cpu = CpuBackend.get();
        SequentialRecommender a = Recommenders.create(tiny(name), cpu, 9);
        SequentialRecommender b = Recommenders.create(tiny(name), cpu, 9);
        try (var pa = a.params(); var pb = b.params(); Scope s = Scope.open()) {
            assertEquals(pa.byName().keySet(), pb.byName().keySet());
            for (String key : pa.byName().keySet()) {
                org.junit.jupiter.api.Assertions.assertArrayEquals(pa.byName().get(key).toFloatArray(),
                        pb.byName().get(key).toFloatArray(), key);
            }
            Tensor items = Tensor.ofInts(cpu, histories(), LENGTHS.length, LEN);
            Tensor logits = a.logits(a.encode(items, LENGTHS, Mode.inference()));
            assertEquals(LENGTHS.length, logits.dim(0));
            assertEquals(ITEMS, logits.dim(1));
            for (float v : logits.toFloatArray()) {
                assertTrue(Float.isFinite(v));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mamba4rec", "sasrec"})
    void causalModelsIgnoreWhatFollowsTheHistory(String name) {
        Backend cpu = CpuBackend.get();
        SequentialRecommender model = Recommenders.create(tiny(name), cpu, 3);
        try (var params = model.params(); Scope s = Scope.open()) {
            int[] items = histories();
            float[] before = model.encode(Tensor.ofInts(cpu, items, LENGTHS.length, LEN), LENGTHS, Mode.inference())
                    .toFloatArray();
            for (int b = 0; b < LENGTHS.length; b++) {
                for (int t = LENGTHS[b]; t < LEN; t++) {
                    items[b * LEN + t] = 1 + (b + t) % (ITEMS - 1); // garbage where padding was
                }
            }
            float[] after = model.encode(Tensor.ofInts(cpu, items, LENGTHS.length, LEN), LENGTHS, Mode.inference())
                    .toFloatArray();
            org.junit.jupiter.api.Assertions.assertArrayEquals(before, after, 1e-6f);
        }
    }
}

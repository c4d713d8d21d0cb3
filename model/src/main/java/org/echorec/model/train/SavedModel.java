package org.echorec.model.train;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.echorec.model.io.Checkpoint;
import org.echorec.model.io.SafeTensors;
import org.echorec.model.rec.ModelConfig;
import org.echorec.model.rec.Recommenders;
import org.echorec.model.rec.SequentialRecommender;
import org.echorec.runtime.backend.Backend;
import org.echorec.runtime.optim.Adam;
import org.echorec.runtime.tensor.Tensor;

/**
 * A recommender with its item vocabulary, to and from a checkpoint directory. The resume state
 * ({@code train_state.safetensors}) holds the last epoch's parameters ({@code last.<name>}), Adam's
 * moments ({@code adam.m.<name>}, {@code adam.v.<name>}) and the loop's counters; the checkpoint's
 * model itself is the best epoch's.
 */
public record SavedModel(SequentialRecommender model, List<String> itemTokens, Map<String, Integer> itemIds,
                         Checkpoint checkpoint) implements AutoCloseable {

    public static SavedModel load(Path dir, Backend backend) {
        Checkpoint c;
        try {
            c = Checkpoint.load(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read checkpoint " + dir + ": " + e.getMessage(), e);
        }
        ModelConfig config = ModelConfig.fromJson(c.config());
        if (config.nItems() != c.itemCount()) {
            throw new IllegalArgumentException("checkpoint " + dir + ": config.json says " + config.nItems()
                    + " items but items.txt has " + c.itemCount());
        }
        SequentialRecommender model = Recommenders.create(config, backend, 0);
        try {
            c.params().fill(model.params().byName());
        } catch (RuntimeException e) {
            model.params().close();
            throw new IllegalArgumentException("checkpoint " + dir + ": " + e.getMessage(), e);
        }
        Map<String, Integer> ids = new HashMap<>();
        for (int i = 1; i < c.itemTokens().size(); i++) {
            ids.put(c.itemTokens().get(i), i);
        }
        return new SavedModel(model, c.itemTokens(), ids, c);
    }

    /** Writes the checkpoint of {@code model} (its current parameters) atomically. */
    public static void save(Path dir, SequentialRecommender model, List<String> itemTokens,
                            Map<String, Tensor> trainState, JsonNode metrics) {
        try {
            Checkpoint.save(dir, model.config().toJson(), model.params().byName(), itemTokens, trainState, metrics);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The resume state after an epoch, as tensors in the current scope. */
    public static Map<String, Tensor> trainState(SequentialRecommender model, Adam adam, Trainer.State state) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        Backend backend = model.itemEmbedding().backend();
        List<Map.Entry<String, Tensor>> params = new ArrayList<>(model.params().byName().entrySet());
        for (Map.Entry<String, Tensor> p : params) {
            out.put("last." + p.getKey(), p.getValue());
        }
        for (int i = 0; i < params.size(); i++) {
            Tensor[] mv = adam.moments(i);
            if (mv[0] != null) {
                out.put("adam.m." + params.get(i).getKey(), mv[0]);
                out.put("adam.v." + params.get(i).getKey(), mv[1]);
            }
        }
        out.put("state.counters", Tensor.of(backend, new float[] {state.epoch, state.bestEpoch,
                (float) state.bestScore, state.epochsWithoutImprovement, adam.steps()}, 5));
        return out;
    }

    /**
     * Restores the last epoch's parameters, the optimizer and the loop's counters from the resume
     * state; the checkpoint's (best) parameters become the state's best snapshot.
     */
    public Trainer.State resume(Adam adam) {
        SafeTensors s = checkpoint.trainState().orElseThrow(() -> new IllegalArgumentException(
                "checkpoint " + checkpoint.dir() + " has no " + Checkpoint.TRAIN_STATE + " to resume from"));
        Trainer.State state = new Trainer.State();
        List<Tensor> params = model.params().all();
        state.bestParams = Trainer.snapshot(params);
        List<String> names = new ArrayList<>(model.params().byName().keySet());
        for (int i = 0; i < names.size(); i++) {
            params.get(i).copyFrom(s.floats("last." + names.get(i)));
            if (s.contains("adam.m." + names.get(i))) {
                Tensor[] mv = adam.momentsForRestore(i);
                mv[0].copyFrom(s.floats("adam.m." + names.get(i)));
                mv[1].copyFrom(s.floats("adam.v." + names.get(i)));
            }
        }
        float[] counters = s.floats("state.counters");
        state.epoch = (int) counters[0];
        state.bestEpoch = (int) counters[1];
        state.bestScore = counters[2];
        state.epochsWithoutImprovement = (int) counters[3];
        adam.setSteps((long) counters[4]);
        if (checkpoint.metrics().isPresent()) {
            JsonNode valid = checkpoint.metrics().get().path("valid");
            Map<String, Double> best = new LinkedHashMap<>();
            valid.fields().forEachRemaining(e -> best.put(e.getKey(), e.getValue().asDouble()));
            state.bestValid = best;
        }
        return state;
    }

    @Override
    public void close() {
        model.params().close();
    }
}

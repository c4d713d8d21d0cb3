package org.echorec.model.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.echorec.model.data.Batcher;
import org.echorec.model.data.SequenceBatch;
import org.echorec.model.nn.Mode;
import org.echorec.model.train.SavedModel;
import org.echorec.runtime.autograd.Tape;
import org.echorec.runtime.backend.Backend;
import org.echorec.runtime.tensor.DType;
import org.echorec.runtime.tensor.Scope;
import org.echorec.runtime.tensor.Tensor;

/** {@code echorec recommend}: the top k items after one history, original item ids in and out. */
final class RecommendCommand {
    private RecommendCommand() {}

    static int run(String[] argv, PrintStream out) {
        Args a = Args.parse("recommend", argv, List.of("--model-dir", "--history", "--k", "--device", "--threads"),
                List.of("--json", "--exclude-history"));
        Backend backend = Devices.backend(a.string("--device", "cpu"));
        int k = a.positive("--k", 10);
        try (SavedModel saved = SavedModel.load(Path.of(a.required("--model-dir")), backend)) {
            List<String> tokens = Arrays.stream(a.required("--history").split(",")).map(String::trim)
                    .filter(t -> !t.isEmpty()).toList();
            if (tokens.isEmpty()) {
                throw new IllegalArgumentException("recommend: --history is empty");
            }
            int[] history = new int[tokens.size()];
            for (int i = 0; i < history.length; i++) {
                Integer id = saved.itemIds().get(tokens.get(i));
                if (id == null) {
                    throw new IllegalArgumentException("recommend: unknown item '" + tokens.get(i)
                            + "' (not in the model's catalogue)");
                }
                history[i] = id;
            }
            List<Scored> top = recommend(saved, history, k, a.flag("--exclude-history"));
            if (a.flag("--json")) {
                ObjectNode o = new ObjectMapper().createObjectNode();
                o.put("model", saved.model().config().model());
                ArrayNode items = o.putArray("items");
                for (Scored s : top) {
                    items.addObject().put("item", s.item()).put("score", s.score());
                }
                out.println(o);
            } else {
                for (int r = 0; r < top.size(); r++) {
                    out.printf(Locale.ROOT, "%2d  %-20s %.4f%n", r + 1, top.get(r).item(), top.get(r).score());
                }
            }
        }
        return 0;
    }

    record Scored(String item, float score) {}

    /** The k best items after {@code history} (model item ids), padding never included. */
    static List<Scored> recommend(SavedModel saved, int[] history, int k, boolean excludeHistory) {
        int maxLen = saved.model().config().maxLen();
        SequenceBatch batch = Batcher.fromHistories(List.of(history), maxLen);
        float[] scores;
        try (Scope s = Scope.open(); Tape.NoGrad off = Tape.noGrad()) {
            Tensor items = Tensor.ofInts(backend(saved), batch.items(), 1, maxLen);
            scores = saved.model().logits(saved.model().encode(items, batch.lengths(), Mode.inference()))
                    .toFloatArray();
        }
        scores[0] = Float.NEGATIVE_INFINITY;
        if (excludeHistory) {
            for (int item : history) {
                scores[item] = Float.NEGATIVE_INFINITY;
            }
        }
        int n = Math.min(k, scores.length);
        float[] values;
        int[] indices;
        try (Scope s = Scope.open()) {
            Tensor best = Tensor.empty(backend(saved), 1, n);
            Tensor at = Tensor.empty(backend(saved), DType.I32, 1, n);
            Tensor row = Tensor.of(backend(saved), scores, 1, scores.length);
            row.backend().ops().topK(row, n, best, at);
            values = best.toFloatArray();
            indices = at.toIntArray();
        }
        List<Scored> top = new ArrayList<>();
        for (int r = 0; r < n && values[r] != Float.NEGATIVE_INFINITY; r++) {
            top.add(new Scored(saved.itemTokens().get(indices[r]), values[r]));
        }
        return top;
    }

    private static Backend backend(SavedModel saved) {
        return saved.model().itemEmbedding().backend();
    }
}

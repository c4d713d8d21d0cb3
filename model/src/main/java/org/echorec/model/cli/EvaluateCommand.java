package org.echorec.model.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.echorec.model.data.Batcher;
import org.echorec.model.data.SequenceBatch;
import org.echorec.model.data.Stage;
import org.echorec.model.train.Evaluator;
import org.echorec.model.train.SavedModel;
import org.echorec.runtime.backend.Backend;

/**
 * {@code echorec evaluate}: a checkpoint on a dataset's validation and test targets (leave-one-out,
 * full ranking). The data file's item ids are translated to the checkpoint's through the original
 * tokens, so the file need not be the one the model was trained on, only use the same items.
 */
final class EvaluateCommand {
    private EvaluateCommand() {}

    static int run(String[] argv, PrintStream out) {
        Args a = Args.parse("evaluate", argv, List.of("--model-dir", "--data", "--format", "--device", "--threads",
                "--eval-batch", "--kcore"), List.of("--json", "--mask-history"));
        Backend backend = Devices.backend(a.string("--device", "cpu"));
        long started = System.nanoTime();
        try (SavedModel saved = SavedModel.load(Path.of(a.required("--model-dir")), backend)) {
            boolean json = a.flag("--json");
            PrintStream log = json ? System.err : out;
            TrainCommand.Data data = TrainCommand.Data.load(Path.of(a.required("--data")), a.string("--format", "auto"),
                    a.integer("--kcore", 0), log);
            int[] toModel = translation(data, saved);
            int maxLen = saved.model().config().maxLen();
            int batch = a.positive("--eval-batch", 256);
            boolean mask = a.flag("--mask-history");
            Map<String, Double> valid = Evaluator.evaluate(saved.model(),
                    translate(Batcher.evalBatches(data.split(), Stage.VALID, maxLen, batch), toModel), mask);
            Map<String, Double> test = Evaluator.evaluate(saved.model(),
                    translate(Batcher.evalBatches(data.split(), Stage.TEST, maxLen, batch), toModel), mask);
            Report.metrics(out, "valid", valid);
            Report.metrics(out, "test", test);
            if (json) {
                ObjectNode o = new ObjectMapper().createObjectNode();
                o.put("model", saved.model().config().model());
                o.set("test", Report.toJson(test));
                o.set("valid", Report.toJson(valid));
                o.put("seconds", Math.round((System.nanoTime() - started) / 1e8) / 10.0);
                out.println(o);
            }
        }
        return 0;
    }

    /** Dataset item id → checkpoint item id; an item the model does not know is an error. */
    static int[] translation(TrainCommand.Data data, SavedModel saved) {
        int n = data.dataset().itemCount();
        int[] map = new int[n];
        for (int i = 1; i < n; i++) {
            Integer id = saved.itemIds().get(data.dataset().itemToken(i));
            if (id == null) {
                throw new IllegalArgumentException("item '" + data.dataset().itemToken(i) + "' of "
                        + data.dataset().source() + " is not in the model's catalogue");
            }
            map[i] = id;
        }
        return map;
    }

    static List<SequenceBatch> translate(List<SequenceBatch> batches, int[] map) {
        List<SequenceBatch> out = new ArrayList<>(batches.size());
        for (SequenceBatch b : batches) {
            int[] items = b.items().clone();
            for (int i = 0; i < items.length; i++) {
                items[i] = map[items[i]];
            }
            int[] targets = b.targets().clone();
            for (int i = 0; i < targets.length; i++) {
                targets[i] = map[targets[i]];
            }
            out.add(new SequenceBatch(b.batch(), b.maxLen(), items, b.lengths(), targets, b.users()));
        }
        return out;
    }
}

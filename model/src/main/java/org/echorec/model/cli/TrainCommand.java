package org.echorec.model.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.echorec.model.data.Batcher;
import org.echorec.model.data.InteractionReader;
import org.echorec.model.data.Interactions;
import org.echorec.model.data.KCore;
import org.echorec.model.data.SequenceBatch;
import org.echorec.model.data.SequenceDataset;
import org.echorec.model.data.Split;
import org.echorec.model.data.Stage;
import org.echorec.model.io.Checkpoint;
import org.echorec.model.io.SafeTensors;
import org.echorec.model.rec.ModelConfig;
import org.echorec.model.rec.Recommenders;
import org.echorec.model.rec.SequentialRecommender;
import org.echorec.model.train.SavedModel;
import org.echorec.model.train.Trainer;
import org.echorec.runtime.backend.Backend;
import org.echorec.runtime.optim.Adam;
import org.echorec.runtime.tensor.Scope;

/** {@code echorec train}: data → model → epochs with validation → best checkpoint → test metrics. */
final class TrainCommand {
    static final List<String> VALUED = List.of("--model", "--data", "--format", "--out", "--max-len", "--epochs",
            "--patience", "--batch", "--eval-batch", "--lr", "--hidden", "--layers", "--d-state", "--dropout",
            "--seed", "--device", "--threads", "--kcore");
    static final List<String> FLAGS = List.of("--json", "--mask-history", "--mamba-init", "--resume", "--quiet");

    private TrainCommand() {}

    static int run(String[] argv, PrintStream out) {
        Args a = Args.parse("train", argv, VALUED, FLAGS);
        Backend backend = Devices.backend(a.string("--device", "cpu"));
        String modelName = a.required("--model");
        Path dataFile = Path.of(a.required("--data"));
        Path outDir = Path.of(a.required("--out"));
        int maxLen = a.positive("--max-len", 50);
        boolean json = a.flag("--json");
        PrintStream log = a.flag("--quiet") ? null : (json ? System.err : out);
        long started = System.nanoTime();

        Data data = Data.load(dataFile, a.string("--format", "auto"), a.integer("--kcore", 0), log);
        ModelConfig config = ModelConfig.defaults(modelName, data.dataset.itemCount(), maxLen);
        if (a.has("--hidden")) {
            config = config.withHidden(a.positive("--hidden", 64));
        }
        if (a.has("--layers")) {
            config = config.withLayers(a.positive("--layers", 1));
        }
        if (a.has("--d-state")) {
            config = config.withDState(a.positive("--d-state", 32));
        }
        if (a.has("--dropout")) {
            config = config.withDropout(a.number("--dropout", 0.2f));
        }
        config = config.withMambaInit(a.flag("--mamba-init"));
        long seed = a.longValue("--seed", 2020);
        int batch = a.positive("--batch", 2048);
        int evalBatch = a.positive("--eval-batch", 256);
        Trainer.Options options = new Trainer.Options(a.positive("--epochs", 300), a.positive("--patience", 10),
                a.number("--lr", 1e-3f), seed, a.flag("--mask-history"), log, org.echorec.model.train.Progress.terminal(log));

        SavedModel resumed = null;
        SequentialRecommender model;
        if (a.flag("--resume") && Files.isDirectory(outDir)) {
            resumed = SavedModel.load(outDir, backend);
            model = resumed.model();
            if (!resumed.itemTokens().equals(data.itemTokens())) {
                throw new IllegalArgumentException("train --resume: " + outDir + " was trained on other items than "
                        + dataFile);
            }
        } else {
            model = Recommenders.create(config, backend, seed);
        }
        final SequentialRecommender m = model;
        try (var params = model.params(); Adam adam = new Adam(model.params().all(), options.lr())) {
            Trainer.State state = resumed == null ? new Trainer.State() : resumed.resume(adam);
            if (log != null) {
                log.printf(Locale.ROOT, "%s: %,d parameters, max_len %d, batch %d, %s%s%n", m.config().model(),
                        params.count(), maxLen, batch, backend.describe(),
                        resumed == null ? "" : ", resuming after epoch " + state.epoch);
            }
            Trainer.Data batches = data.batches(maxLen, batch, evalBatch, seed);
            Trainer.Result result = Trainer.fit(m, batches, options, adam, state, (s, opt, improved) -> {
                try (Scope scope = Scope.open()) {
                    var trainState = SavedModel.trainState(m, opt, s);
                    if (improved) {
                        SavedModel.save(outDir, m, data.itemTokens(), trainState, metricsJson(s.bestValid, null, s));
                    } else {
                        // the checkpoint keeps the best epoch's model; only the resume state moves on
                        writeTrainState(outDir, trainState);
                    }
                }
            });
            double seconds = (System.nanoTime() - started) / 1e9;
            ObjectNode summary = summary(m.config().model(), result, seconds, data.dataset);
            // the final metrics (with test) go beside the best model; the model files and the resume
            // state stay as the last epoch left them (the parameters in memory are now the best epoch's)
            writeMetrics(outDir, summary);
            Report.metrics(out, "valid (best epoch " + result.bestEpoch() + ")", result.valid());
            Report.metrics(out, "test", result.test());
            out.printf(Locale.ROOT, "%d epochs, %.1f s per epoch, %.0f training samples/s; checkpoint in %s%n",
                    result.epochs(), result.secondsPerEpoch(), result.samplesPerSecond(), outDir);
            if (json) {
                out.println(summary.toString());
            }
        } finally {
            if (resumed != null) {
                resumed.model().params().close();
            }
        }
        return 0;
    }

    /** {@link SafeTensors#writeTensors} is itself atomic (temp file, then rename). */
    private static void writeTrainState(Path dir, Map<String, org.echorec.runtime.tensor.Tensor> state) {
        try {
            SafeTensors.writeTensors(dir.resolve(Checkpoint.TRAIN_STATE), state, Map.of());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot write " + dir.resolve(Checkpoint.TRAIN_STATE), e);
        }
    }

    private static void writeMetrics(Path dir, ObjectNode metrics) {
        try {
            org.echorec.model.io.AtomicFiles.writeString(dir.resolve(Checkpoint.METRICS),
                    metrics.toPrettyString() + "\n");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot write " + dir.resolve(Checkpoint.METRICS), e);
        }
    }

    static ObjectNode metricsJson(Map<String, Double> valid, Map<String, Double> test, Trainer.State state) {
        ObjectNode o = new ObjectMapper().createObjectNode();
        o.set("valid", Report.toJson(valid));
        if (test != null) {
            o.set("test", Report.toJson(test));
        }
        o.put("best_epoch", state.bestEpoch);
        o.put("epochs", state.epoch);
        return o;
    }

    static ObjectNode summary(String model, Trainer.Result r, double seconds, SequenceDataset dataset) {
        ObjectNode o = new ObjectMapper().createObjectNode();
        o.put("model", model);
        o.set("test", Report.toJson(r.test()));
        o.set("valid", Report.toJson(r.valid()));
        o.put("epochs", r.epochs());
        o.put("best_epoch", r.bestEpoch());
        o.put("seconds", Math.round(seconds * 10) / 10.0);
        o.put("seconds_per_epoch", Math.round(r.secondsPerEpoch() * 100) / 100.0);
        o.put("train_samples_per_s", Math.round(r.samplesPerSecond()));
        o.put("users", dataset.userCount());
        o.put("items", dataset.itemCount() - 1);
        return o;
    }

    /** A dataset read, split and ready to batch. */
    record Data(SequenceDataset dataset, Split split) {
        static Data load(Path file, String format, int kcore, PrintStream log) {
            InteractionReader.Format f = format(format);
            Interactions in = InteractionReader.read(file, f);
            if (kcore > 0) {
                in = KCore.filter(in, kcore, kcore);
            }
            SequenceDataset dataset = SequenceDataset.from(in);
            if (log != null) {
                log.println("data: " + dataset.summary());
            }
            return new Data(dataset, Split.leaveOneOut(dataset));
        }

        static InteractionReader.Format format(String name) {
            return switch (name.toLowerCase(Locale.ROOT)) {
                case "auto" -> InteractionReader.Format.AUTO;
                case "inter", "atomic", "recbole" -> InteractionReader.Format.ATOMIC;
                case "dat", "ml-dat" -> InteractionReader.Format.MOVIELENS_DAT;
                case "csv", "ml-csv" -> InteractionReader.Format.MOVIELENS_CSV;
                case "plain", "txt" -> InteractionReader.Format.PLAIN;
                default -> throw new IllegalArgumentException(
                        "--format must be auto, inter, dat, csv or plain, got '" + name + "'");
            };
        }

        List<String> itemTokens() {
            List<String> tokens = new ArrayList<>(dataset.itemCount());
            tokens.add(Checkpoint.PAD);
            for (int i = 1; i < dataset.itemCount(); i++) {
                tokens.add(dataset.itemToken(i));
            }
            return tokens;
        }

        Trainer.Data batches(int maxLen, int batch, int evalBatch, long seed) {
            Split s = split;
            return new Trainer.Data() {
                @Override
                public Iterable<SequenceBatch> train(int epoch) {
                    return Batcher.trainBatches(s, maxLen, batch, seed, epoch);
                }

                @Override
                public long trainSamples() {
                    return s.size(Stage.TRAIN);
                }

                @Override
                public Iterable<SequenceBatch> valid() {
                    return Batcher.evalBatches(s, Stage.VALID, maxLen, evalBatch);
                }

                @Override
                public Iterable<SequenceBatch> test() {
                    return Batcher.evalBatches(s, Stage.TEST, maxLen, evalBatch);
                }
            };
        }
    }
}

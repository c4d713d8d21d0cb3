package org.echorec.model.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.echorec.model.data.Stage;
import org.echorec.model.eval.RankingMetrics;
import org.echorec.model.rec.ModelConfig;
import org.echorec.model.rec.Recommenders;
import org.echorec.model.rec.SequentialRecommender;
import org.echorec.model.train.SavedModel;
import org.echorec.model.train.Trainer;
import org.echorec.runtime.backend.Backend;
import org.echorec.runtime.backend.cpu.CpuBackend;
import org.echorec.runtime.optim.Adam;

/**
 * {@code echorec demo}: EchoMamba4Rec trained on synthetic histories with real sequential structure
 * (each item has three likely successors, and a user drifts between topics), through the whole
 * pipeline: a plain interaction file, the reader, the leave-one-out split, training with validation,
 * a checkpoint, test metrics against a popularity baseline, and one recommendation.
 */
final class Demo {
    private static final int USERS = 2000;
    private static final int ITEMS = 400;
    private static final int MAX_LEN = 20;

    private Demo() {}

    static int run(String[] argv, PrintStream out) {
        Args a = Args.parse("demo", argv, List.of("--epochs", "--seed", "--out", "--model", "--threads"),
                List.of("--json"));
        long seed = a.longValue("--seed", 7);
        int epochs = a.positive("--epochs", 2);
        String modelName = a.string("--model", ModelConfig.ECHOMAMBA4REC);
        Backend cpu = CpuBackend.get();
        try {
            Path dir = a.has("--out") ? Path.of(a.string("--out", null)) : Files.createTempDirectory("echorec-demo");
            Path file = dir.resolve("synthetic.txt");
            Files.createDirectories(dir);
            int events = generate(file, seed);
            out.printf(Locale.ROOT, "echorec demo: %s on %d synthetic users, %d items, %,d events (%s)%n", modelName,
                    USERS, ITEMS, events, cpu.describe());
            TrainCommand.Data data = TrainCommand.Data.load(file, "plain", 0, out);
            ModelConfig config = ModelConfig.defaults(modelName, data.dataset().itemCount(), MAX_LEN);
            SequentialRecommender model = Recommenders.create(config, cpu, seed);
            Path modelDir = dir.resolve("model");
            try (var params = model.params(); Adam adam = new Adam(params.all(), 3e-3f)) {
                Trainer.Options options = new Trainer.Options(epochs, 3, 3e-3f, seed, false, out, false);
                Trainer.Result r = Trainer.fit(model, data.batches(MAX_LEN, 256, 512, seed), options, adam,
                        new Trainer.State(), null);
                SavedModel.save(modelDir, model, data.itemTokens(), null,
                        TrainCommand.summary(modelName, r, 0, data.dataset()));
                Report.metrics(out, "test", r.test());
                Report.metrics(out, "popularity baseline", popularity(data));
                out.printf(Locale.ROOT, "%.0f training samples/s; checkpoint in %s%n", r.samplesPerSecond(), modelDir);
            }
            int[] history = data.split().history(Stage.TEST, 0);
            try (SavedModel saved = SavedModel.load(modelDir, cpu)) {
                StringBuilder h = new StringBuilder();
                for (int i = Math.max(0, history.length - 5); i < history.length; i++) {
                    h.append(i > Math.max(0, history.length - 5) ? "," : "").append(data.dataset().itemToken(history[i]));
                }
                out.println("after ..." + h + " the model recommends:");
                int[] modelIds = new int[history.length];
                int[] map = EvaluateCommand.translation(data, saved);
                for (int i = 0; i < history.length; i++) {
                    modelIds[i] = map[history[i]];
                }
                for (RecommendCommand.Scored s : RecommendCommand.recommend(saved, modelIds, 5, false)) {
                    out.printf(Locale.ROOT, "  %-8s %.3f%n", s.item(), s.score());
                }
                out.println("try: bin/echorec recommend --model-dir " + modelDir + " --history " + h);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return 0;
    }

    /** Histories of 8..30 events; each next item is one of three successors of the current one (90 %). */
    static int generate(Path file, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        int[][] successors = new int[ITEMS + 1][3];
        for (int i = 1; i <= ITEMS; i++) {
            for (int s = 0; s < 3; s++) {
                successors[i][s] = 1 + random.nextInt(ITEMS);
            }
        }
        int events = 0;
        try (BufferedWriter w = Files.newBufferedWriter(file)) {
            w.write("# synthetic histories: user item timestamp\n");
            for (int u = 0; u < USERS; u++) {
                int length = 8 + random.nextInt(23);
                int item = 1 + random.nextInt(ITEMS);
                for (int t = 0; t < length; t++) {
                    w.write("u" + u + " i" + item + " " + (1_600_000_000L + 3600L * t) + "\n");
                    events++;
                    item = random.nextDouble() < 0.9 ? successors[item][random.nextInt(3)] : 1 + random.nextInt(ITEMS);
                }
            }
        }
        return events;
    }

    /** The most frequent training items, the same list for every user. */
    static Map<String, Double> popularity(TrainCommand.Data data) {
        var split = data.split();
        int n = data.dataset().itemCount();
        float[] counts = new float[n];
        for (int u = 0; u < data.dataset().userCount(); u++) {
            int[] seq = data.dataset().sequence(u);
            for (int i = 0; i < seq.length - 2; i++) {
                counts[seq[i]]++;
            }
        }
        RankingMetrics m = new RankingMetrics();
        for (int s = 0; s < split.size(Stage.TEST); s++) {
            m.add(counts, 0, n, split.target(Stage.TEST, s), null);
        }
        return m.result();
    }
}

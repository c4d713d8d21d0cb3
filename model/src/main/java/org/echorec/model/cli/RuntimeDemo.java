package org.echorec.model.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.echorec.runtime.autograd.F;
import org.echorec.runtime.autograd.Tape;
import org.echorec.runtime.backend.Backend;
import org.echorec.runtime.backend.cpu.CpuBackend;
import org.echorec.runtime.op.random.Rng;
import org.echorec.runtime.optim.Adam;
import org.echorec.runtime.tensor.DType;
import org.echorec.runtime.tensor.Scope;
import org.echorec.runtime.tensor.Tensor;

/**
 * The runtime's demo: next-item prediction on synthetic sequences with real structure (every item
 * has three likely successors), by a small model written with the differentiable functions: item
 * embeddings of the last three items → MLP → scores against the same embeddings (tied) → cross-entropy
 * over all items, trained with Adam. It reports hit rate and NDCG at 10 on held-out last items against
 * a popularity baseline, and one recommendation. The recommenders (Mamba4Rec, EchoMamba4Rec, SASRec)
 * replace this demo as they land.
 */
final class RuntimeDemo {
    private static final int ITEMS = 400;
    private static final int USERS = 3000;
    private static final int LENGTH = 24;
    private static final int CONTEXT = 3;
    private static final int DIM = 32;
    private static final int HIDDEN = 128;
    private static final int BATCH = 256;

    private RuntimeDemo() {}

    static int run(String[] args, PrintStream out) {
        int epochs = 6;
        long seed = 7;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--epochs" -> epochs = positive(args, ++i, "--epochs");
                case "--seed" -> seed = Long.parseLong(value(args, ++i, "--seed"));
                default -> throw new IllegalArgumentException("demo: unknown option " + args[i]);
            }
        }
        Backend cpu = CpuBackend.get();
        out.println("echorec demo: next-item prediction on synthetic sequences, " + cpu.describe());
        int[][] sequences = generate(seed);
        out.printf(Locale.ROOT, "data: %d users, %d items, %d events each; predict the last item of each user%n",
                USERS, ITEMS, LENGTH);
        Scope params = Scope.detached("demo parameters");
        Model model = new Model(cpu, params, seed);
        try (params; Adam adam = new Adam(model.parameters(), 3e-3f)) {
            List<int[]> train = trainingWindows(sequences);
            SplittableRandom shuffle = new SplittableRandom(seed);
            for (int epoch = 1; epoch <= epochs; epoch++) {
                long start = System.nanoTime();
                double loss = trainEpoch(model, adam, train, shuffle);
                double seconds = (System.nanoTime() - start) / 1e9;
                double[] metrics = evaluate(model, sequences);
                out.printf(Locale.ROOT, "epoch %d  loss %.4f  test HR@10 %.4f  NDCG@10 %.4f  (%.0f samples/s)%n",
                        epoch, loss, metrics[0], metrics[1], train.size() / seconds);
            }
            out.printf(Locale.ROOT, "popularity baseline: HR@10 %.4f%n", popularityHitRate(sequences));
            printSample(model, sequences[0], out);
        }
        return 0;
    }

    /** The parameters and the forward pass. */
    private static final class Model {
        final Backend backend;
        final Tensor items;
        final Tensor w1;
        final Tensor b1;
        final Tensor w2;
        final Tensor b2;

        Model(Backend backend, Scope params, long seed) {
            this.backend = backend;
            Rng rng = new Rng(seed);
            try (Scope.Entered in = params.enter()) {
                items = init(rng, 0.1f, ITEMS + 1, DIM);
                w1 = init(rng, (float) (1 / Math.sqrt(CONTEXT * DIM)), HIDDEN, CONTEXT * DIM);
                b1 = Tensor.zeros(backend, HIDDEN).requiresGrad(true);
                w2 = init(rng, (float) (1 / Math.sqrt(HIDDEN)), DIM, HIDDEN);
                b2 = Tensor.zeros(backend, DIM).requiresGrad(true);
            }
        }

        private Tensor init(Rng rng, float std, int... shape) {
            Tensor t = Tensor.empty(backend, shape);
            rng.normal(t, 0f, std);
            return t.requiresGrad(true);
        }

        List<Tensor> parameters() {
            return List.of(items, w1, b1, w2, b2);
        }

        /** Scores of every item (column 0 is padding) after each context: [B, ITEMS + 1]. */
        Tensor scores(Tensor context) {
            int batch = context.dim(0);
            Tensor embedded = F.reshape(F.embedding(items, context, 0), batch, CONTEXT * DIM);
            Tensor hidden = F.gelu(F.linear(embedded, w1, b1));
            return F.linear(F.linear(hidden, w2, b2), items, null);
        }
    }

    private static double trainEpoch(Model model, Adam adam, List<int[]> windows, SplittableRandom shuffle) {
        for (int i = windows.size() - 1; i > 0; i--) {
            int j = shuffle.nextInt(i + 1);
            int[] t = windows.get(i);
            windows.set(i, windows.get(j));
            windows.set(j, t);
        }
        double total = 0;
        int batches = 0;
        for (int from = 0; from < windows.size(); from += BATCH) {
            int n = Math.min(BATCH, windows.size() - from);
            int[] context = new int[n * CONTEXT];
            int[] target = new int[n];
            for (int b = 0; b < n; b++) {
                int[] w = windows.get(from + b);
                System.arraycopy(w, 0, context, b * CONTEXT, CONTEXT);
                target[b] = w[CONTEXT];
            }
            try (Scope step = Scope.open(); Tape tape = Tape.record()) {
                Tensor logits = model.scores(Tensor.ofInts(model.backend, context, n, CONTEXT));
                Tensor loss = F.crossEntropy(logits, Tensor.ofInts(model.backend, target, n));
                tape.backward(loss);
                adam.step();
                adam.zeroGrad();
                total += loss.item();
                batches++;
            }
        }
        return total / batches;
    }

    /** HR@10 and NDCG@10 of each user's last item, ranked among all items. */
    private static double[] evaluate(Model model, int[][] sequences) {
        double hits = 0;
        double ndcg = 0;
        try (Scope s = Scope.open()) {
            int[] context = new int[sequences.length * CONTEXT];
            for (int u = 0; u < sequences.length; u++) {
                System.arraycopy(sequences[u], LENGTH - 1 - CONTEXT, context, u * CONTEXT, CONTEXT);
            }
            int[] top = topItems(model, context, sequences.length, 10);
            for (int u = 0; u < sequences.length; u++) {
                for (int r = 0; r < 10; r++) {
                    if (top[u * 10 + r] == sequences[u][LENGTH - 1]) {
                        hits++;
                        ndcg += 1 / (Math.log(r + 2) / Math.log(2));
                    }
                }
            }
        }
        return new double[] {hits / sequences.length, ndcg / sequences.length};
    }

    /** The k best items (padding excluded) after each context, [users·k]. */
    private static int[] topItems(Model model, int[] context, int users, int k) {
        Tensor scores = model.scores(Tensor.ofInts(model.backend, context, users, CONTEXT));
        Tensor values = Tensor.empty(model.backend, users, k + 1);
        Tensor indices = Tensor.empty(model.backend, DType.I32, users, k + 1);
        model.backend.ops().topK(scores, k + 1, values, indices);
        int[] raw = indices.toIntArray();
        int[] top = new int[users * k];
        for (int u = 0; u < users; u++) {
            int filled = 0;
            for (int r = 0; r <= k && filled < k; r++) {
                int item = raw[u * (k + 1) + r];
                if (item != 0) {
                    top[u * k + filled++] = item;
                }
            }
        }
        return top;
    }

    private static void printSample(Model model, int[] sequence, PrintStream out) {
        try (Scope s = Scope.open()) {
            int[] context = java.util.Arrays.copyOfRange(sequence, LENGTH - 1 - CONTEXT, LENGTH - 1);
            int[] top = topItems(model, context, 1, 5);
            out.printf(Locale.ROOT, "user 0 recently saw items %s; recommended next: %s; actual next: %d%n",
                    java.util.Arrays.toString(context), java.util.Arrays.toString(top), sequence[LENGTH - 1]);
        }
    }

    private static double popularityHitRate(int[][] sequences) {
        long[] counts = new long[ITEMS + 1];
        for (int[] s : sequences) {
            for (int t = 0; t < LENGTH - 1; t++) {
                counts[s[t]]++;
            }
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 1; i <= ITEMS; i++) {
            order.add(i);
        }
        order.sort((a, b) -> Long.compare(counts[b], counts[a]));
        java.util.Set<Integer> top = new java.util.HashSet<>(order.subList(0, 10));
        int hits = 0;
        for (int[] s : sequences) {
            hits += top.contains(s[LENGTH - 1]) ? 1 : 0;
        }
        return hits / (double) sequences.length;
    }

    /** Windows of CONTEXT items and the next one, from every training prefix (the last item is held out). */
    private static List<int[]> trainingWindows(int[][] sequences) {
        List<int[]> windows = new ArrayList<>();
        for (int[] s : sequences) {
            for (int t = CONTEXT; t < LENGTH - 1; t++) {
                windows.add(java.util.Arrays.copyOfRange(s, t - CONTEXT, t + 1));
            }
        }
        return windows;
    }

    /**
     * Sequences from a sparse Markov chain: each item has three successors taken with probabilities
     * 0.6, 0.25 and 0.15, and one step in ten jumps to a random item. Items are 1..ITEMS (0 is padding).
     */
    static int[][] generate(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[][] successors = new int[ITEMS + 1][3];
        for (int i = 1; i <= ITEMS; i++) {
            for (int k = 0; k < 3; k++) {
                successors[i][k] = 1 + r.nextInt(ITEMS);
            }
        }
        int[][] sequences = new int[USERS][LENGTH];
        for (int u = 0; u < USERS; u++) {
            int item = 1 + r.nextInt(ITEMS);
            for (int t = 0; t < LENGTH; t++) {
                sequences[u][t] = item;
                double p = r.nextDouble();
                item = p < 0.1 ? 1 + r.nextInt(ITEMS)
                        : successors[item][p < 0.64 ? 0 : p < 0.865 ? 1 : 2];
            }
        }
        return sequences;
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static int positive(String[] args, int i, String option) {
        int v;
        try {
            v = Integer.parseInt(value(args, i, option));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a whole number, got " + args[i]);
        }
        if (v < 1) {
            throw new IllegalArgumentException(option + " must be at least 1");
        }
        return v;
    }
}

package org.echorec.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import org.echorec.model.nn.Mode;
import org.echorec.model.rec.ModelConfig;
import org.echorec.model.rec.Recommenders;
import org.echorec.model.rec.SequentialRecommender;
import org.echorec.runtime.autograd.F;
import org.echorec.runtime.autograd.Tape;
import org.echorec.runtime.backend.Backend;
import org.echorec.runtime.backend.cpu.CpuBackend;
import org.echorec.runtime.op.random.Rng;
import org.echorec.runtime.optim.Adam;
import org.echorec.runtime.tensor.Scope;
import org.echorec.runtime.tensor.Tensor;

/**
 * {@code bin/bench train-step [model] [batch] [max-len] [n-items] [steps]}: the time of one training
 * step (forward, backward, Adam) of a model on random histories, without reading a dataset, so that
 * a change to a kernel can be judged on the whole step in a minute. The default shape is Amazon
 * Beauty's (12,102 items with padding, max-len 50, batch 2048). Prints each step's time and the
 * median of the steps after the first two (warm-up).
 */
public final class TrainStep {
    private TrainStep() {}

    public static void main(String[] args) {
        String model = arg(args, 0, "mamba4rec");
        int batch = Integer.parseInt(arg(args, 1, "2048"));
        int maxLen = Integer.parseInt(arg(args, 2, "50"));
        int nItems = Integer.parseInt(arg(args, 3, "12102"));
        int steps = Integer.parseInt(arg(args, 4, "12"));
        Backend backend = CpuBackend.get();
        System.out.println("# " + backend.describe());
        ModelConfig config = ModelConfig.defaults(model, nItems, maxLen);
        SplittableRandom random = new SplittableRandom(7);
        int[] items = new int[batch * maxLen];
        int[] lengths = new int[batch];
        int[] targets = new int[batch];
        for (int b = 0; b < batch; b++) {
            // lengths spread like a leave-one-out prefix set: many short histories, some full ones
            lengths[b] = 1 + Math.min(maxLen - 1, (int) (-Math.log(1 - random.nextDouble()) * 8));
            for (int t = 0; t < lengths[b]; t++) {
                items[b * maxLen + t] = 1 + random.nextInt(nItems - 1);
            }
            targets[b] = 1 + random.nextInt(nItems - 1);
        }
        double[] ms = new double[steps];
        SequentialRecommender net = Recommenders.create(config, backend, 2020);
        try (var params = net.params();
             Adam adam = new Adam(net.params().all(), 1e-3f)) {
            Rng dropout = new Rng(1);
            for (int s = 0; s < steps; s++) {
                long start = System.nanoTime();
                try (Scope step = Scope.open(); Tape tape = Tape.record()) {
                    Tensor in = Tensor.ofInts(backend, items, batch, maxLen);
                    Tensor encoded = net.encode(in, lengths, Mode.training(dropout));
                    Tensor loss = F.crossEntropy(net.logits(encoded), Tensor.ofInts(backend, targets, batch));
                    tape.backward(loss);
                    adam.step();
                    adam.zeroGrad();
                    loss.item();
                }
                ms[s] = (System.nanoTime() - start) / 1e6;
                System.out.printf(Locale.ROOT, "step %d  %.1f ms%n", s + 1, ms[s]);
            }
        }
        double[] measured = Arrays.copyOfRange(ms, Math.min(2, steps - 1), steps);
        Arrays.sort(measured);
        double median = measured[measured.length / 2];
        System.out.printf(Locale.ROOT, "%s batch %d max-len %d items %d: median step %.1f ms (%.1f-%.1f), %.0f samples/s%n",
                model, batch, maxLen, nItems, median, measured[0], measured[measured.length - 1],
                batch / (median / 1e3));
    }

    private static String arg(String[] args, int i, String fallback) {
        return args.length > i ? args[i] : fallback;
    }
}

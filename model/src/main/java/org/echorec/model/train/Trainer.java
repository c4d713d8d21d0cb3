package org.echorec.model.train;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.echorec.model.data.SequenceBatch;
import org.echorec.model.nn.Mode;
import org.echorec.model.rec.SequentialRecommender;
import org.echorec.runtime.autograd.F;
import org.echorec.runtime.autograd.Tape;
import org.echorec.runtime.backend.Backend;
import org.echorec.runtime.op.random.Rng;
import org.echorec.runtime.optim.Adam;
import org.echorec.runtime.tensor.Scope;
import org.echorec.runtime.tensor.Tensor;

/**
 * The training loop of the reference code: cross-entropy over all items, Adam, one validation
 * (full ranking, NDCG@10) per epoch, early stopping with patience, the best epoch's parameters
 * kept and evaluated on the test targets at the end.
 *
 * <p>Deterministic from the seed on the CPU: the batch order comes from (seed, epoch), dropout from a
 * counter-based stream keyed by (seed, epoch), and every kernel reduces in a fixed order.
 */
public final class Trainer {

    /** Where the batches come from. */
    public interface Data {
        Iterable<SequenceBatch> train(int epoch);

        long trainSamples();

        Iterable<SequenceBatch> valid();

        Iterable<SequenceBatch> test();
    }

    /** Called after every epoch, to save a checkpoint (best model and resume state). */
    public interface EpochListener {
        void epochEnded(State state, Adam adam, boolean improved);
    }

    public record Options(int epochs, int patience, float lr, long seed, boolean maskHistory, PrintStream log,
                          boolean terminal) {
        public Options {
            if (epochs < 0 || patience < 1 || !(lr > 0)) {
                throw new IllegalArgumentException("epochs >= 0, patience >= 1 and lr > 0 are required");
            }
        }
    }

    /** Where training stands after an epoch; restored on resume. */
    public static final class State {
        public int epoch;
        public int bestEpoch;
        public double bestScore = Double.NEGATIVE_INFINITY;
        public int epochsWithoutImprovement;
        public Map<String, Double> bestValid = Map.of();
        public final List<EpochLog> history = new ArrayList<>();
        /** The best epoch's parameters on the host, in the model's parameter order. */
        public List<float[]> bestParams;
    }

    public record EpochLog(int epoch, double loss, double trainSeconds, double samplesPerSecond,
                           Map<String, Double> valid) {}

    public record Result(int epochs, int bestEpoch, Map<String, Double> valid, Map<String, Double> test,
                         double secondsPerEpoch, double samplesPerSecond, List<EpochLog> history) {}

    public static final String VALID_METRIC = "ndcg@10";

    private Trainer() {}

    public static Result fit(SequentialRecommender model, Data data, Options o, Adam adam, State state,
                             EpochListener listener) {
        PrintStream log = o.log();
        List<Tensor> params = model.params().all();
        Backend backend = model.itemEmbedding().backend();
        while (state.epoch < o.epochs() && state.epochsWithoutImprovement < o.patience()) {
            int epoch = state.epoch + 1;
            Progress progress = new Progress(log, o.terminal(), "epoch " + epoch, data.trainSamples());
            double lossSum = 0;
            long samples = 0;
            Rng dropout = new Rng(o.seed() * 0x9E3779B97F4A7C15L + epoch);
            for (SequenceBatch batch : data.train(epoch)) {
                try (Scope step = Scope.open(); Tape tape = Tape.record()) {
                    Tensor items = Tensor.ofInts(backend, batch.items(), batch.batch(), batch.maxLen());
                    Tensor encoded = model.encode(items, batch.lengths(), Mode.training(dropout));
                    Tensor loss = F.crossEntropy(model.logits(encoded),
                            Tensor.ofInts(backend, batch.targets(), batch.batch()));
                    tape.backward(loss);
                    adam.step();
                    adam.zeroGrad();
                    float value = loss.item();
                    if (!Float.isFinite(value)) {
                        throw new IllegalStateException("training diverged: loss " + value + " in epoch " + epoch
                                + " (try a lower --lr)");
                    }
                    lossSum += (double) value * batch.batch();
                    samples += batch.batch();
                    progress.advance(batch.batch(), lossSum / samples);
                }
            }
            progress.finish();
            double trainSeconds = progress.seconds();
            Map<String, Double> valid = Evaluator.evaluate(model, data.valid(), o.maskHistory());
            double score = valid.getOrDefault(VALID_METRIC, 0.0);
            boolean improved = score > state.bestScore;
            state.epoch = epoch;
            if (improved) {
                state.bestScore = score;
                state.bestEpoch = epoch;
                state.bestValid = valid;
                state.epochsWithoutImprovement = 0;
                state.bestParams = snapshot(params);
            } else {
                state.epochsWithoutImprovement++;
            }
            EpochLog entry = new EpochLog(epoch, lossSum / Math.max(1, samples), trainSeconds,
                    samples / Math.max(trainSeconds, 1e-9), valid);
            state.history.add(entry);
            if (log != null) {
                log.printf(Locale.ROOT, "epoch %d  loss %.4f  %.1f s  %.0f samples/s  valid HR@10 %.4f  NDCG@10 %.4f"
                                + "  MRR@10 %.4f%s%n", epoch, entry.loss(), trainSeconds, entry.samplesPerSecond(),
                        valid.get("hr@10"), valid.get("ndcg@10"), valid.get("mrr@10"), improved ? "  *best" : "");
            }
            if (listener != null) {
                listener.epochEnded(state, adam, improved);
            }
        }
        if (state.bestParams != null) {
            restore(params, state.bestParams);
        }
        Map<String, Double> test = Evaluator.evaluate(model, data.test(), o.maskHistory());
        double seconds = 0;
        double rate = 0;
        for (EpochLog e : state.history) {
            seconds += e.trainSeconds();
            rate += e.samplesPerSecond();
        }
        int n = Math.max(1, state.history.size());
        return new Result(state.epoch, state.bestEpoch, new LinkedHashMap<>(state.bestValid), test, seconds / n,
                rate / n, state.history);
    }

    static List<float[]> snapshot(List<Tensor> params) {
        List<float[]> copy = new ArrayList<>(params.size());
        for (Tensor p : params) {
            copy.add(p.toFloatArray());
        }
        return copy;
    }

    static void restore(List<Tensor> params, List<float[]> values) {
        for (int i = 0; i < params.size(); i++) {
            params.get(i).copyFrom(values.get(i));
        }
    }
}

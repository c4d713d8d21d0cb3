package org.echorec.model.train;

import java.util.Map;
import org.echorec.model.data.SequenceBatch;
import org.echorec.model.eval.RankingMetrics;
import org.echorec.model.nn.Mode;
import org.echorec.model.rec.SequentialRecommender;
import org.echorec.runtime.autograd.Tape;
import org.echorec.runtime.tensor.Scope;
import org.echorec.runtime.tensor.Tensor;

/**
 * Full-ranking evaluation: every item (padding excluded) is scored after each history and the
 * target's rank gives HR, NDCG and MRR at 5, 10 and 20. Nothing is recorded for gradients.
 */
public final class Evaluator {
    private Evaluator() {}

    /**
     * @param maskHistory exclude the items of the (truncated) history from the ranking, except the
     *                    target itself (the other common convention; off by default as in RecBole's
     *                    reference configurations)
     */
    public static Map<String, Double> evaluate(SequentialRecommender model, Iterable<SequenceBatch> batches,
                                               boolean maskHistory) {
        RankingMetrics metrics = new RankingMetrics();
        int n = model.config().nItems();
        for (SequenceBatch batch : batches) {
            try (Scope s = Scope.open(); Tape.NoGrad off = Tape.noGrad()) {
                Tensor items = Tensor.ofInts(model.itemEmbedding().backend(), batch.items(), batch.batch(),
                        batch.maxLen());
                float[] scores = model.logits(model.encode(items, batch.lengths(), Mode.inference())).toFloatArray();
                for (int row = 0; row < batch.batch(); row++) {
                    int from = row * batch.maxLen();
                    int to = maskHistory ? from + batch.lengths()[row] : from; // the row's real items
                    metrics.add(scores, row * n, n, batch.targets()[row], batch.items(), from, to);
                }
            }
        }
        return metrics.result();
    }
}

package org.echorec.model.rec;

import org.echorec.model.nn.Params;
import org.echorec.runtime.tensor.Tensor;

/**
 * What the three recommenders share: their configuration, their parameters, and the item embedding
 * table that both embeds the history and scores every item (created first, N(0, 0.02), so that the
 * seeded initial values of the rest do not depend on the subclass).
 */
abstract class TiedEmbeddingRecommender implements SequentialRecommender {
    protected final ModelConfig config;
    protected final Params params;
    protected final Tensor itemEmbedding;

    TiedEmbeddingRecommender(Params params, ModelConfig config) {
        this.config = config;
        this.params = params;
        this.itemEmbedding = params.normal("item_embedding.weight", 0.02f, config.nItems(), config.hiddenSize());
    }

    @Override
    public final ModelConfig config() {
        return config;
    }

    @Override
    public final Params params() {
        return params;
    }

    @Override
    public final Tensor itemEmbedding() {
        return itemEmbedding;
    }
}

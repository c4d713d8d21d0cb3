package org.echorec.model.rec;

import java.util.ArrayList;
import java.util.List;
import org.echorec.model.nn.Dropout;
import org.echorec.model.nn.LayerNorm;
import org.echorec.model.nn.Linear;
import org.echorec.model.nn.Mode;
import org.echorec.model.nn.Params;
import org.echorec.runtime.autograd.F;
import org.echorec.runtime.tensor.Tensor;

/**
 * SASRec as in RecBole: item + learned position embedding → LayerNorm → dropout → post-norm
 * Transformer layers with causal self-attention (additive mask −10000 on future positions) and a
 * GELU feed-forward network; the output at each history's last item.
 *
 * <p>RecBole also masks padding keys. With right padding a query at a real position only sees real
 * keys under the causal mask, so the outputs that are read (the last real position) are the same.
 */
public final class SasRec extends TiedEmbeddingRecommender {
    private final Tensor positionEmbedding;
    private final LayerNorm norm;
    private final Dropout dropout;
    private final List<Layer> layers = new ArrayList<>();
    private final float[] causalMask;

    public SasRec(Params params, ModelConfig config) {
        super(params, config);
        int d = config.hiddenSize();
        positionEmbedding = params.normal("position_embedding.weight", 0.02f, config.maxLen(), d);
        norm = new LayerNorm(params.child("LayerNorm"), d, config.layerNormEps());
        dropout = new Dropout(config.dropout());
        for (int i = 0; i < config.numLayers(); i++) {
            layers.add(new Layer(params.child("trm_encoder.layer", i), config));
        }
        int len = config.maxLen();
        causalMask = new float[len * len];
        for (int q = 0; q < len; q++) {
            for (int k = q + 1; k < len; k++) {
                causalMask[q * len + k] = -10000f;
            }
        }
    }

    private static final class Layer {
        final Linear query;
        final Linear key;
        final Linear value;
        final Linear dense;
        final LayerNorm attentionNorm;
        final FeedForward ffn;
        final Dropout dropout;
        final int heads;

        Layer(Params p, ModelConfig c) {
            int d = c.hiddenSize();
            Params attention = p.child("multi_head_attention");
            query = new Linear(attention.child("query"), d, d, true);
            key = new Linear(attention.child("key"), d, d, true);
            value = new Linear(attention.child("value"), d, d, true);
            dense = new Linear(attention.child("dense"), d, d, true);
            attentionNorm = new LayerNorm(attention.child("LayerNorm"), d, c.layerNormEps());
            ffn = new FeedForward(p.child("feed_forward"), d, c.innerSize(), "dense_1", "dense_2", c.dropout(),
                    c.layerNormEps());
            dropout = new Dropout(c.dropout());
            heads = c.nHeads();
        }

        Tensor forward(Tensor x, Tensor mask, Mode mode) {
            int batch = x.dim(0);
            int len = x.dim(1);
            int d = x.dim(2);
            int headDim = d / heads;
            Tensor q = splitHeads(query.forward(x), heads);
            Tensor k = splitHeads(key.forward(x), heads);
            Tensor v = splitHeads(value.forward(x), heads);
            Tensor scores = F.scale(F.matmul(q, F.transpose(k, 1, 2)), (float) (1 / Math.sqrt(headDim)));
            Tensor probs = dropout.forward(F.softmax(F.add(scores, mask)), mode);
            Tensor context = F.matmul(probs, v);
            context = F.reshape(F.contiguous(F.transpose(F.reshape(context, batch, heads, len, headDim), 1, 2)),
                    batch, len, d);
            Tensor h = dropout.forward(dense.forward(context), mode);
            return ffn.forward(attentionNorm.forward(F.add(h, x)), mode);
        }

        /** [B, L, d] → [B·heads, L, d/heads]. */
        private static Tensor splitHeads(Tensor x, int heads) {
            int batch = x.dim(0);
            int len = x.dim(1);
            int headDim = x.dim(2) / heads;
            Tensor perHead = F.transpose(F.reshape(x, batch, len, heads, headDim), 1, 2);
            return F.reshape(F.contiguous(perHead), batch * heads, len, headDim);
        }
    }

    @Override
    public Tensor encode(Tensor items, int[] lengths, Mode mode) {
        int len = items.dim(1);
        if (len > config.maxLen()) {
            throw new IllegalArgumentException("sasrec: history length " + len + " exceeds max_len " + config.maxLen());
        }
        Tensor positions = len == config.maxLen() ? positionEmbedding : F.narrow(positionEmbedding, 0, 0, len);
        Tensor x = F.add(F.embedding(itemEmbedding, items, 0), positions);
        x = dropout.forward(norm.forward(x), mode);
        Tensor mask = maskOf(items, len);
        for (Layer layer : layers) {
            x = layer.forward(x, mask, mode);
        }
        return Sequences.lastPositions(x, lengths);
    }

    private Tensor maskOf(Tensor items, int len) {
        float[] m = new float[len * len];
        int max = config.maxLen();
        for (int q = 0; q < len; q++) {
            System.arraycopy(causalMask, q * max, m, q * len, len);
        }
        return Tensor.of(items.backend(), m, len, len);
    }
}

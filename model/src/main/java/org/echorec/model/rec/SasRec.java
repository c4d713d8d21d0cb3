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
            return attend(x, x, mask, mode);
        }

        /**
         * The layer's output at the query positions, [B, Lq, d]: keys and values from the whole
         * x [B, L, d], queries from {@code xq} [B, Lq, d] (Lq = L, or 1 for the last layer, see
         * {@link SasRec#encode}); mask [Lq, L] for every row or [B·heads, Lq, L].
         */
        Tensor attend(Tensor xq, Tensor x, Tensor mask, Mode mode) {
            int batch = x.dim(0);
            int queries = xq.dim(1);
            int d = x.dim(2);
            int headDim = d / heads;
            Tensor q = splitHeads(query.forward(xq), heads);
            Tensor k = splitHeads(key.forward(x), heads);
            Tensor v = splitHeads(value.forward(x), heads);
            Tensor scores = F.scale(F.matmul(q, F.transpose(k, 1, 2)), (float) (1 / Math.sqrt(headDim)));
            Tensor probs = dropout.forward(F.softmax(F.add(scores, mask)), mode);
            Tensor context = F.matmul(probs, v);
            context = F.reshape(F.contiguous(F.transpose(F.reshape(context, batch, heads, queries, headDim), 1, 2)),
                    batch, queries, d);
            Tensor h = dropout.forward(dense.forward(context), mode);
            return ffn.forward(attentionNorm.forward(F.add(h, xq)), mode);
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
        int[] last = Sequences.lastIndices(lengths, len);
        Tensor mask = maskOf(items, len);
        for (int i = 0; i < layers.size() - 1; i++) {
            x = layers.get(i).forward(x, mask, mode);
        }
        // only the last positions of the last layer are read: one query per sequence there, so its
        // query projection, attention rows, dense, norms and FFN run on B rows instead of B·L
        Tensor xq = F.reshape(Sequences.rowsAt(x, last), x.dim(0), 1, x.dim(2));
        Tensor out = layers.getLast().attend(xq, x, lastQueryMask(items, last, len), mode);
        return F.reshape(out, x.dim(0), x.dim(2));
    }

    /** The causal mask of the query at {@code last[b]}, per batch row and head: [B·heads, 1, L]. */
    private Tensor lastQueryMask(Tensor items, int[] last, int len) {
        int heads = config.nHeads();
        float[] m = new float[last.length * heads * len];
        for (int b = 0; b < last.length; b++) {
            for (int h = 0; h < heads; h++) {
                int row = (b * heads + h) * len;
                for (int k = last[b] + 1; k < len; k++) {
                    m[row + k] = -10000f;
                }
            }
        }
        return Tensor.of(items.backend(), m, last.length * heads, 1, len);
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

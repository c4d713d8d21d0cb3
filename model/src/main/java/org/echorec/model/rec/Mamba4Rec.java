package org.echorec.model.rec;

import java.util.ArrayList;
import java.util.List;
import org.echorec.model.nn.Dropout;
import org.echorec.model.nn.LayerNorm;
import org.echorec.model.nn.Mode;
import org.echorec.model.nn.Params;
import org.echorec.runtime.autograd.F;
import org.echorec.runtime.tensor.Tensor;

/**
 * Mamba4Rec (Liu et al., 2024): item embedding → dropout → LayerNorm, then per layer a Mamba block,
 * {@code LN(dropout(h))} for a single layer and {@code LN(dropout(h) + x)} when stacked, and a
 * position-wise feed-forward network; the output at each history's last item.
 */
public final class Mamba4Rec extends TiedEmbeddingRecommender {
    private final LayerNorm norm;
    private final Dropout dropout;
    private final List<Layer> layers = new ArrayList<>();

    public Mamba4Rec(Params params, ModelConfig config) {
        super(params, config);
        norm = new LayerNorm(params.child("LayerNorm"), config.hiddenSize(), config.layerNormEps());
        dropout = new Dropout(config.dropout());
        for (int i = 0; i < config.numLayers(); i++) {
            layers.add(new Layer(params.child("mamba_layers", i), config));
        }
    }

    private static final class Layer {
        final MambaBlock mamba;
        final LayerNorm norm;
        final FeedForward ffn;
        final Dropout dropout;
        final boolean residual;

        Layer(Params p, ModelConfig c) {
            mamba = new MambaBlock(p.child("mamba"), c);
            norm = new LayerNorm(p.child("LayerNorm"), c.hiddenSize(), c.layerNormEps());
            ffn = new FeedForward(p.child("ffn"), c.hiddenSize(), 4 * c.hiddenSize(), "w_1", "w_2", c.dropout(),
                    c.layerNormEps());
            dropout = new Dropout(c.dropout());
            residual = c.numLayers() > 1;
        }

        /** [B, L, d] → [B, L, d], exact at each history's positions (before its length) only. */
        Tensor forward(Tensor x, int[] lengths, Mode mode) {
            return tail(mamba.forward(x, lengths), x, mode);
        }

        /** The layer's output at {@code positions} only, [B, d] (see {@link Mamba4Rec#encode}). */
        Tensor forwardAt(Tensor x, int[] positions, Mode mode) {
            return tail(mamba.forwardAt(x, positions), residual ? Sequences.rowsAt(x, positions) : null, mode);
        }

        private Tensor tail(Tensor mambaOut, Tensor x, Mode mode) {
            Tensor h = dropout.forward(mambaOut, mode);
            h = norm.forward(residual ? F.add(h, x) : h);
            return ffn.forward(h, mode);
        }
    }

    @Override
    public Tensor encode(Tensor items, int[] lengths, Mode mode) {
        int[] last = Sequences.lastIndices(lengths, items.dim(1));
        Tensor x = norm.forward(dropout.forward(F.embedding(itemEmbedding, items, 0), mode));
        for (int i = 0; i < layers.size() - 1; i++) {
            x = layers.get(i).forward(x, lengths, mode);
        }
        // the model is causal and reads each history's last position only: every scan stops at the
        // history's length, and after the last layer's scan (everything there is position-wise) the
        // last positions are gathered first, so out_proj, the norms and the FFN run on B rows only
        return layers.getLast().forwardAt(x, last, mode);
    }
}

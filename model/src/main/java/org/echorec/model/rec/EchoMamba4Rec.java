package org.echorec.model.rec;

import org.echorec.model.nn.Dropout;
import org.echorec.model.nn.LayerNorm;
import org.echorec.model.nn.Linear;
import org.echorec.model.nn.Mode;
import org.echorec.model.nn.Params;
import org.echorec.runtime.autograd.F;
import org.echorec.runtime.tensor.Tensor;

/**
 * EchoMamba4Rec: item embedding → dropout → LayerNorm (no positional embedding), then a learnable
 * frequency-domain filter, a bi-directional Mamba (a forward and a backward block over the flipped
 * sequence, each with its own residual LayerNorm) and a GLU block; the output at each history's
 * last item.
 *
 * <p>As in the reference, histories are right-padded to max_len, so the filter and the backward
 * Mamba see the padding after the last item: the output depends on max_len, not only on the history.
 * The reference's unused {@code multi_query_transformer_block} is left out (it never runs).
 */
public final class EchoMamba4Rec extends TiedEmbeddingRecommender {
    private final LayerNorm norm;
    private final Dropout dropout;
    private final Tensor filterWeight;
    private final LayerNorm filterNorm;
    private final MambaBlock forwardMamba;
    private final MambaBlock backwardMamba;
    private final LayerNorm forwardNorm;
    private final LayerNorm backwardNorm;
    private final Linear gluIn;
    private final Linear gluOut;
    private final LayerNorm gluNorm;

    public EchoMamba4Rec(Params params, ModelConfig config) {
        super(params, config);
        int d = config.hiddenSize();
        float eps = config.layerNormEps();
        norm = new LayerNorm(params.child("LayerNorm"), d, eps);
        dropout = new Dropout(config.dropout());
        Params layer = params.child("mamba_layers", 0);
        Params filter = layer.child("filter_layer");
        filterWeight = filter.normal("complex_weight", 0.02f, 1, config.maxLen() / 2 + 1, d, 2);
        filterNorm = new LayerNorm(filter.child("LayerNorm"), d, eps);
        forwardNorm = new LayerNorm(layer.child("norms_forward", 0), d, 1e-5f);
        backwardNorm = new LayerNorm(layer.child("norms_backward", 0), d, 1e-5f);
        forwardMamba = new MambaBlock(layer.child("mamba_forwards", 0), config);
        backwardMamba = new MambaBlock(layer.child("mamba_backwards", 0), config);
        Params glu = layer.child("glu");
        gluIn = new Linear(glu.child("fc1"), d, 2 * d, true);
        gluOut = new Linear(glu.child("fc2"), d, d, true);
        gluNorm = new LayerNorm(glu.child("LayerNorm"), d, eps);
    }

    @Override
    public Tensor encode(Tensor items, int[] lengths, Mode mode) {
        if (items.dim(1) != config.maxLen()) {
            throw new IllegalArgumentException("echomamba4rec: histories must be padded to max_len "
                    + config.maxLen() + ", got length " + items.dim(1));
        }
        Tensor x = norm.forward(dropout.forward(F.embedding(itemEmbedding, items, 0), mode));
        x = spectralFilter(x, mode);
        // after the two scans everything is position-wise and only the last positions are read:
        // they are gathered there, so out_proj, the norms and the GLU run on B rows, not B·L
        return glu(biMambaAt(x, Sequences.lastIndices(lengths, items.dim(1)), mode), mode);
    }

    private Tensor spectralFilter(Tensor x, Mode mode) {
        int bins = config.maxLen() / 2 + 1;
        Tensor w = F.reshape(filterWeight, bins, config.hiddenSize(), 2);
        Tensor filtered = dropout.forward(F.spectralFilter(x, w), mode);
        return filterNorm.forward(F.add(filtered, x));
    }

    /** The bi-directional Mamba's output at {@code positions} only, [B, d]. */
    private Tensor biMambaAt(Tensor x, int[] positions, Mode mode) {
        int length = x.dim(1);
        int[] flipped = new int[positions.length];
        for (int i = 0; i < positions.length; i++) {
            flipped[i] = length - 1 - positions[i];
        }
        Tensor xAt = Sequences.rowsAt(x, positions);
        Tensor f = forwardNorm.forward(F.add(dropout.forward(forwardMamba.forwardAt(x, positions), mode), xAt));
        // flip(Mamba_b(flip(x))) at position t is Mamba_b(flip(x)) at L−1−t
        Tensor b = backwardMamba.forwardAt(F.flip(x, 1), flipped);
        b = backwardNorm.forward(F.add(dropout.forward(b, mode), xAt));
        return F.add(f, b);
    }

    /** x [B, d] (the last positions) → [B, d]. */
    private Tensor glu(Tensor x, Mode mode) {
        Tensor[] valueGate = Sequences.halves(gluIn.forward(x));
        Tensor gated = gluOut.forward(F.mul(valueGate[0], F.sigmoid(valueGate[1])));
        return gluNorm.forward(dropout.forward(F.add(gated, x), mode));
    }
}

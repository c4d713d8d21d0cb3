package org.echorec.model.rec;

import org.echorec.model.nn.Mode;
import org.echorec.model.nn.Params;
import org.echorec.runtime.autograd.F;
import org.echorec.runtime.tensor.Tensor;

/**
 * A next-item model: a history of item ids in, one vector out, scored against the item embedding
 * table (tied, as in the reference code: logits = h·Eᵀ over every item, padding included).
 */
public interface SequentialRecommender {

    ModelConfig config();

    Params params();

    /** The item embedding table [n_items, hidden]; row 0 is padding. */
    Tensor itemEmbedding();

    /**
     * The representation after each history: {@code items} [B, max_len] int32, right-padded with 0
     * (real items first, oldest to newest); {@code lengths} the number of real items of each row
     * (1..max_len). Returns [B, hidden], the output at each row's last real position.
     */
    Tensor encode(Tensor items, int[] lengths, Mode mode);

    /** Scores of every item after each history: [B, n_items]. */
    default Tensor logits(Tensor encoded) {
        return F.linear(encoded, itemEmbedding(), null);
    }
}

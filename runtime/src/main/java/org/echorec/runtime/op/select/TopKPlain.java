package org.echorec.runtime.op.select;

import org.echorec.runtime.tensor.Tensor;

/** Placeholder until the family is written. */
public final class TopKPlain {
    private TopKPlain() {}

    public static void topK(Tensor x, int k, Tensor values, Tensor indices) {
        throw new UnsupportedOperationException("TopKPlain.topK: not implemented yet");
    }
}

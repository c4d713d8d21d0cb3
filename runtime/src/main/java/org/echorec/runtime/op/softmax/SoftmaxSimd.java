package org.echorec.runtime.op.softmax;

import org.echorec.runtime.tensor.Tensor;

/** Placeholder until the family is written. */
public final class SoftmaxSimd {
    private SoftmaxSimd() {}

    public static void softmax(Tensor x, Tensor y) {
        throw new UnsupportedOperationException("SoftmaxSimd.softmax: not implemented yet");
    }

    public static void softmaxBackward(Tensor y, Tensor dy, Tensor dx) {
        throw new UnsupportedOperationException("SoftmaxSimd.softmaxBackward: not implemented yet");
    }

    public static void crossEntropy(Tensor logits, Tensor targets, Tensor loss, Tensor lse) {
        throw new UnsupportedOperationException("SoftmaxSimd.crossEntropy: not implemented yet");
    }

    public static void crossEntropyBackward(Tensor logits, Tensor targets, Tensor lse, Tensor dloss, Tensor dlogits) {
        throw new UnsupportedOperationException("SoftmaxSimd.crossEntropyBackward: not implemented yet");
    }
}

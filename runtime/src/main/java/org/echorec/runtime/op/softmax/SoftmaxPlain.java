package org.echorec.runtime.op.softmax;

import org.echorec.runtime.tensor.Tensor;

/** Placeholder until the family is written. */
public final class SoftmaxPlain {
    private SoftmaxPlain() {}

    public static void softmax(Tensor x, Tensor y) {
        throw new UnsupportedOperationException("SoftmaxPlain.softmax: not implemented yet");
    }

    public static void softmaxBackward(Tensor y, Tensor dy, Tensor dx) {
        throw new UnsupportedOperationException("SoftmaxPlain.softmaxBackward: not implemented yet");
    }

    public static void crossEntropy(Tensor logits, Tensor targets, Tensor loss, Tensor lse) {
        throw new UnsupportedOperationException("SoftmaxPlain.crossEntropy: not implemented yet");
    }

    public static void crossEntropyBackward(Tensor logits, Tensor targets, Tensor lse, Tensor dloss, Tensor dlogits) {
        throw new UnsupportedOperationException("SoftmaxPlain.crossEntropyBackward: not implemented yet");
    }
}

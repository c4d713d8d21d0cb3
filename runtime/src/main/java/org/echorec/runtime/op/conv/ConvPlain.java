package org.echorec.runtime.op.conv;

import org.echorec.runtime.tensor.Tensor;

/** Placeholder until the family is written. */
public final class ConvPlain {
    private ConvPlain() {}

    public static void causalConv1d(Tensor x, Tensor w, Tensor bias, Tensor y) {
        throw new UnsupportedOperationException("ConvPlain.causalConv1d: not implemented yet");
    }

    public static void causalConv1dBackward(Tensor x, Tensor w, Tensor dy, Tensor dx, Tensor dw, Tensor dbias) {
        throw new UnsupportedOperationException("ConvPlain.causalConv1dBackward: not implemented yet");
    }
}

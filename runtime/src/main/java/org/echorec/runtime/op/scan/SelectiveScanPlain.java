package org.echorec.runtime.op.scan;

import org.echorec.runtime.tensor.Tensor;

/** Placeholder until the family is written. */
public final class SelectiveScanPlain {
    private SelectiveScanPlain() {}

    public static void forward(Tensor u, Tensor delta, Tensor a, Tensor b, Tensor c, Tensor d, Tensor deltaBias, boolean deltaSoftplus, Tensor y, Tensor states) {
        throw new UnsupportedOperationException("SelectiveScanPlain.forward: not implemented yet");
    }

    public static void backward(Tensor u, Tensor delta, Tensor a, Tensor b, Tensor c, Tensor d, Tensor deltaBias, boolean deltaSoftplus, Tensor states, Tensor dy, Tensor du, Tensor ddelta, Tensor da, Tensor db, Tensor dc, Tensor dd, Tensor ddeltaBias) {
        throw new UnsupportedOperationException("SelectiveScanPlain.backward: not implemented yet");
    }
}

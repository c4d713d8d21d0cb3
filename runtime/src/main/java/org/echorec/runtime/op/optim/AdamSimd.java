package org.echorec.runtime.op.optim;

import org.echorec.runtime.op.AdamStep;
import org.echorec.runtime.tensor.Tensor;

/** Placeholder until the family is written. */
public final class AdamSimd {
    private AdamSimd() {}

    public static void adam(Tensor param, Tensor grad, Tensor m, Tensor v, AdamStep step) {
        throw new UnsupportedOperationException("AdamSimd.adam: not implemented yet");
    }
}

package org.echorec.runtime.op.norm;

import org.echorec.runtime.tensor.Tensor;

/** Placeholder until the family is written. */
public final class NormPlain {
    private NormPlain() {}

    public static void layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps, Tensor y, Tensor mean, Tensor rstd) {
        throw new UnsupportedOperationException("NormPlain.layerNorm: not implemented yet");
    }

    public static void layerNormBackward(Tensor x, Tensor gamma, Tensor mean, Tensor rstd, Tensor dy, Tensor dx, Tensor dgamma, Tensor dbeta) {
        throw new UnsupportedOperationException("NormPlain.layerNormBackward: not implemented yet");
    }

    public static void rmsNorm(Tensor x, Tensor gamma, float eps, Tensor y, Tensor rstd) {
        throw new UnsupportedOperationException("NormPlain.rmsNorm: not implemented yet");
    }

    public static void rmsNormBackward(Tensor x, Tensor gamma, Tensor rstd, Tensor dy, Tensor dx, Tensor dgamma) {
        throw new UnsupportedOperationException("NormPlain.rmsNormBackward: not implemented yet");
    }
}

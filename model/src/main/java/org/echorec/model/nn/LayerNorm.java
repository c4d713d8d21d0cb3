package org.echorec.model.nn;

import org.echorec.runtime.autograd.F;
import org.echorec.runtime.tensor.Tensor;

/** LayerNorm over the last axis with a learnable scale (ones) and shift (zeros). */
public final class LayerNorm {
    public final Tensor weight;
    public final Tensor bias;
    private final float eps;

    public LayerNorm(Params params, int dim, float eps) {
        this.weight = params.ones("weight", dim);
        this.bias = params.zeros("bias", dim);
        this.eps = eps;
    }

    public Tensor forward(Tensor x) {
        return F.layerNorm(x, weight, bias, eps);
    }
}

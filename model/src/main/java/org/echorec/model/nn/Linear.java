package org.echorec.model.nn;

import org.echorec.runtime.autograd.F;
import org.echorec.runtime.tensor.Tensor;

/**
 * {@code y = x·Wᵀ + b} with PyTorch's layout (weight [out, in]). Initialised as the reference
 * recommenders re-initialise every Linear: weight N(0, 0.02), bias zero.
 */
public final class Linear {
    public final Tensor weight;
    public final Tensor bias;

    private Linear(Tensor weight, Tensor bias) {
        this.weight = weight;
        this.bias = bias;
    }

    /** Weight N(0, std), bias zero (the reference recommenders' init, std 0.02). */
    public Linear(Params params, int in, int out, boolean bias, float std) {
        this(params.normal("weight", std, out, in), bias ? params.zeros("bias", out) : null);
    }

    public Linear(Params params, int in, int out, boolean bias) {
        this(params, in, out, bias, 0.02f);
    }

    /** PyTorch's default Linear init, weight and bias U(±1/sqrt(in)) (what Mamba itself keeps). */
    public static Linear pytorchDefault(Params params, int in, int out, boolean bias) {
        float bound = (float) (1 / Math.sqrt(in));
        return new Linear(params.uniform("weight", -bound, bound, out, in),
                bias ? params.uniform("bias", -bound, bound, out) : null);
    }

    public Tensor forward(Tensor x) {
        return F.linear(x, weight, bias);
    }
}

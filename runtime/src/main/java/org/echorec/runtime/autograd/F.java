package org.echorec.runtime.autograd;

import org.echorec.runtime.op.Unary;
import org.echorec.runtime.op.binary.BinaryGrad;
import org.echorec.runtime.op.conv.ConvGrad;
import org.echorec.runtime.op.fft.FftGrad;
import org.echorec.runtime.op.gather.GatherGrad;
import org.echorec.runtime.op.matmul.MatmulGrad;
import org.echorec.runtime.op.norm.NormGrad;
import org.echorec.runtime.op.random.RandomGrad;
import org.echorec.runtime.op.random.Rng;
import org.echorec.runtime.op.reduce.ReduceGrad;
import org.echorec.runtime.op.scan.ScanGrad;
import org.echorec.runtime.op.softmax.SoftmaxGrad;
import org.echorec.runtime.op.unary.UnaryGrad;
import org.echorec.runtime.op.view.ViewGrad;
import org.echorec.runtime.tensor.Tensor;

/**
 * The differentiable functions models are written with, one entry point for every family's
 * {@code *Grad} class. Each computes its result with the inputs' backend and, while a {@link Tape}
 * records, records its gradient rule. Outputs are allocated in the current {@code Scope}.
 */
public final class F {
    private F() {}

    // ------------------------------------------------------------------ views and data movement

    public static Tensor contiguous(Tensor x) {
        return ViewGrad.contiguous(x);
    }

    public static Tensor reshape(Tensor x, int... shape) {
        return ViewGrad.reshape(x, shape);
    }

    public static Tensor narrow(Tensor x, int axis, int start, int length) {
        return ViewGrad.narrow(x, axis, start, length);
    }

    public static Tensor transpose(Tensor x, int axisA, int axisB) {
        return ViewGrad.transpose(x, axisA, axisB);
    }

    public static Tensor[] split(Tensor x, int axis, int... sizes) {
        return ViewGrad.split(x, axis, sizes);
    }

    public static Tensor concat(int axis, Tensor... xs) {
        return ViewGrad.concat(axis, xs);
    }

    public static Tensor flip(Tensor x, int axis) {
        return ViewGrad.flip(x, axis);
    }

    // ------------------------------------------------------------------ elementwise

    public static Tensor unary(Unary op, Tensor x) {
        return UnaryGrad.apply(op, x);
    }

    public static Tensor exp(Tensor x) {
        return UnaryGrad.apply(Unary.EXP, x);
    }

    public static Tensor log(Tensor x) {
        return UnaryGrad.apply(Unary.LOG, x);
    }

    public static Tensor tanh(Tensor x) {
        return UnaryGrad.apply(Unary.TANH, x);
    }

    public static Tensor sigmoid(Tensor x) {
        return UnaryGrad.apply(Unary.SIGMOID, x);
    }

    public static Tensor silu(Tensor x) {
        return UnaryGrad.apply(Unary.SILU, x);
    }

    public static Tensor gelu(Tensor x) {
        return UnaryGrad.apply(Unary.GELU, x);
    }

    public static Tensor softplus(Tensor x) {
        return UnaryGrad.apply(Unary.SOFTPLUS, x);
    }

    public static Tensor hardswish(Tensor x) {
        return UnaryGrad.apply(Unary.HARDSWISH, x);
    }

    public static Tensor relu(Tensor x) {
        return UnaryGrad.apply(Unary.RELU, x);
    }

    public static Tensor square(Tensor x) {
        return UnaryGrad.apply(Unary.SQUARE, x);
    }

    // ------------------------------------------------------------------ matrix products

    /** {@code a·b}: [M,K]·[K,N], or batched [B,M,K]·[B,K,N] (a rank-2 operand is shared by the batch). */
    public static Tensor matmul(Tensor a, Tensor b) {
        return MatmulGrad.matmul(a, b);
    }

    /** {@code x·wᵀ + bias} with PyTorch's layout w [out, in]; x [..., in] → [..., out]; bias may be null. */
    public static Tensor linear(Tensor x, Tensor w, Tensor bias) {
        return MatmulGrad.linear(x, w, bias);
    }

    // ------------------------------------------------------------------ arithmetic (b broadcast over a's leading axes)

    public static Tensor add(Tensor a, Tensor b) {
        return BinaryGrad.add(a, b);
    }

    public static Tensor sub(Tensor a, Tensor b) {
        return BinaryGrad.sub(a, b);
    }

    public static Tensor mul(Tensor a, Tensor b) {
        return BinaryGrad.mul(a, b);
    }

    public static Tensor div(Tensor a, Tensor b) {
        return BinaryGrad.div(a, b);
    }

    /** {@code alpha·x}. */
    public static Tensor scale(Tensor x, float alpha) {
        return BinaryGrad.scale(x, alpha);
    }

    /** {@code x + beta}. */
    public static Tensor addScalar(Tensor x, float beta) {
        return BinaryGrad.addScalar(x, beta);
    }

    // ------------------------------------------------------------------ reductions

    public static Tensor sum(Tensor x, int axis) {
        return ReduceGrad.sum(x, axis);
    }

    public static Tensor mean(Tensor x, int axis) {
        return ReduceGrad.mean(x, axis);
    }

    /** Sum of every element, shape []. */
    public static Tensor sumAll(Tensor x) {
        return ReduceGrad.sumAll(x);
    }

    /** Mean of every element, shape []. */
    public static Tensor meanAll(Tensor x) {
        return ReduceGrad.meanAll(x);
    }

    // ------------------------------------------------------------------ normalisation, softmax, losses

    public static Tensor layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps) {
        return NormGrad.layerNorm(x, gamma, beta, eps);
    }

    public static Tensor rmsNorm(Tensor x, Tensor gamma, float eps) {
        return NormGrad.rmsNorm(x, gamma, eps);
    }

    /** Softmax over the last axis. */
    public static Tensor softmax(Tensor x) {
        return SoftmaxGrad.softmax(x);
    }

    /** Mean cross-entropy of logits [rows, V] against int32 targets [rows]; targets &lt; 0 are ignored. */
    public static Tensor crossEntropy(Tensor logits, Tensor targets) {
        return SoftmaxGrad.crossEntropy(logits, targets);
    }

    /** Per-row cross-entropy [rows]. */
    public static Tensor crossEntropyPerRow(Tensor logits, Tensor targets) {
        return SoftmaxGrad.crossEntropyPerRow(logits, targets);
    }

    // ------------------------------------------------------------------ lookup, dropout, convolution

    /** {@code table[ids]}; the padding id's row gets no gradient (−1: none). */
    public static Tensor embedding(Tensor table, Tensor ids, int paddingIndex) {
        return GatherGrad.embedding(table, ids, paddingIndex);
    }

    /** Inverted dropout; the identity when not training. */
    public static Tensor dropout(Tensor x, float p, Rng rng, boolean training) {
        return RandomGrad.dropout(x, p, rng, training);
    }

    /** Depthwise causal convolution, x [B, L, C], w [C, K], bias [C] or null. */
    public static Tensor causalConv1d(Tensor x, Tensor w, Tensor bias) {
        return ConvGrad.causalConv1d(x, w, bias);
    }

    // ------------------------------------------------------------------ frequency domain

    /** Orthonormal real FFT along {@code axis}: [..., n, ...] to [..., n/2+1, ..., 2] (re, im last). */
    public static Tensor rfft(Tensor x, int axis) {
        return FftGrad.rfft(x, axis);
    }

    /**
     * Orthonormal inverse real FFT to length n; {@code axis} counts the axes of the real output
     * (the spectrum has one more, the trailing (re, im) axis).
     */
    public static Tensor irfft(Tensor spectrum, int n, int axis) {
        return FftGrad.irfft(spectrum, n, axis);
    }

    /** Complex product of a [..., F, C, 2] with a weight [F, C, 2]. */
    public static Tensor complexMul(Tensor a, Tensor w) {
        return FftGrad.complexMul(a, w);
    }

    /** EchoMamba4Rec's filter on [B, L, C]: irfft(rfft(x)·w) along the sequence, w [L/2+1, C, 2]. */
    public static Tensor spectralFilter(Tensor x, Tensor w) {
        return FftGrad.spectralFilter(x, w);
    }

    // ------------------------------------------------------------------ state space models

    /**
     * The Mamba selective scan, fused: u, delta [B, L, D], a [D, N], b, c [B, L, N], d and deltaBias
     * [D] or null; with {@code deltaSoftplus} Δ = softplus(delta + deltaBias). See {@code Ops.selectiveScan}.
     */
    public static Tensor selectiveScan(Tensor u, Tensor delta, Tensor a, Tensor b, Tensor c, Tensor d,
                                       Tensor deltaBias, boolean deltaSoftplus) {
        return ScanGrad.selectiveScan(u, delta, a, b, c, d, deltaBias, deltaSoftplus);
    }

    /**
     * The scan with row b stopped after {@code lengths[b]} steps: y is 0 after them and they get no
     * gradient. For causal models that read no padded position; the cost follows the real lengths.
     */
    public static Tensor selectiveScan(Tensor u, Tensor delta, Tensor a, Tensor b, Tensor c, Tensor d,
                                       Tensor deltaBias, boolean deltaSoftplus, int[] lengths) {
        return ScanGrad.selectiveScan(u, delta, a, b, c, d, deltaBias, deltaSoftplus, lengths);
    }
}

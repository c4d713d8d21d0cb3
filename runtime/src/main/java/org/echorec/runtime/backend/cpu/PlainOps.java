package org.echorec.runtime.backend.cpu;

import org.echorec.runtime.op.AdamStep;
import org.echorec.runtime.op.Binary;
import org.echorec.runtime.op.Ops;
import org.echorec.runtime.op.Unary;
import org.echorec.runtime.op.binary.BinaryPlain;
import org.echorec.runtime.op.conv.ConvPlain;
import org.echorec.runtime.op.fft.FftPlain;
import org.echorec.runtime.op.gather.GatherPlain;
import org.echorec.runtime.op.matmul.GemmPlain;
import org.echorec.runtime.op.norm.NormPlain;
import org.echorec.runtime.op.optim.AdamPlain;
import org.echorec.runtime.op.random.RandomPlain;
import org.echorec.runtime.op.reduce.ReducePlain;
import org.echorec.runtime.op.scan.SelectiveScanPlain;
import org.echorec.runtime.op.select.TopKPlain;
import org.echorec.runtime.op.softmax.SoftmaxPlain;
import org.echorec.runtime.op.unary.UnaryPlain;
import org.echorec.runtime.op.view.ViewPlain;
import org.echorec.runtime.tensor.Tensor;

/**
 * The CPU kernels in plain Java: the fallback when the Vector API is absent, and the only CPU
 * implementation of the primitives that SIMD does not speed up (copies, gathers, top-k, random).
 * Arguments were validated by {@code CheckedOps}.
 */
public class PlainOps implements Ops {

    @Override
    public void fill(Tensor dst, float value) {
        ViewPlain.fill(dst, value);
    }

    @Override
    public void copy(Tensor src, Tensor dst, boolean accumulate) {
        ViewPlain.copy(src, dst, accumulate);
    }

    @Override
    public void flip(Tensor x, int axis, Tensor y) {
        ViewPlain.flip(x, axis, y);
    }

    @Override
    public void gemm(boolean transA, boolean transB, float alpha, Tensor a, Tensor b, float beta, Tensor c) {
        GemmPlain.gemm(transA, transB, alpha, a, b, beta, c);
    }

    @Override
    public void unary(Unary op, Tensor x, Tensor y) {
        UnaryPlain.forward(op, x, y);
    }

    @Override
    public void unaryBackward(Unary op, Tensor x, Tensor dy, Tensor dx) {
        UnaryPlain.backward(op, x, dy, dx);
    }

    @Override
    public void binary(Binary op, Tensor a, Tensor b, Tensor out) {
        BinaryPlain.binary(op, a, b, out);
    }

    @Override
    public void affine(Tensor x, float alpha, float beta, Tensor y) {
        BinaryPlain.affine(x, alpha, beta, y);
    }

    @Override
    public void axpy(float alpha, Tensor x, Tensor y) {
        BinaryPlain.axpy(alpha, x, y);
    }

    @Override
    public void sum(Tensor x, int axis, float scale, Tensor out) {
        ReducePlain.sum(x, axis, scale, out);
    }

    @Override
    public void broadcastAxis(Tensor dy, int axis, float scale, Tensor dx) {
        ReducePlain.broadcastAxis(dy, axis, scale, dx);
    }

    @Override
    public void layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps, Tensor y, Tensor mean, Tensor rstd) {
        NormPlain.layerNorm(x, gamma, beta, eps, y, mean, rstd);
    }

    @Override
    public void layerNormBackward(Tensor x, Tensor gamma, Tensor mean, Tensor rstd, Tensor dy,
                                  Tensor dx, Tensor dgamma, Tensor dbeta) {
        NormPlain.layerNormBackward(x, gamma, mean, rstd, dy, dx, dgamma, dbeta);
    }

    @Override
    public void rmsNorm(Tensor x, Tensor gamma, float eps, Tensor y, Tensor rstd) {
        NormPlain.rmsNorm(x, gamma, eps, y, rstd);
    }

    @Override
    public void rmsNormBackward(Tensor x, Tensor gamma, Tensor rstd, Tensor dy, Tensor dx, Tensor dgamma) {
        NormPlain.rmsNormBackward(x, gamma, rstd, dy, dx, dgamma);
    }

    @Override
    public void softmax(Tensor x, Tensor y) {
        SoftmaxPlain.softmax(x, y);
    }

    @Override
    public void softmaxBackward(Tensor y, Tensor dy, Tensor dx) {
        SoftmaxPlain.softmaxBackward(y, dy, dx);
    }

    @Override
    public void crossEntropy(Tensor logits, Tensor targets, Tensor loss, Tensor lse) {
        SoftmaxPlain.crossEntropy(logits, targets, loss, lse);
    }

    @Override
    public void crossEntropyBackward(Tensor logits, Tensor targets, Tensor lse, Tensor dloss, Tensor dlogits) {
        SoftmaxPlain.crossEntropyBackward(logits, targets, lse, dloss, dlogits);
    }

    @Override
    public void gather(Tensor table, Tensor ids, Tensor out) {
        GatherPlain.gather(table, ids, out);
    }

    @Override
    public void scatterAdd(Tensor ids, Tensor src, int skipIndex, Tensor table) {
        GatherPlain.scatterAdd(ids, src, skipIndex, table);
    }

    @Override
    public void dropout(Tensor x, float p, long seed, long offset, Tensor y) {
        RandomPlain.dropout(x, p, seed, offset, y);
    }

    @Override
    public void randomUniform(Tensor dst, long seed, long offset, float lo, float hi) {
        RandomPlain.uniform(dst, seed, offset, lo, hi);
    }

    @Override
    public void randomNormal(Tensor dst, long seed, long offset, float mean, float std) {
        RandomPlain.normal(dst, seed, offset, mean, std);
    }

    @Override
    public void causalConv1d(Tensor x, Tensor w, Tensor bias, Tensor y) {
        ConvPlain.causalConv1d(x, w, bias, y);
    }

    @Override
    public void causalConv1dBackward(Tensor x, Tensor w, Tensor dy, Tensor dx, Tensor dw, Tensor dbias) {
        ConvPlain.causalConv1dBackward(x, w, dy, dx, dw, dbias);
    }

    @Override
    public void selectiveScan(Tensor u, Tensor delta, Tensor a, Tensor b, Tensor c, Tensor d, Tensor deltaBias,
                              boolean deltaSoftplus, Tensor lengths, Tensor y, Tensor states) {
        SelectiveScanPlain.forward(u, delta, a, b, c, d, deltaBias, deltaSoftplus, lengths, y, states);
    }

    @Override
    public void selectiveScanBackward(Tensor u, Tensor delta, Tensor a, Tensor b, Tensor c, Tensor d,
                                      Tensor deltaBias, boolean deltaSoftplus, Tensor lengths, Tensor states, Tensor dy,
                                      Tensor du, Tensor ddelta, Tensor da, Tensor db, Tensor dc, Tensor dd,
                                      Tensor ddeltaBias) {
        SelectiveScanPlain.backward(u, delta, a, b, c, d, deltaBias, deltaSoftplus, lengths, states, dy,
                du, ddelta, da, db, dc, dd, ddeltaBias);
    }

    @Override
    public void rfft(Tensor x, int axis, Tensor out) {
        FftPlain.rfft(x, axis, out);
    }

    @Override
    public void irfft(Tensor spec, int axis, Tensor x) {
        FftPlain.irfft(spec, axis, x);
    }

    @Override
    public void rfftBackward(Tensor dout, int axis, Tensor dx) {
        FftPlain.rfftBackward(dout, axis, dx);
    }

    @Override
    public void irfftBackward(Tensor dx, int axis, Tensor dspec) {
        FftPlain.irfftBackward(dx, axis, dspec);
    }

    @Override
    public void complexMul(Tensor a, Tensor w, Tensor out) {
        FftPlain.complexMul(a, w, out);
    }

    @Override
    public void complexMulBackward(Tensor a, Tensor w, Tensor dout, Tensor da, Tensor dw) {
        FftPlain.complexMulBackward(a, w, dout, da, dw);
    }

    @Override
    public void topK(Tensor x, int k, Tensor values, Tensor indices) {
        TopKPlain.topK(x, k, values, indices);
    }

    @Override
    public void adam(Tensor param, Tensor grad, Tensor m, Tensor v, AdamStep step) {
        AdamPlain.adam(param, grad, m, v, step);
    }
}

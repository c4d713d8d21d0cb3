package org.echorec.runtime.backend.cuda;

import org.echorec.runtime.op.AdamStep;
import org.echorec.runtime.op.Binary;
import org.echorec.runtime.op.Ops;
import org.echorec.runtime.op.Unary;
import org.echorec.runtime.op.binary.BinaryCuda;
import org.echorec.runtime.op.conv.ConvCuda;
import org.echorec.runtime.op.fft.ComplexMulCuda;
import org.echorec.runtime.op.fft.FftCuda;
import org.echorec.runtime.op.gather.GatherCuda;
import org.echorec.runtime.op.matmul.GemmCuda;
import org.echorec.runtime.op.norm.NormCuda;
import org.echorec.runtime.op.optim.AdamCuda;
import org.echorec.runtime.op.random.RandomCuda;
import org.echorec.runtime.op.reduce.ReduceCuda;
import org.echorec.runtime.op.scan.SelectiveScanCuda;
import org.echorec.runtime.op.select.TopKCuda;
import org.echorec.runtime.op.softmax.SoftmaxCuda;
import org.echorec.runtime.op.unary.UnaryCuda;
import org.echorec.runtime.op.view.ViewCuda;
import org.echorec.runtime.tensor.Tensor;

/**
 * The primitives on the GPU, one line each: every family's launch code is in its package
 * ({@code org.echorec.runtime.op.<family>.<Family>Cuda}), beside the CPU kernels it must match.
 * Arguments were validated by {@code CheckedOps}; everything is queued on the backend's one stream.
 */
final class CudaOps implements Ops {
    private final CudaBackend b;

    CudaOps(CudaBackend backend) {
        this.b = backend;
    }

    @Override
    public void fill(Tensor dst, float value) {
        ViewCuda.fill(b, dst, value);
    }

    @Override
    public void copy(Tensor src, Tensor dst, boolean accumulate) {
        ViewCuda.copy(b, src, dst, accumulate);
    }

    @Override
    public void flip(Tensor x, int axis, Tensor y) {
        ViewCuda.flip(b, x, axis, y);
    }

    @Override
    public void gemm(boolean transA, boolean transB, float alpha, Tensor a, Tensor x, float beta, Tensor c) {
        GemmCuda.gemm(b, transA, transB, alpha, a, x, beta, c);
    }

    @Override
    public void unary(Unary op, Tensor x, Tensor y) {
        UnaryCuda.forward(b, op, x, y);
    }

    @Override
    public void unaryBackward(Unary op, Tensor x, Tensor dy, Tensor dx) {
        UnaryCuda.backward(b, op, x, dy, dx);
    }

    @Override
    public void binary(Binary op, Tensor a, Tensor x, Tensor out) {
        BinaryCuda.binary(b, op, a, x, out);
    }

    @Override
    public void affine(Tensor x, float alpha, float beta, Tensor y) {
        BinaryCuda.affine(b, x, alpha, beta, y);
    }

    @Override
    public void axpy(float alpha, Tensor x, Tensor y) {
        BinaryCuda.axpy(b, alpha, x, y);
    }

    @Override
    public void sum(Tensor x, int axis, float scale, Tensor out) {
        ReduceCuda.sum(b, x, axis, scale, out);
    }

    @Override
    public void broadcastAxis(Tensor dy, int axis, float scale, Tensor dx) {
        ReduceCuda.broadcastAxis(b, dy, axis, scale, dx);
    }

    @Override
    public void layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps, Tensor y, Tensor mean, Tensor rstd) {
        NormCuda.layerNorm(b, x, gamma, beta, eps, y, mean, rstd);
    }

    @Override
    public void layerNormBackward(Tensor x, Tensor gamma, Tensor mean, Tensor rstd, Tensor dy, Tensor dx,
                                  Tensor dgamma, Tensor dbeta) {
        NormCuda.layerNormBackward(b, x, gamma, mean, rstd, dy, dx, dgamma, dbeta);
    }

    @Override
    public void rmsNorm(Tensor x, Tensor gamma, float eps, Tensor y, Tensor rstd) {
        NormCuda.rmsNorm(b, x, gamma, eps, y, rstd);
    }

    @Override
    public void rmsNormBackward(Tensor x, Tensor gamma, Tensor rstd, Tensor dy, Tensor dx, Tensor dgamma) {
        NormCuda.rmsNormBackward(b, x, gamma, rstd, dy, dx, dgamma);
    }

    @Override
    public void softmax(Tensor x, Tensor y) {
        SoftmaxCuda.softmax(b, x, y);
    }

    @Override
    public void softmaxBackward(Tensor y, Tensor dy, Tensor dx) {
        SoftmaxCuda.softmaxBackward(b, y, dy, dx);
    }

    @Override
    public void crossEntropy(Tensor logits, Tensor targets, Tensor loss, Tensor lse) {
        SoftmaxCuda.crossEntropy(b, logits, targets, loss, lse);
    }

    @Override
    public void crossEntropyBackward(Tensor logits, Tensor targets, Tensor lse, Tensor dloss, Tensor dlogits) {
        SoftmaxCuda.crossEntropyBackward(b, logits, targets, lse, dloss, dlogits);
    }

    @Override
    public void gather(Tensor table, Tensor ids, Tensor out) {
        GatherCuda.gather(b, table, ids, out);
    }

    @Override
    public void scatterAdd(Tensor ids, Tensor src, int skipIndex, Tensor table) {
        GatherCuda.scatterAdd(b, ids, src, skipIndex, table);
    }

    @Override
    public void dropout(Tensor x, float p, long seed, long offset, Tensor y) {
        RandomCuda.dropout(b, x, p, seed, offset, y);
    }

    @Override
    public void randomUniform(Tensor dst, long seed, long offset, float lo, float hi) {
        RandomCuda.uniform(b, dst, seed, offset, lo, hi);
    }

    @Override
    public void randomNormal(Tensor dst, long seed, long offset, float mean, float std) {
        RandomCuda.normal(b, dst, seed, offset, mean, std);
    }

    @Override
    public void causalConv1d(Tensor x, Tensor w, Tensor bias, Tensor y) {
        ConvCuda.causalConv1d(b, x, w, bias, y);
    }

    @Override
    public void causalConv1dBackward(Tensor x, Tensor w, Tensor dy, Tensor dx, Tensor dw, Tensor dbias) {
        ConvCuda.causalConv1dBackward(b, x, w, dy, dx, dw, dbias);
    }

    @Override
    public void selectiveScan(Tensor u, Tensor delta, Tensor a, Tensor bt, Tensor c, Tensor d, Tensor deltaBias,
                              boolean deltaSoftplus, Tensor lengths, Tensor y, Tensor states) {
        SelectiveScanCuda.forward(b, u, delta, a, bt, c, d, deltaBias, deltaSoftplus, lengths, y, states);
    }

    @Override
    public void selectiveScanBackward(Tensor u, Tensor delta, Tensor a, Tensor bt, Tensor c, Tensor d,
                                      Tensor deltaBias, boolean deltaSoftplus, Tensor lengths, Tensor states,
                                      Tensor dy, Tensor du, Tensor ddelta, Tensor da, Tensor db, Tensor dc, Tensor dd,
                                      Tensor ddeltaBias) {
        SelectiveScanCuda.backward(b, u, delta, a, bt, c, d, deltaBias, deltaSoftplus, lengths, states, dy, du, ddelta,
                da, db, dc, dd, ddeltaBias);
    }

    @Override
    public void rfft(Tensor x, int axis, Tensor out) {
        FftCuda.rfft(b, x, axis, out);
    }

    @Override
    public void irfft(Tensor spec, int axis, Tensor x) {
        FftCuda.irfft(b, spec, axis, x);
    }

    @Override
    public void rfftBackward(Tensor dout, int axis, Tensor dx) {
        FftCuda.rfftBackward(b, dout, axis, dx);
    }

    @Override
    public void irfftBackward(Tensor dx, int axis, Tensor dspec) {
        FftCuda.irfftBackward(b, dx, axis, dspec);
    }

    @Override
    public void complexMul(Tensor a, Tensor w, Tensor out) {
        ComplexMulCuda.complexMul(b, a, w, out);
    }

    @Override
    public void complexMulBackward(Tensor a, Tensor w, Tensor dout, Tensor da, Tensor dw) {
        ComplexMulCuda.complexMulBackward(b, a, w, dout, da, dw);
    }

    @Override
    public void topK(Tensor x, int k, Tensor values, Tensor indices) {
        TopKCuda.topK(b, x, k, values, indices);
    }

    @Override
    public void adam(Tensor param, Tensor grad, Tensor m, Tensor v, AdamStep step) {
        AdamCuda.adam(b, param, grad, m, v, step);
    }
}

package org.echorec.runtime.backend.cpu.simd;

import org.echorec.runtime.backend.cpu.PlainOps;
import org.echorec.runtime.op.AdamStep;
import org.echorec.runtime.op.Binary;
import org.echorec.runtime.op.Unary;
import org.echorec.runtime.op.binary.BinarySimd;
import org.echorec.runtime.op.conv.ConvSimd;
import org.echorec.runtime.op.fft.FftSimd;
import org.echorec.runtime.op.matmul.GemmSimd;
import org.echorec.runtime.op.norm.NormSimd;
import org.echorec.runtime.op.optim.AdamSimd;
import org.echorec.runtime.op.random.RandomSimd;
import org.echorec.runtime.op.reduce.ReduceSimd;
import org.echorec.runtime.op.scan.SelectiveScanSimd;
import org.echorec.runtime.op.softmax.SoftmaxSimd;
import org.echorec.runtime.op.unary.UnarySimd;
import org.echorec.runtime.tensor.Tensor;

/**
 * The CPU kernels with the Vector API: every primitive whose cost is arithmetic gets a SIMD kernel;
 * the rest (copies, gathers, top-k, random fills) stay with {@link PlainOps}. Loaded only through
 * {@code CpuKernels} after it checked that {@code jdk.incubator.vector} is in the module graph.
 */
public final class SimdOps extends PlainOps {

    /** Width of the species in bits, for logs. */
    public static int bits() {
        return SimdSpecies.F.vectorBitSize();
    }

    @Override
    public void gemm(boolean transA, boolean transB, float alpha, Tensor a, Tensor b, float beta, Tensor c) {
        GemmSimd.gemm(transA, transB, alpha, a, b, beta, c);
    }

    @Override
    public void unary(Unary op, Tensor x, Tensor y) {
        UnarySimd.forward(op, x, y);
    }

    @Override
    public void unaryBackward(Unary op, Tensor x, Tensor dy, Tensor dx) {
        UnarySimd.backward(op, x, dy, dx);
    }

    @Override
    public void binary(Binary op, Tensor a, Tensor b, Tensor out) {
        BinarySimd.binary(op, a, b, out);
    }

    @Override
    public void affine(Tensor x, float alpha, float beta, Tensor y) {
        BinarySimd.affine(x, alpha, beta, y);
    }

    @Override
    public void axpy(float alpha, Tensor x, Tensor y) {
        BinarySimd.axpy(alpha, x, y);
    }

    @Override
    public void sum(Tensor x, int axis, float scale, Tensor out) {
        ReduceSimd.sum(x, axis, scale, out);
    }

    @Override
    public void broadcastAxis(Tensor dy, int axis, float scale, Tensor dx) {
        ReduceSimd.broadcastAxis(dy, axis, scale, dx);
    }

    @Override
    public void layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps, Tensor y, Tensor mean, Tensor rstd) {
        NormSimd.layerNorm(x, gamma, beta, eps, y, mean, rstd);
    }

    @Override
    public void layerNormBackward(Tensor x, Tensor gamma, Tensor mean, Tensor rstd, Tensor dy,
                                  Tensor dx, Tensor dgamma, Tensor dbeta) {
        NormSimd.layerNormBackward(x, gamma, mean, rstd, dy, dx, dgamma, dbeta);
    }

    @Override
    public void rmsNorm(Tensor x, Tensor gamma, float eps, Tensor y, Tensor rstd) {
        NormSimd.rmsNorm(x, gamma, eps, y, rstd);
    }

    @Override
    public void rmsNormBackward(Tensor x, Tensor gamma, Tensor rstd, Tensor dy, Tensor dx, Tensor dgamma) {
        NormSimd.rmsNormBackward(x, gamma, rstd, dy, dx, dgamma);
    }

    @Override
    public void softmax(Tensor x, Tensor y) {
        SoftmaxSimd.softmax(x, y);
    }

    @Override
    public void softmaxBackward(Tensor y, Tensor dy, Tensor dx) {
        SoftmaxSimd.softmaxBackward(y, dy, dx);
    }

    @Override
    public void crossEntropy(Tensor logits, Tensor targets, Tensor loss, Tensor lse) {
        SoftmaxSimd.crossEntropy(logits, targets, loss, lse);
    }

    @Override
    public void crossEntropyBackward(Tensor logits, Tensor targets, Tensor lse, Tensor dloss, Tensor dlogits) {
        SoftmaxSimd.crossEntropyBackward(logits, targets, lse, dloss, dlogits);
    }

    @Override
    public void causalConv1d(Tensor x, Tensor w, Tensor bias, Tensor y) {
        ConvSimd.causalConv1d(x, w, bias, y);
    }

    @Override
    public void causalConv1dBackward(Tensor x, Tensor w, Tensor dy, Tensor dx, Tensor dw, Tensor dbias) {
        ConvSimd.causalConv1dBackward(x, w, dy, dx, dw, dbias);
    }

    @Override
    public void selectiveScan(Tensor u, Tensor delta, Tensor a, Tensor b, Tensor c, Tensor d, Tensor deltaBias,
                              boolean deltaSoftplus, Tensor lengths, Tensor y, Tensor states) {
        SelectiveScanSimd.forward(u, delta, a, b, c, d, deltaBias, deltaSoftplus, lengths, y, states);
    }

    @Override
    public void selectiveScanBackward(Tensor u, Tensor delta, Tensor a, Tensor b, Tensor c, Tensor d,
                                      Tensor deltaBias, boolean deltaSoftplus, Tensor lengths, Tensor states, Tensor dy,
                                      Tensor du, Tensor ddelta, Tensor da, Tensor db, Tensor dc, Tensor dd,
                                      Tensor ddeltaBias) {
        SelectiveScanSimd.backward(u, delta, a, b, c, d, deltaBias, deltaSoftplus, lengths, states, dy,
                du, ddelta, da, db, dc, dd, ddeltaBias);
    }

    @Override
    public void rfft(Tensor x, int axis, Tensor out) {
        FftSimd.rfft(x, axis, out);
    }

    @Override
    public void irfft(Tensor spec, int axis, Tensor x) {
        FftSimd.irfft(spec, axis, x);
    }

    @Override
    public void rfftBackward(Tensor dout, int axis, Tensor dx) {
        FftSimd.rfftBackward(dout, axis, dx);
    }

    @Override
    public void irfftBackward(Tensor dx, int axis, Tensor dspec) {
        FftSimd.irfftBackward(dx, axis, dspec);
    }

    @Override
    public void complexMul(Tensor a, Tensor w, Tensor out) {
        FftSimd.complexMul(a, w, out);
    }

    @Override
    public void complexMulBackward(Tensor a, Tensor w, Tensor dout, Tensor da, Tensor dw) {
        FftSimd.complexMulBackward(a, w, dout, da, dw);
    }

    @Override
    public void dropout(Tensor x, float p, long seed, long offset, Tensor y) {
        RandomSimd.dropout(x, p, seed, offset, y);
    }

    @Override
    public void adam(Tensor param, Tensor grad, Tensor m, Tensor v, AdamStep step) {
        AdamSimd.adam(param, grad, m, v, step);
    }
}

package org.echorec.runtime.op;

import java.util.Arrays;
import org.echorec.runtime.backend.Backend;
import org.echorec.runtime.tensor.DType;
import org.echorec.runtime.tensor.Shape;
import org.echorec.runtime.tensor.Tensor;

/**
 * Checks every call against the contract of {@link Ops} (backend, dtype, shape, layout) and then
 * hands it to a backend's kernels, which may assume valid arguments. One place for all backends, so a
 * bad call fails the same way, naming the primitive and the tensors, whatever the device.
 */
public final class CheckedOps implements Ops {
    private final Backend backend;
    private final Ops kernels;

    public CheckedOps(Backend backend, Ops kernels) {
        this.backend = backend;
        this.kernels = kernels;
    }

    // ------------------------------------------------------------------ view

    @Override
    public void fill(Tensor dst, float value) {
        on("fill", dst);
        kernels.fill(dst, value);
    }

    @Override
    public void copy(Tensor src, Tensor dst, boolean accumulate) {
        on("copy", src, dst);
        sameShape("copy", src, dst);
        if (src.dtype() != dst.dtype()) {
            fail("copy", "dtypes differ", src, dst);
        }
        if (accumulate) {
            f32("copy", src, dst);
        }
        kernels.copy(src, dst, accumulate);
    }

    @Override
    public void flip(Tensor x, int axis, Tensor y) {
        dense("flip", x, y);
        sameShape("flip", x, y);
        x.axis(axis);
        kernels.flip(x, axis, y);
    }

    // ------------------------------------------------------------------ matmul

    @Override
    public void gemm(boolean transA, boolean transB, float alpha, Tensor a, Tensor b, float beta, Tensor c) {
        on("gemm", a, b, c);
        f32("gemm", a, b, c);
        for (Tensor t : new Tensor[] {a, b, c}) {
            if (t.rank() < 2 || t.rank() > 3 || t.stride(-1) != 1 && t.dim(-1) > 1 || t.stride(-2) < t.dim(-1)) {
                fail("gemm", "operands must be rank 2 or 3 with unit stride in the last axis", a, b, c);
            }
        }
        int m = c.dim(-2);
        int n = c.dim(-1);
        int k = transA ? a.dim(-2) : a.dim(-1);
        if ((transA ? a.dim(-1) : a.dim(-2)) != m || (transB ? b.dim(-1) : b.dim(-2)) != k
                || (transB ? b.dim(-2) : b.dim(-1)) != n) {
            fail("gemm", "shapes do not multiply (transA=" + transA + ", transB=" + transB + ")", a, b, c);
        }
        if (c.rank() == 2 && (a.rank() == 3 || b.rank() == 3)) {
            fail("gemm", "a batched operand needs a batched output", a, b, c);
        }
        if (c.rank() == 3) {
            for (Tensor t : new Tensor[] {a, b}) {
                if (t.rank() == 3 && t.dim(0) != c.dim(0)) {
                    fail("gemm", "batch sizes differ", a, b, c);
                }
            }
            if (c.stride(0) == 0 && c.dim(0) > 1) {
                fail("gemm", "the output cannot be broadcast over the batch", a, b, c);
            }
        }
        kernels.gemm(transA, transB, alpha, a, b, beta, c);
    }

    // ------------------------------------------------------------------ unary, binary

    @Override
    public void unary(Unary op, Tensor x, Tensor y) {
        dense("unary " + op, x, y);
        f32("unary " + op, x, y);
        sameShape("unary " + op, x, y);
        kernels.unary(op, x, y);
    }

    @Override
    public void unaryBackward(Unary op, Tensor x, Tensor dy, Tensor dx) {
        dense("unaryBackward " + op, x, dy, dx);
        f32("unaryBackward " + op, x, dy, dx);
        sameShape("unaryBackward " + op, x, dy);
        sameShape("unaryBackward " + op, x, dx);
        kernels.unaryBackward(op, x, dy, dx);
    }

    @Override
    public void binary(Binary op, Tensor a, Tensor b, Tensor out) {
        dense("binary " + op, a, b, out);
        f32("binary " + op, a, b, out);
        sameShape("binary " + op, a, out);
        if (!(b.numel() == 1 || Shape.isSuffix(trimLeadingOnes(b.shape()), a.shape()))) {
            fail("binary " + op, "b must match the trailing axes of a (or have one element)", a, b);
        }
        kernels.binary(op, a, b, out);
    }

    @Override
    public void affine(Tensor x, float alpha, float beta, Tensor y) {
        dense("affine", x, y);
        f32("affine", x, y);
        sameShape("affine", x, y);
        kernels.affine(x, alpha, beta, y);
    }

    @Override
    public void axpy(float alpha, Tensor x, Tensor y) {
        dense("axpy", x, y);
        f32("axpy", x, y);
        if (x.numel() != y.numel()) {
            fail("axpy", "element counts differ", x, y);
        }
        kernels.axpy(alpha, x, y);
    }

    // ------------------------------------------------------------------ reduce

    @Override
    public void sum(Tensor x, int axis, float scale, Tensor out) {
        dense("sum", x, out);
        f32("sum", x, out);
        int a = x.axis(axis);
        requireCount("sum", out, (int) Shape.numel(Shape.without(x.shape(), a)));
        kernels.sum(x, a, scale, out);
    }

    @Override
    public void broadcastAxis(Tensor dy, int axis, float scale, Tensor dx) {
        dense("broadcastAxis", dy, dx);
        f32("broadcastAxis", dy, dx);
        int a = dx.axis(axis);
        requireCount("broadcastAxis", dy, (int) Shape.numel(Shape.without(dx.shape(), a)));
        kernels.broadcastAxis(dy, a, scale, dx);
    }

    // ------------------------------------------------------------------ norm

    @Override
    public void layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps, Tensor y, Tensor mean, Tensor rstd) {
        dense("layerNorm", x, gamma, beta, y, mean, rstd);
        f32("layerNorm", x, gamma, beta, y, mean, rstd);
        int d = x.dim(-1);
        int rows = (int) (x.numel() / Math.max(1, d));
        requireShape("layerNorm", gamma, d);
        requireShape("layerNorm", beta, d);
        sameShape("layerNorm", x, y);
        requireCount("layerNorm", mean, rows);
        requireCount("layerNorm", rstd, rows);
        kernels.layerNorm(x, gamma, beta, eps, y, mean, rstd);
    }

    @Override
    public void layerNormBackward(Tensor x, Tensor gamma, Tensor mean, Tensor rstd, Tensor dy,
                                  Tensor dx, Tensor dgamma, Tensor dbeta) {
        dense("layerNormBackward", x, gamma, mean, rstd, dy, dx, dgamma, dbeta);
        f32("layerNormBackward", x, gamma, mean, rstd, dy, dx, dgamma, dbeta);
        int d = x.dim(-1);
        int rows = (int) (x.numel() / Math.max(1, d));
        requireShape("layerNormBackward", gamma, d);
        requireCount("layerNormBackward", mean, rows);
        requireCount("layerNormBackward", rstd, rows);
        sameShape("layerNormBackward", x, dy);
        if (dx != null) {
            sameShape("layerNormBackward", x, dx);
        }
        if (dgamma != null) {
            requireShape("layerNormBackward", dgamma, d);
        }
        if (dbeta != null) {
            requireShape("layerNormBackward", dbeta, d);
        }
        kernels.layerNormBackward(x, gamma, mean, rstd, dy, dx, dgamma, dbeta);
    }

    @Override
    public void rmsNorm(Tensor x, Tensor gamma, float eps, Tensor y, Tensor rstd) {
        dense("rmsNorm", x, gamma, y, rstd);
        f32("rmsNorm", x, gamma, y, rstd);
        int d = x.dim(-1);
        requireShape("rmsNorm", gamma, d);
        sameShape("rmsNorm", x, y);
        requireCount("rmsNorm", rstd, (int) (x.numel() / Math.max(1, d)));
        kernels.rmsNorm(x, gamma, eps, y, rstd);
    }

    @Override
    public void rmsNormBackward(Tensor x, Tensor gamma, Tensor rstd, Tensor dy, Tensor dx, Tensor dgamma) {
        dense("rmsNormBackward", x, gamma, rstd, dy, dx, dgamma);
        f32("rmsNormBackward", x, gamma, rstd, dy, dx, dgamma);
        int d = x.dim(-1);
        requireShape("rmsNormBackward", gamma, d);
        requireCount("rmsNormBackward", rstd, (int) (x.numel() / Math.max(1, d)));
        sameShape("rmsNormBackward", x, dy);
        if (dx != null) {
            sameShape("rmsNormBackward", x, dx);
        }
        if (dgamma != null) {
            requireShape("rmsNormBackward", dgamma, d);
        }
        kernels.rmsNormBackward(x, gamma, rstd, dy, dx, dgamma);
    }

    // ------------------------------------------------------------------ softmax

    @Override
    public void softmax(Tensor x, Tensor y) {
        dense("softmax", x, y);
        f32("softmax", x, y);
        sameShape("softmax", x, y);
        kernels.softmax(x, y);
    }

    @Override
    public void softmaxBackward(Tensor y, Tensor dy, Tensor dx) {
        dense("softmaxBackward", y, dy, dx);
        f32("softmaxBackward", y, dy, dx);
        sameShape("softmaxBackward", y, dy);
        sameShape("softmaxBackward", y, dx);
        kernels.softmaxBackward(y, dy, dx);
    }

    @Override
    public void crossEntropy(Tensor logits, Tensor targets, Tensor loss, Tensor lse) {
        dense("crossEntropy", logits, targets, loss, lse);
        f32("crossEntropy", logits, loss, lse);
        i32("crossEntropy", targets);
        int rows = logits.dim(0);
        if (logits.rank() != 2) {
            fail("crossEntropy", "logits must be [rows, V]", logits);
        }
        requireShape("crossEntropy", targets, rows);
        requireShape("crossEntropy", loss, rows);
        requireShape("crossEntropy", lse, rows);
        kernels.crossEntropy(logits, targets, loss, lse);
    }

    @Override
    public void crossEntropyBackward(Tensor logits, Tensor targets, Tensor lse, Tensor dloss, Tensor dlogits) {
        dense("crossEntropyBackward", logits, targets, lse, dloss, dlogits);
        f32("crossEntropyBackward", logits, lse, dloss, dlogits);
        i32("crossEntropyBackward", targets);
        if (logits.rank() != 2) {
            fail("crossEntropyBackward", "logits must be [rows, V]", logits);
        }
        int rows = logits.dim(0);
        requireShape("crossEntropyBackward", targets, rows);
        requireShape("crossEntropyBackward", lse, rows);
        requireShape("crossEntropyBackward", dloss, rows);
        sameShape("crossEntropyBackward", logits, dlogits);
        kernels.crossEntropyBackward(logits, targets, lse, dloss, dlogits);
    }

    // ------------------------------------------------------------------ gather

    @Override
    public void gather(Tensor table, Tensor ids, Tensor out) {
        dense("gather", table, ids, out);
        f32("gather", table, out);
        i32("gather", ids);
        if (table.rank() != 2) {
            fail("gather", "table must be [V, d]", table);
        }
        requireShape("gather", out, Shape.append(ids.shape(), table.dim(1)));
        kernels.gather(table, ids, out);
    }

    @Override
    public void scatterAdd(Tensor ids, Tensor src, int skipIndex, Tensor table) {
        dense("scatterAdd", ids, src, table);
        f32("scatterAdd", src, table);
        i32("scatterAdd", ids);
        if (table.rank() != 2) {
            fail("scatterAdd", "table must be [V, d]", table);
        }
        requireShape("scatterAdd", src, Shape.append(ids.shape(), table.dim(1)));
        kernels.scatterAdd(ids, src, skipIndex, table);
    }

    // ------------------------------------------------------------------ random

    @Override
    public void dropout(Tensor x, float p, long seed, long offset, Tensor y) {
        dense("dropout", x, y);
        f32("dropout", x, y);
        sameShape("dropout", x, y);
        if (!(p >= 0f && p < 1f)) {
            throw new IllegalArgumentException("dropout: p must be in [0, 1), got " + p);
        }
        kernels.dropout(x, p, seed, offset, y);
    }

    @Override
    public void randomUniform(Tensor dst, long seed, long offset, float lo, float hi) {
        dense("randomUniform", dst);
        f32("randomUniform", dst);
        kernels.randomUniform(dst, seed, offset, lo, hi);
    }

    @Override
    public void randomNormal(Tensor dst, long seed, long offset, float mean, float std) {
        dense("randomNormal", dst);
        f32("randomNormal", dst);
        kernels.randomNormal(dst, seed, offset, mean, std);
    }

    // ------------------------------------------------------------------ conv

    @Override
    public void causalConv1d(Tensor x, Tensor w, Tensor bias, Tensor y) {
        dense("causalConv1d", x, w, bias, y);
        f32("causalConv1d", x, w, bias, y);
        checkConv("causalConv1d", x, w, bias);
        sameShape("causalConv1d", x, y);
        kernels.causalConv1d(x, w, bias, y);
    }

    @Override
    public void causalConv1dBackward(Tensor x, Tensor w, Tensor dy, Tensor dx, Tensor dw, Tensor dbias) {
        dense("causalConv1dBackward", x, w, dy, dx, dw, dbias);
        f32("causalConv1dBackward", x, w, dy, dx, dw, dbias);
        checkConv("causalConv1dBackward", x, w, dbias);
        sameShape("causalConv1dBackward", x, dy);
        if (dx != null) {
            sameShape("causalConv1dBackward", x, dx);
        }
        if (dw != null) {
            sameShape("causalConv1dBackward", w, dw);
        }
        kernels.causalConv1dBackward(x, w, dy, dx, dw, dbias);
    }

    private void checkConv(String op, Tensor x, Tensor w, Tensor bias) {
        if (x.rank() != 3 || w.rank() != 2 || w.dim(0) != x.dim(2)) {
            fail(op, "x must be [B, L, C] and w [C, K]", x, w);
        }
        if (bias != null) {
            requireShape(op, bias, x.dim(2));
        }
    }

    // ------------------------------------------------------------------ scan

    @Override
    public void selectiveScan(Tensor u, Tensor delta, Tensor a, Tensor b, Tensor c, Tensor d, Tensor deltaBias,
                              boolean deltaSoftplus, Tensor lengths, Tensor y, Tensor states) {
        String op = "selectiveScan";
        dense(op, u, delta, a, b, c, d, deltaBias, lengths, y, states);
        f32(op, u, delta, a, b, c, d, deltaBias, y, states);
        checkScan(op, u, delta, a, b, c, d, deltaBias, lengths, states);
        sameShape(op, u, y);
        kernels.selectiveScan(u, delta, a, b, c, d, deltaBias, deltaSoftplus, lengths, y, states);
    }

    @Override
    public void selectiveScanBackward(Tensor u, Tensor delta, Tensor a, Tensor b, Tensor c, Tensor d,
                                      Tensor deltaBias, boolean deltaSoftplus, Tensor lengths, Tensor states,
                                      Tensor dy, Tensor du, Tensor ddelta, Tensor da, Tensor db, Tensor dc,
                                      Tensor dd, Tensor ddeltaBias) {
        String op = "selectiveScanBackward";
        dense(op, u, delta, a, b, c, d, deltaBias, lengths, states, dy, du, ddelta, da, db, dc, dd, ddeltaBias);
        f32(op, u, delta, a, b, c, d, deltaBias, states, dy, du, ddelta, da, db, dc, dd, ddeltaBias);
        checkScan(op, u, delta, a, b, c, d, deltaBias, lengths, states);
        sameShape(op, u, dy);
        sameShape(op, u, du);
        sameShape(op, u, ddelta);
        sameShape(op, a, da);
        sameShape(op, b, db);
        sameShape(op, c, dc);
        if (dd != null && d == null || ddeltaBias != null && deltaBias == null) {
            fail(op, "a gradient was asked for an absent input", dd, ddeltaBias);
        }
        if (dd != null) {
            sameShape(op, d, dd);
        }
        if (ddeltaBias != null) {
            sameShape(op, deltaBias, ddeltaBias);
        }
        kernels.selectiveScanBackward(u, delta, a, b, c, d, deltaBias, deltaSoftplus, lengths, states, dy,
                du, ddelta, da, db, dc, dd, ddeltaBias);
    }

    private void checkScan(String op, Tensor u, Tensor delta, Tensor a, Tensor b, Tensor c, Tensor d,
                           Tensor deltaBias, Tensor lengths, Tensor states) {
        if (u.rank() != 3) {
            fail(op, "u must be [B, L, D]", u);
        }
        int batch = u.dim(0);
        int length = u.dim(1);
        int channels = u.dim(2);
        sameShape(op, u, delta);
        if (a.rank() != 2 || a.dim(0) != channels) {
            fail(op, "a must be [D, N]", u, a);
        }
        int n = a.dim(1);
        requireShape(op, b, batch, length, n);
        requireShape(op, c, batch, length, n);
        if (d != null) {
            requireShape(op, d, channels);
        }
        if (deltaBias != null) {
            requireShape(op, deltaBias, channels);
        }
        if (lengths != null) {
            i32(op, lengths);
            requireShape(op, lengths, batch);
        }
        if (states.rank() != 4 || states.dim(0) != batch || states.dim(2) != channels || states.dim(3) != n
                || states.dim(1) < 1) {
            fail(op, "states must be [B, S, D, N] with S ≥ 1", u, a, states);
        }
    }

    // ------------------------------------------------------------------ fft

    @Override
    public void rfft(Tensor x, int axis, Tensor out) {
        dense("rfft", x, out);
        f32("rfft", x, out);
        int ax = x.axis(axis);
        nonEmptyAxis("rfft", x, ax);
        requireShape("rfft", out, spectrumShape(x.shape(), ax));
        kernels.rfft(x, ax, out);
    }

    @Override
    public void irfft(Tensor spec, int axis, Tensor x) {
        dense("irfft", spec, x);
        f32("irfft", spec, x);
        int ax = x.axis(axis);
        nonEmptyAxis("irfft", x, ax);
        requireShape("irfft", spec, spectrumShape(x.shape(), ax));
        kernels.irfft(spec, ax, x);
    }

    @Override
    public void rfftBackward(Tensor dout, int axis, Tensor dx) {
        dense("rfftBackward", dout, dx);
        f32("rfftBackward", dout, dx);
        int ax = dx.axis(axis);
        nonEmptyAxis("rfftBackward", dx, ax);
        requireShape("rfftBackward", dout, spectrumShape(dx.shape(), ax));
        kernels.rfftBackward(dout, ax, dx);
    }

    @Override
    public void irfftBackward(Tensor dx, int axis, Tensor dspec) {
        dense("irfftBackward", dx, dspec);
        f32("irfftBackward", dx, dspec);
        int ax = dx.axis(axis);
        nonEmptyAxis("irfftBackward", dx, ax);
        requireShape("irfftBackward", dspec, spectrumShape(dx.shape(), ax));
        kernels.irfftBackward(dx, ax, dspec);
    }

    /** {@code shape} with the transform axis shortened to n/2+1 and a trailing (re, im) axis. */
    public static int[] spectrumShape(int[] shape, int axis) {
        int[] s = shape.clone();
        s[axis] = shape[axis] / 2 + 1;
        return Shape.append(s, 2);
    }

    @Override
    public void complexMul(Tensor a, Tensor w, Tensor out) {
        dense("complexMul", a, w, out);
        f32("complexMul", a, w, out);
        checkComplex("complexMul", a, w);
        sameShape("complexMul", a, out);
        kernels.complexMul(a, w, out);
    }

    @Override
    public void complexMulBackward(Tensor a, Tensor w, Tensor dout, Tensor da, Tensor dw) {
        dense("complexMulBackward", a, w, dout, da, dw);
        f32("complexMulBackward", a, w, dout, da, dw);
        checkComplex("complexMulBackward", a, w);
        sameShape("complexMulBackward", a, dout);
        if (da != null) {
            sameShape("complexMulBackward", a, da);
        }
        if (dw != null) {
            sameShape("complexMulBackward", w, dw);
        }
        kernels.complexMulBackward(a, w, dout, da, dw);
    }

    private static void nonEmptyAxis(String op, Tensor signal, int axis) {
        if (signal.dim(axis) < 1) {
            fail(op, "the transform axis " + axis + " is empty", signal);
        }
    }

    private void checkComplex(String op, Tensor a, Tensor w) {
        if (w.rank() != 3 || w.dim(2) != 2 || a.rank() < 3 || !Shape.isSuffix(w.shape(), a.shape())) {
            fail(op, "a must be [..., F, C, 2] and w [F, C, 2]", a, w);
        }
    }

    // ------------------------------------------------------------------ select, optim

    @Override
    public void topK(Tensor x, int k, Tensor values, Tensor indices) {
        dense("topK", x, values, indices);
        f32("topK", x, values);
        i32("topK", indices);
        if (x.rank() != 2 || k < 1 || k > x.dim(1)) {
            fail("topK", "x must be [rows, n] with 1 ≤ k ≤ n, k=" + k, x);
        }
        requireShape("topK", values, x.dim(0), k);
        requireShape("topK", indices, x.dim(0), k);
        kernels.topK(x, k, values, indices);
    }

    @Override
    public void adam(Tensor param, Tensor grad, Tensor m, Tensor v, AdamStep step) {
        dense("adam", param, grad, m, v);
        f32("adam", param, grad, m, v);
        sameShape("adam", param, grad);
        sameShape("adam", param, m);
        sameShape("adam", param, v);
        kernels.adam(param, grad, m, v, step);
    }

    // ------------------------------------------------------------------ checks

    /** Every non-null tensor is on this backend and alive. */
    private void on(String op, Tensor... ts) {
        for (Tensor t : ts) {
            if (t != null && t.storage().backend() != backend) {
                fail(op, "tensor is on " + t.backend().name() + ", not on " + backend.name(), t);
            }
        }
    }

    /** On this backend and contiguous. */
    private void dense(String op, Tensor... ts) {
        on(op, ts);
        for (Tensor t : ts) {
            if (t != null && !t.isContiguous()) {
                fail(op, "needs contiguous tensors (copy the view first)", t);
            }
        }
    }

    private static void f32(String op, Tensor... ts) {
        for (Tensor t : ts) {
            if (t != null && t.dtype() != DType.F32) {
                fail(op, "needs float32", t);
            }
        }
    }

    private static void i32(String op, Tensor t) {
        if (t.dtype() != DType.I32) {
            fail(op, "needs int32 indices", t);
        }
    }

    private static void sameShape(String op, Tensor a, Tensor b) {
        if (!a.sameShape(b)) {
            fail(op, "shapes differ", a, b);
        }
    }

    private static void requireShape(String op, Tensor t, int... shape) {
        if (!Arrays.equals(t.shape(), shape)) {
            fail(op, "expected shape " + Arrays.toString(shape), t);
        }
    }

    private static void requireCount(String op, Tensor t, int count) {
        if (t.numel() != count) {
            fail(op, "expected " + count + " elements", t);
        }
    }

    private static int[] trimLeadingOnes(int[] shape) {
        int i = 0;
        while (i < shape.length - 1 && shape[i] == 1) {
            i++;
        }
        return Arrays.copyOfRange(shape, i, shape.length);
    }

    private static void fail(String op, String why, Tensor... ts) {
        StringBuilder sb = new StringBuilder(op).append(": ").append(why);
        for (Tensor t : ts) {
            if (t != null) {
                sb.append("; ").append(t);
            }
        }
        throw new IllegalArgumentException(sb.toString());
    }
}

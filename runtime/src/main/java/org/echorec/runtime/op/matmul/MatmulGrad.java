package org.echorec.runtime.op.matmul;

import java.util.Arrays;
import org.echorec.runtime.autograd.Grads;
import org.echorec.runtime.autograd.Tape;
import org.echorec.runtime.op.Ops;
import org.echorec.runtime.op.view.ViewGrad;
import org.echorec.runtime.tensor.Shape;
import org.echorec.runtime.tensor.Tensor;

/**
 * Differentiable matrix products, each a gemm forward and gemm backward: {@code C = A·B} gives
 * {@code dA = dC·Bᵀ} and {@code dB = Aᵀ·dC}. Every gradient gemm accumulates with a beta
 * ({@link Grads#accumulate}), so the first contribution to a gradient costs no zero-fill and no add.
 */
public final class MatmulGrad {
    private MatmulGrad() {}

    /**
     * {@code C = A·B} for {@code A [M,K]}, {@code B [K,N]}, or batched: either may have a leading batch
     * axis ({@code [T,M,K]}, {@code [T,K,N]}), the other then being shared by every batch; C is
     * {@code [M,N]} or {@code [T,M,N]}.
     */
    public static Tensor matmul(Tensor a, Tensor b) {
        requireRank("matmul", a, 2, 3);
        requireRank("matmul", b, 2, 3);
        Tensor x = ViewGrad.contiguous(a);
        Tensor y = ViewGrad.contiguous(b);
        if (x.dim(-1) != y.dim(-2) || x.rank() == 3 && y.rank() == 3 && x.dim(0) != y.dim(0)) {
            throw new IllegalArgumentException("matmul: shapes do not multiply: " + x + " and " + y);
        }
        Ops ops = x.backend().ops();
        int m = x.dim(-2);
        int n = y.dim(-1);
        Tensor c = x.rank() == 3 || y.rank() == 3
                ? Tensor.empty(x.backend(), (x.rank() == 3 ? x : y).dim(0), m, n)
                : Tensor.empty(x.backend(), m, n);
        ops.gemm(false, false, 1f, x, y, 0f, c);
        Tape.record("matmul", c, g -> {
            Tensor dc = g.of(c);
            g.accumulate(x, (dx, beta) -> gradientOfA(ops, dc, y, dx, beta));
            g.accumulate(y, (dy, beta) -> gradientOfB(ops, x, dc, dy, beta));
        }, x, y);
        return c;
    }

    /** {@code dA = dC·Bᵀ}; a shared A (rank 2 under a batched C, so B is batched) sums over the batches. */
    private static void gradientOfA(Ops ops, Tensor dc, Tensor b, Tensor da, float beta) {
        if (da.rank() == dc.rank()) {
            ops.gemm(false, true, 1f, dc, b, beta, da);
            return;
        }
        for (int t = 0; t < dc.dim(0); t++) {
            ops.gemm(false, true, 1f, batch(dc, t), batch(b, t), t == 0 ? beta : 1f, da);
        }
    }

    /**
     * {@code dB = Aᵀ·dC}; a shared B (rank 2 under a batched C, so A is batched) sums over the batches,
     * which is one product over all rows: {@code (A as [T·M, K])ᵀ · (dC as [T·M, N])}.
     */
    private static void gradientOfB(Ops ops, Tensor a, Tensor dc, Tensor db, float beta) {
        if (db.rank() == dc.rank()) {
            ops.gemm(true, false, 1f, a, dc, beta, db);
            return;
        }
        int rows = dc.dim(0) * dc.dim(1);
        ops.gemm(true, false, 1f, a.reshape(rows, a.dim(-1)), dc.reshape(rows, dc.dim(-1)), beta, db);
    }

    /** Matrix t of a rank-3 tensor, or the tensor itself when it is a shared rank-2 matrix. */
    private static Tensor batch(Tensor t, int index) {
        return t.rank() == 3 ? t.narrow(0, index, 1).reshape(t.dim(1), t.dim(2)) : t;
    }

    /**
     * A fully connected layer with PyTorch's layout: {@code y = x·wᵀ + bias} for x {@code [..., in]}
     * (rank ≥ 2; the leading axes are rows), w {@code [out, in]} and bias {@code [out]} or null;
     * y is {@code [..., out]}. The bias is copied into y first and the product added to it (beta = 1).
     */
    public static Tensor linear(Tensor x, Tensor w, Tensor bias) {
        if (x.rank() < 2) {
            throw new IllegalArgumentException("linear: x must have rank >= 2, got " + x);
        }
        requireRank("linear", w, 2, 2);
        Tensor xc = ViewGrad.contiguous(x);
        Tensor wc = ViewGrad.contiguous(w);
        Tensor bc = bias == null ? null : ViewGrad.contiguous(bias);
        int in = xc.dim(-1);
        int out = wc.dim(0);
        if (wc.dim(1) != in || bc != null && !Arrays.equals(bc.shape(), new int[] {out})) {
            throw new IllegalArgumentException("linear: x " + xc + ", w " + wc + " and bias " + bc
                    + " do not fit (w must be [out, in], bias [out])");
        }
        Ops ops = xc.backend().ops();
        int rows = Math.toIntExact(xc.numel() / Math.max(1, in));
        Tensor x2 = xc.reshape(rows, in);
        Tensor y = Tensor.empty(xc.backend(), Shape.withLast(xc.shape(), out));
        Tensor y2 = y.reshape(rows, out);
        if (bc != null) {
            ops.copy(bc.reshape(1, out).expand(0, rows), y2, false);
        }
        ops.gemm(false, true, 1f, x2, wc, bc != null ? 1f : 0f, y2);
        Tape.record("linear", new Tensor[] {y}, new Tensor[] {xc, wc, bc}, g -> {
            Tensor dy2 = g.of(y).reshape(rows, out);
            g.accumulate(xc, (dx, beta) -> ops.gemm(false, false, 1f, dy2, wc, beta, dx.reshape(rows, in)));
            g.accumulate(wc, (dw, beta) -> ops.gemm(true, false, 1f, dy2, x2, beta, dw));
            g.accumulate(bc, (db, beta) -> biasGradient(ops, dy2, db, beta));
        });
        return y;
    }

    /**
     * {@code dbias = Σ_rows dy} as the product {@code ones[1, rows] · dy[rows, out]}: gemm streams dy
     * row by row once, on every thread (a K split), and accumulates with beta like the other gradients,
     * where a sum over axis 0 would read dy column by column.
     */
    private static void biasGradient(Ops ops, Tensor dy2, Tensor db, float beta) {
        Tensor ones = Tensor.full(dy2.backend(), 1f, 1, dy2.dim(0));
        ops.gemm(false, false, 1f, ones, dy2, beta, db.reshape(1, db.dim(0)));
        ones.storage().release();
    }

    private static void requireRank(String op, Tensor t, int min, int max) {
        if (t.rank() < min || t.rank() > max) {
            throw new IllegalArgumentException(op + ": expected rank " + (min == max ? min : min + " or " + max)
                    + ", got " + t);
        }
    }
}

package org.echorec.runtime.op.binary;

import org.echorec.runtime.autograd.Grads;
import org.echorec.runtime.autograd.Tape;
import org.echorec.runtime.op.Binary;
import org.echorec.runtime.op.Ops;
import org.echorec.runtime.op.view.ViewGrad;
import org.echorec.runtime.tensor.Scope;
import org.echorec.runtime.tensor.Tensor;

/**
 * Differentiable arithmetic: forward by {@link Ops#binary} and {@link Ops#affine}.
 *
 * <p>Note: broadcast gradients. b repeats over the leading axes of a with period {@code b.numel()},
 * so its gradient is {@code dout} (or {@code dout·a}, …) viewed as {@code [outer, b.numel()]} and
 * summed over axis 0 by {@link Ops#sum}; when b has a's element count the sum is skipped. Temporaries
 * of a rule live in a scope of their own, closed when the rule ends.
 */
public final class BinaryGrad {
    private BinaryGrad() {}

    /** {@code a + b}, b broadcast over a's leading axes. */
    public static Tensor add(Tensor a, Tensor b) {
        return arithmetic(Binary.ADD, a, b);
    }

    /** {@code a − b}, b broadcast over a's leading axes. */
    public static Tensor sub(Tensor a, Tensor b) {
        return arithmetic(Binary.SUB, a, b);
    }

    /** {@code a · b}, b broadcast over a's leading axes. */
    public static Tensor mul(Tensor a, Tensor b) {
        return arithmetic(Binary.MUL, a, b);
    }

    /** {@code a / b}, b broadcast over a's leading axes. */
    public static Tensor div(Tensor a, Tensor b) {
        return arithmetic(Binary.DIV, a, b);
    }

    /** {@code alpha·x}. */
    public static Tensor scale(Tensor input, float alpha) {
        Tensor x = ViewGrad.contiguous(input);
        Ops ops = x.backend().ops();
        Tensor y = Tensor.emptyLike(x);
        ops.affine(x, alpha, 0f, y);
        Tape.record("scale", y, g -> g.write(x, dx -> ops.affine(g.of(y), alpha, 0f, dx)), x);
        return y;
    }

    /** {@code x + beta}. */
    public static Tensor addScalar(Tensor input, float beta) {
        Tensor x = ViewGrad.contiguous(input);
        Ops ops = x.backend().ops();
        Tensor y = Tensor.emptyLike(x);
        ops.affine(x, 1f, beta, y);
        Tape.record("addScalar", y, g -> g.add(x, g.of(y)), x);
        return y;
    }

    private static Tensor arithmetic(Binary op, Tensor aInput, Tensor bInput) {
        Tensor a = ViewGrad.contiguous(aInput);
        Tensor b = ViewGrad.contiguous(bInput);
        Tensor out = Tensor.emptyLike(a);
        a.backend().ops().binary(op, a, b, out);
        Tape.record(op.toString().toLowerCase(), new Tensor[] {out}, new Tensor[] {a, b},
                g -> backward(op, a, b, out, g));
        return out;
    }

    private static void backward(Binary op, Tensor a, Tensor b, Tensor out, Grads g) {
        Ops ops = a.backend().ops();
        Tensor dout = ViewGrad.contiguous(g.of(out));
        switch (op) {
            case ADD -> {
                g.add(a, dout);
                if (b.numel() == dout.numel()) {
                    g.add(b, dout.reshape(b.shape()));
                } else {
                    g.write(b, db -> sumLeading(ops, dout, 1f, db));
                }
            }
            case SUB -> {
                g.add(a, dout);
                g.write(b, db -> sumLeading(ops, dout, -1f, db));
            }
            case MUL -> {
                g.write(a, da -> ops.binary(Binary.MUL, dout, b, da));
                g.write(b, db -> productSummed(ops, dout, a, null, 1f, db));
            }
            case DIV -> {
                // d(a/b)/da = 1/b; d(a/b)/db = −(a/b)/b = −out/b
                g.write(a, da -> ops.binary(Binary.DIV, dout, b, da));
                g.write(b, db -> productSummed(ops, dout, out, b, -1f, db));
            }
        }
    }

    /** {@code db = scale·Σ_leading (dout·x / divisor)}, divisor optional (b's shape). */
    private static void productSummed(Ops ops, Tensor dout, Tensor x, Tensor divisor, float scale, Tensor db) {
        try (Scope tmp = Scope.open("binary backward")) {
            Tensor t = Tensor.emptyLike(dout);
            ops.binary(Binary.MUL, dout, x, t);
            if (divisor != null) {
                ops.binary(Binary.DIV, t, divisor, t);
            }
            sumLeading(ops, t, scale, db);
        }
    }

    /** {@code db = scale·Σ_leading t}: t as {@code [outer, db.numel()]}, summed over axis 0. */
    private static void sumLeading(Ops ops, Tensor t, float scale, Tensor db) {
        int period = Math.toIntExact(db.numel());
        if (period == t.numel()) {
            ops.affine(t.reshape(db.shape()), scale, 0f, db);
        } else {
            ops.sum(t.reshape(-1, period), 0, scale, db);
        }
    }
}

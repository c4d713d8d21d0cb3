package org.echorec.runtime.op.unary;

import org.echorec.runtime.autograd.Tape;
import org.echorec.runtime.op.Ops;
import org.echorec.runtime.op.Unary;
import org.echorec.runtime.op.view.ViewGrad;
import org.echorec.runtime.tensor.Tensor;

/** Differentiable elementwise functions: forward by {@link Ops#unary}, gradient by {@link Ops#unaryBackward}. */
public final class UnaryGrad {
    private UnaryGrad() {}

    public static Tensor apply(Unary op, Tensor input) {
        Tensor x = ViewGrad.contiguous(input);
        Ops ops = x.backend().ops();
        Tensor y = Tensor.emptyLike(x);
        ops.unary(op, x, y);
        Tape.record("unary " + op, y, g -> g.write(x, dx -> ops.unaryBackward(op, x, g.of(y), dx)), x);
        return y;
    }
}

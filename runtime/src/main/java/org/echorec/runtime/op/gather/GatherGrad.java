package org.echorec.runtime.op.gather;

import org.echorec.runtime.autograd.Tape;
import org.echorec.runtime.op.Ops;
import org.echorec.runtime.op.view.ViewGrad;
import org.echorec.runtime.tensor.Shape;
import org.echorec.runtime.tensor.Tensor;

/** Differentiable embedding lookup; the gradient scatter-adds into the table, skipping the padding id. */
public final class GatherGrad {
    private GatherGrad() {}

    /**
     * {@code table[ids]}: ids int32 of any shape S, result S + [d]. Rows of {@code paddingIndex} get no
     * gradient (pass −1 for none).
     */
    public static Tensor embedding(Tensor table, Tensor idsInput, int paddingIndex) {
        Tensor ids = ViewGrad.contiguous(idsInput);
        Ops ops = table.backend().ops();
        Tensor out = Tensor.empty(table.backend(), Shape.append(ids.shape(), table.dim(1)));
        ops.gather(table, ids, out);
        Tape.record("embedding", out, g -> g.accumulate(table, (dt, beta) -> {
            if (beta == 0f) {
                ops.fill(dt, 0f);
            }
            ops.scatterAdd(ids, g.of(out), paddingIndex, dt);
        }), table);
        return out;
    }
}

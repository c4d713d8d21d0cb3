package org.echorec.runtime.op.conv;

import org.echorec.runtime.autograd.Tape;
import org.echorec.runtime.op.Ops;
import org.echorec.runtime.op.view.ViewGrad;
import org.echorec.runtime.tensor.Tensor;

/** Differentiable depthwise causal convolution (Mamba's conv1d over channels-last activations). */
public final class ConvGrad {
    private ConvGrad() {}

    /** x [B, L, C], w [C, K], bias [C] or null → [B, L, C]. */
    public static Tensor causalConv1d(Tensor input, Tensor w, Tensor bias) {
        Tensor x = ViewGrad.contiguous(input);
        Ops ops = x.backend().ops();
        Tensor y = Tensor.emptyLike(x);
        ops.causalConv1d(x, w, bias, y);
        Tape.record("causalConv1d", y, g -> {
            Tensor dy = g.of(y);
            boolean wantX = g.needs(x);
            boolean wantW = g.needs(w);
            boolean wantB = g.needs(bias);
            if (!wantW && !wantB) {
                g.write(x, dx -> ops.causalConv1dBackward(x, w, dy, dx, null, null));
                return;
            }
            // one pass computes every gradient asked for
            Tensor dx = wantX ? Tensor.emptyLike(x) : null;
            Tensor dw = wantW ? Tensor.emptyLike(w) : null;
            Tensor db = wantB ? Tensor.emptyLike(bias) : null;
            ops.causalConv1dBackward(x, w, dy, dx, dw, db);
            if (wantX) {
                g.add(x, dx);
            }
            if (wantW) {
                g.add(w, dw);
            }
            if (wantB) {
                g.add(bias, db);
            }
        }, x, w, bias);
        return y;
    }
}

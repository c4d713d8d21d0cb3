package org.echorec.runtime.op.conv;

import org.echorec.runtime.autograd.Tape;
import org.echorec.runtime.op.Ops;
import org.echorec.runtime.op.view.ViewGrad;
import org.echorec.runtime.tensor.Tensor;

/**
 * Differentiable depthwise causal convolution (Mamba's conv1d over channels-last activations); one
 * backward pass gives every gradient.
 */
public final class ConvGrad {
    private ConvGrad() {}

    /** x [B, L, C], w [C, K], bias [C] or null → [B, L, C]. */
    public static Tensor causalConv1d(Tensor input, Tensor w, Tensor bias) {
        Tensor x = ViewGrad.contiguous(input);
        Ops ops = x.backend().ops();
        Tensor y = Tensor.emptyLike(x);
        ops.causalConv1d(x, w, bias, y);
        Tape.record("causalConv1d", y, g -> g.writeAll(new Tensor[] {x, w, bias},
                d -> ops.causalConv1dBackward(x, w, g.of(y), d[0], d[1], d[2])), x, w, bias);
        return y;
    }
}

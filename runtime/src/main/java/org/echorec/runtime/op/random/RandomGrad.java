package org.echorec.runtime.op.random;

import org.echorec.runtime.autograd.Tape;
import org.echorec.runtime.op.Ops;
import org.echorec.runtime.op.view.ViewGrad;
import org.echorec.runtime.tensor.Tensor;

/** Differentiable dropout: the backward regenerates the mask from the seed and offset instead of storing it. */
public final class RandomGrad {
    private RandomGrad() {}

    /** Inverted dropout with probability p; the identity when not training or p = 0. */
    public static Tensor dropout(Tensor input, float p, Rng rng, boolean training) {
        if (!training || p == 0f) {
            return input;
        }
        Tensor x = ViewGrad.contiguous(input);
        Ops ops = x.backend().ops();
        long seed = rng.seed();
        long offset = rng.take(x.numel());
        Tensor y = Tensor.emptyLike(x);
        ops.dropout(x, p, seed, offset, y);
        Tape.record("dropout", y, g -> g.write(x, dx -> ops.dropout(g.of(y), p, seed, offset, dx)), x);
        return y;
    }
}

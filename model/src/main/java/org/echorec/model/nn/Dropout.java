package org.echorec.model.nn;

import org.echorec.runtime.autograd.F;
import org.echorec.runtime.tensor.Tensor;

/** Inverted dropout with probability {@code p}; the identity at inference or when p is 0. */
public final class Dropout {
    private final float p;

    public Dropout(float p) {
        if (p < 0 || p >= 1) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + p);
        }
        this.p = p;
    }

    public Tensor forward(Tensor x, Mode mode) {
        if (!mode.training() || p == 0f) {
            return x;
        }
        return F.dropout(x, p, mode.rng(), true);
    }
}

package org.echorec.model.nn;

import org.echorec.runtime.op.random.Rng;

/**
 * How one forward pass runs: training (dropout on, drawing from {@code rng}) or inference
 * (dropout is the identity and {@code rng} is unused).
 */
public record Mode(boolean training, Rng rng) {
    public static Mode inference() {
        return new Mode(false, null);
    }

    public static Mode training(Rng rng) {
        return new Mode(true, rng);
    }
}

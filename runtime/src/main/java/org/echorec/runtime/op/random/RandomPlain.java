package org.echorec.runtime.op.random;

import org.echorec.runtime.tensor.Tensor;

/** Placeholder until the family is written. */
public final class RandomPlain {
    private RandomPlain() {}

    public static void dropout(Tensor x, float p, long seed, long offset, Tensor y) {
        throw new UnsupportedOperationException("RandomPlain.dropout: not implemented yet");
    }

    public static void uniform(Tensor dst, long seed, long offset, float lo, float hi) {
        throw new UnsupportedOperationException("RandomPlain.uniform: not implemented yet");
    }

    public static void normal(Tensor dst, long seed, long offset, float mean, float std) {
        throw new UnsupportedOperationException("RandomPlain.normal: not implemented yet");
    }
}

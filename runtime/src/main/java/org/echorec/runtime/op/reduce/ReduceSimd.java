package org.echorec.runtime.op.reduce;

import org.echorec.runtime.tensor.Tensor;

/** Placeholder until the family is written. */
public final class ReduceSimd {
    private ReduceSimd() {}

    public static void sum(Tensor x, int axis, float scale, Tensor out) {
        throw new UnsupportedOperationException("ReduceSimd.sum: not implemented yet");
    }

    public static void broadcastAxis(Tensor dy, int axis, float scale, Tensor dx) {
        throw new UnsupportedOperationException("ReduceSimd.broadcastAxis: not implemented yet");
    }
}

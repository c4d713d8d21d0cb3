package org.echorec.runtime.op.gather;

import org.echorec.runtime.tensor.Tensor;

/** Placeholder until the family is written. */
public final class GatherPlain {
    private GatherPlain() {}

    public static void gather(Tensor table, Tensor ids, Tensor out) {
        throw new UnsupportedOperationException("GatherPlain.gather: not implemented yet");
    }

    public static void scatterAdd(Tensor ids, Tensor src, int skipIndex, Tensor table) {
        throw new UnsupportedOperationException("GatherPlain.scatterAdd: not implemented yet");
    }
}

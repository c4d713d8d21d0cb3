package org.echorec.runtime.op.matmul;

import org.echorec.runtime.tensor.Tensor;

/** Placeholder until the family is written. */
public final class GemmPlain {
    private GemmPlain() {}

    public static void gemm(boolean transA, boolean transB, float alpha, Tensor a, Tensor b, float beta, Tensor c) {
        throw new UnsupportedOperationException("GemmPlain.gemm: not implemented yet");
    }
}

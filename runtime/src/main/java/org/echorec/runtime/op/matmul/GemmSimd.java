package org.echorec.runtime.op.matmul;

import org.echorec.runtime.tensor.Tensor;

/** Placeholder until the family is written. */
public final class GemmSimd {
    private GemmSimd() {}

    public static void gemm(boolean transA, boolean transB, float alpha, Tensor a, Tensor b, float beta, Tensor c) {
        throw new UnsupportedOperationException("GemmSimd.gemm: not implemented yet");
    }
}

package org.echorec.runtime.op.binary;

import org.echorec.runtime.op.Binary;
import org.echorec.runtime.tensor.Tensor;

/** Placeholder until the family is written. */
public final class BinarySimd {
    private BinarySimd() {}

    public static void binary(Binary op, Tensor a, Tensor b, Tensor out) {
        throw new UnsupportedOperationException("BinarySimd.binary: not implemented yet");
    }

    public static void affine(Tensor x, float alpha, float beta, Tensor y) {
        throw new UnsupportedOperationException("BinarySimd.affine: not implemented yet");
    }

    public static void axpy(float alpha, Tensor x, Tensor y) {
        throw new UnsupportedOperationException("BinarySimd.axpy: not implemented yet");
    }
}

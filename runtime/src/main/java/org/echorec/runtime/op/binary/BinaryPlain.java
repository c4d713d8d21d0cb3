package org.echorec.runtime.op.binary;

import org.echorec.runtime.op.Binary;
import org.echorec.runtime.tensor.Tensor;

/** Placeholder until the family is written. */
public final class BinaryPlain {
    private BinaryPlain() {}

    public static void binary(Binary op, Tensor a, Tensor b, Tensor out) {
        throw new UnsupportedOperationException("BinaryPlain.binary: not implemented yet");
    }

    public static void affine(Tensor x, float alpha, float beta, Tensor y) {
        throw new UnsupportedOperationException("BinaryPlain.affine: not implemented yet");
    }

    public static void axpy(float alpha, Tensor x, Tensor y) {
        throw new UnsupportedOperationException("BinaryPlain.axpy: not implemented yet");
    }
}

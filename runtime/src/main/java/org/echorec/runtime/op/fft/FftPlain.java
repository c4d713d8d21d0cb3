package org.echorec.runtime.op.fft;

import org.echorec.runtime.tensor.Tensor;

/** Placeholder until the family is written. */
public final class FftPlain {
    private FftPlain() {}

    public static void rfft(Tensor x, int axis, Tensor out) {
        throw new UnsupportedOperationException("FftPlain.rfft: not implemented yet");
    }

    public static void irfft(Tensor spec, int axis, Tensor x) {
        throw new UnsupportedOperationException("FftPlain.irfft: not implemented yet");
    }

    public static void rfftBackward(Tensor dout, int axis, Tensor dx) {
        throw new UnsupportedOperationException("FftPlain.rfftBackward: not implemented yet");
    }

    public static void irfftBackward(Tensor dx, int axis, Tensor dspec) {
        throw new UnsupportedOperationException("FftPlain.irfftBackward: not implemented yet");
    }

    public static void complexMul(Tensor a, Tensor w, Tensor out) {
        throw new UnsupportedOperationException("FftPlain.complexMul: not implemented yet");
    }

    public static void complexMulBackward(Tensor a, Tensor w, Tensor dout, Tensor da, Tensor dw) {
        throw new UnsupportedOperationException("FftPlain.complexMulBackward: not implemented yet");
    }
}

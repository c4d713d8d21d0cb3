package org.echorec.runtime.op.fft;

import org.echorec.runtime.tensor.Tensor;

/** Placeholder until the family is written. */
public final class FftSimd {
    private FftSimd() {}

    public static void rfft(Tensor x, int axis, Tensor out) {
        throw new UnsupportedOperationException("FftSimd.rfft: not implemented yet");
    }

    public static void irfft(Tensor spec, int axis, Tensor x) {
        throw new UnsupportedOperationException("FftSimd.irfft: not implemented yet");
    }

    public static void rfftBackward(Tensor dout, int axis, Tensor dx) {
        throw new UnsupportedOperationException("FftSimd.rfftBackward: not implemented yet");
    }

    public static void irfftBackward(Tensor dx, int axis, Tensor dspec) {
        throw new UnsupportedOperationException("FftSimd.irfftBackward: not implemented yet");
    }

    public static void complexMul(Tensor a, Tensor w, Tensor out) {
        throw new UnsupportedOperationException("FftSimd.complexMul: not implemented yet");
    }

    public static void complexMulBackward(Tensor a, Tensor w, Tensor dout, Tensor da, Tensor dw) {
        throw new UnsupportedOperationException("FftSimd.complexMulBackward: not implemented yet");
    }
}

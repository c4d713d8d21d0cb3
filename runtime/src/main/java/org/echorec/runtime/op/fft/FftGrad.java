package org.echorec.runtime.op.fft;

import org.echorec.runtime.autograd.Grads;
import org.echorec.runtime.autograd.Tape;
import org.echorec.runtime.op.CheckedOps;
import org.echorec.runtime.op.Ops;
import org.echorec.runtime.op.view.ViewGrad;
import org.echorec.runtime.tensor.Tensor;

/**
 * Differentiable real FFTs and complex product: forward by {@link Ops#rfft}, {@link Ops#irfft},
 * {@link Ops#complexMul}, gradients by their backward primitives. Spectra are real tensors with a
 * trailing (re, im) axis of 2, as in the {@link Ops} docs.
 */
public final class FftGrad {
    private FftGrad() {}

    /** The orthonormal half spectrum of x along {@code axis}: shape as x with that axis n/2+1, plus [2]. */
    public static Tensor rfft(Tensor input, int axis) {
        Tensor x = ViewGrad.contiguous(input);
        int ax = x.axis(axis);
        Ops ops = x.backend().ops();
        Tensor spec = Tensor.empty(x.backend(), CheckedOps.spectrumShape(x.shape(), ax));
        ops.rfft(x, ax, spec);
        Tape.record("rfft", spec, g -> g.write(x, dx -> ops.rfftBackward(g.of(spec), ax, dx)), x);
        return spec;
    }

    /**
     * The real signal of length n whose orthonormal half spectrum is {@code spec} along {@code axis};
     * {@code axis} counts the signal's axes (spec without its trailing [2]), so −1 is its last one.
     * The spectrum must have n/2+1 bins along the axis.
     */
    public static Tensor irfft(Tensor input, int n, int axis) {
        Tensor spec = ViewGrad.contiguous(input);
        int rank = spec.rank() - 1;
        int ax = axis < 0 ? axis + rank : axis;
        if (rank < 1 || ax < 0 || ax >= rank || spec.dim(-1) != 2) {
            throw new IllegalArgumentException("irfft: axis " + axis + " of a spectrum [..., 2] of rank "
                    + spec.rank() + " is out of range; " + spec);
        }
        int[] shape = new int[rank];
        System.arraycopy(spec.shape(), 0, shape, 0, rank);
        shape[ax] = n;
        Ops ops = spec.backend().ops();
        Tensor x = Tensor.empty(spec.backend(), shape);
        ops.irfft(spec, ax, x);
        Tape.record("irfft", x, g -> g.write(spec, ds -> ops.irfftBackward(g.of(x), ax, ds)), spec);
        return x;
    }

    /** {@code a·w} per complex element: a {@code [..., F, C, 2]}, w {@code [F, C, 2]} broadcast over the leading axes. */
    public static Tensor complexMul(Tensor aInput, Tensor wInput) {
        Tensor a = ViewGrad.contiguous(aInput);
        Tensor w = ViewGrad.contiguous(wInput);
        Ops ops = a.backend().ops();
        Tensor out = Tensor.emptyLike(a);
        ops.complexMul(a, w, out);
        Tape.record("complexMul", out, g -> complexMulRule(g, ops, a, w, g.of(out)), a, w);
        return out;
    }

    /**
     * The learnable frequency filter of EchoMamba4Rec on x {@code [B, L, C]}:
     * {@code irfft(rfft(x, 1)·w, L, 1)} with w {@code [L/2+1, C, 2]}.
     */
    public static Tensor spectralFilter(Tensor x, Tensor w) {
        return irfft(complexMul(rfft(x, 1), w), x.dim(1), 1);
    }

    /** One backward call computes both gradients (one pass over dout and a). */
    private static void complexMulRule(Grads g, Ops ops, Tensor a, Tensor w, Tensor dout) {
        g.writeAll(new Tensor[] {a, w}, d -> ops.complexMulBackward(a, w, dout, d[0], d[1]));
    }
}

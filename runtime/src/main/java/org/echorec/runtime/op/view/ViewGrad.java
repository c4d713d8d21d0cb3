package org.echorec.runtime.op.view;

import java.util.Arrays;
import org.echorec.runtime.autograd.Tape;
import org.echorec.runtime.op.Ops;
import org.echorec.runtime.tensor.Tensor;

/**
 * Differentiable views and data movement. A view's gradient is the matching view of its output's
 * gradient, passed on without a copy where the layout allows; slices write into slices.
 */
public final class ViewGrad {
    private ViewGrad() {}

    /** {@code x} itself when contiguous, else a contiguous copy. */
    public static Tensor contiguous(Tensor x) {
        if (x.isContiguous()) {
            return x;
        }
        Ops ops = x.backend().ops();
        Tensor y = Tensor.empty(x.backend(), x.dtype(), x.shape());
        ops.copy(x, y, false);
        Tape.record("contiguous", y, g -> g.add(x, g.of(y)), x);
        return y;
    }

    /** The same elements in a new shape (one dimension may be -1); copies only a non-contiguous view. */
    public static Tensor reshape(Tensor input, int... shape) {
        Tensor x = contiguous(input);
        Tensor y = x.reshape(shape);
        Tape.record("reshape", y, g -> g.add(x, g.of(y).reshape(x.shape())), x);
        return y;
    }

    /** Elements {@code [start, start+length)} along {@code axis}, as a view. */
    public static Tensor narrow(Tensor x, int axis, int start, int length) {
        Tensor y = x.narrow(axis, start, length);
        Tape.record("narrow", y, g -> g.accumulate(x, (dx, beta) -> {
            if (beta == 0f) {
                x.backend().ops().fill(dx, 0f);
            }
            x.backend().ops().copy(g.of(y), dx.narrow(axis, start, length), true);
        }), x);
        return y;
    }

    /** Swaps two axes, as a view (kernels that need contiguity copy it through {@link #contiguous}). */
    public static Tensor transpose(Tensor x, int axisA, int axisB) {
        Tensor y = x.transpose(axisA, axisB);
        Tape.record("transpose", y, g -> g.add(x, g.of(y).transpose(axisA, axisB)), x);
        return y;
    }

    /** Splits {@code x} along {@code axis} into consecutive views of the given sizes. */
    public static Tensor[] split(Tensor x, int axis, int... sizes) {
        int a = x.axis(axis);
        int total = Arrays.stream(sizes).sum();
        if (total != x.dim(a)) {
            throw new IllegalArgumentException("split sizes " + Arrays.toString(sizes) + " do not add up to " + x);
        }
        Tensor[] parts = new Tensor[sizes.length];
        int start = 0;
        for (int i = 0; i < sizes.length; i++) {
            parts[i] = x.narrow(a, start, sizes[i]);
            start += sizes[i];
        }
        Tape.record("split", parts, new Tensor[] {x}, g -> g.write(x, dx -> {
            Ops ops = x.backend().ops();
            int s = 0;
            for (int i = 0; i < parts.length; i++) {
                Tensor part = dx.narrow(a, s, sizes[i]);
                Tensor gi = g.of(parts[i]);
                if (gi == null) {
                    ops.fill(part, 0f);
                } else {
                    ops.copy(gi, part, false);
                }
                s += sizes[i];
            }
        }));
        return parts;
    }

    /** Concatenates tensors of equal shape but along {@code axis}, into a new contiguous tensor. */
    public static Tensor concat(int axis, Tensor... xs) {
        int a = xs[0].axis(axis);
        int[] shape = xs[0].shape();
        int total = 0;
        for (Tensor t : xs) {
            int[] s = t.shape();
            s[a] = shape[a];
            if (!Arrays.equals(s, shape)) {
                throw new IllegalArgumentException("concat of mismatched shapes: " + Arrays.toString(xs));
            }
            total += t.dim(a);
        }
        shape[a] = total;
        Tensor y = Tensor.empty(xs[0].backend(), xs[0].dtype(), shape);
        Ops ops = y.backend().ops();
        int start = 0;
        for (Tensor t : xs) {
            ops.copy(t, y.narrow(a, start, t.dim(a)), false);
            start += t.dim(a);
        }
        Tape.record("concat", new Tensor[] {y}, xs, g -> {
            int s = 0;
            for (Tensor t : xs) {
                g.add(t, g.of(y).narrow(a, s, t.dim(a)));
                s += t.dim(a);
            }
        });
        return y;
    }

    /** Reverses the order along {@code axis}. */
    public static Tensor flip(Tensor input, int axis) {
        Tensor x = contiguous(input);
        Ops ops = x.backend().ops();
        Tensor y = Tensor.emptyLike(x);
        ops.flip(x, axis, y);
        Tape.record("flip", y, g -> g.write(x, dx -> ops.flip(g.of(y), axis, dx)), x);
        return y;
    }
}

package org.echorec.runtime.op.reduce;

import org.echorec.runtime.autograd.Tape;
import org.echorec.runtime.op.Ops;
import org.echorec.runtime.op.view.ViewGrad;
import org.echorec.runtime.tensor.Shape;
import org.echorec.runtime.tensor.Tensor;

/**
 * Differentiable sums and means: forward by {@link Ops#sum}, gradient by its adjoint
 * {@link Ops#broadcastAxis}. The whole-tensor forms view x as one axis and return a scalar of shape
 * {@code []}.
 */
public final class ReduceGrad {
    private ReduceGrad() {}

    /** {@code Σ_axis x}: x's shape without the axis. */
    public static Tensor sum(Tensor x, int axis) {
        return scaledSum("sum", x, axis, 1f);
    }

    /** {@code (1/n)·Σ_axis x}, n the length of the axis. */
    public static Tensor mean(Tensor x, int axis) {
        return scaledSum("mean", x, axis, 1f / x.dim(axis));
    }

    /** The sum of every element, shape {@code []}. */
    public static Tensor sumAll(Tensor x) {
        return scaledSumAll("sumAll", x, 1f);
    }

    /** The mean of every element, shape {@code []}. */
    public static Tensor meanAll(Tensor x) {
        return scaledSumAll("meanAll", x, 1f / x.numel());
    }

    private static Tensor scaledSum(String name, Tensor input, int axis, float scale) {
        Tensor x = ViewGrad.contiguous(input);
        int a = x.axis(axis);
        Ops ops = x.backend().ops();
        Tensor y = Tensor.empty(x.backend(), Shape.without(x.shape(), a));
        ops.sum(x, a, scale, y);
        Tape.record(name, y, g -> g.write(x, dx -> ops.broadcastAxis(g.of(y), a, scale, dx)), x);
        return y;
    }

    private static Tensor scaledSumAll(String name, Tensor input, float scale) {
        Tensor x = ViewGrad.contiguous(input);
        Ops ops = x.backend().ops();
        Tensor y = Tensor.empty(x.backend());
        ops.sum(x.reshape(-1), 0, scale, y);
        Tape.record(name, y, g -> g.write(x, dx -> ops.broadcastAxis(g.of(y), 0, scale, dx.reshape(-1))), x);
        return y;
    }
}

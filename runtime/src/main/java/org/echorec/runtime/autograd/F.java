package org.echorec.runtime.autograd;

import org.echorec.runtime.op.Unary;
import org.echorec.runtime.op.unary.UnaryGrad;
import org.echorec.runtime.op.view.ViewGrad;
import org.echorec.runtime.tensor.Tensor;

/**
 * The differentiable functions models are written with, one entry point for every family's
 * {@code *Grad} class. Each computes its result with the inputs' backend and, while a {@link Tape}
 * records, records its gradient rule. Outputs are allocated in the current {@code Scope}.
 */
public final class F {
    private F() {}

    // ------------------------------------------------------------------ views and data movement

    public static Tensor contiguous(Tensor x) {
        return ViewGrad.contiguous(x);
    }

    public static Tensor reshape(Tensor x, int... shape) {
        return ViewGrad.reshape(x, shape);
    }

    public static Tensor narrow(Tensor x, int axis, int start, int length) {
        return ViewGrad.narrow(x, axis, start, length);
    }

    public static Tensor transpose(Tensor x, int axisA, int axisB) {
        return ViewGrad.transpose(x, axisA, axisB);
    }

    public static Tensor[] split(Tensor x, int axis, int... sizes) {
        return ViewGrad.split(x, axis, sizes);
    }

    public static Tensor concat(int axis, Tensor... xs) {
        return ViewGrad.concat(axis, xs);
    }

    public static Tensor flip(Tensor x, int axis) {
        return ViewGrad.flip(x, axis);
    }

    // ------------------------------------------------------------------ elementwise

    public static Tensor unary(Unary op, Tensor x) {
        return UnaryGrad.apply(op, x);
    }

    public static Tensor exp(Tensor x) {
        return UnaryGrad.apply(Unary.EXP, x);
    }

    public static Tensor log(Tensor x) {
        return UnaryGrad.apply(Unary.LOG, x);
    }

    public static Tensor tanh(Tensor x) {
        return UnaryGrad.apply(Unary.TANH, x);
    }

    public static Tensor sigmoid(Tensor x) {
        return UnaryGrad.apply(Unary.SIGMOID, x);
    }

    public static Tensor silu(Tensor x) {
        return UnaryGrad.apply(Unary.SILU, x);
    }

    public static Tensor gelu(Tensor x) {
        return UnaryGrad.apply(Unary.GELU, x);
    }

    public static Tensor softplus(Tensor x) {
        return UnaryGrad.apply(Unary.SOFTPLUS, x);
    }

    public static Tensor hardswish(Tensor x) {
        return UnaryGrad.apply(Unary.HARDSWISH, x);
    }

    public static Tensor relu(Tensor x) {
        return UnaryGrad.apply(Unary.RELU, x);
    }

    public static Tensor square(Tensor x) {
        return UnaryGrad.apply(Unary.SQUARE, x);
    }
}

package org.echorec.runtime.op.unary;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;
import org.echorec.runtime.backend.cpu.Cpu;
import org.echorec.runtime.backend.cpu.Parallel;
import org.echorec.runtime.op.Unary;
import org.echorec.runtime.tensor.Tensor;

/** Elementwise functions in plain Java; {@link #apply} and {@link #derivative} also serve SIMD tails. */
public final class UnaryPlain {
    static final int GRAIN = 1 << 14;
    private static final float SOFTPLUS_THRESHOLD = 20f;

    private UnaryPlain() {}

    public static void forward(Unary op, Tensor x, Tensor y) {
        MemorySegment xs = Cpu.data(x);
        MemorySegment ys = Cpu.data(y);
        Parallel.forRange(Math.toIntExact(x.numel()), GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) {
                ys.setAtIndex(JAVA_FLOAT, i, apply(op, xs.getAtIndex(JAVA_FLOAT, i)));
            }
        });
    }

    public static void backward(Unary op, Tensor x, Tensor dy, Tensor dx) {
        MemorySegment xs = Cpu.data(x);
        MemorySegment dys = Cpu.data(dy);
        MemorySegment dxs = Cpu.data(dx);
        Parallel.forRange(Math.toIntExact(x.numel()), GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) {
                float g = dys.getAtIndex(JAVA_FLOAT, i);
                dxs.setAtIndex(JAVA_FLOAT, i, g * derivative(op, xs.getAtIndex(JAVA_FLOAT, i)));
            }
        });
    }

    /** f(x) for one element. */
    public static float apply(Unary op, float x) {
        return switch (op) {
            case EXP -> (float) Math.exp(x);
            case LOG -> (float) Math.log(x);
            case TANH -> (float) Math.tanh(x);
            case SIGMOID -> sigmoid(x);
            case SILU -> x * sigmoid(x);
            case GELU -> x * Gaussian.cdf(x);
            case SOFTPLUS -> x > SOFTPLUS_THRESHOLD ? x : (float) Math.log1p(Math.exp(x));
            case HARDSWISH -> x * Math.min(Math.max(x + 3f, 0f), 6f) / 6f;
            case RELU -> x > 0f ? x : 0f;
            case SQUARE -> x * x;
        };
    }

    /** f'(x) for one element. */
    public static float derivative(Unary op, float x) {
        return switch (op) {
            case EXP -> (float) Math.exp(x);
            case LOG -> 1f / x;
            case TANH -> {
                float t = (float) Math.tanh(x);
                yield 1f - t * t;
            }
            case SIGMOID -> {
                float s = sigmoid(x);
                yield s * (1f - s);
            }
            case SILU -> {
                float s = sigmoid(x);
                yield s * (1f + x * (1f - s));
            }
            case GELU -> Gaussian.cdf(x) + x * Gaussian.pdf(x);
            case SOFTPLUS -> x > SOFTPLUS_THRESHOLD ? 1f : sigmoid(x);
            case HARDSWISH -> x < -3f ? 0f : x <= 3f ? x / 3f + 0.5f : 1f;
            case RELU -> x > 0f ? 1f : 0f;
            case SQUARE -> 2f * x;
        };
    }

    static float sigmoid(float x) {
        return 1f / (1f + (float) Math.exp(-x));
    }
}

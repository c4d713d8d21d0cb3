package org.echorec.runtime.op.unary;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.echorec.runtime.backend.cpu.Cpu;
import org.echorec.runtime.backend.cpu.Parallel;
import org.echorec.runtime.backend.cpu.simd.SimdSpecies;
import org.echorec.runtime.op.Unary;
import org.echorec.runtime.tensor.Tensor;

/**
 * Elementwise functions with the Vector API. One small loop per function rather than one loop with a
 * switch or a function parameter: a shared loop would see every function at one call site, and C2
 * then stops inlining the vector code and boxes every vector (see PERF_NOTES, pitfall 2). Exp, log1p
 * and tanh are intrinsics on x86. Tails run {@link UnaryPlain}'s scalar code.
 */
public final class UnarySimd {
    private static final VectorSpecies<Float> S = SimdSpecies.F;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final FloatVector ONE = FloatVector.broadcast(S, 1f);

    private UnarySimd() {}

    /** A kernel over the elements {@code [from, to)} of its operands. */
    private interface Body {
        void run(MemorySegment in, MemorySegment grad, MemorySegment out, int from, int to);
    }

    public static void forward(Unary op, Tensor x, Tensor y) {
        Body body = switch (op) {
            case EXP -> UnarySimd::exp;
            case LOG -> UnarySimd::log;
            case TANH -> UnarySimd::tanh;
            case SIGMOID -> UnarySimd::sigmoid;
            case SILU -> UnarySimd::silu;
            case GELU -> UnarySimd::gelu;
            case SOFTPLUS -> UnarySimd::softplus;
            case HARDSWISH -> UnarySimd::hardswish;
            case RELU -> UnarySimd::relu;
            case SQUARE -> UnarySimd::square;
        };
        run(body, Cpu.data(x), null, Cpu.data(y));
    }

    public static void backward(Unary op, Tensor x, Tensor dy, Tensor dx) {
        Body body = switch (op) {
            case EXP -> UnarySimd::dExp;
            case LOG -> UnarySimd::dLog;
            case TANH -> UnarySimd::dTanh;
            case SIGMOID -> UnarySimd::dSigmoid;
            case SILU -> UnarySimd::dSilu;
            case GELU -> UnarySimd::dGelu;
            case SOFTPLUS -> UnarySimd::dSoftplus;
            case HARDSWISH -> UnarySimd::dHardswish;
            case RELU -> UnarySimd::dRelu;
            case SQUARE -> UnarySimd::dSquare;
        };
        run(body, Cpu.data(x), Cpu.data(dy), Cpu.data(dx));
    }

    private static void run(Body body, MemorySegment in, MemorySegment grad, MemorySegment out) {
        int n = Math.toIntExact(in.byteSize() / 4);
        Parallel.forRange(n, UnaryPlain.GRAIN, (from, to) -> body.run(in, grad, out, from, to));
    }

    // ------------------------------------------------------------------ shared vector math

    private static FloatVector load(MemorySegment m, int i) {
        return FloatVector.fromMemorySegment(S, m, 4L * i, ORDER);
    }

    private static void store(FloatVector v, MemorySegment m, int i) {
        v.intoMemorySegment(m, 4L * i, ORDER);
    }

    private static int end(int from, int to) {
        return from + S.loopBound(to - from);
    }

    private static FloatVector sigmoidOf(FloatVector x) {
        return ONE.div(x.neg().lanewise(VectorOperators.EXP).add(1f));
    }

    /** Φ(x) by {@link Gaussian}'s erfc fit, on vectors. */
    private static FloatVector cdfOf(FloatVector x) {
        FloatVector z = x.abs().mul(Gaussian.SQRT_HALF);
        FloatVector t = ONE.div(z.fma(0.5f, 1f));
        FloatVector p = FloatVector.broadcast(S, Gaussian.P[9]);
        for (int k = 8; k >= 0; k--) {
            p = p.fma(t, FloatVector.broadcast(S, Gaussian.P[k]));
        }
        FloatVector half = t.mul(z.mul(z).neg().add(p).lanewise(VectorOperators.EXP)).mul(0.5f);
        return half.neg().add(1f).blend(half, x.compare(VectorOperators.LT, 0f));
    }

    private static FloatVector pdfOf(FloatVector x) {
        return x.mul(x).mul(-0.5f).lanewise(VectorOperators.EXP).mul(Gaussian.INV_SQRT_2PI);
    }

    // ------------------------------------------------------------------ forward loops

    private static void exp(MemorySegment x, MemorySegment g, MemorySegment y, int from, int to) {
        int i = from;
        for (int e = end(from, to); i < e; i += S.length()) {
            store(load(x, i).lanewise(VectorOperators.EXP), y, i);
        }
        tail(Unary.EXP, x, y, i, to);
    }

    private static void log(MemorySegment x, MemorySegment g, MemorySegment y, int from, int to) {
        int i = from;
        for (int e = end(from, to); i < e; i += S.length()) {
            store(load(x, i).lanewise(VectorOperators.LOG), y, i);
        }
        tail(Unary.LOG, x, y, i, to);
    }

    private static void tanh(MemorySegment x, MemorySegment g, MemorySegment y, int from, int to) {
        int i = from;
        for (int e = end(from, to); i < e; i += S.length()) {
            store(load(x, i).lanewise(VectorOperators.TANH), y, i);
        }
        tail(Unary.TANH, x, y, i, to);
    }

    private static void sigmoid(MemorySegment x, MemorySegment g, MemorySegment y, int from, int to) {
        int i = from;
        for (int e = end(from, to); i < e; i += S.length()) {
            store(sigmoidOf(load(x, i)), y, i);
        }
        tail(Unary.SIGMOID, x, y, i, to);
    }

    private static void silu(MemorySegment x, MemorySegment g, MemorySegment y, int from, int to) {
        int i = from;
        for (int e = end(from, to); i < e; i += S.length()) {
            FloatVector v = load(x, i);
            store(v.mul(sigmoidOf(v)), y, i);
        }
        tail(Unary.SILU, x, y, i, to);
    }

    private static void gelu(MemorySegment x, MemorySegment g, MemorySegment y, int from, int to) {
        int i = from;
        for (int e = end(from, to); i < e; i += S.length()) {
            FloatVector v = load(x, i);
            store(v.mul(cdfOf(v)), y, i);
        }
        tail(Unary.GELU, x, y, i, to);
    }

    private static void softplus(MemorySegment x, MemorySegment g, MemorySegment y, int from, int to) {
        int i = from;
        for (int e = end(from, to); i < e; i += S.length()) {
            FloatVector v = load(x, i);
            FloatVector soft = v.lanewise(VectorOperators.EXP).lanewise(VectorOperators.LOG1P);
            store(soft.blend(v, v.compare(VectorOperators.GT, 20f)), y, i);
        }
        tail(Unary.SOFTPLUS, x, y, i, to);
    }

    private static void hardswish(MemorySegment x, MemorySegment g, MemorySegment y, int from, int to) {
        int i = from;
        for (int e = end(from, to); i < e; i += S.length()) {
            FloatVector v = load(x, i);
            store(v.mul(v.add(3f).max(0f).min(6f)).div(6f), y, i);
        }
        tail(Unary.HARDSWISH, x, y, i, to);
    }

    private static void relu(MemorySegment x, MemorySegment g, MemorySegment y, int from, int to) {
        int i = from;
        for (int e = end(from, to); i < e; i += S.length()) {
            store(load(x, i).max(0f), y, i);
        }
        tail(Unary.RELU, x, y, i, to);
    }

    private static void square(MemorySegment x, MemorySegment g, MemorySegment y, int from, int to) {
        int i = from;
        for (int e = end(from, to); i < e; i += S.length()) {
            FloatVector v = load(x, i);
            store(v.mul(v), y, i);
        }
        tail(Unary.SQUARE, x, y, i, to);
    }

    private static void tail(Unary op, MemorySegment x, MemorySegment y, int from, int to) {
        for (int i = from; i < to; i++) {
            y.setAtIndex(JAVA_FLOAT, i, UnaryPlain.apply(op, x.getAtIndex(JAVA_FLOAT, i)));
        }
    }

    // ------------------------------------------------------------------ backward loops: dx = dy·f'(x)

    private static void dExp(MemorySegment x, MemorySegment dy, MemorySegment dx, int from, int to) {
        int i = from;
        for (int e = end(from, to); i < e; i += S.length()) {
            store(load(dy, i).mul(load(x, i).lanewise(VectorOperators.EXP)), dx, i);
        }
        backTail(Unary.EXP, x, dy, dx, i, to);
    }

    private static void dLog(MemorySegment x, MemorySegment dy, MemorySegment dx, int from, int to) {
        int i = from;
        for (int e = end(from, to); i < e; i += S.length()) {
            store(load(dy, i).div(load(x, i)), dx, i);
        }
        backTail(Unary.LOG, x, dy, dx, i, to);
    }

    private static void dTanh(MemorySegment x, MemorySegment dy, MemorySegment dx, int from, int to) {
        int i = from;
        for (int e = end(from, to); i < e; i += S.length()) {
            FloatVector t = load(x, i).lanewise(VectorOperators.TANH);
            store(load(dy, i).mul(t.mul(t).neg().add(1f)), dx, i);
        }
        backTail(Unary.TANH, x, dy, dx, i, to);
    }

    private static void dSigmoid(MemorySegment x, MemorySegment dy, MemorySegment dx, int from, int to) {
        int i = from;
        for (int e = end(from, to); i < e; i += S.length()) {
            FloatVector s = sigmoidOf(load(x, i));
            store(load(dy, i).mul(s.mul(s.neg().add(1f))), dx, i);
        }
        backTail(Unary.SIGMOID, x, dy, dx, i, to);
    }

    private static void dSilu(MemorySegment x, MemorySegment dy, MemorySegment dx, int from, int to) {
        int i = from;
        for (int e = end(from, to); i < e; i += S.length()) {
            FloatVector v = load(x, i);
            FloatVector s = sigmoidOf(v);
            FloatVector d = s.mul(v.mul(s.neg().add(1f)).add(1f));
            store(load(dy, i).mul(d), dx, i);
        }
        backTail(Unary.SILU, x, dy, dx, i, to);
    }

    private static void dGelu(MemorySegment x, MemorySegment dy, MemorySegment dx, int from, int to) {
        int i = from;
        for (int e = end(from, to); i < e; i += S.length()) {
            FloatVector v = load(x, i);
            FloatVector d = v.fma(pdfOf(v), cdfOf(v));
            store(load(dy, i).mul(d), dx, i);
        }
        backTail(Unary.GELU, x, dy, dx, i, to);
    }

    private static void dSoftplus(MemorySegment x, MemorySegment dy, MemorySegment dx, int from, int to) {
        int i = from;
        for (int e = end(from, to); i < e; i += S.length()) {
            FloatVector v = load(x, i);
            FloatVector d = sigmoidOf(v).blend(1f, v.compare(VectorOperators.GT, 20f));
            store(load(dy, i).mul(d), dx, i);
        }
        backTail(Unary.SOFTPLUS, x, dy, dx, i, to);
    }

    private static void dHardswish(MemorySegment x, MemorySegment dy, MemorySegment dx, int from, int to) {
        int i = from;
        for (int e = end(from, to); i < e; i += S.length()) {
            FloatVector v = load(x, i);
            VectorMask<Float> below = v.compare(VectorOperators.LT, -3f);
            VectorMask<Float> above = v.compare(VectorOperators.GT, 3f);
            FloatVector d = v.fma(1f / 3f, 0.5f).blend(0f, below).blend(1f, above);
            store(load(dy, i).mul(d), dx, i);
        }
        backTail(Unary.HARDSWISH, x, dy, dx, i, to);
    }

    private static void dRelu(MemorySegment x, MemorySegment dy, MemorySegment dx, int from, int to) {
        int i = from;
        for (int e = end(from, to); i < e; i += S.length()) {
            FloatVector g = load(dy, i);
            store(g.blend(0f, load(x, i).compare(VectorOperators.LE, 0f)), dx, i);
        }
        backTail(Unary.RELU, x, dy, dx, i, to);
    }

    private static void dSquare(MemorySegment x, MemorySegment dy, MemorySegment dx, int from, int to) {
        int i = from;
        for (int e = end(from, to); i < e; i += S.length()) {
            store(load(dy, i).mul(load(x, i)).mul(2f), dx, i);
        }
        backTail(Unary.SQUARE, x, dy, dx, i, to);
    }

    private static void backTail(Unary op, MemorySegment x, MemorySegment dy, MemorySegment dx, int from, int to) {
        for (int i = from; i < to; i++) {
            float d = UnaryPlain.derivative(op, x.getAtIndex(JAVA_FLOAT, i));
            dx.setAtIndex(JAVA_FLOAT, i, dy.getAtIndex(JAVA_FLOAT, i) * d);
        }
    }
}

package org.echorec.runtime.op.binary;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.echorec.runtime.backend.cpu.Cpu;
import org.echorec.runtime.backend.cpu.Parallel;
import org.echorec.runtime.backend.cpu.simd.SimdSpecies;
import org.echorec.runtime.op.Binary;
import org.echorec.runtime.tensor.Tensor;

/**
 * Elementwise arithmetic with the Vector API. As in {@code UnarySimd}, each operator has its own
 * small loops (one for a b that repeats with a period, one for a one-element b) so that no vector
 * loop sees more than one operator (PERF_NOTES, pitfall 2). A range of a is walked in runs inside one
 * period of b ({@link BinaryPlain}, note "runs"); each run's scalar tail, and every run of a period
 * shorter than a vector, is done by {@link BinaryPlain#run}.
 */
public final class BinarySimd {
    private static final VectorSpecies<Float> S = SimdSpecies.F;
    private static final int L = S.length();
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private BinarySimd() {}

    /** A kernel over the elements {@code [from, to)} of a and out. */
    private interface Body {
        void run(MemorySegment a, MemorySegment b, MemorySegment out, int period, int from, int to);
    }

    public static void binary(Binary op, Tensor a, Tensor b, Tensor out) {
        int period = Math.toIntExact(b.numel());
        Body body = period == 1
                ? switch (op) {
                    case ADD -> BinarySimd::addScalar;
                    case SUB -> BinarySimd::subScalar;
                    case MUL -> BinarySimd::mulScalar;
                    case DIV -> BinarySimd::divScalar;
                }
                : switch (op) {
                    case ADD -> BinarySimd::add;
                    case SUB -> BinarySimd::sub;
                    case MUL -> BinarySimd::mul;
                    case DIV -> BinarySimd::div;
                };
        MemorySegment as = Cpu.data(a);
        MemorySegment bs = Cpu.data(b);
        MemorySegment os = Cpu.data(out);
        Parallel.forRange(Math.toIntExact(a.numel()), BinaryPlain.GRAIN,
                (from, to) -> body.run(as, bs, os, period, from, to));
    }

    public static void affine(Tensor x, float alpha, float beta, Tensor y) {
        MemorySegment xs = Cpu.data(x);
        MemorySegment ys = Cpu.data(y);
        Parallel.forRange(Math.toIntExact(x.numel()), BinaryPlain.GRAIN,
                (from, to) -> affine(xs, alpha, beta, ys, from, to));
    }

    public static void axpy(float alpha, Tensor x, Tensor y) {
        MemorySegment xs = Cpu.data(x);
        MemorySegment ys = Cpu.data(y);
        Parallel.forRange(Math.toIntExact(x.numel()), BinaryPlain.GRAIN,
                (from, to) -> axpy(alpha, xs, ys, from, to));
    }

    private static FloatVector load(MemorySegment m, int i) {
        return FloatVector.fromMemorySegment(S, m, 4L * i, ORDER);
    }

    private static void store(FloatVector v, MemorySegment m, int i) {
        v.intoMemorySegment(m, 4L * i, ORDER);
    }

    // ------------------------------------------------------------------ b with a period > 1

    private static void add(MemorySegment a, MemorySegment b, MemorySegment out, int period, int from, int to) {
        for (int i = from; i < to; ) {
            int j = i % period;
            int len = Math.min(to - i, period - j);
            int k = 0;
            for (int e = S.loopBound(len); k < e; k += L) {
                store(load(a, i + k).add(load(b, j + k)), out, i + k);
            }
            BinaryPlain.run(Binary.ADD, a, b, out, i + k, j + k, len - k);
            i += len;
        }
    }

    private static void sub(MemorySegment a, MemorySegment b, MemorySegment out, int period, int from, int to) {
        for (int i = from; i < to; ) {
            int j = i % period;
            int len = Math.min(to - i, period - j);
            int k = 0;
            for (int e = S.loopBound(len); k < e; k += L) {
                store(load(a, i + k).sub(load(b, j + k)), out, i + k);
            }
            BinaryPlain.run(Binary.SUB, a, b, out, i + k, j + k, len - k);
            i += len;
        }
    }

    private static void mul(MemorySegment a, MemorySegment b, MemorySegment out, int period, int from, int to) {
        for (int i = from; i < to; ) {
            int j = i % period;
            int len = Math.min(to - i, period - j);
            int k = 0;
            for (int e = S.loopBound(len); k < e; k += L) {
                store(load(a, i + k).mul(load(b, j + k)), out, i + k);
            }
            BinaryPlain.run(Binary.MUL, a, b, out, i + k, j + k, len - k);
            i += len;
        }
    }

    private static void div(MemorySegment a, MemorySegment b, MemorySegment out, int period, int from, int to) {
        for (int i = from; i < to; ) {
            int j = i % period;
            int len = Math.min(to - i, period - j);
            int k = 0;
            for (int e = S.loopBound(len); k < e; k += L) {
                store(load(a, i + k).div(load(b, j + k)), out, i + k);
            }
            BinaryPlain.run(Binary.DIV, a, b, out, i + k, j + k, len - k);
            i += len;
        }
    }

    // ------------------------------------------------------------------ one-element b

    private static void addScalar(MemorySegment a, MemorySegment b, MemorySegment out, int period, int from, int to) {
        float s = b.getAtIndex(JAVA_FLOAT, 0);
        int i = from;
        for (int e = from + S.loopBound(to - from); i < e; i += L) {
            store(load(a, i).add(s), out, i);
        }
        BinaryPlain.runScalar(Binary.ADD, a, s, out, i, to);
    }

    private static void subScalar(MemorySegment a, MemorySegment b, MemorySegment out, int period, int from, int to) {
        float s = b.getAtIndex(JAVA_FLOAT, 0);
        int i = from;
        for (int e = from + S.loopBound(to - from); i < e; i += L) {
            store(load(a, i).sub(s), out, i);
        }
        BinaryPlain.runScalar(Binary.SUB, a, s, out, i, to);
    }

    private static void mulScalar(MemorySegment a, MemorySegment b, MemorySegment out, int period, int from, int to) {
        float s = b.getAtIndex(JAVA_FLOAT, 0);
        int i = from;
        for (int e = from + S.loopBound(to - from); i < e; i += L) {
            store(load(a, i).mul(s), out, i);
        }
        BinaryPlain.runScalar(Binary.MUL, a, s, out, i, to);
    }

    private static void divScalar(MemorySegment a, MemorySegment b, MemorySegment out, int period, int from, int to) {
        float s = b.getAtIndex(JAVA_FLOAT, 0);
        int i = from;
        for (int e = from + S.loopBound(to - from); i < e; i += L) {
            store(load(a, i).div(s), out, i);
        }
        BinaryPlain.runScalar(Binary.DIV, a, s, out, i, to);
    }

    // ------------------------------------------------------------------ affine, axpy

    private static void affine(MemorySegment x, float alpha, float beta, MemorySegment y, int from, int to) {
        int i = from;
        for (int e = from + S.loopBound(to - from); i < e; i += L) {
            store(load(x, i).fma(alpha, beta), y, i);
        }
        BinaryPlain.affine(x, alpha, beta, y, i, to);
    }

    private static void axpy(float alpha, MemorySegment x, MemorySegment y, int from, int to) {
        FloatVector a = FloatVector.broadcast(S, alpha);
        int i = from;
        for (int e = from + S.loopBound(to - from); i < e; i += L) {
            store(load(x, i).fma(a, load(y, i)), y, i);
        }
        BinaryPlain.axpy(alpha, x, y, i, to);
    }
}

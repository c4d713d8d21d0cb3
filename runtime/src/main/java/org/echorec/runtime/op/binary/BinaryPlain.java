package org.echorec.runtime.op.binary;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;
import org.echorec.runtime.backend.cpu.Cpu;
import org.echorec.runtime.backend.cpu.Parallel;
import org.echorec.runtime.op.Binary;
import org.echorec.runtime.tensor.Tensor;

/** Elementwise arithmetic in plain Java; b repeats with period {@code b.numel()} over a. */
public final class BinaryPlain {
    static final int GRAIN = 1 << 14;

    private BinaryPlain() {}

    public static void binary(Binary op, Tensor a, Tensor b, Tensor out) {
        MemorySegment as = Cpu.data(a);
        MemorySegment bs = Cpu.data(b);
        MemorySegment os = Cpu.data(out);
        int period = Math.toIntExact(b.numel());
        Parallel.forRange(Math.toIntExact(a.numel()), GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) {
                float x = as.getAtIndex(JAVA_FLOAT, i);
                float y = bs.getAtIndex(JAVA_FLOAT, i % period);
                os.setAtIndex(JAVA_FLOAT, i, apply(op, x, y));
            }
        });
    }

    static float apply(Binary op, float x, float y) {
        return switch (op) {
            case ADD -> x + y;
            case SUB -> x - y;
            case MUL -> x * y;
            case DIV -> x / y;
        };
    }

    public static void affine(Tensor x, float alpha, float beta, Tensor y) {
        MemorySegment xs = Cpu.data(x);
        MemorySegment ys = Cpu.data(y);
        Parallel.forRange(Math.toIntExact(x.numel()), GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) {
                ys.setAtIndex(JAVA_FLOAT, i, alpha * xs.getAtIndex(JAVA_FLOAT, i) + beta);
            }
        });
    }

    public static void axpy(float alpha, Tensor x, Tensor y) {
        MemorySegment xs = Cpu.data(x);
        MemorySegment ys = Cpu.data(y);
        Parallel.forRange(Math.toIntExact(x.numel()), GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) {
                ys.setAtIndex(JAVA_FLOAT, i, ys.getAtIndex(JAVA_FLOAT, i) + alpha * xs.getAtIndex(JAVA_FLOAT, i));
            }
        });
    }
}

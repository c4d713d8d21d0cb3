package org.echorec.runtime.op.reduce;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;
import org.echorec.runtime.backend.cpu.Cpu;
import org.echorec.runtime.backend.cpu.Parallel;
import org.echorec.runtime.tensor.Shape;
import org.echorec.runtime.tensor.Tensor;

/** Sum over one axis and its adjoint in plain Java; sums accumulate in double. */
public final class ReducePlain {
    private ReducePlain() {}

    public static void sum(Tensor x, int axis, float scale, Tensor out) {
        int[] shape = x.shape();
        int outer = (int) Shape.numel(shape, 0, axis);
        int n = shape[axis];
        int inner = (int) Shape.numel(shape, axis + 1, shape.length);
        MemorySegment xs = Cpu.data(x);
        MemorySegment os = Cpu.data(out);
        // parallel over output columns of each outer block, so no two threads write one output
        Parallel.forRange(outer * inner, Math.max(1, 4096 / Math.max(1, n)), (from, to) -> {
            for (int p = from; p < to; p++) {
                int o = p / inner;
                int j = p % inner;
                long base = (long) o * n * inner + j;
                double s = 0;
                for (int i = 0; i < n; i++) {
                    s += xs.getAtIndex(JAVA_FLOAT, base + (long) i * inner);
                }
                os.setAtIndex(JAVA_FLOAT, p, (float) (s * scale));
            }
        });
    }

    public static void broadcastAxis(Tensor dy, int axis, float scale, Tensor dx) {
        int[] shape = dx.shape();
        int outer = (int) Shape.numel(shape, 0, axis);
        int n = shape[axis];
        int inner = (int) Shape.numel(shape, axis + 1, shape.length);
        MemorySegment ys = Cpu.data(dy);
        MemorySegment xs = Cpu.data(dx);
        Parallel.forRange(outer * n, Math.max(1, 16384 / Math.max(1, inner)), (from, to) -> {
            for (int r = from; r < to; r++) {
                int o = r / n;
                long src = (long) o * inner;
                long dst = (long) r * inner;
                for (int j = 0; j < inner; j++) {
                    xs.setAtIndex(JAVA_FLOAT, dst + j, scale * ys.getAtIndex(JAVA_FLOAT, src + j));
                }
            }
        });
    }
}

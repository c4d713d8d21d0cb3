package org.echorec.runtime.op.view;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.echorec.runtime.backend.cpu.Cpu;
import org.echorec.runtime.backend.cpu.Parallel;
import org.echorec.runtime.tensor.Shape;
import org.echorec.runtime.tensor.Tensor;

/**
 * Fill, strided copy and flip on the CPU. Memory-bound: plain Java with bulk copies is as fast as
 * SIMD here, so there is no SIMD variant.
 */
public final class ViewPlain {
    private static final int GRAIN_ROWS = 64;

    private ViewPlain() {}

    public static void fill(Tensor dst, float value) {
        if (dst.isContiguous()) {
            MemorySegment d = Cpu.data(dst);
            int bits = Float.floatToRawIntBits(value);
            int n = Math.toIntExact(dst.numel());
            Parallel.forRange(n, 1 << 16, (from, to) -> {
                if (bits == 0) {
                    d.asSlice(4L * from, 4L * (to - from)).fill((byte) 0);
                } else {
                    for (int i = from; i < to; i++) {
                        d.setAtIndex(JAVA_INT, i, bits);
                    }
                }
            });
            return;
        }
        Strided walk = Strided.of(dst, dst);
        MemorySegment d = Cpu.segment(dst);
        walk.forEachRow((unused, dOff, n, unusedStride, dStride) -> {
            for (int i = 0; i < n; i++) {
                d.setAtIndex(JAVA_FLOAT, dOff + i * dStride, value);
            }
        });
    }

    public static void copy(Tensor src, Tensor dst, boolean accumulate) {
        MemorySegment s = Cpu.segment(src);
        MemorySegment d = Cpu.segment(dst);
        int size = src.dtype().bytes();
        if (!accumulate && src.isContiguous() && dst.isContiguous()) {
            MemorySegment.copy(s, src.offset() * size, d, dst.offset() * size, src.numel() * size);
            return;
        }
        Strided walk = Strided.of(src, dst);
        walk.forEachRow((sOff, dOff, n, sStride, dStride) -> {
            if (accumulate) {
                for (int i = 0; i < n; i++) {
                    long si = sOff + i * sStride;
                    long di = dOff + i * dStride;
                    d.setAtIndex(JAVA_FLOAT, di, d.getAtIndex(JAVA_FLOAT, di) + s.getAtIndex(JAVA_FLOAT, si));
                }
            } else if (sStride == 1 && dStride == 1) {
                MemorySegment.copy(s, sOff * size, d, dOff * size, (long) n * size);
            } else if (size == 8) {
                for (int i = 0; i < n; i++) {
                    d.setAtIndex(JAVA_LONG, dOff + i * dStride, s.getAtIndex(JAVA_LONG, sOff + i * sStride));
                }
            } else {
                for (int i = 0; i < n; i++) {
                    d.setAtIndex(JAVA_INT, dOff + i * dStride, s.getAtIndex(JAVA_INT, sOff + i * sStride));
                }
            }
        });
    }

    public static void flip(Tensor x, int axis, Tensor y) {
        int[] shape = x.shape();
        int outer = (int) Shape.numel(shape, 0, axis);
        int n = shape[axis];
        long inner = Shape.numel(shape, axis + 1, shape.length);
        long rowBytes = inner * x.dtype().bytes();
        MemorySegment xs = Cpu.data(x);
        MemorySegment ys = Cpu.data(y);
        Parallel.forRange(outer * n, GRAIN_ROWS, (from, to) -> {
            for (int r = from; r < to; r++) {
                int o = r / n;
                int i = r % n;
                long src = ((long) o * n + (n - 1 - i)) * rowBytes;
                MemorySegment.copy(xs, src, ys, (long) r * rowBytes, rowBytes);
            }
        });
    }

    /**
     * Walks two equally shaped tensors row by row along their last (coalesced) axis, in parallel over
     * rows. Offsets and strides are in elements of the storages.
     */
    private record Strided(int[] shape, long[] a, long[] b, long aBase, long bBase) {
        interface Row {
            void run(long aOff, long bOff, int n, long aStride, long bStride);
        }

        static Strided of(Tensor ta, Tensor tb) {
            int[] shape = ta.shape();
            long[] sa = ta.strides();
            long[] sb = tb.strides();
            int[] dims = new int[shape.length + 1];
            long[] na = new long[dims.length];
            long[] nb = new long[dims.length];
            int k = 0;
            for (int i = 0; i < shape.length; i++) {
                if (shape[i] == 1) {
                    continue; // never stepped over
                }
                if (k > 0 && na[k - 1] == sa[i] * shape[i] && nb[k - 1] == sb[i] * shape[i]) {
                    dims[k - 1] *= shape[i]; // the outer axis steps exactly over the inner one: merge
                    na[k - 1] = sa[i];
                    nb[k - 1] = sb[i];
                } else {
                    dims[k] = shape[i];
                    na[k] = sa[i];
                    nb[k] = sb[i];
                    k++;
                }
            }
            if (k == 0) {
                dims[0] = 1;
                na[0] = 1;
                nb[0] = 1;
                k = 1;
            }
            return new Strided(Arrays.copyOf(dims, k), Arrays.copyOf(na, k), Arrays.copyOf(nb, k),
                    ta.offset(), tb.offset());
        }

        void forEachRow(Row row) {
            int rank = shape.length;
            int n = shape[rank - 1];
            long rows = Shape.numel(shape) / Math.max(1, n);
            if (n == 0 || rows == 0) {
                return;
            }
            Parallel.forRange(Math.toIntExact(rows), Math.max(1, GRAIN_ROWS * 64 / Math.max(1, n)), (from, to) -> {
                for (int r = from; r < to; r++) {
                    long ao = aBase;
                    long bo = bBase;
                    long rest = r;
                    for (int i = rank - 2; i >= 0; i--) {
                        long idx = rest % shape[i];
                        rest /= shape[i];
                        ao += idx * a[i];
                        bo += idx * b[i];
                    }
                    row.run(ao, bo, n, a[rank - 1], b[rank - 1]);
                }
            });
        }
    }
}

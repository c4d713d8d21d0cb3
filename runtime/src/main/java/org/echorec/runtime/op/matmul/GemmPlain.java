package org.echorec.runtime.op.matmul;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.echorec.runtime.backend.cpu.Parallel;
import org.echorec.runtime.tensor.Tensor;

/**
 * GEMM in plain Java, the fallback when the Vector API is absent. Per batch, {@code op(B)} is copied
 * once into a row-major heap array; each thread then runs an i-k-j loop over its rows of C, whose
 * innermost {@code acc[j] += a·b[j]} over heap arrays the JIT vectorises by itself. C is written once
 * per row, with alpha and beta, so {@code beta = 0} never reads C.
 */
public final class GemmPlain {
    /** Rows of C per thread at least, so small products stay on one thread. */
    private static final int ROW_GRAIN = 16;
    /** Per thread: the row accumulator. */
    private static final ThreadLocal<float[][]> ROW = ThreadLocal.withInitial(() -> new float[1][0]);
    /** Per calling thread: {@code op(B)} of the current batch, read by every thread of the call. */
    private static final ThreadLocal<float[][]> OP_B = ThreadLocal.withInitial(() -> new float[1][0]);

    private GemmPlain() {}

    public static void gemm(boolean transA, boolean transB, float alpha, Tensor a, Tensor b, float beta, Tensor c) {
        GemmArgs g = GemmArgs.of(transA, transB, alpha, a, b, beta, c);
        if (g.m == 0 || g.n == 0) {
            return;
        }
        float[] opB = grown(OP_B, Math.toIntExact((long) g.k * g.n));
        for (int t = 0; t < g.batch; t++) {
            if (t == 0 || g.bBatch != 0) {
                copyOpB(g, t, opB);
            }
            int batch = t;
            Parallel.forRange(g.m, ROW_GRAIN, (from, to) -> rows(g, batch, opB, from, to));
        }
    }

    /** {@code dst[kk·n + j] = op(B)[kk, j]}: a transposed B becomes row-major here, once per batch. */
    private static void copyOpB(GemmArgs g, int t, float[] dst) {
        for (int kk = 0; kk < g.k; kk++) {
            if (g.transB) {
                for (int j = 0; j < g.n; j++) {
                    dst[kk * g.n + j] = g.b.getAtIndex(JAVA_FLOAT, g.bIndex(t, kk, j));
                }
            } else {
                MemorySegment.copy(g.b, JAVA_FLOAT, 4 * g.bIndex(t, kk, 0), dst, kk * g.n, g.n);
            }
        }
    }

    private static void rows(GemmArgs g, int t, float[] opB, int from, int to) {
        float[] acc = grown(ROW, g.n);
        for (int i = from; i < to; i++) {
            Arrays.fill(acc, 0, g.n, 0f);
            for (int kk = 0; kk < g.k; kk++) {
                axpy(g.a.getAtIndex(JAVA_FLOAT, g.aIndex(t, i, kk)), opB, kk * g.n, acc, g.n);
            }
            writeRow(g, t, i, acc);
        }
    }

    private static void axpy(float x, float[] y, int yOff, float[] acc, int n) {
        for (int j = 0; j < n; j++) {
            acc[j] += x * y[yOff + j];
        }
    }

    private static void writeRow(GemmArgs g, int t, int i, float[] acc) {
        long row = g.cIndex(t, i, 0);
        for (int j = 0; j < g.n; j++) {
            float v = g.alpha * acc[j];
            if (g.beta != 0f) {
                v += g.beta * g.c.getAtIndex(JAVA_FLOAT, row + j);
            }
            g.c.setAtIndex(JAVA_FLOAT, row + j, v);
        }
    }

    /** This thread's array of at least {@code n} floats, grown on demand and reused across calls. */
    private static float[] grown(ThreadLocal<float[][]> local, int n) {
        float[][] holder = local.get();
        if (holder[0].length < n) {
            holder[0] = new float[n];
        }
        return holder[0];
    }
}

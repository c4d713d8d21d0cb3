package org.echorec.runtime.op.reduce;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;
import org.echorec.runtime.tensor.Shape;

/**
 * How one axis sum is cut into tasks, shared by the plain and SIMD kernels, which differ only in how
 * a task adds its block.
 *
 * <p>Note: task split. x is viewed as {@code [outer, n, inner]}. A task sums rows {@code [r0, r1)} of
 * one outer index over one block of at most {@link #COLUMN_BLOCK} columns, reading the rows in memory
 * order. When outer × column blocks already gives enough tasks, each task takes all n rows and writes
 * its outputs directly. Otherwise (a bias gradient {@code [1, 100000, 64]}, a sum of everything) the
 * rows are cut into chunks whose double partial sums are added afterwards in chunk order. The cut
 * depends on the shape only, never on the thread count, so results are reproducible bit for bit on
 * any machine that runs the same kernels.
 */
final class SumPlan {
    /** Columns per task; a multiple of four vectors of every width. */
    static final int COLUMN_BLOCK = 1024;
    /** Below this many (outer, block) tasks the rows are chunked too. */
    private static final int ENOUGH_TASKS = 8;
    private static final int MAX_CHUNKS = 16;
    /** Elements a row chunk holds at least, so the partials stay a small share of the work. */
    private static final int MIN_CHUNK_WORK = 1 << 15;
    /** Elements a thread takes at least. */
    private static final int GRAIN = 1 << 14;

    final int outer;
    final int n;
    final int inner;
    final int blocks;
    final int chunks;
    final MemorySegment out;
    final float scale;
    private final double[] partials;

    SumPlan(int[] shape, int axis, MemorySegment out, float scale) {
        this.outer = (int) Shape.numel(shape, 0, axis);
        this.n = shape[axis];
        this.inner = (int) Shape.numel(shape, axis + 1, shape.length);
        this.blocks = Math.max(1, ceilDiv(inner, COLUMN_BLOCK));
        this.out = out;
        this.scale = scale;
        long perTask = (long) n * Math.min(inner, COLUMN_BLOCK);
        this.chunks = (long) outer * blocks >= ENOUGH_TASKS
                ? 1
                : (int) Math.max(1, Math.min(Math.min(MAX_CHUNKS, n), perTask / MIN_CHUNK_WORK));
        this.partials = chunks > 1 ? new double[chunks * outer * inner] : null;
    }

    int tasks() {
        return chunks * outer * blocks;
    }

    /** Tasks a thread takes at least, so that tiny tasks are not spread over threads one by one. */
    int grain() {
        long work = (long) rowTo(0) * Math.min(inner, COLUMN_BLOCK);
        return (int) Math.max(1, GRAIN / Math.max(1, work));
    }

    int chunk(int task) {
        return task / (outer * blocks);
    }

    int outerIndex(int task) {
        return task % (outer * blocks) / blocks;
    }

    int columnFrom(int task) {
        return task % blocks * COLUMN_BLOCK;
    }

    int columnTo(int task) {
        return Math.min(inner, columnFrom(task) + COLUMN_BLOCK);
    }

    int rowFrom(int task) {
        return (int) ((long) n * chunk(task) / chunks);
    }

    int rowTo(int task) {
        return (int) ((long) n * (chunk(task) + 1) / chunks);
    }

    /** Element index of x at {@code [o, row, 0]}. */
    long base(int o, int row) {
        return ((long) o * n + row) * inner;
    }

    /** The sum over this task's rows of column j of outer index o. */
    void emit(int task, int o, int j, double sum) {
        int at = o * inner + j;
        if (chunks == 1) {
            out.setAtIndex(JAVA_FLOAT, at, (float) (scale * sum));
        } else {
            partials[chunk(task) * outer * inner + at] = sum;
        }
    }

    /** Adds the chunks' partial sums in chunk order; nothing to do when the rows were not chunked. */
    void finish() {
        if (chunks == 1) {
            return;
        }
        int size = outer * inner;
        for (int at = 0; at < size; at++) {
            double s = 0;
            for (int c = 0; c < chunks; c++) {
                s += partials[c * size + at];
            }
            out.setAtIndex(JAVA_FLOAT, at, (float) (scale * s));
        }
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}

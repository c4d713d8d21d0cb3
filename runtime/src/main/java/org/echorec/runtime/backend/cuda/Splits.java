package org.echorec.runtime.backend.cuda;

/**
 * How many ranges a column reduction cuts its rows into ("splits" in {@code KERNELS.md} and
 * reduce.cu's "Note: split sums"): a sum with few outputs and many rows gives too few blocks to fill
 * the GPU, so each block sums a range of rows into double partials and {@link #FINISH} adds
 * them in order (deterministic: the result depends on the shape and the device's SM count only).
 */
public final class Splits {
    /** reduce.cu's {@code sum_finish}, which adds the split partials of every family's column sums. */
    public static final KernelSpec FINISH = KernelSpec.of("reduce", "sum_finish", KernelSpec.Arg.PTR,
            KernelSpec.Arg.I32, KernelSpec.Arg.I64, KernelSpec.Arg.I64, KernelSpec.Arg.F32, KernelSpec.Arg.PTR,
            KernelSpec.Arg.PTR);

    private Splits() {}

    /**
     * reduce.cu's rule: 1 when {@code blocks} (the grid without splits) already fills twice the SMs or
     * there are fewer than 2048 rows, else min(ceil(2·SMs/blocks), ceil(rows/1024), 65535).
     */
    public static int of(CudaBackend backend, long blocks, long rows) {
        return of(backend.multiprocessors(), blocks, rows);
    }

    static int of(int multiprocessors, long blocks, long rows) {
        long target = 2L * multiprocessors;
        if (blocks <= 0 || blocks >= target || rows < 2048) {
            return 1;
        }
        return (int) Math.min(Math.min(LaunchGrid.ceil(target, blocks), LaunchGrid.ceil(rows, 1024)),
                LaunchGrid.MAX_GRID_YZ);
    }

    /**
     * Queues {@link #FINISH} on {@code partial [splits][count]}: element e of {@code count}, scaled, goes to
     * {@code out0[e]} when e &lt; count0, else to {@code out1[e − count0]}; a null (0) output is skipped.
     */
    public static void finish(CudaBackend backend, long partial, int splits, long count, long count0, float scale,
                              long out0, long out1) {
        FINISH.launch(backend, LaunchGrid.linear(count), partial, splits, count, count0, scale, out0, out1);
    }
}

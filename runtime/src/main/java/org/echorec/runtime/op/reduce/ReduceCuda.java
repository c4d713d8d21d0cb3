package org.echorec.runtime.op.reduce;

import static org.echorec.runtime.backend.cuda.KernelSpec.Arg.F32;
import static org.echorec.runtime.backend.cuda.KernelSpec.Arg.I32;
import static org.echorec.runtime.backend.cuda.KernelSpec.Arg.I64;
import static org.echorec.runtime.backend.cuda.KernelSpec.Arg.PTR;

import org.echorec.runtime.backend.cuda.Cuda;
import org.echorec.runtime.backend.cuda.CudaBackend;
import org.echorec.runtime.backend.cuda.KernelSpec;
import org.echorec.runtime.backend.cuda.LaunchGrid;
import org.echorec.runtime.backend.cuda.Splits;
import org.echorec.runtime.backend.cuda.Workspace;
import org.echorec.runtime.tensor.Shape;
import org.echorec.runtime.tensor.Tensor;

/**
 * {@code Ops.sum/broadcastAxis} on the GPU (reduce.cu): x as [outer, n, inner] around the axis;
 * {@code sum} (column blocks) when inner &gt; 1, {@code sum_rows} (a warp per row) when inner = 1, both
 * with double accumulators and, for long axes with few outputs, split partials added by
 * {@code sum_finish} (reduce.cu: "Note: split sums").
 */
public final class ReduceCuda {
    static final KernelSpec SUM = KernelSpec.of("reduce", "sum", PTR, PTR, PTR, I64, I64, I64, F32);
    static final KernelSpec SUM_ROWS = KernelSpec.of("reduce", "sum_rows", PTR, PTR, PTR, I64, I64, F32);
    static final KernelSpec BROADCAST_AXIS = KernelSpec.of("reduce", "broadcast_axis", PTR, PTR, I64, I64, I64, F32);

    private ReduceCuda() {}

    public static void sum(CudaBackend backend, Tensor x, int axis, float scale, Tensor out) {
        int[] shape = x.shape();
        long outer = Shape.numel(shape, 0, axis);
        long n = shape[axis];
        long inner = Shape.numel(shape, axis + 1, shape.length);
        long count = outer * inner;
        if (count == 0) {
            return;
        }
        long px = Cuda.data(x);
        long pout = Cuda.data(out);
        LaunchGrid grid;
        int splits;
        if (inner > 1) {
            long bx = LaunchGrid.ceil(inner, 32);
            int by = (int) Math.min(outer, LaunchGrid.MAX_GRID_YZ);
            splits = Splits.of(backend, bx * by, n);
            grid = LaunchGrid.columns(bx, by, splits);
        } else {
            LaunchGrid rows = LaunchGrid.warpRows(outer);
            splits = Splits.of(backend, rows.x(), n);
            grid = new LaunchGrid(rows.x(), splits, 1, rows.blockX(), 1, 0);
        }
        if (splits == 1) {
            launch(backend, inner, grid, px, pout, 0L, outer, n, scale);
            return;
        }
        try (Workspace partial = Workspace.of(backend, 8L * splits * count)) {
            launch(backend, inner, grid, px, pout, partial.address(), outer, n, scale);
            Splits.finish(backend, partial.address(), splits, count, count, scale, pout, 0L);
        }
    }

    private static void launch(CudaBackend backend, long inner, LaunchGrid grid, long px, long pout, long partial,
                               long outer, long n, float scale) {
        if (inner > 1) {
            SUM.launch(backend, grid, px, pout, partial, outer, n, inner, scale);
        } else {
            SUM_ROWS.launch(backend, grid, px, pout, partial, outer, n, scale);
        }
    }

    public static void broadcastAxis(CudaBackend backend, Tensor dy, int axis, float scale, Tensor dx) {
        int[] shape = dx.shape();
        long outer = Shape.numel(shape, 0, axis);
        long n = shape[axis];
        long inner = Shape.numel(shape, axis + 1, shape.length);
        BROADCAST_AXIS.launch(backend, LaunchGrid.linear(outer * n * inner), Cuda.data(dy), Cuda.data(dx), outer, n,
                inner, scale);
    }
}

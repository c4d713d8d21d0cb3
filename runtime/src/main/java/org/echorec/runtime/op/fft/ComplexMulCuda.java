package org.echorec.runtime.op.fft;

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
import org.echorec.runtime.tensor.Tensor;

/**
 * {@code Ops.complexMul/complexMulBackward} on the GPU (fft.cu): w [F, C, 2] repeats over a's leading
 * axes; dw sums over them in (32, 8) column blocks, split over rows with reduce.cu's {@code sum_finish} when w is small.
 */
public final class ComplexMulCuda {
    static final KernelSpec FWD = KernelSpec.of("fft", "complex_mul_fwd", PTR, PTR, PTR, I64, I64);
    static final KernelSpec BWD = KernelSpec.of("fft", "complex_mul_bwd", PTR, PTR, PTR, I64, I64);
    static final KernelSpec BWD_DW = KernelSpec.of("fft", "complex_mul_bwd_dw", PTR, PTR, PTR, PTR, I64, I64);

    private ComplexMulCuda() {}

    public static void complexMul(CudaBackend backend, Tensor a, Tensor w, Tensor out) {
        long count = a.numel() / 2;
        long wcount = w.numel() / 2;
        if (wcount == 0) {
            return;
        }
        FWD.launch(backend, LaunchGrid.linear(count), Cuda.data(a), Cuda.data(w), Cuda.data(out), count, wcount);
    }

    public static void complexMulBackward(CudaBackend backend, Tensor a, Tensor w, Tensor dout, Tensor da, Tensor dw) {
        long count = a.numel() / 2;
        long wcount = w.numel() / 2;
        if (wcount == 0) {
            return;
        }
        if (da != null) {
            BWD.launch(backend, LaunchGrid.linear(count), Cuda.data(w), Cuda.data(dout), Cuda.data(da), count, wcount);
        }
        if (dw == null) {
            return;
        }
        long rows = count / wcount;
        long blocks = LaunchGrid.ceil(wcount, 32);
        int splits = Splits.of(backend, blocks, rows);
        LaunchGrid grid = LaunchGrid.columns(blocks, splits, 1);
        if (splits == 1) {
            BWD_DW.launch(backend, grid, Cuda.data(a), Cuda.data(dout), Cuda.data(dw), 0L, rows, wcount);
            return;
        }
        try (Workspace partial = Workspace.of(backend, 8L * splits * 2 * wcount)) {
            BWD_DW.launch(backend, grid, Cuda.data(a), Cuda.data(dout), Cuda.data(dw), partial.address(), rows, wcount);
            Splits.finish(backend, partial.address(), splits, 2 * wcount, 2 * wcount, 1f, Cuda.data(dw), 0L);
        }
    }
}

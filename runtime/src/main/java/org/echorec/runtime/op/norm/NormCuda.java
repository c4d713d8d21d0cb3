package org.echorec.runtime.op.norm;

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
 * Layer and RMS normalisation on the GPU (norm.cu): a warp per row for the rows, (32, 8) column blocks
 * for the parameter gradients, split over rows with reduce.cu's {@code sum_finish} when d is small and rows many
 * (norm.cu: "Note: parameter gradients").
 */
public final class NormCuda {
    static final KernelSpec LAYER_FWD = KernelSpec.of("norm", "layer_norm_fwd",
            PTR, PTR, PTR, PTR, PTR, PTR, I64, I32, F32);
    static final KernelSpec LAYER_BWD = KernelSpec.of("norm", "layer_norm_bwd", PTR, PTR, PTR, PTR, PTR, PTR, I64, I32);
    static final KernelSpec LAYER_BWD_PARAMS = KernelSpec.of("norm", "layer_norm_bwd_params",
            PTR, PTR, PTR, PTR, PTR, PTR, PTR, I64, I32);
    static final KernelSpec RMS_FWD = KernelSpec.of("norm", "rms_norm_fwd", PTR, PTR, PTR, PTR, I64, I32, F32);
    static final KernelSpec RMS_BWD = KernelSpec.of("norm", "rms_norm_bwd", PTR, PTR, PTR, PTR, PTR, I64, I32);
    static final KernelSpec RMS_BWD_PARAMS = KernelSpec.of("norm", "rms_norm_bwd_params", PTR, PTR, PTR, PTR, PTR, I64, I32);

    private NormCuda() {}

    private static long rows(Tensor x) {
        return x.numel() / Math.max(1, x.dim(-1));
    }

    public static void layerNorm(CudaBackend backend, Tensor x, Tensor gamma, Tensor beta, float eps, Tensor y,
                                 Tensor mean, Tensor rstd) {
        long rows = rows(x);
        LAYER_FWD.launch(backend, LaunchGrid.warpRows(rows), Cuda.data(x), Cuda.data(gamma), Cuda.data(beta),
                Cuda.data(y), Cuda.data(mean), Cuda.data(rstd), rows, x.dim(-1), eps);
    }

    public static void layerNormBackward(CudaBackend backend, Tensor x, Tensor gamma, Tensor mean, Tensor rstd,
                                         Tensor dy, Tensor dx, Tensor dgamma, Tensor dbeta) {
        long rows = rows(x);
        int d = x.dim(-1);
        if (dx != null) {
            LAYER_BWD.launch(backend, LaunchGrid.warpRows(rows), Cuda.data(x), Cuda.data(gamma), Cuda.data(mean),
                    Cuda.data(rstd), Cuda.data(dy), Cuda.data(dx), rows, d);
        }
        if (dgamma == null && dbeta == null) {
            return;
        }
        long blocks = LaunchGrid.ceil(d, 32);
        int splits = Splits.of(backend, blocks, rows);
        long pg = Cuda.dataOrNull(dgamma);
        long pb = Cuda.dataOrNull(dbeta);
        LaunchGrid grid = LaunchGrid.columns(blocks, splits, 1);
        if (splits == 1) {
            LAYER_BWD_PARAMS.launch(backend, grid, Cuda.data(x), Cuda.data(mean), Cuda.data(rstd), Cuda.data(dy),
                    pg, pb, 0L, rows, d);
            return;
        }
        try (Workspace partial = Workspace.of(backend, 8L * splits * 2 * d)) {
            LAYER_BWD_PARAMS.launch(backend, grid, Cuda.data(x), Cuda.data(mean), Cuda.data(rstd), Cuda.data(dy),
                    pg, pb, partial.address(), rows, d);
            Splits.finish(backend, partial.address(), splits, 2L * d, d, 1f, pg, pb);
        }
    }

    public static void rmsNorm(CudaBackend backend, Tensor x, Tensor gamma, float eps, Tensor y, Tensor rstd) {
        long rows = rows(x);
        RMS_FWD.launch(backend, LaunchGrid.warpRows(rows), Cuda.data(x), Cuda.data(gamma), Cuda.data(y),
                Cuda.data(rstd), rows, x.dim(-1), eps);
    }

    public static void rmsNormBackward(CudaBackend backend, Tensor x, Tensor gamma, Tensor rstd, Tensor dy, Tensor dx,
                                       Tensor dgamma) {
        long rows = rows(x);
        int d = x.dim(-1);
        if (dx != null) {
            RMS_BWD.launch(backend, LaunchGrid.warpRows(rows), Cuda.data(x), Cuda.data(gamma), Cuda.data(rstd),
                    Cuda.data(dy), Cuda.data(dx), rows, d);
        }
        if (dgamma == null) {
            return;
        }
        long blocks = LaunchGrid.ceil(d, 32);
        int splits = Splits.of(backend, blocks, rows);
        LaunchGrid grid = LaunchGrid.columns(blocks, splits, 1);
        if (splits == 1) {
            RMS_BWD_PARAMS.launch(backend, grid, Cuda.data(x), Cuda.data(rstd), Cuda.data(dy), Cuda.data(dgamma), 0L,
                    rows, d);
            return;
        }
        try (Workspace partial = Workspace.of(backend, 8L * splits * d)) {
            RMS_BWD_PARAMS.launch(backend, grid, Cuda.data(x), Cuda.data(rstd), Cuda.data(dy), Cuda.data(dgamma),
                    partial.address(), rows, d);
            Splits.finish(backend, partial.address(), splits, d, d, 1f, Cuda.data(dgamma), 0L);
        }
    }
}

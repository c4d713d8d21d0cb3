package org.echorec.runtime.op.conv;

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
 * The depthwise causal convolution on the GPU (conv.cu): a thread per output element for y and dx;
 * dw and dbias from (32, 8) column blocks over the B·L rows, eight taps per grid-z slice, split over rows
 * with reduce.cu's {@code sum_finish} when C is small (conv.cu: "Note: weight gradient").
 */
public final class ConvCuda {
    static final KernelSpec FWD = KernelSpec.of("conv", "causal_conv1d_fwd", PTR, PTR, PTR, PTR, I32, I32, I32, I32);
    static final KernelSpec BWD = KernelSpec.of("conv", "causal_conv1d_bwd", PTR, PTR, PTR, I32, I32, I32, I32);
    static final KernelSpec BWD_PARAMS = KernelSpec.of("conv", "causal_conv1d_bwd_params",
            PTR, PTR, PTR, PTR, PTR, I32, I32, I32, I32);
    /** Taps per block of causal_conv1d_bwd_params (TAPS in conv.cu). */
    private static final int TAPS = 8;

    private ConvCuda() {}

    public static void causalConv1d(CudaBackend backend, Tensor x, Tensor w, Tensor bias, Tensor y) {
        int batch = x.dim(0);
        int length = x.dim(1);
        int channels = x.dim(2);
        int k = w.dim(1);
        FWD.launch(backend, LaunchGrid.linear(x.numel()), Cuda.data(x), Cuda.data(w), Cuda.dataOrNull(bias),
                Cuda.data(y), batch, length, channels, k);
    }

    public static void causalConv1dBackward(CudaBackend backend, Tensor x, Tensor w, Tensor dy, Tensor dx, Tensor dw,
                                            Tensor dbias) {
        int batch = x.dim(0);
        int length = x.dim(1);
        int channels = x.dim(2);
        int k = w.dim(1);
        if (dx != null) {
            BWD.launch(backend, LaunchGrid.linear(x.numel()), Cuda.data(w), Cuda.data(dy), Cuda.data(dx), batch,
                    length, channels, k);
        }
        if (dw == null && dbias == null) {
            return;
        }
        long rows = (long) batch * length;
        long bx = LaunchGrid.ceil(channels, 32);
        // the z = 0 slice also sums dbias, so there is one even when K = 0
        int bz = (int) Math.max(1, LaunchGrid.ceil(k, TAPS));
        int splits = Splits.of(backend, bx * bz, rows);
        LaunchGrid grid = LaunchGrid.columns(bx, splits, bz);
        long pw = Cuda.dataOrNull(dw);
        long pb = Cuda.dataOrNull(dbias);
        if (splits == 1) {
            BWD_PARAMS.launch(backend, grid, Cuda.data(x), Cuda.data(dy), pw, pb, 0L, batch, length, channels, k);
            return;
        }
        long ck = (long) channels * k;
        try (Workspace partial = Workspace.of(backend, 8L * splits * (ck + channels))) {
            BWD_PARAMS.launch(backend, grid, Cuda.data(x), Cuda.data(dy), pw, pb, partial.address(), batch, length,
                    channels, k);
            Splits.finish(backend, partial.address(), splits, ck + channels, ck, 1f, pw, pb);
        }
    }
}

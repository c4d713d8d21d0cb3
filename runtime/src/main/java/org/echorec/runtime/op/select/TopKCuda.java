package org.echorec.runtime.op.select;

import static org.echorec.runtime.backend.cuda.KernelSpec.Arg.I32;
import static org.echorec.runtime.backend.cuda.KernelSpec.Arg.I64;
import static org.echorec.runtime.backend.cuda.KernelSpec.Arg.PTR;

import org.echorec.runtime.backend.cuda.Cuda;
import org.echorec.runtime.backend.cuda.CudaBackend;
import org.echorec.runtime.backend.cuda.KernelSpec;
import org.echorec.runtime.backend.cuda.LaunchGrid;
import org.echorec.runtime.tensor.Tensor;

/** Row-wise top-k on the GPU (select.cu): a 256-thread block per row, k rounds of block argmax, the CPU's order. */
public final class TopKCuda {
    static final KernelSpec TOP_K = KernelSpec.of("select", "top_k", PTR, PTR, PTR, I64, I32, I32);

    private TopKCuda() {}

    public static void topK(CudaBackend backend, Tensor x, int k, Tensor values, Tensor indices) {
        long rows = x.dim(0);
        int n = x.dim(1);
        TOP_K.launch(backend, LaunchGrid.blockRows(rows), Cuda.data(x), Cuda.data(values), Cuda.data(indices), rows, n, k);
    }
}

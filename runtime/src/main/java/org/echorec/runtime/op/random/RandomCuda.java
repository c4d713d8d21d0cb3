package org.echorec.runtime.op.random;

import static org.echorec.runtime.backend.cuda.KernelSpec.Arg.F32;
import static org.echorec.runtime.backend.cuda.KernelSpec.Arg.I64;
import static org.echorec.runtime.backend.cuda.KernelSpec.Arg.PTR;

import org.echorec.runtime.backend.cuda.Cuda;
import org.echorec.runtime.backend.cuda.CudaBackend;
import org.echorec.runtime.backend.cuda.KernelSpec;
import org.echorec.runtime.backend.cuda.LaunchGrid;
import org.echorec.runtime.tensor.Tensor;

/**
 * Dropout and random fills on the GPU (random.cu): the same Philox streams as {@link Philox}, so masks and
 * uniform fills are bit-identical to the CPU's. seed and offset travel as Java longs (the kernels read the
 * same 64 bits as unsigned).
 */
public final class RandomCuda {
    static final KernelSpec DROPOUT = KernelSpec.of("random", "dropout", PTR, PTR, I64, F32, I64, I64);
    static final KernelSpec UNIFORM = KernelSpec.of("random", "random_uniform", PTR, I64, I64, I64, F32, F32);
    static final KernelSpec NORMAL = KernelSpec.of("random", "random_normal", PTR, I64, I64, I64, F32, F32);

    private RandomCuda() {}

    /**
     * One thread per Philox block of four stream positions: B = ((offset+n−1)&gt;&gt;2) − (offset&gt;&gt;2) + 1,
     * in unsigned 64-bit arithmetic as the kernel computes it.
     */
    static long philoxBlocks(long offset, long n) {
        return n <= 0 ? 0 : ((offset + n - 1) >>> 2) - (offset >>> 2) + 1;
    }

    public static void dropout(CudaBackend backend, Tensor x, float p, long seed, long offset, Tensor y) {
        long n = x.numel();
        DROPOUT.launch(backend, LaunchGrid.linear(philoxBlocks(offset, n)), Cuda.data(x), Cuda.data(y), n, p, seed,
                offset);
    }

    public static void uniform(CudaBackend backend, Tensor dst, long seed, long offset, float lo, float hi) {
        long n = dst.numel();
        UNIFORM.launch(backend, LaunchGrid.linear(philoxBlocks(offset, n)), Cuda.data(dst), n, seed, offset, lo, hi);
    }

    public static void normal(CudaBackend backend, Tensor dst, long seed, long offset, float mean, float std) {
        long n = dst.numel();
        NORMAL.launch(backend, LaunchGrid.linear(n), Cuda.data(dst), n, seed, offset, mean, std);
    }
}

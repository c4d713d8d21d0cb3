package org.echorec.runtime.op.optim;

import static org.echorec.runtime.backend.cuda.KernelSpec.Arg.F32;
import static org.echorec.runtime.backend.cuda.KernelSpec.Arg.I64;
import static org.echorec.runtime.backend.cuda.KernelSpec.Arg.PTR;

import org.echorec.runtime.backend.cuda.Cuda;
import org.echorec.runtime.backend.cuda.CudaBackend;
import org.echorec.runtime.backend.cuda.KernelSpec;
import org.echorec.runtime.backend.cuda.LaunchGrid;
import org.echorec.runtime.op.AdamStep;
import org.echorec.runtime.tensor.Tensor;

/**
 * The fused Adam/AdamW update on the GPU (optim.cu), with the per-call constants computed on the host
 * exactly as {@link AdamPlain} does, so the update is bit-identical to the plain CPU kernel.
 */
public final class AdamCuda {
    static final KernelSpec ADAM = KernelSpec.of("optim", "adam", PTR, PTR, PTR, PTR, I64, F32, F32, F32, F32, F32, F32, F32);

    private AdamCuda() {}

    public static void adam(CudaBackend backend, Tensor param, Tensor grad, Tensor m, Tensor v, AdamStep step) {
        AdamPlain.Constants k = AdamPlain.Constants.of(step);
        long n = param.numel();
        ADAM.launch(backend, LaunchGrid.linear(n), Cuda.data(param), Cuda.data(grad), Cuda.data(m), Cuda.data(v), n,
                k.stepSize(), k.rootCorrection2(), k.shrink(), k.l2(), step.beta1(), step.beta2(), step.eps());
    }
}

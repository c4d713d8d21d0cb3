package org.echorec.runtime.op.binary;

import static org.echorec.runtime.backend.cuda.KernelSpec.Arg.F32;
import static org.echorec.runtime.backend.cuda.KernelSpec.Arg.I64;
import static org.echorec.runtime.backend.cuda.KernelSpec.Arg.PTR;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import org.echorec.runtime.backend.cuda.Cuda;
import org.echorec.runtime.backend.cuda.CudaBackend;
import org.echorec.runtime.backend.cuda.KernelSpec;
import org.echorec.runtime.backend.cuda.LaunchGrid;
import org.echorec.runtime.op.Binary;
import org.echorec.runtime.tensor.Tensor;

/**
 * {@code Ops.binary/affine/axpy} on the GPU (binary.cu). b repeats with period b.numel() over a's
 * contiguous elements (binary.cu: "Note: broadcast"), which covers every shape CheckedOps accepts.
 */
public final class BinaryCuda {
    private static final Map<Binary, KernelSpec> FORWARD = new EnumMap<>(Binary.class);
    static final KernelSpec AFFINE = KernelSpec.of("binary", "affine", PTR, PTR, I64, F32, F32);
    static final KernelSpec AXPY = KernelSpec.of("binary", "axpy", PTR, PTR, I64, F32);

    static {
        for (Binary op : Binary.values()) {
            FORWARD.put(op, KernelSpec.of("binary", op.name().toLowerCase(Locale.ROOT) + "_fwd", PTR, PTR, PTR, I64, I64));
        }
    }

    private BinaryCuda() {}

    public static void binary(CudaBackend backend, Binary op, Tensor a, Tensor b, Tensor out) {
        long n = a.numel();
        long period = b.numel();
        if (n == 0) {
            return;
        }
        FORWARD.get(op).launch(backend, LaunchGrid.linear(n), Cuda.data(a), Cuda.data(b), Cuda.data(out), n, period);
    }

    public static void affine(CudaBackend backend, Tensor x, float alpha, float beta, Tensor y) {
        long n = x.numel();
        AFFINE.launch(backend, LaunchGrid.linear(n), Cuda.data(x), Cuda.data(y), n, alpha, beta);
    }

    public static void axpy(CudaBackend backend, float alpha, Tensor x, Tensor y) {
        long n = x.numel();
        AXPY.launch(backend, LaunchGrid.linear(n), Cuda.data(x), Cuda.data(y), n, alpha);
    }
}

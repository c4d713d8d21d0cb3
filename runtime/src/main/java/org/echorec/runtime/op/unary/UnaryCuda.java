package org.echorec.runtime.op.unary;

import static org.echorec.runtime.backend.cuda.KernelSpec.Arg.I64;
import static org.echorec.runtime.backend.cuda.KernelSpec.Arg.PTR;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import org.echorec.runtime.backend.cuda.Cuda;
import org.echorec.runtime.backend.cuda.CudaBackend;
import org.echorec.runtime.backend.cuda.KernelSpec;
import org.echorec.runtime.backend.cuda.LaunchGrid;
import org.echorec.runtime.op.Unary;
import org.echorec.runtime.tensor.Tensor;

/** {@code Ops.unary/unaryBackward} on the GPU: kernels {@code <f>_fwd}, {@code <f>_bwd} of unary.cu, one per {@link Unary}. */
public final class UnaryCuda {
    private static final Map<Unary, KernelSpec> FORWARD = new EnumMap<>(Unary.class);
    private static final Map<Unary, KernelSpec> BACKWARD = new EnumMap<>(Unary.class);

    static {
        for (Unary op : Unary.values()) {
            String f = op.name().toLowerCase(Locale.ROOT);
            FORWARD.put(op, KernelSpec.of("unary", f + "_fwd", PTR, PTR, I64));
            BACKWARD.put(op, KernelSpec.of("unary", f + "_bwd", PTR, PTR, PTR, I64));
        }
    }

    private UnaryCuda() {}

    public static void forward(CudaBackend backend, Unary op, Tensor x, Tensor y) {
        long n = x.numel();
        FORWARD.get(op).launch(backend, LaunchGrid.linear(n), Cuda.data(x), Cuda.data(y), n);
    }

    public static void backward(CudaBackend backend, Unary op, Tensor x, Tensor dy, Tensor dx) {
        long n = x.numel();
        BACKWARD.get(op).launch(backend, LaunchGrid.linear(n), Cuda.data(x), Cuda.data(dy), Cuda.data(dx), n);
    }
}

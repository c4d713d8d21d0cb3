package org.echorec.runtime.op.softmax;

import static org.echorec.runtime.backend.cuda.KernelSpec.Arg.I32;
import static org.echorec.runtime.backend.cuda.KernelSpec.Arg.I64;
import static org.echorec.runtime.backend.cuda.KernelSpec.Arg.PTR;

import java.lang.foreign.MemorySegment;
import org.echorec.runtime.backend.cuda.Cuda;
import org.echorec.runtime.backend.cuda.CudaBackend;
import org.echorec.runtime.backend.cuda.KernelSpec;
import org.echorec.runtime.backend.cuda.LaunchGrid;
import org.echorec.runtime.backend.cuda.Workspace;
import org.echorec.runtime.tensor.Tensor;

/**
 * Softmax and the fused cross-entropy on the GPU (softmax.cu), grouped as on the CPU
 * ({@link SoftmaxPlain}).
 *
 * <p>Note: target checks. The CPU throws for a target ≥ V before writing anything. A kernel cannot
 * throw: it marks such a row NaN and sets a {@code bad} flag, which is read back here, and then the
 * same exception is thrown (the targets are copied to the host only then, to name the row). Reading
 * the flag synchronises the stream: the host waits for every queued kernel, once per crossEntropy and
 * once per crossEntropyBackward call (once per training step each, a few microseconds of lost overlap
 * against a step of milliseconds).
 */
public final class SoftmaxCuda {
    static final KernelSpec SOFTMAX_FWD = KernelSpec.of("softmax", "softmax_fwd", PTR, PTR, I64, I32);
    static final KernelSpec SOFTMAX_BWD = KernelSpec.of("softmax", "softmax_bwd", PTR, PTR, PTR, I64, I32);
    static final KernelSpec CE_FWD = KernelSpec.of("softmax", "cross_entropy_fwd", PTR, PTR, PTR, PTR, PTR, I64, I32);
    static final KernelSpec CE_BWD = KernelSpec.of("softmax", "cross_entropy_bwd",
            PTR, PTR, PTR, PTR, PTR, PTR, I64, I32);

    private SoftmaxCuda() {}

    public static void softmax(CudaBackend backend, Tensor x, Tensor y) {
        int v = x.dim(-1);
        long rows = x.numel() / Math.max(1, v);
        SOFTMAX_FWD.launch(backend, LaunchGrid.warpRows(rows), Cuda.data(x), Cuda.data(y), rows, v);
    }

    public static void softmaxBackward(CudaBackend backend, Tensor y, Tensor dy, Tensor dx) {
        int v = y.dim(-1);
        long rows = y.numel() / Math.max(1, v);
        SOFTMAX_BWD.launch(backend, LaunchGrid.warpRows(rows), Cuda.data(y), Cuda.data(dy), Cuda.data(dx), rows, v);
    }

    public static void crossEntropy(CudaBackend backend, Tensor logits, Tensor targets, Tensor loss, Tensor lse) {
        long rows = logits.dim(0);
        int v = logits.dim(1);
        if (rows == 0) {
            return;
        }
        try (Workspace bad = Workspace.flag(backend)) {
            CE_FWD.launch(backend, LaunchGrid.blockRows(rows), Cuda.data(logits), Cuda.data(targets), Cuda.data(loss),
                    Cuda.data(lse), bad.address(), rows, v);
            throwIfBad(backend, bad, "crossEntropy", targets, v);
        }
    }

    public static void crossEntropyBackward(CudaBackend backend, Tensor logits, Tensor targets, Tensor lse,
                                            Tensor dloss, Tensor dlogits) {
        long rows = logits.dim(0);
        int v = logits.dim(1);
        if (rows == 0) {
            return;
        }
        try (Workspace bad = Workspace.flag(backend)) {
            CE_BWD.launch(backend, LaunchGrid.blockRows(rows), Cuda.data(logits), Cuda.data(targets), Cuda.data(lse),
                    Cuda.data(dloss), Cuda.data(dlogits), bad.address(), rows, v);
            throwIfBad(backend, bad, "crossEntropyBackward", targets, v);
        }
    }

    /** See "Note: target checks": synchronises; on failure finds the first bad row on the host. */
    private static void throwIfBad(CudaBackend backend, Workspace bad, String op, Tensor targets, int v) {
        if (backend.readInt(bad.address()) == 0) {
            return;
        }
        int[] t = new int[(int) targets.numel()];
        backend.copyToHost(targets, MemorySegment.ofArray(t));
        for (int r = 0; r < t.length; r++) {
            if (t[r] >= v) {
                throw new IllegalArgumentException(op + ": target " + t[r] + " of row " + r
                        + " is out of range for a vocabulary of " + v + " (targets < 0 mark ignored rows)");
            }
        }
        throw new IllegalArgumentException(op + ": the cuda kernel flagged a target out of range for a vocabulary of " + v);
    }
}

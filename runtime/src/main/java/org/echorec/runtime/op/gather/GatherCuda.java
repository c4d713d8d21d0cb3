package org.echorec.runtime.op.gather;

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
 * Embedding lookup and its scatter-add gradient on the GPU (gather.cu).
 *
 * <p>Note: id checks. The CPU throws for an id outside [0, V). The kernels cannot: gather writes a NaN
 * row and scatter_add skips the id, and both set a {@code bad} flag that is read back here before the
 * same exception is thrown (the ids are copied to the host only then, to name the position). Reading
 * the flag synchronises the stream, once per call: a training step has a few lookups (items, positions)
 * and as many scatter-adds, so a few host waits per step. Unlike the CPU, which checks every id first,
 * the valid rows have been written (gather) or added (scatterAdd) when the exception is thrown.
 * scatter_add adds with atomics: sums over repeated ids may differ from the CPU's in the last bits.
 */
public final class GatherCuda {
    static final KernelSpec GATHER = KernelSpec.of("gather", "gather", PTR, PTR, PTR, PTR, I64, I32, I32);
    static final KernelSpec SCATTER_ADD = KernelSpec.of("gather", "scatter_add", PTR, PTR, PTR, PTR, I64, I32, I32, I32);

    private GatherCuda() {}

    public static void gather(CudaBackend backend, Tensor table, Tensor ids, Tensor out) {
        long count = ids.numel();
        int vocab = table.dim(0);
        int d = table.dim(1);
        if (count * d == 0) {
            return;
        }
        try (Workspace bad = Workspace.flag(backend)) {
            GATHER.launch(backend, LaunchGrid.linear(count * d), Cuda.data(table), Cuda.data(ids), Cuda.data(out),
                    bad.address(), count, vocab, d);
            throwIfBad(backend, bad, ids, vocab);
        }
    }

    public static void scatterAdd(CudaBackend backend, Tensor ids, Tensor src, int skipIndex, Tensor table) {
        long count = ids.numel();
        int vocab = table.dim(0);
        int d = table.dim(1);
        if (count * d == 0) {
            return;
        }
        try (Workspace bad = Workspace.flag(backend)) {
            SCATTER_ADD.launch(backend, LaunchGrid.linear(count * d), Cuda.data(ids), Cuda.data(src), Cuda.data(table),
                    bad.address(), count, vocab, d, skipIndex);
            throwIfBad(backend, bad, ids, vocab);
        }
    }

    /** See "Note: id checks": synchronises; the message is the CPU's (GatherPlain.checkId). */
    private static void throwIfBad(CudaBackend backend, Workspace bad, Tensor ids, int vocab) {
        if (backend.readInt(bad.address()) == 0) {
            return;
        }
        int[] all = new int[Math.toIntExact(ids.numel())];
        backend.copyToHost(ids, MemorySegment.ofArray(all));
        for (int i = 0; i < all.length; i++) {
            if (all[i] < 0 || all[i] >= vocab) {
                throw new IllegalArgumentException("gather: id " + all[i] + " at position " + i
                        + " is outside the table [0, " + vocab + ")");
            }
        }
        throw new IllegalArgumentException("gather: the cuda kernel flagged an id outside the table [0, " + vocab + ")");
    }
}

package org.echorec.runtime.op.scan;

import static org.echorec.runtime.backend.cuda.KernelSpec.Arg.I32;
import static org.echorec.runtime.backend.cuda.KernelSpec.Arg.PTR;

import java.util.Arrays;
import org.echorec.runtime.backend.cuda.Cuda;
import org.echorec.runtime.backend.cuda.CudaBackend;
import org.echorec.runtime.backend.cuda.KernelSpec;
import org.echorec.runtime.backend.cuda.LaunchGrid;
import org.echorec.runtime.tensor.Tensor;

/**
 * The fused selective scan on the GPU (scan.cu): a thread per (batch row, channel) with its state in
 * registers, so the kernel variant is chosen by N (n16, n32, n64; scan.cu: "Note: one thread per (row,
 * channel)"); the backward recomputes from the chunk states and accumulates da, db, dc, dd, ddeltaBias
 * with atomics, so those are zeroed here first (scan.cu: "Note: gradient sums").
 *
 * <p>Row lengths are not checked against 0..L here (the CPU throws, see ScanArgs): that would need a
 * device→host read, which waits for the stream, twice per layer and step. The kernels clamp them to 0..L.
 */
public final class SelectiveScanCuda {
    /** The N of each kernel variant, smallest first. */
    private static final int[] VARIANTS = {16, 32, 64};
    /** Threads per block: 128, or 64 for N &gt; 48 in the backward to keep its shared memory (8·N·block) ≤ 48 KiB. */
    private static final int BLOCK = 128;
    private static final int MAX_BATCH = LaunchGrid.MAX_GRID_YZ;
    private static final KernelSpec[] FORWARD = new KernelSpec[VARIANTS.length];
    private static final KernelSpec[] BACKWARD = new KernelSpec[VARIANTS.length];

    static {
        for (int i = 0; i < VARIANTS.length; i++) {
            FORWARD[i] = KernelSpec.of("scan", "selective_scan_fwd_n" + VARIANTS[i],
                    PTR, PTR, PTR, PTR, PTR, PTR, PTR, PTR, PTR, PTR, I32, I32, I32, I32, I32, I32);
            BACKWARD[i] = KernelSpec.of("scan", "selective_scan_bwd_n" + VARIANTS[i],
                    PTR, PTR, PTR, PTR, PTR, PTR, PTR, PTR, PTR, PTR, PTR, PTR, PTR, PTR, PTR, PTR, PTR,
                    I32, I32, I32, I32, I32, I32);
        }
    }

    private SelectiveScanCuda() {}

    /** Index of the smallest variant holding N, or an exception naming op, shape and backend. */
    static int variant(String op, int n, Tensor u, Tensor a) {
        for (int i = 0; i < VARIANTS.length; i++) {
            if (n <= VARIANTS[i]) {
                if (u.dim(0) > MAX_BATCH) {
                    break;
                }
                return i;
            }
        }
        throw new IllegalArgumentException(op + " on cuda supports N ≤ " + VARIANTS[VARIANTS.length - 1]
                + " and a batch ≤ " + MAX_BATCH + " (grid y), got u " + Arrays.toString(u.shape()) + " and a "
                + Arrays.toString(a.shape()));
    }

    public static void forward(CudaBackend backend, Tensor u, Tensor delta, Tensor a, Tensor b, Tensor c, Tensor d,
                               Tensor deltaBias, boolean deltaSoftplus, Tensor lengths, Tensor y, Tensor states) {
        int batch = u.dim(0);
        int length = u.dim(1);
        int channels = u.dim(2);
        int n = a.dim(1);
        int chunks = states.dim(1);
        KernelSpec kernel = FORWARD[variant("selectiveScan", n, u, a)];
        LaunchGrid grid = LaunchGrid.of(LaunchGrid.ceil(channels, BLOCK), batch, BLOCK, 0);
        kernel.launch(backend, grid, Cuda.data(u), Cuda.data(delta), Cuda.data(a), Cuda.data(b), Cuda.data(c),
                Cuda.dataOrNull(d), Cuda.dataOrNull(deltaBias), Cuda.dataOrNull(lengths), Cuda.data(y),
                Cuda.data(states), batch, length, channels, n, chunks, deltaSoftplus ? 1 : 0);
    }

    public static void backward(CudaBackend backend, Tensor u, Tensor delta, Tensor a, Tensor b, Tensor c, Tensor d,
                                Tensor deltaBias, boolean deltaSoftplus, Tensor lengths, Tensor states, Tensor dy,
                                Tensor du, Tensor ddelta, Tensor da, Tensor db, Tensor dc, Tensor dd,
                                Tensor ddeltaBias) {
        int batch = u.dim(0);
        int length = u.dim(1);
        int channels = u.dim(2);
        int n = a.dim(1);
        int chunks = states.dim(1);
        KernelSpec kernel = BACKWARD[variant("selectiveScanBackward", n, u, a)];
        // the kernel accumulates these with atomicAdd; du and ddelta it overwrites
        for (Tensor t : new Tensor[] {da, db, dc, dd, ddeltaBias}) {
            if (t != null) {
                backend.memset32(Cuda.data(t), 0, t.numel());
            }
        }
        int block = n > 48 ? 64 : BLOCK;
        int shared = 2 * n * block * Float.BYTES; // a column of a and one of dA per thread
        LaunchGrid grid = LaunchGrid.of(LaunchGrid.ceil(channels, block), batch, block, shared);
        kernel.launch(backend, grid, Cuda.data(u), Cuda.data(delta), Cuda.data(a), Cuda.data(b), Cuda.data(c),
                Cuda.dataOrNull(d), Cuda.dataOrNull(deltaBias), Cuda.dataOrNull(lengths), Cuda.data(states),
                Cuda.data(dy), Cuda.data(du), Cuda.data(ddelta), Cuda.data(da), Cuda.data(db), Cuda.data(dc),
                Cuda.dataOrNull(dd), Cuda.dataOrNull(ddeltaBias), batch, length, channels, n, chunks,
                deltaSoftplus ? 1 : 0);
    }
}

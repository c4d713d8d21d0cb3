package org.echorec.runtime.op.scan;

import org.echorec.runtime.autograd.Tape;
import org.echorec.runtime.op.Ops;
import org.echorec.runtime.op.view.ViewGrad;
import org.echorec.runtime.tensor.Tensor;

/**
 * The differentiable selective scan: forward by {@link Ops#selectiveScan}, one tape node whose rule
 * is {@link Ops#selectiveScanBackward} (recomputation from the chunk states, see
 * {@link SelectiveScanPlain}).
 *
 * <h2>Note: chunk count</h2>
 * The scan keeps {@code S = ceil(L/64)} chunk states, so a chunk has at most 64 steps. Memory decides
 * it more than speed: the states cost {@code S·D·N} floats per row, about {@code N/64} of u's size
 * (half of it at N = 32), and the backward recomputes one chunk at a time into per-thread scratch of
 * about {@code 2·64·N·lanes} floats (256 KiB at N = 32 and 16 lanes: the chunk's states and decays),
 * which fits a Zen 5 core's 1 MiB L2 cache. Speed barely depends on it: the SIMD backward at B = 256,
 * L = 200, D = 128, N = 32 on one thread took 38–43 ns per vector-state step with chunks of 16 steps
 * (per-chunk state gathers and row copies), and 28–37 with chunks of 32, 64, 128 or 200, equal
 * within this shared machine's noise. Without a recording tape only the final state is needed, so
 * one chunk is used and its state released at once.
 */
public final class ScanGrad {
    /** Longest chunk the backward recomputes at once (see "Note: chunk count"). */
    static final int CHUNK = 64;

    private ScanGrad() {}

    /**
     * y = selective_scan(u, delta, a, b, c, d, deltaBias) as {@link Ops#selectiveScan}; d and deltaBias
     * may be null. Inputs may be views (column slices of a projection): they are made contiguous.
     */
    public static Tensor selectiveScan(Tensor u, Tensor delta, Tensor a, Tensor b, Tensor c, Tensor d,
                                       Tensor deltaBias, boolean deltaSoftplus) {
        return selectiveScan(u, delta, a, b, c, d, deltaBias, deltaSoftplus, null);
    }

    /**
     * The scan of each row stopped after {@code lengths[b]} steps (null: all of them), as
     * {@link Ops#selectiveScan}'s {@code lengths}: y is 0 after, and the work scales with the valid steps.
     */
    public static Tensor selectiveScan(Tensor u, Tensor delta, Tensor a, Tensor b, Tensor c, Tensor d,
                                       Tensor deltaBias, boolean deltaSoftplus, int[] lengths) {
        Tensor[] in = {contiguous(u), contiguous(delta), contiguous(a), contiguous(b), contiguous(c), contiguous(d),
                contiguous(deltaBias)};
        Tensor x = in[0];
        Ops ops = x.backend().ops();
        boolean recording = Tape.isRecording() && anyRequiresGrad(in);
        int chunks = recording ? chunks(x.dim(1)) : 1;
        Tensor rowLengths = lengths == null ? null : Tensor.ofInts(x.backend(), lengths, lengths.length);
        Tensor y = Tensor.emptyLike(x);
        Tensor states = Tensor.empty(x.backend(), x.dtype(), x.dim(0), chunks, x.dim(2), in[2].dim(1));
        ops.selectiveScan(in[0], in[1], in[2], in[3], in[4], in[5], in[6], deltaSoftplus, rowLengths, y, states);
        if (!recording) {
            states.storage().release();
            return y;
        }
        Tape.record("selectiveScan", new Tensor[] {y}, in, g -> {
            Tensor dy = ViewGrad.contiguous(g.of(y));
            g.writeAll(in, grads -> {
                // the kernel writes du…dc always: unneeded ones go to temporaries; dd, ddeltaBias may be null
                Tensor[] out = grads.clone();
                for (int k = 0; k < 5; k++) {
                    if (out[k] == null) {
                        out[k] = Tensor.emptyLike(in[k]);
                    }
                }
                ops.selectiveScanBackward(in[0], in[1], in[2], in[3], in[4], in[5], in[6], deltaSoftplus, rowLengths,
                        states, dy, out[0], out[1], out[2], out[3], out[4], out[5], out[6]);
                for (int k = 0; k < 5; k++) {
                    if (grads[k] == null) {
                        out[k].storage().release();
                    }
                }
            });
        });
        return y;
    }

    /** Number of chunk states for a sequence of {@code length} steps. */
    static int chunks(int length) {
        return Math.max(1, (length + CHUNK - 1) / CHUNK);
    }

    private static boolean anyRequiresGrad(Tensor[] in) {
        for (Tensor t : in) {
            if (t != null && t.requiresGrad()) {
                return true;
            }
        }
        return false;
    }

    private static Tensor contiguous(Tensor t) {
        return t == null ? null : ViewGrad.contiguous(t);
    }
}

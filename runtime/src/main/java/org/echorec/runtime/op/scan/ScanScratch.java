package org.echorec.runtime.op.scan;

/**
 * Per-thread working memory of the scan kernels, taken from a {@code ThreadLocal} and grown only when
 * a call needs more than any before it, so steady-state calls allocate nothing. Each accessor returns
 * an array of at least the size asked for (in floats); what it holds is up to the kernel (see the
 * notes in {@link SelectiveScanPlain} and {@link SelectiveScanSimd}). A kernel must not hand an array
 * to code that uses the same array for something else while it still needs it.
 */
final class ScanScratch {
    private static final ThreadLocal<ScanScratch> LOCAL = ThreadLocal.withInitial(ScanScratch::new);

    private float[] h = new float[0];
    private float[] e = new float[0];
    private float[] g = new float[0];
    private float[] acc = new float[0];
    private float[] rowB = new float[0];
    private float[] rowC = new float[0];
    private float[] steps = new float[0];

    private ScanScratch() {}

    static ScanScratch get() {
        return LOCAL.get();
    }

    /** Hidden states: the running state, or those of a recomputed chunk (its start state included). */
    float[] h(int size) {
        return h.length >= size ? h : (h = new float[size]);
    }

    /** exp(Δ·A) of every step of a recomputed chunk. */
    float[] e(int size) {
        return e.length >= size ? e : (e = new float[size]);
    }

    /** The gradient carried to the previous step, {@code exp(Δ_{t+1}·A)·dh_{t+1}}. */
    float[] g(int size) {
        return g.length >= size ? g : (g = new float[size]);
    }

    /** Small per-channel sums (dA of one channel, dD, dBias). */
    float[] acc(int size) {
        return acc.length >= size ? acc : (acc = new float[size]);
    }

    /** Rows of b for the steps of one chunk, copied out of the tensor. */
    float[] rowB(int size) {
        return rowB.length >= size ? rowB : (rowB = new float[size]);
    }

    /** Rows of c for the steps of one chunk. */
    float[] rowC(int size) {
        return rowC.length >= size ? rowC : (rowC = new float[size]);
    }

    /** Per-step values of a chunk (Δ and softplus' for each step of a channel block). */
    float[] steps(int size) {
        return steps.length >= size ? steps : (steps = new float[size]);
    }
}

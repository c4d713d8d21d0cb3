package org.echorec.runtime.op.scan;

/**
 * Per-thread working memory of the scan kernels, taken from a {@code ThreadLocal} and grown only when
 * a call needs more than any before it, so steady-state calls allocate nothing. Sizes are in floats;
 * what each array holds is up to the kernel (see the notes in {@link SelectiveScanPlain} and
 * {@link SelectiveScanSimd}).
 */
final class ScanScratch {
    private static final ThreadLocal<ScanScratch> LOCAL = ThreadLocal.withInitial(ScanScratch::new);

    /** Hidden states of the chunk being recomputed, h before its first step included. */
    float[] h = new float[0];
    /** exp(Δ·A) of every step of that chunk. */
    float[] e = new float[0];
    /** The gradient carried to the previous step: {@code exp(Δ_{t+1}·A)·dh_{t+1}}. */
    float[] g = new float[0];
    /** Small per-channel sums (dA of one channel, dD, dBias) for tail channels. */
    float[] acc = new float[0];

    private ScanScratch() {}

    static ScanScratch get(int hSize, int eSize, int gSize, int accSize) {
        ScanScratch s = LOCAL.get();
        if (s.h.length < hSize) {
            s.h = new float[hSize];
        }
        if (s.e.length < eSize) {
            s.e = new float[eSize];
        }
        if (s.g.length < gSize) {
            s.g = new float[gSize];
        }
        if (s.acc.length < accSize) {
            s.acc = new float[accSize];
        }
        return s;
    }
}

package org.echorec.runtime.op.norm;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;
import org.echorec.runtime.backend.cpu.Cpu;
import org.echorec.runtime.backend.cpu.Parallel;
import org.echorec.runtime.tensor.Tensor;

/**
 * Layer and RMS normalisation over the last axis in plain Java, parallel over rows. The helpers that
 * work on a column range {@code [from, to)} of one row are also the SIMD kernels' tails.
 *
 * <p>Note: statistics. The mean and variance of a row take two passes (the mean, then Σ(x−μ)²), never
 * E[x²] − μ², which cancels catastrophically when |μ| ≫ σ (a row of 1000 + noise). These kernels
 * accumulate in double; the SIMD ones in float vectors, which over a row of d values errs by about
 * (d/lanes + log₂ lanes)·2⁻²⁴ relative to Σ|·|, well inside float output precision for rows this short.
 *
 * <p>Note: parameter gradients. dγ and dβ are sums over every row. The rows are cut into at most
 * {@link #MAX_PARTS} parts by the shape alone ({@link #parts}); each part sums its rows into its own
 * double partial, and the partials are added in part order at the end, so results do not depend on
 * the number of threads or on which thread ran which part.
 */
public final class NormPlain {
    /** Elements a thread takes at least. */
    static final int GRAIN = 1 << 14;
    static final int MAX_PARTS = 16;

    private NormPlain() {}

    // ------------------------------------------------------------------ shared geometry

    static int rows(Tensor x) {
        int d = x.dim(-1);
        return d == 0 ? 0 : Math.toIntExact(x.numel() / d);
    }

    /** Rows a thread takes at least. */
    static int rowGrain(int d) {
        return Math.max(1, GRAIN / Math.max(1, d));
    }

    /** Number of parts the rows are cut into for the parameter gradients; depends on the shape only. */
    static int parts(int rows, int d) {
        long work = (long) rows * d;
        return (int) Math.max(1, Math.min(Math.min(MAX_PARTS, rows), work / GRAIN));
    }

    /** First row of part p of {@code parts}. */
    static int partStart(int rows, int parts, int p) {
        return (int) ((long) rows * p / parts);
    }

    /** {@code dst[j] = Σ_p partials[p·d + j]} in part order; nothing when either is null. */
    static void reduceParts(double[] partials, int parts, int d, Tensor dst) {
        if (partials == null || dst == null) {
            return;
        }
        MemorySegment out = Cpu.data(dst);
        for (int j = 0; j < d; j++) {
            double s = 0;
            for (int p = 0; p < parts; p++) {
                s += partials[p * d + j];
            }
            out.setAtIndex(JAVA_FLOAT, j, (float) s);
        }
    }

    // ------------------------------------------------------------------ layer norm

    public static void layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps, Tensor y, Tensor mean, Tensor rstd) {
        int d = x.dim(-1);
        MemorySegment xs = Cpu.data(x);
        MemorySegment gs = Cpu.data(gamma);
        MemorySegment bs = Cpu.data(beta);
        MemorySegment ys = Cpu.data(y);
        MemorySegment ms = Cpu.data(mean);
        MemorySegment rs = Cpu.data(rstd);
        Parallel.forRange(rows(x), rowGrain(d), (from, to) -> {
            for (int r = from; r < to; r++) {
                long off = (long) r * d;
                double mu = centredSum(xs, off, 0, d, 0) / d;
                double var = centredSquares(xs, off, 0, d, mu) / d;
                float m = (float) mu;
                float s = (float) (1 / Math.sqrt(var + eps));
                ms.setAtIndex(JAVA_FLOAT, r, m);
                rs.setAtIndex(JAVA_FLOAT, r, s);
                layerNormOut(xs, gs, bs, ys, off, 0, d, m, s);
            }
        });
    }

    public static void layerNormBackward(Tensor x, Tensor gamma, Tensor mean, Tensor rstd, Tensor dy,
                                         Tensor dx, Tensor dgamma, Tensor dbeta) {
        int d = x.dim(-1);
        int rows = rows(x);
        int parts = parts(rows, d);
        MemorySegment xs = Cpu.data(x);
        MemorySegment gs = Cpu.data(gamma);
        MemorySegment ms = Cpu.data(mean);
        MemorySegment rs = Cpu.data(rstd);
        MemorySegment dys = Cpu.data(dy);
        MemorySegment dxs = Cpu.dataOrNull(dx);
        double[] pg = dgamma == null ? null : new double[parts * d];
        double[] pb = dbeta == null ? null : new double[parts * d];
        Parallel.forRange(parts, 1, (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                for (int r = partStart(rows, parts, p); r < partStart(rows, parts, p + 1); r++) {
                    long off = (long) r * d;
                    float mu = ms.getAtIndex(JAVA_FLOAT, r);
                    float s = rs.getAtIndex(JAVA_FLOAT, r);
                    if (dxs != null) {
                        double mg = gradSum(gs, dys, off, 0, d) / d;
                        double mgx = gradDotXhat(xs, gs, dys, off, 0, d, mu, s) / d;
                        layerNormDx(xs, gs, dys, dxs, off, 0, d, mu, s, (float) mg, (float) mgx);
                    }
                    if (pg != null || pb != null) {
                        layerNormParams(xs, dys, off, 0, d, mu, s, pg, pb, p * d);
                    }
                }
            }
        });
        reduceParts(pg, parts, d, dgamma);
        reduceParts(pb, parts, d, dbeta);
    }

    /** Σ (x[off + j] − shift) for j in {@code [from, to)}. */
    static double centredSum(MemorySegment x, long off, int from, int to, double shift) {
        double s = 0;
        for (int j = from; j < to; j++) {
            s += x.getAtIndex(JAVA_FLOAT, off + j) - shift;
        }
        return s;
    }

    /** Σ (x[off + j] − mu)² for j in {@code [from, to)}. */
    static double centredSquares(MemorySegment x, long off, int from, int to, double mu) {
        double s = 0;
        for (int j = from; j < to; j++) {
            double c = x.getAtIndex(JAVA_FLOAT, off + j) - mu;
            s += c * c;
        }
        return s;
    }

    /** {@code y = (x − mu)·rstd·γ + β} on columns {@code [from, to)} of the row at {@code off}. */
    static void layerNormOut(MemorySegment x, MemorySegment gamma, MemorySegment beta, MemorySegment y, long off,
                             int from, int to, float mu, float rstd) {
        for (int j = from; j < to; j++) {
            float xhat = (x.getAtIndex(JAVA_FLOAT, off + j) - mu) * rstd;
            y.setAtIndex(JAVA_FLOAT, off + j, xhat * gamma.getAtIndex(JAVA_FLOAT, j) + beta.getAtIndex(JAVA_FLOAT, j));
        }
    }

    /** Σ g over columns {@code [from, to)}, {@code g = dy·γ}. */
    static double gradSum(MemorySegment gamma, MemorySegment dy, long off, int from, int to) {
        double s = 0;
        for (int j = from; j < to; j++) {
            s += dy.getAtIndex(JAVA_FLOAT, off + j) * gamma.getAtIndex(JAVA_FLOAT, j);
        }
        return s;
    }

    /** Σ g·x̂ over columns {@code [from, to)}, {@code x̂ = (x − mu)·rstd}. */
    static double gradDotXhat(MemorySegment x, MemorySegment gamma, MemorySegment dy, long off, int from, int to,
                              float mu, float rstd) {
        double s = 0;
        for (int j = from; j < to; j++) {
            float xhat = (x.getAtIndex(JAVA_FLOAT, off + j) - mu) * rstd;
            s += (double) (dy.getAtIndex(JAVA_FLOAT, off + j) * gamma.getAtIndex(JAVA_FLOAT, j)) * xhat;
        }
        return s;
    }

    /** {@code dx = rstd·(g − mean(g) − x̂·mean(g·x̂))} on columns {@code [from, to)}. */
    static void layerNormDx(MemorySegment x, MemorySegment gamma, MemorySegment dy, MemorySegment dx, long off,
                            int from, int to, float mu, float rstd, float meanG, float meanGx) {
        for (int j = from; j < to; j++) {
            float xhat = (x.getAtIndex(JAVA_FLOAT, off + j) - mu) * rstd;
            float g = dy.getAtIndex(JAVA_FLOAT, off + j) * gamma.getAtIndex(JAVA_FLOAT, j);
            dx.setAtIndex(JAVA_FLOAT, off + j, rstd * (g - meanG - xhat * meanGx));
        }
    }

    /** {@code pg[at + j] += dy·x̂}, {@code pb[at + j] += dy} on columns {@code [from, to)}; either may be null. */
    static void layerNormParams(MemorySegment x, MemorySegment dy, long off, int from, int to, float mu, float rstd,
                                double[] pg, double[] pb, int at) {
        for (int j = from; j < to; j++) {
            float g = dy.getAtIndex(JAVA_FLOAT, off + j);
            if (pg != null) {
                pg[at + j] += (double) g * ((x.getAtIndex(JAVA_FLOAT, off + j) - mu) * rstd);
            }
            if (pb != null) {
                pb[at + j] += g;
            }
        }
    }

    // ------------------------------------------------------------------ RMS norm

    public static void rmsNorm(Tensor x, Tensor gamma, float eps, Tensor y, Tensor rstd) {
        int d = x.dim(-1);
        MemorySegment xs = Cpu.data(x);
        MemorySegment gs = Cpu.data(gamma);
        MemorySegment ys = Cpu.data(y);
        MemorySegment rs = Cpu.data(rstd);
        Parallel.forRange(rows(x), rowGrain(d), (from, to) -> {
            for (int r = from; r < to; r++) {
                long off = (long) r * d;
                float s = (float) (1 / Math.sqrt(centredSquares(xs, off, 0, d, 0) / d + eps));
                rs.setAtIndex(JAVA_FLOAT, r, s);
                rmsNormOut(xs, gs, ys, off, 0, d, s);
            }
        });
    }

    public static void rmsNormBackward(Tensor x, Tensor gamma, Tensor rstd, Tensor dy, Tensor dx, Tensor dgamma) {
        int d = x.dim(-1);
        int rows = rows(x);
        int parts = parts(rows, d);
        MemorySegment xs = Cpu.data(x);
        MemorySegment gs = Cpu.data(gamma);
        MemorySegment rs = Cpu.data(rstd);
        MemorySegment dys = Cpu.data(dy);
        MemorySegment dxs = Cpu.dataOrNull(dx);
        double[] pg = dgamma == null ? null : new double[parts * d];
        Parallel.forRange(parts, 1, (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                for (int r = partStart(rows, parts, p); r < partStart(rows, parts, p + 1); r++) {
                    long off = (long) r * d;
                    float s = rs.getAtIndex(JAVA_FLOAT, r);
                    if (dxs != null) {
                        double mgx = gradDotXhat(xs, gs, dys, off, 0, d, 0f, 1f) / d;
                        rmsNormDx(xs, gs, dys, dxs, off, 0, d, s, (float) mgx);
                    }
                    if (pg != null) {
                        layerNormParams(xs, dys, off, 0, d, 0f, s, pg, null, p * d);
                    }
                }
            }
        });
        reduceParts(pg, parts, d, dgamma);
    }

    /** {@code y = x·rstd·γ} on columns {@code [from, to)}. */
    static void rmsNormOut(MemorySegment x, MemorySegment gamma, MemorySegment y, long off, int from, int to,
                           float rstd) {
        for (int j = from; j < to; j++) {
            y.setAtIndex(JAVA_FLOAT, off + j, x.getAtIndex(JAVA_FLOAT, off + j) * rstd * gamma.getAtIndex(JAVA_FLOAT, j));
        }
    }

    /** {@code dx = rstd·(g − x·rstd²·mean(g·x))} on columns {@code [from, to)}. */
    static void rmsNormDx(MemorySegment x, MemorySegment gamma, MemorySegment dy, MemorySegment dx, long off,
                          int from, int to, float rstd, float meanGx) {
        float c = rstd * rstd * meanGx;
        for (int j = from; j < to; j++) {
            float g = dy.getAtIndex(JAVA_FLOAT, off + j) * gamma.getAtIndex(JAVA_FLOAT, j);
            dx.setAtIndex(JAVA_FLOAT, off + j, rstd * (g - x.getAtIndex(JAVA_FLOAT, off + j) * c));
        }
    }
}

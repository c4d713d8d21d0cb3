package org.echorec.runtime.op.norm;

import org.echorec.runtime.backend.cpu.simd.LaneSum;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.echorec.runtime.backend.cpu.Cpu;
import org.echorec.runtime.backend.cpu.Parallel;
import org.echorec.runtime.backend.cpu.simd.SimdSpecies;
import org.echorec.runtime.tensor.Tensor;

/**
 * Layer and RMS normalisation with the Vector API, one row at a time (a row of d = 64..256 floats
 * stays in L1 across the passes), parallel over rows; see {@link NormPlain}'s notes "statistics" and
 * "parameter gradients" for the numerics and the deterministic split.
 *
 * <p>Note: parameter accumulators. Within a part, dγ and dβ of the vectorised columns are summed in
 * per-thread float arrays (a row's d values do not fit in registers at d = 256) and flushed into the
 * part's double partials every {@link #FLUSH} rows, so float error stays bounded by about
 * FLUSH·2⁻²⁴ of Σ|·| however many rows there are. Tail columns add straight into the partials.
 *
 * <p>Note: shifted mean. The float mean sums {@code x − x₀} (x₀ the row's first value) and adds x₀
 * back: for a row far from zero (1000 ± 1) the differences are small and exact, so the mean comes out
 * within an ulp or two of μ instead of carrying the rounding of running sums near d·|μ|.
 */
public final class NormSimd {
    private static final VectorSpecies<Float> S = SimdSpecies.F;
    private static final int L = S.length();
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    /** Rows a float parameter accumulator sums before it is flushed into double. */
    static final int FLUSH = 32;

    private static final ThreadLocal<float[][]> ACCUMULATORS = ThreadLocal.withInitial(() -> new float[2][0]);

    private NormSimd() {}

    private static FloatVector load(MemorySegment m, long i) {
        return FloatVector.fromMemorySegment(S, m, 4L * i, ORDER);
    }

    private static void store(FloatVector v, MemorySegment m, long i) {
        v.intoMemorySegment(m, 4L * i, ORDER);
    }

    /** This thread's two float accumulators of at least {@code d} columns, zeroed. */
    private static float[][] accumulators(int d) {
        float[][] acc = ACCUMULATORS.get();
        if (acc[0].length < d) {
            acc[0] = new float[d];
            acc[1] = new float[d];
        } else {
            Arrays.fill(acc[0], 0, d, 0f);
            Arrays.fill(acc[1], 0, d, 0f);
        }
        return acc;
    }

    /** {@code partial[at + j] += acc[j]} and clears acc, for j below {@code vd}; nothing for a null partial. */
    private static void flush(float[] acc, double[] partial, int at, int vd) {
        if (partial == null) {
            return;
        }
        for (int j = 0; j < vd; j++) {
            partial[at + j] += acc[j];
            acc[j] = 0f;
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
        Parallel.forRange(NormPlain.rows(x), NormPlain.rowGrain(d), (from, to) -> {
            for (int r = from; r < to; r++) {
                layerNormRow(xs, gs, bs, ys, ms, rs, r, d, eps);
            }
        });
    }

    private static void layerNormRow(MemorySegment x, MemorySegment gamma, MemorySegment beta, MemorySegment y,
                                     MemorySegment mean, MemorySegment rstd, int r, int d, float eps) {
        long off = (long) r * d;
        int vd = S.loopBound(d);
        float x0 = x.getAtIndex(JAVA_FLOAT, off);
        float mu = (float) (x0 + (shiftedSum(x, off, vd, x0) + NormPlain.centredSum(x, off, vd, d, x0)) / d);
        double var = (centredSquares(x, off, vd, mu) + NormPlain.centredSquares(x, off, vd, d, mu)) / d;
        float s = (float) (1 / Math.sqrt(var + eps));
        mean.setAtIndex(JAVA_FLOAT, r, mu);
        rstd.setAtIndex(JAVA_FLOAT, r, s);
        FloatVector m = FloatVector.broadcast(S, mu);
        for (int j = 0; j < vd; j += L) {
            FloatVector xhat = load(x, off + j).sub(m).mul(s);
            store(xhat.fma(load(gamma, j), load(beta, j)), y, off + j);
        }
        NormPlain.layerNormOut(x, gamma, beta, y, off, vd, d, mu, s);
    }

    /** Σ (x[off + j] − x0), j < vd (a multiple of the lanes), with two accumulators (note "shifted mean"). */
    private static float shiftedSum(MemorySegment x, long off, int vd, float x0) {
        FloatVector shift = FloatVector.broadcast(S, x0);
        FloatVector s0 = FloatVector.zero(S);
        FloatVector s1 = FloatVector.zero(S);
        int j = 0;
        for (; j + 2 * L <= vd; j += 2 * L) {
            s0 = s0.add(load(x, off + j).sub(shift));
            s1 = s1.add(load(x, off + j + L).sub(shift));
        }
        if (j < vd) {
            s0 = s0.add(load(x, off + j).sub(shift));
        }
        return LaneSum.of(s0.add(s1));
    }

    /** Σ (x[off + j] − mu)², j < vd, with two accumulators. */
    private static float centredSquares(MemorySegment x, long off, int vd, float mu) {
        FloatVector m = FloatVector.broadcast(S, mu);
        FloatVector s0 = FloatVector.zero(S);
        FloatVector s1 = FloatVector.zero(S);
        int j = 0;
        for (; j + 2 * L <= vd; j += 2 * L) {
            FloatVector c0 = load(x, off + j).sub(m);
            FloatVector c1 = load(x, off + j + L).sub(m);
            s0 = c0.fma(c0, s0);
            s1 = c1.fma(c1, s1);
        }
        if (j < vd) {
            FloatVector c = load(x, off + j).sub(m);
            s0 = c.fma(c, s0);
        }
        return LaneSum.of(s0.add(s1));
    }

    public static void layerNormBackward(Tensor x, Tensor gamma, Tensor mean, Tensor rstd, Tensor dy,
                                         Tensor dx, Tensor dgamma, Tensor dbeta) {
        int d = x.dim(-1);
        int rows = NormPlain.rows(x);
        int parts = NormPlain.parts(rows, d);
        MemorySegment xs = Cpu.data(x);
        MemorySegment gs = Cpu.data(gamma);
        MemorySegment ms = Cpu.data(mean);
        MemorySegment rs = Cpu.data(rstd);
        MemorySegment dys = Cpu.data(dy);
        MemorySegment dxs = Cpu.dataOrNull(dx);
        double[] pg = dgamma == null ? null : new double[parts * d];
        double[] pb = dbeta == null ? null : new double[parts * d];
        Parallel.forRange(parts, 1, (p0, p1) -> {
            float[][] acc = accumulators(d);
            for (int p = p0; p < p1; p++) {
                int r0 = NormPlain.partStart(rows, parts, p);
                int r1 = NormPlain.partStart(rows, parts, p + 1);
                for (int r = r0; r < r1; r++) {
                    float mu = ms.getAtIndex(JAVA_FLOAT, r);
                    float s = rs.getAtIndex(JAVA_FLOAT, r);
                    if (dxs != null && pg != null && pb != null) {
                        layerNormDxParamsRow(xs, gs, dys, dxs, (long) r * d, d, mu, s, acc, pg, pb, p * d);
                    } else {
                        if (dxs != null) {
                            layerNormDxRow(xs, gs, dys, dxs, (long) r * d, d, mu, s);
                        }
                        if (pg != null) {
                            accumulateGamma(xs, dys, (long) r * d, d, mu, s, acc[0], pg, p * d);
                        }
                        if (pb != null) {
                            accumulateBeta(dys, (long) r * d, d, acc[1], pb, p * d);
                        }
                    }
                    if ((r - r0) % FLUSH == FLUSH - 1 || r == r1 - 1) {
                        flush(acc[0], pg, p * d, S.loopBound(d));
                        flush(acc[1], pb, p * d, S.loopBound(d));
                    }
                }
            }
        });
        NormPlain.reduceParts(pg, parts, d, dgamma);
        NormPlain.reduceParts(pb, parts, d, dbeta);
    }

    /** dx of one row: the two row sums, then {@code dx = rstd·(g − mean(g) − x̂·mean(g·x̂))}. */
    private static void layerNormDxRow(MemorySegment x, MemorySegment gamma, MemorySegment dy, MemorySegment dx,
                                       long off, int d, float mu, float s) {
        int vd = S.loopBound(d);
        FloatVector m = FloatVector.broadcast(S, mu);
        FloatVector sg = FloatVector.zero(S);
        FloatVector sgx = FloatVector.zero(S);
        for (int j = 0; j < vd; j += L) {
            FloatVector g = load(dy, off + j).mul(load(gamma, j));
            FloatVector xhat = load(x, off + j).sub(m).mul(s);
            sg = sg.add(g);
            sgx = g.fma(xhat, sgx);
        }
        float mg = (float) ((LaneSum.of(sg) + NormPlain.gradSum(gamma, dy, off, vd, d)) / d);
        float mgx = (float) ((LaneSum.of(sgx)
                + NormPlain.gradDotXhat(x, gamma, dy, off, vd, d, mu, s)) / d);
        FloatVector negMgx = FloatVector.broadcast(S, -mgx);
        for (int j = 0; j < vd; j += L) {
            FloatVector g = load(dy, off + j).mul(load(gamma, j));
            FloatVector xhat = load(x, off + j).sub(m).mul(s);
            store(xhat.fma(negMgx, g.sub(mg)).mul(s), dx, off + j);
        }
        NormPlain.layerNormDx(x, gamma, dy, dx, off, vd, d, mu, s, mg, mgx);
    }

    /**
     * The training case, dx, dγ and dβ all wanted: as {@link #layerNormDxRow}, with the second pass also
     * adding {@code dy·x̂} and {@code dy} into the float accumulators (two passes over the row, not four).
     */
    private static void layerNormDxParamsRow(MemorySegment x, MemorySegment gamma, MemorySegment dy, MemorySegment dx,
                                             long off, int d, float mu, float s, float[][] acc, double[] pg,
                                             double[] pb, int at) {
        int vd = S.loopBound(d);
        FloatVector m = FloatVector.broadcast(S, mu);
        FloatVector sg = FloatVector.zero(S);
        FloatVector sgx = FloatVector.zero(S);
        for (int j = 0; j < vd; j += L) {
            FloatVector g = load(dy, off + j).mul(load(gamma, j));
            FloatVector xhat = load(x, off + j).sub(m).mul(s);
            sg = sg.add(g);
            sgx = g.fma(xhat, sgx);
        }
        float mg = (float) ((LaneSum.of(sg) + NormPlain.gradSum(gamma, dy, off, vd, d)) / d);
        float mgx = (float) ((LaneSum.of(sgx)
                + NormPlain.gradDotXhat(x, gamma, dy, off, vd, d, mu, s)) / d);
        FloatVector negMgx = FloatVector.broadcast(S, -mgx);
        float[] accG = acc[0];
        float[] accB = acc[1];
        for (int j = 0; j < vd; j += L) {
            FloatVector gradOut = load(dy, off + j);
            FloatVector g = gradOut.mul(load(gamma, j));
            FloatVector xhat = load(x, off + j).sub(m).mul(s);
            store(xhat.fma(negMgx, g.sub(mg)).mul(s), dx, off + j);
            xhat.fma(gradOut, FloatVector.fromArray(S, accG, j)).intoArray(accG, j);
            gradOut.add(FloatVector.fromArray(S, accB, j)).intoArray(accB, j);
        }
        NormPlain.layerNormDx(x, gamma, dy, dx, off, vd, d, mu, s, mg, mgx);
        NormPlain.layerNormParams(x, dy, off, vd, d, mu, s, pg, pb, at);
    }

    /** {@code acc[j] += dy·(x − mu)·s} on the vector columns; the tail adds into {@code pg[at + j]}. */
    private static void accumulateGamma(MemorySegment x, MemorySegment dy, long off, int d, float mu, float s,
                                        float[] acc, double[] pg, int at) {
        int vd = S.loopBound(d);
        FloatVector m = FloatVector.broadcast(S, mu);
        for (int j = 0; j < vd; j += L) {
            FloatVector xhat = load(x, off + j).sub(m).mul(s);
            xhat.fma(load(dy, off + j), FloatVector.fromArray(S, acc, j)).intoArray(acc, j);
        }
        NormPlain.layerNormParams(x, dy, off, vd, d, mu, s, pg, null, at);
    }

    /** {@code acc[j] += dy} on the vector columns; the tail adds into {@code pb[at + j]}. */
    private static void accumulateBeta(MemorySegment dy, long off, int d, float[] acc, double[] pb, int at) {
        int vd = S.loopBound(d);
        for (int j = 0; j < vd; j += L) {
            load(dy, off + j).add(FloatVector.fromArray(S, acc, j)).intoArray(acc, j);
        }
        for (int j = vd; j < d; j++) {
            pb[at + j] += dy.getAtIndex(JAVA_FLOAT, off + j);
        }
    }

    // ------------------------------------------------------------------ RMS norm

    public static void rmsNorm(Tensor x, Tensor gamma, float eps, Tensor y, Tensor rstd) {
        int d = x.dim(-1);
        MemorySegment xs = Cpu.data(x);
        MemorySegment gs = Cpu.data(gamma);
        MemorySegment ys = Cpu.data(y);
        MemorySegment rs = Cpu.data(rstd);
        Parallel.forRange(NormPlain.rows(x), NormPlain.rowGrain(d), (from, to) -> {
            for (int r = from; r < to; r++) {
                rmsNormRow(xs, gs, ys, rs, r, d, eps);
            }
        });
    }

    private static void rmsNormRow(MemorySegment x, MemorySegment gamma, MemorySegment y, MemorySegment rstd,
                                   int r, int d, float eps) {
        long off = (long) r * d;
        int vd = S.loopBound(d);
        double ms = (centredSquares(x, off, vd, 0f) + NormPlain.centredSquares(x, off, vd, d, 0)) / d;
        float s = (float) (1 / Math.sqrt(ms + eps));
        rstd.setAtIndex(JAVA_FLOAT, r, s);
        for (int j = 0; j < vd; j += L) {
            store(load(x, off + j).mul(s).mul(load(gamma, j)), y, off + j);
        }
        NormPlain.rmsNormOut(x, gamma, y, off, vd, d, s);
    }

    public static void rmsNormBackward(Tensor x, Tensor gamma, Tensor rstd, Tensor dy, Tensor dx, Tensor dgamma) {
        int d = x.dim(-1);
        int rows = NormPlain.rows(x);
        int parts = NormPlain.parts(rows, d);
        MemorySegment xs = Cpu.data(x);
        MemorySegment gs = Cpu.data(gamma);
        MemorySegment rs = Cpu.data(rstd);
        MemorySegment dys = Cpu.data(dy);
        MemorySegment dxs = Cpu.dataOrNull(dx);
        double[] pg = dgamma == null ? null : new double[parts * d];
        Parallel.forRange(parts, 1, (p0, p1) -> {
            float[][] acc = accumulators(d);
            for (int p = p0; p < p1; p++) {
                int r0 = NormPlain.partStart(rows, parts, p);
                int r1 = NormPlain.partStart(rows, parts, p + 1);
                for (int r = r0; r < r1; r++) {
                    float s = rs.getAtIndex(JAVA_FLOAT, r);
                    if (dxs != null && pg != null) {
                        rmsNormDxGammaRow(xs, gs, dys, dxs, (long) r * d, d, s, acc[0], pg, p * d);
                    } else if (dxs != null) {
                        rmsNormDxRow(xs, gs, dys, dxs, (long) r * d, d, s);
                    } else if (pg != null) {
                        accumulateGamma(xs, dys, (long) r * d, d, 0f, s, acc[0], pg, p * d);
                    }
                    if ((r - r0) % FLUSH == FLUSH - 1 || r == r1 - 1) {
                        flush(acc[0], pg, p * d, S.loopBound(d));
                    }
                }
            }
        });
        NormPlain.reduceParts(pg, parts, d, dgamma);
    }

    /** dx of one row: {@code dx = rstd·(g − x·rstd²·mean(g·x))}. */
    private static void rmsNormDxRow(MemorySegment x, MemorySegment gamma, MemorySegment dy, MemorySegment dx,
                                     long off, int d, float s) {
        int vd = S.loopBound(d);
        FloatVector sgx = FloatVector.zero(S);
        for (int j = 0; j < vd; j += L) {
            FloatVector g = load(dy, off + j).mul(load(gamma, j));
            sgx = g.fma(load(x, off + j), sgx);
        }
        float mgx = (float) ((LaneSum.of(sgx)
                + NormPlain.gradDotXhat(x, gamma, dy, off, vd, d, 0f, 1f)) / d);
        FloatVector negC = FloatVector.broadcast(S, -(s * s * mgx));
        for (int j = 0; j < vd; j += L) {
            FloatVector g = load(dy, off + j).mul(load(gamma, j));
            store(load(x, off + j).fma(negC, g).mul(s), dx, off + j);
        }
        NormPlain.rmsNormDx(x, gamma, dy, dx, off, vd, d, s, mgx);
    }

    /** dx and the dγ accumulation of one row in two passes (the training case of {@link #rmsNormBackward}). */
    private static void rmsNormDxGammaRow(MemorySegment x, MemorySegment gamma, MemorySegment dy, MemorySegment dx,
                                          long off, int d, float s, float[] accG, double[] pg, int at) {
        int vd = S.loopBound(d);
        FloatVector sgx = FloatVector.zero(S);
        for (int j = 0; j < vd; j += L) {
            FloatVector g = load(dy, off + j).mul(load(gamma, j));
            sgx = g.fma(load(x, off + j), sgx);
        }
        float mgx = (float) ((LaneSum.of(sgx)
                + NormPlain.gradDotXhat(x, gamma, dy, off, vd, d, 0f, 1f)) / d);
        FloatVector negC = FloatVector.broadcast(S, -(s * s * mgx));
        for (int j = 0; j < vd; j += L) {
            FloatVector gradOut = load(dy, off + j);
            FloatVector xv = load(x, off + j);
            store(xv.fma(negC, gradOut.mul(load(gamma, j))).mul(s), dx, off + j);
            xv.mul(s).fma(gradOut, FloatVector.fromArray(S, accG, j)).intoArray(accG, j);
        }
        NormPlain.rmsNormDx(x, gamma, dy, dx, off, vd, d, s, mgx);
        NormPlain.layerNormParams(x, dy, off, vd, d, 0f, s, pg, null, at);
    }
}

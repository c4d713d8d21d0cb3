package org.echorec.runtime.op.fft;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;
import org.echorec.runtime.backend.cpu.Cpu;
import org.echorec.runtime.backend.cpu.Parallel;
import org.echorec.runtime.tensor.Tensor;

/**
 * The real FFT primitives in plain Java (the complex product is in {@link ComplexMulPlain}).
 *
 * <p>Note: four primitives, two drivers. The backward passes are the forward transforms with a
 * weight on the interior bins ({@code 0 < k < n/2}): {@code rfftBackward(dout) = irfft(dout / m)} and
 * {@code irfftBackward(dx) = m·rfft(dx)}, with {@code m_k = 2} inside and 1 at bin 0 and (even n)
 * bin n/2. For the first, irfft reproduces {@code n^{−½} Re Σ_{k≤n/2} dout_k e^{2πikt/n}} exactly
 * once the interior is halved (its Hermitian sum counts an interior bin twice, and it ignores the
 * imaginary parts of the edge bins as {@code Re} does); for the second, rfft already returns exactly
 * zero imaginary parts at the edge bins. So one forward and one inverse driver take an
 * {@code interior} factor (1, 2 or ½), folded into the pass that packs or unpacks the spectrum.
 *
 * <p>Work is split over (outer index, block of up to {@link #BLOCK} channels): each unit gathers its
 * block into per-thread scratch (see {@link ComplexFftPlain}), transforms it and writes its slice of
 * the output, so units never share memory. The SIMD kernels call {@link #forwardBlock} and
 * {@link #inverseBlock} for the channels left over after their full vectors.
 */
public final class FftPlain {
    /** Channels transformed together by the plain kernels. */
    static final int BLOCK = 16;
    /** Floats of transform work (n·channels) below which a range is not split across threads. */
    static final int GRAIN = 1 << 14;

    private FftPlain() {}

    public static void rfft(Tensor x, int axis, Tensor out) {
        forward(x, axis, out, 1f);
    }

    public static void irfft(Tensor spec, int axis, Tensor x) {
        inverse(spec, axis, x, 1f);
    }

    public static void rfftBackward(Tensor dout, int axis, Tensor dx) {
        inverse(dout, axis, dx, 0.5f);
    }

    public static void irfftBackward(Tensor dx, int axis, Tensor dspec) {
        forward(dx, axis, dspec, 2f);
    }

    public static void complexMul(Tensor a, Tensor w, Tensor out) {
        ComplexMulPlain.forward(a, w, out);
    }

    public static void complexMulBackward(Tensor a, Tensor w, Tensor dout, Tensor da, Tensor dw) {
        ComplexMulPlain.backward(a, w, dout, da, dw);
    }

    // ------------------------------------------------------------------ drivers

    private static void forward(Tensor x, int axis, Tensor spec, float interior) {
        Geometry g = Geometry.of("rfft", x, axis);
        RealFftPlan plan = RealFftPlan.of(g.n());
        MemorySegment xs = Cpu.data(x);
        MemorySegment ss = Cpu.data(spec);
        int blocks = (g.inner() + BLOCK - 1) / BLOCK;
        Parallel.forRange(g.outer() * blocks, g.grain(Math.min(BLOCK, g.inner())), (from, to) -> {
            for (int u = from; u < to; u++) {
                int c = u % blocks * BLOCK;
                forwardBlock(plan, xs, ss, u / blocks, c, Math.min(BLOCK, g.inner() - c), g.inner(), interior);
            }
        });
    }

    private static void inverse(Tensor spec, int axis, Tensor x, float interior) {
        Geometry g = Geometry.of("irfft", x, axis);
        RealFftPlan plan = RealFftPlan.of(g.n());
        MemorySegment ss = Cpu.data(spec);
        MemorySegment xs = Cpu.data(x);
        int blocks = (g.inner() + BLOCK - 1) / BLOCK;
        Parallel.forRange(g.outer() * blocks, g.grain(Math.min(BLOCK, g.inner())), (from, to) -> {
            for (int u = from; u < to; u++) {
                int c = u % blocks * BLOCK;
                inverseBlock(plan, ss, xs, u / blocks, c, Math.min(BLOCK, g.inner() - c), g.inner(), interior);
            }
        });
    }

    /** rfft of channels {@code [c, c+w)} of outer row o, interior bins times {@code interior}. */
    static void forwardBlock(RealFftPlan plan, MemorySegment xs, MemorySegment ss, int o, int c, int w, int inner,
                             float interior) {
        ComplexFftPlain.Scratch s = ComplexFftPlain.scratch(plan.complex, w);
        long x0 = (long) o * plan.n * inner + c;
        long s0 = ((long) o * plan.bins * inner + c) * 2;
        if (plan.even) {
            gatherPacked(xs, x0, inner, plan.half, w, s.a);
            float[] z = ComplexFftPlain.forward(plan.complex, s.a, s.b, w, s);
            unpackEven(plan, z, w, ss, s0, inner, interior);
        } else {
            gatherReal(xs, x0, inner, plan.n, w, s.a);
            float[] z = ComplexFftPlain.forward(plan.complex, s.a, s.b, w, s);
            unpackOdd(plan, z, w, ss, s0, inner, interior);
        }
    }

    /** irfft of channels {@code [c, c+w)} of outer row o, interior bins times {@code interior}. */
    static void inverseBlock(RealFftPlan plan, MemorySegment ss, MemorySegment xs, int o, int c, int w, int inner,
                             float interior) {
        ComplexFftPlain.Scratch s = ComplexFftPlain.scratch(plan.complex, w);
        long x0 = (long) o * plan.n * inner + c;
        long s0 = ((long) o * plan.bins * inner + c) * 2;
        if (plan.even) {
            packEven(plan, ss, s0, inner, w, s.a, interior);
            float[] z = ComplexFftPlain.forward(plan.complex, s.a, s.b, w, s);
            scatterPacked(z, w, xs, x0, inner, plan.half);
        } else {
            packOdd(plan, ss, s0, inner, w, s.a, interior);
            float[] z = ComplexFftPlain.forward(plan.complex, s.a, s.b, w, s);
            scatterReal(z, w, xs, x0, inner, plan.n);
        }
    }

    // ------------------------------------------------------------------ forward: gather and unpack

    /** {@code z_t = x_{2t} + i·x_{2t+1}} for t &lt; h (the real-transform note in {@link RealFftPlan}). */
    private static void gatherPacked(MemorySegment xs, long x0, int inner, int h, int w, float[] a) {
        for (int t = 0; t < h; t++) {
            long even = x0 + 2L * t * inner;
            for (int l = 0; l < w; l++) {
                a[2 * w * t + l] = xs.getAtIndex(JAVA_FLOAT, even + l);
                a[2 * w * t + w + l] = xs.getAtIndex(JAVA_FLOAT, even + inner + l);
            }
        }
    }

    private static void gatherReal(MemorySegment xs, long x0, int inner, int n, int w, float[] a) {
        for (int t = 0; t < n; t++) {
            for (int l = 0; l < w; l++) {
                a[2 * w * t + l] = xs.getAtIndex(JAVA_FLOAT, x0 + (long) t * inner + l);
                a[2 * w * t + w + l] = 0f;
            }
        }
    }

    /** {@code X_k = E_k + w^k·O_k}, {@code X_{h−k} = conj(E_k − w^k·O_k)} for the pairs k ≤ h/2. */
    private static void unpackEven(RealFftPlan plan, float[] z, int w, MemorySegment ss, long s0, int inner,
                                   float interior) {
        int h = plan.half;
        long row = 2L * inner;
        float f = plan.scale;
        for (int l = 0; l < w; l++) {
            float zr = z[l];
            float zi = z[w + l];
            put(ss, s0 + 2 * l, f * (zr + zi), 0f);
            put(ss, s0 + h * row + 2 * l, f * (zr - zi), 0f);
        }
        float fi = f * interior * 0.5f;
        for (int k = 1; 2 * k <= h; k++) {
            int zk = 2 * w * k;
            int zc = 2 * w * (h - k);
            float wr = plan.upRe[k];
            float wi = plan.upIm[k];
            for (int l = 0; l < w; l++) {
                float ar = z[zk + l];
                float ai = z[zk + w + l];
                float br = z[zc + l];
                float bi = -z[zc + w + l];
                float er = ar + br;
                float ei = ai + bi;
                float or = ai - bi;
                float oi = br - ar;
                float tr = or * wr - oi * wi;
                float ti = or * wi + oi * wr;
                put(ss, s0 + k * row + 2 * l, fi * (er + tr), fi * (ei + ti));
                put(ss, s0 + (h - k) * row + 2 * l, fi * (er - tr), fi * (ti - ei));
            }
        }
    }

    private static void unpackOdd(RealFftPlan plan, float[] z, int w, MemorySegment ss, long s0, int inner,
                                  float interior) {
        long row = 2L * inner;
        float f = plan.scale;
        float fi = f * interior;
        for (int l = 0; l < w; l++) {
            put(ss, s0 + 2 * l, f * z[l], 0f);
        }
        for (int k = 1; k < plan.bins; k++) {
            for (int l = 0; l < w; l++) {
                put(ss, s0 + k * row + 2 * l, fi * z[2 * w * k + l], fi * z[2 * w * k + w + l]);
            }
        }
    }

    // ------------------------------------------------------------------ inverse: pack and scatter

    /**
     * {@code Z_k = A + U}, {@code Z_{h−k} = conj(A − U)} (see {@link RealFftPlan}), written swapped so
     * that the forward transform computes the inverse; the imaginary parts of bins 0 and h are never
     * read, which is how they are ignored.
     */
    private static void packEven(RealFftPlan plan, MemorySegment ss, long s0, int inner, int w, float[] a,
                                 float interior) {
        int h = plan.half;
        long row = 2L * inner;
        float f = plan.scale;
        for (int l = 0; l < w; l++) {
            float dc = ss.getAtIndex(JAVA_FLOAT, s0 + 2 * l);
            float ny = ss.getAtIndex(JAVA_FLOAT, s0 + h * row + 2 * l);
            a[l] = f * (dc - ny);
            a[w + l] = f * (dc + ny);
        }
        float fi = f * interior;
        for (int k = 1; 2 * k <= h; k++) {
            int zk = 2 * w * k;
            int zc = 2 * w * (h - k);
            float wr = plan.upRe[k];
            float wi = plan.upIm[k];
            long pk = s0 + k * row;
            long pc = s0 + (h - k) * row;
            for (int l = 0; l < w; l++) {
                float xr = ss.getAtIndex(JAVA_FLOAT, pk + 2 * l);
                float xi = ss.getAtIndex(JAVA_FLOAT, pk + 2 * l + 1);
                float yr = ss.getAtIndex(JAVA_FLOAT, pc + 2 * l);
                float yi = ss.getAtIndex(JAVA_FLOAT, pc + 2 * l + 1);
                float ar = xr + yr;
                float ai = xi - yi;
                float br = xr - yr;
                float bi = xi + yi;
                float vr = br * wr + bi * wi;
                float vi = bi * wr - br * wi;
                a[zk + l] = fi * (ai + vr);
                a[zk + w + l] = fi * (ar - vi);
                a[zc + l] = fi * (vr - ai);
                a[zc + w + l] = fi * (ar + vi);
            }
        }
    }

    private static void packOdd(RealFftPlan plan, MemorySegment ss, long s0, int inner, int w, float[] a,
                                float interior) {
        int n = plan.n;
        long row = 2L * inner;
        float f = plan.scale;
        float fi = f * interior;
        for (int l = 0; l < w; l++) {
            a[l] = 0f;
            a[w + l] = f * ss.getAtIndex(JAVA_FLOAT, s0 + 2 * l);
        }
        for (int k = 1; k < plan.bins; k++) {
            for (int l = 0; l < w; l++) {
                float xr = fi * ss.getAtIndex(JAVA_FLOAT, s0 + k * row + 2 * l);
                float xi = fi * ss.getAtIndex(JAVA_FLOAT, s0 + k * row + 2 * l + 1);
                a[2 * w * k + l] = xi;
                a[2 * w * k + w + l] = xr;
                a[2 * w * (n - k) + l] = -xi;
                a[2 * w * (n - k) + w + l] = xr;
            }
        }
    }

    /** Undoes the swap: the transform's imaginary slots are the even samples, the real ones the odd. */
    private static void scatterPacked(float[] z, int w, MemorySegment xs, long x0, int inner, int h) {
        for (int t = 0; t < h; t++) {
            long even = x0 + 2L * t * inner;
            for (int l = 0; l < w; l++) {
                xs.setAtIndex(JAVA_FLOAT, even + l, z[2 * w * t + w + l]);
                xs.setAtIndex(JAVA_FLOAT, even + inner + l, z[2 * w * t + l]);
            }
        }
    }

    private static void scatterReal(float[] z, int w, MemorySegment xs, long x0, int inner, int n) {
        for (int t = 0; t < n; t++) {
            for (int l = 0; l < w; l++) {
                xs.setAtIndex(JAVA_FLOAT, x0 + (long) t * inner + l, z[2 * w * t + w + l]);
            }
        }
    }

    private static void put(MemorySegment ss, long at, float re, float im) {
        ss.setAtIndex(JAVA_FLOAT, at, re);
        ss.setAtIndex(JAVA_FLOAT, at + 1, im);
    }

    // ------------------------------------------------------------------ geometry

    /** A tensor viewed as [outer, n, inner] around the transform axis. */
    record Geometry(int outer, int n, int inner) {
        static Geometry of(String op, Tensor signal, int axis) {
            int[] shape = signal.shape();
            if (shape[axis] < 1) {
                throw new IllegalArgumentException(op + ": the transform axis " + axis + " has length 0; " + signal);
            }
            int outer = 1;
            for (int i = 0; i < axis; i++) {
                outer *= shape[i];
            }
            int inner = 1;
            for (int i = axis + 1; i < shape.length; i++) {
                inner *= shape[i];
            }
            return new Geometry(outer, shape[axis], inner);
        }

        /** Work units (one block of w channels each) per parallel chunk, at least 1. */
        int grain(int w) {
            return (int) Math.max(1, GRAIN / Math.max(1L, (long) n * w));
        }
    }
}

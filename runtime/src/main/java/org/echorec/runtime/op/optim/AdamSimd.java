package org.echorec.runtime.op.optim;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.echorec.runtime.backend.cpu.Cpu;
import org.echorec.runtime.backend.cpu.Parallel;
import org.echorec.runtime.backend.cpu.simd.SimdSpecies;
import org.echorec.runtime.op.AdamStep;
import org.echorec.runtime.tensor.Tensor;

/** The fused Adam/AdamW update with the Vector API: one pass over parameter, gradient and moments. */
public final class AdamSimd {
    private static final VectorSpecies<Float> S = SimdSpecies.F;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private AdamSimd() {}

    public static void adam(Tensor param, Tensor grad, Tensor m, Tensor v, AdamStep step) {
        AdamPlain.Constants k = AdamPlain.Constants.of(step);
        MemorySegment ps = Cpu.data(param);
        MemorySegment gs = Cpu.data(grad);
        MemorySegment ms = Cpu.data(m);
        MemorySegment vs = Cpu.data(v);
        Parallel.forRange(Math.toIntExact(param.numel()), AdamPlain.GRAIN,
                (from, to) -> update(ps, gs, ms, vs, from, to, k, step.beta1(), step.beta2(), step.eps()));
    }

    private static void update(MemorySegment ps, MemorySegment gs, MemorySegment ms, MemorySegment vs,
                               int from, int to, AdamPlain.Constants k, float b1, float b2, float eps) {
        int i = from;
        float c1 = 1f - b1;
        float c2 = 1f - b2;
        for (int end = from + S.loopBound(to - from); i < end; i += S.length()) {
            long off = 4L * i;
            FloatVector p = FloatVector.fromMemorySegment(S, ps, off, ORDER);
            FloatVector g = FloatVector.fromMemorySegment(S, gs, off, ORDER).add(p.mul(k.l2()));
            FloatVector mi = FloatVector.fromMemorySegment(S, ms, off, ORDER).mul(b1).add(g.mul(c1));
            FloatVector vi = FloatVector.fromMemorySegment(S, vs, off, ORDER).mul(b2).add(g.mul(g).mul(c2));
            mi.intoMemorySegment(ms, off, ORDER);
            vi.intoMemorySegment(vs, off, ORDER);
            FloatVector denom = vi.lanewise(VectorOperators.SQRT).div(k.rootCorrection2()).add(eps);
            p.mul(k.shrink()).sub(mi.mul(k.stepSize()).div(denom)).intoMemorySegment(ps, off, ORDER);
        }
        AdamPlain.update(ps, gs, ms, vs, i, to, k, b1, b2, eps);
    }
}

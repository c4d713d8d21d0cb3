package org.echorec.runtime.op.optim;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;
import org.echorec.runtime.backend.cpu.Cpu;
import org.echorec.runtime.backend.cpu.Parallel;
import org.echorec.runtime.op.AdamStep;
import org.echorec.runtime.tensor.Tensor;

/** The fused Adam/AdamW update in plain Java, with PyTorch's order of operations. */
public final class AdamPlain {
    static final int GRAIN = 1 << 14;

    private AdamPlain() {}

    /** Per-call constants, computed once in double like PyTorch's optimizer does on the host. */
    record Constants(float stepSize, float rootCorrection2, float shrink, float l2) {
        static Constants of(AdamStep s) {
            double bc1 = 1 - Math.pow(s.beta1(), s.step());
            double bc2 = 1 - Math.pow(s.beta2(), s.step());
            return new Constants((float) (s.lr() / bc1), (float) Math.sqrt(bc2),
                    s.decoupled() ? 1f - s.lr() * s.weightDecay() : 1f,
                    s.decoupled() ? 0f : s.weightDecay());
        }
    }

    public static void adam(Tensor param, Tensor grad, Tensor m, Tensor v, AdamStep step) {
        Constants k = Constants.of(step);
        MemorySegment ps = Cpu.data(param);
        MemorySegment gs = Cpu.data(grad);
        MemorySegment ms = Cpu.data(m);
        MemorySegment vs = Cpu.data(v);
        Parallel.forRange(Math.toIntExact(param.numel()), GRAIN,
                (from, to) -> update(ps, gs, ms, vs, from, to, k, step.beta1(), step.beta2(), step.eps()));
    }

    /** The update of elements {@code [from, to)}; also the SIMD kernel's tail. */
    static void update(MemorySegment ps, MemorySegment gs, MemorySegment ms, MemorySegment vs,
                       int from, int to, Constants k, float b1, float b2, float eps) {
        for (int i = from; i < to; i++) {
            float p = ps.getAtIndex(JAVA_FLOAT, i);
            float g = gs.getAtIndex(JAVA_FLOAT, i) + k.l2() * p;
            float mi = b1 * ms.getAtIndex(JAVA_FLOAT, i) + (1f - b1) * g;
            float vi = b2 * vs.getAtIndex(JAVA_FLOAT, i) + (1f - b2) * (g * g);
            ms.setAtIndex(JAVA_FLOAT, i, mi);
            vs.setAtIndex(JAVA_FLOAT, i, vi);
            float denom = (float) Math.sqrt(vi) / k.rootCorrection2() + eps;
            ps.setAtIndex(JAVA_FLOAT, i, p * k.shrink() - k.stepSize() * mi / denom);
        }
    }
}

package org.echorec.runtime.op.norm;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.echorec.runtime.backend.Backend;
import org.echorec.runtime.backend.cpu.CpuBackend;
import org.echorec.runtime.backend.cpu.CpuKernels;
import org.echorec.runtime.op.Ops;
import org.echorec.runtime.tensor.Scope;
import org.echorec.runtime.tensor.Tensor;
import org.echorec.runtime.testing.Timing;

/**
 * Rough timing of the fused LayerNorm forward + backward (dx, dγ, dβ), plain vs SIMD, on
 * {@code [rows, d]} (default 102400 × 64): both run alternately in one JVM after a warm-up of every
 * path; prints the median and range of {@code reps} timings. Not a test (surefire skips it); run with
 * the test class path and the runtime's JVM flags. Args: rows d reps.
 */
public final class NormTiming {
    private NormTiming() {}

    public static void main(String[] args) {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 102_400;
        int d = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        int reps = args.length > 2 ? Integer.parseInt(args[2]) : 15;
        Backend[] backends = {CpuBackend.withKernels(CpuKernels.plain()), CpuBackend.get()};
        try (Scope s = Scope.open()) {
            Runnable[] jobs = new Runnable[2];
            for (int k = 0; k < 2; k++) {
                Backend b = backends[k];
                Ops ops = b.ops();
                Tensor x = random(b, 1, rows, d);
                Tensor dy = random(b, 2, rows, d);
                Tensor gamma = Tensor.full(b, 1.1f, d);
                Tensor beta = Tensor.full(b, 0.1f, d);
                Tensor y = Tensor.emptyLike(x);
                Tensor dx = Tensor.emptyLike(x);
                Tensor mean = Tensor.empty(b, rows);
                Tensor rstd = Tensor.empty(b, rows);
                Tensor dgamma = Tensor.empty(b, d);
                Tensor dbeta = Tensor.empty(b, d);
                jobs[k] = () -> {
                    ops.layerNorm(x, gamma, beta, 1e-5f, y, mean, rstd);
                    ops.layerNormBackward(x, gamma, mean, rstd, dy, dx, dgamma, dbeta);
                };
            }
            System.out.println(backends[1].describe());
            Timing.report("layerNorm forward + backward [" + rows + ", " + d + "]", jobs, reps, 10);
        }
    }

    static Tensor random(Backend b, long seed, int... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[Math.toIntExact(Arrays.stream(shape).asLongStream().reduce(1, (p, q) -> p * q))];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (4 * r.nextDouble() - 2);
        }
        return Tensor.of(b, v, shape);
    }
}

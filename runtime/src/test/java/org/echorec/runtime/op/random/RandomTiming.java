package org.echorec.runtime.op.random;

import java.util.SplittableRandom;
import org.echorec.runtime.backend.Backend;
import org.echorec.runtime.backend.cpu.CpuBackend;
import org.echorec.runtime.backend.cpu.CpuKernels;
import org.echorec.runtime.tensor.Scope;
import org.echorec.runtime.tensor.Tensor;
import org.echorec.runtime.testing.Timing;

/**
 * Rough timing of dropout (p = 0.2), plain vs SIMD, on {@code n} floats (default 2048 × 50 × 64, a
 * batch of hidden states): both run alternately in one JVM after a warm-up; prints the median and range
 * of {@code reps} timings. Each call draws at a fresh odd offset, as a training loop does, so the scalar
 * head and tail run too. Not a test (surefire skips it); run with the test class path and the runtime's
 * JVM flags. Args: n reps.
 */
public final class RandomTiming {
    private RandomTiming() {}

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 2048 * 50 * 64;
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        Backend[] backends = {CpuBackend.withKernels(CpuKernels.plain()), CpuBackend.get()};
        SplittableRandom r = new SplittableRandom(5);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (4 * r.nextDouble() - 2);
        }
        try (Scope s = Scope.open()) {
            Runnable[] jobs = new Runnable[2];
            for (int k = 0; k < 2; k++) {
                Backend b = backends[k];
                Tensor x = Tensor.of(b, v, n);
                Tensor y = Tensor.emptyLike(x);
                Rng rng = new Rng(2020);
                jobs[k] = () -> b.ops().dropout(x, 0.2f, rng.seed(), rng.take(n + 1), y);
            }
            System.out.println(backends[1].describe());
            Timing.report("dropout [" + n + "]", jobs, reps, 10);
        }
    }
}

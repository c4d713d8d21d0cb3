package org.echorec.runtime.op.softmax;

import java.util.SplittableRandom;
import org.echorec.runtime.backend.Backend;
import org.echorec.runtime.backend.cpu.CpuBackend;
import org.echorec.runtime.backend.cpu.CpuKernels;
import org.echorec.runtime.op.Ops;
import org.echorec.runtime.tensor.Scope;
import org.echorec.runtime.tensor.Tensor;
import org.echorec.runtime.testing.Timing;

/**
 * Rough timing of the fused cross-entropy forward + backward (into a separate dlogits), plain vs
 * SIMD, on {@code [rows, V]} (default 2048 × 12102): both run alternately in one JVM after a warm-up;
 * prints the median and range of {@code reps} timings. Not a test (surefire skips it); run with the
 * test class path and the runtime's JVM flags. Args: rows V reps.
 */
public final class SoftmaxTiming {
    private SoftmaxTiming() {}

    public static void main(String[] args) {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 2048;
        int v = args.length > 1 ? Integer.parseInt(args[1]) : 12_102;
        int reps = args.length > 2 ? Integer.parseInt(args[2]) : 15;
        Backend[] backends = {CpuBackend.withKernels(CpuKernels.plain()), CpuBackend.get()};
        int[] t = new int[rows];
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < rows; i++) {
            t[i] = i % 4 == 3 ? -1 : r.nextInt(v); // a quarter of the rows padding, as in a batch of sequences
        }
        try (Scope s = Scope.open()) {
            Runnable[] jobs = new Runnable[2];
            for (int k = 0; k < 2; k++) {
                Backend b = backends[k];
                Ops ops = b.ops();
                float[] values = new float[rows * v];
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) (6 * r.nextDouble() - 3);
                }
                Tensor logits = Tensor.of(b, values, rows, v);
                Tensor targets = Tensor.ofInts(b, t, rows);
                Tensor loss = Tensor.empty(b, rows);
                Tensor lse = Tensor.empty(b, rows);
                Tensor dloss = Tensor.full(b, 1f / rows, rows);
                Tensor dlogits = Tensor.emptyLike(logits);
                jobs[k] = () -> {
                    ops.crossEntropy(logits, targets, loss, lse);
                    ops.crossEntropyBackward(logits, targets, lse, dloss, dlogits);
                };
            }
            System.out.println(backends[1].describe());
            Timing.report("crossEntropy forward + backward [" + rows + ", " + v + "]", jobs, reps, 5);
        }
    }
}

package org.echorec.runtime.op.softmax;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.echorec.runtime.backend.Backend;
import org.echorec.runtime.backend.cpu.CpuBackend;
import org.echorec.runtime.backend.cpu.CpuKernels;
import org.echorec.runtime.op.Ops;
import org.echorec.runtime.tensor.Scope;
import org.echorec.runtime.tensor.Tensor;

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
            report("crossEntropy forward + backward [" + rows + ", " + v + "]", jobs, reps);
        }
    }

    /** Warms both jobs up, then times them alternately; prints medians, ranges and their ratio. */
    static void report(String name, Runnable[] jobs, int reps) {
        for (int i = 0; i < 5; i++) {
            jobs[0].run();
            jobs[1].run();
        }
        double[][] ms = new double[2][reps];
        for (int i = 0; i < reps; i++) {
            for (int k = 0; k < 2; k++) {
                long t0 = System.nanoTime();
                jobs[k].run();
                ms[k][i] = (System.nanoTime() - t0) / 1e6;
            }
        }
        Arrays.sort(ms[0]);
        Arrays.sort(ms[1]);
        System.out.printf("%s: plain %.1f ms [%.1f..%.1f], SIMD %.1f ms [%.1f..%.1f], median ratio %.1fx%n", name,
                ms[0][reps / 2], ms[0][0], ms[0][reps - 1], ms[1][reps / 2], ms[1][0], ms[1][reps - 1],
                ms[0][reps / 2] / ms[1][reps / 2]);
    }
}

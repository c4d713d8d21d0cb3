package org.echorec.runtime.testing;

import java.util.Arrays;

/** Rough plain-vs-SIMD timing for the hand-run timing mains (not tests; JMH is in the bench module). */
public final class Timing {
    private Timing() {}

    /**
     * Warms both jobs up ({@code warmups} rounds), then times them alternately so that machine noise
     * hits both alike; prints medians, ranges and the ratio of the medians.
     */
    public static void report(String name, Runnable[] jobs, int reps, int warmups) {
        for (int i = 0; i < warmups; i++) {
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

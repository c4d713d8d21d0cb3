package org.echorec.runtime.op.fft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.echorec.runtime.testing.Near;
import org.echorec.runtime.testing.Rand;
import org.junit.jupiter.api.Test;

/**
 * The plans and the plain complex engine directly: factorisations, the switch to chirp-z, the cache,
 * and complex transforms of complex data (the real drivers only ever feed the engine packed real
 * data) against a DFT in double. The SIMD engine is reached only through the kernels (FftTest).
 */
class FftPlanTest {
    @Test
    void factorsIntoFoursFirstThenAscendingPrimes() {
        assertArrayEquals(new int[] {4, 2, 5, 5}, FftPlan.factor(200));
        assertArrayEquals(new int[] {5, 5}, FftPlan.factor(25));
        assertArrayEquals(new int[] {4, 5, 5}, FftPlan.factor(100));
        assertArrayEquals(new int[] {4, 4, 4, 2}, FftPlan.factor(128));
        assertArrayEquals(new int[] {2, 3}, FftPlan.factor(6));
        assertArrayEquals(new int[] {7, 7}, FftPlan.factor(49));
        assertArrayEquals(new int[] {97}, FftPlan.factor(97));
        assertArrayEquals(new int[] {}, FftPlan.factor(1));
    }

    @Test
    void largePrimeFactorsUseChirpZ() {
        assertNull(new FftPlan(49).bluestein);
        assertNull(new FftPlan(61).bluestein, "61 is the largest prime below the direct limit");
        assertEquals(512, new FftPlan(211).bluestein.m, "smallest power of two ≥ 2·211 − 1");
        assertNotNull(new FftPlan(2 * 67).bluestein);
        assertEquals(0, new FftPlan(97).stages);
    }

    @Test
    void realPlansAreCachedAndSharedAcrossThreads() throws Exception {
        assertSame(RealFftPlan.of(200), RealFftPlan.of(200));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            ConcurrentHashMap<RealFftPlan, Boolean> seen = new ConcurrentHashMap<>();
            Future<?>[] tasks = new Future<?>[16];
            for (int i = 0; i < tasks.length; i++) {
                tasks[i] = pool.submit(() -> seen.put(RealFftPlan.of(4099), Boolean.TRUE));
            }
            for (Future<?> t : tasks) {
                t.get();
            }
            assertEquals(1, seen.size(), "every thread got the same plan");
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void plainEngineTransformsComplexDataOfEveryPlanKind() {
        int w = 3;
        for (int n : new int[] {1, 2, 3, 4, 5, 6, 8, 11, 25, 49, 60, 97, 100, 121, 134, 211}) {
            FftPlan plan = new FftPlan(n);
            double[] re = new Rand(n).normal(n * w, 1);
            double[] im = new Rand(n + 1).normal(n * w, 1);
            ComplexFftPlain.Scratch s = ComplexFftPlain.scratch(plan, w);
            for (int t = 0; t < n; t++) {
                for (int l = 0; l < w; l++) {
                    s.a[2 * w * t + l] = (float) re[t * w + l];
                    s.a[2 * w * t + w + l] = (float) im[t * w + l];
                }
            }
            float[] z = ComplexFftPlain.forward(plan, s.a, s.b, w, s);
            double[] expected = new double[2 * n * w];
            float[] got = new float[2 * n * w];
            for (int k = 0; k < n; k++) {
                for (int l = 0; l < w; l++) {
                    double sr = 0;
                    double si = 0;
                    for (int t = 0; t < n; t++) {
                        double angle = -2 * Math.PI * ((long) k * t % n) / n;
                        sr += re[t * w + l] * Math.cos(angle) - im[t * w + l] * Math.sin(angle);
                        si += re[t * w + l] * Math.sin(angle) + im[t * w + l] * Math.cos(angle);
                    }
                    expected[2 * (k * w + l)] = sr;
                    expected[2 * (k * w + l) + 1] = si;
                    got[2 * (k * w + l)] = z[2 * w * k + l];
                    got[2 * (k * w + l) + 1] = z[2 * w * k + w + l];
                }
            }
            double log = Math.log(Math.max(n, 2)) / Math.log(2);
            double tol = (4 + 2 * log) * 0x1p-24 * Near.maxAbs(expected);
            Near.assertClose("complex DFT n=" + n + " (" + plan + ")", expected, got, 0, tol);
        }
    }
}

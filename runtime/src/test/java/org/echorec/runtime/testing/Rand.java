package org.echorec.runtime.testing;

import java.util.SplittableRandom;

/** Seeded random test data, in double (the reference's precision) and rounded to float. */
public final class Rand {
    private final SplittableRandom random;

    public Rand(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** Values uniform in [lo, hi), already representable in float so both precisions see equal inputs. */
    public double[] uniform(int n, double lo, double hi) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) (lo + (hi - lo) * random.nextDouble());
        }
        return out;
    }

    /** Standard normal values times {@code scale}, representable in float. */
    public double[] normal(int n, double scale) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            double u1 = 1.0 - random.nextDouble();
            double u2 = random.nextDouble();
            out[i] = (float) (scale * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2));
        }
        return out;
    }

    /** Integers uniform in [lo, hi). */
    public int[] ints(int n, int lo, int hi) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = lo + random.nextInt(hi - lo);
        }
        return out;
    }

    public int nextInt(int bound) {
        return random.nextInt(bound);
    }

    public static float[] toFloat(double[] x) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (float) x[i];
        }
        return out;
    }

    public static double[] toDouble(float[] x) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i];
        }
        return out;
    }
}

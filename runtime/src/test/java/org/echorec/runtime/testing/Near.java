package org.echorec.runtime.testing;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Elementwise closeness with a tolerance {@code atol + rtol·|expected|}; a failure names the worst
 * element, both values and the tolerance, so a wrong index or a precision loss is told apart at once.
 */
public final class Near {
    private Near() {}

    public static void assertClose(String what, double[] expected, float[] actual, double rtol, double atol) {
        assertClose(what, expected, Rand.toDouble(actual), rtol, atol);
    }

    public static void assertClose(String what, double[] expected, double[] actual, double rtol, double atol) {
        if (expected.length != actual.length) {
            fail(what + ": length " + actual.length + ", expected " + expected.length);
        }
        int worst = -1;
        double worstExcess = 0;
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i];
            double a = actual[i];
            if (Double.isNaN(e) && Double.isNaN(a) || e == a) {
                continue;
            }
            double tol = atol + rtol * Math.abs(e);
            double excess = Double.isNaN(a) || Double.isNaN(e) ? Double.POSITIVE_INFINITY : Math.abs(a - e) / tol;
            if (excess > 1 && excess > worstExcess) {
                worstExcess = excess;
                worst = i;
            }
        }
        if (worst >= 0) {
            fail(String.format("%s: element %d of %d is %.9g, expected %.9g (|diff| %.3g > tol %.3g = %.1g + %.1g·|expected|)",
                    what, worst, expected.length, actual[worst], expected[worst], Math.abs(actual[worst] - expected[worst]),
                    atol + rtol * Math.abs(expected[worst]), atol, rtol));
        }
    }

    /** Largest absolute value, for tolerances that scale with the data. */
    public static double maxAbs(double[] x) {
        double m = 0;
        for (double v : x) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }
}

package org.echorec.runtime.op.unary;

/**
 * The standard normal CDF Φ and density φ in float, for GELU's exact (erf) form; Java has no erf.
 *
 * <p>Note: erfc approximation. Φ(x) = ½·erfc(−x/√2) is computed through the Chebyshev-fitted
 * {@code erfc(z) ≈ t·exp(−z² + P(t))}, {@code t = 1/(1 + z/2)}, z ≥ 0 (Numerical Recipes §6.2),
 * whose fractional error is below 1.2e-7 for every z: it keeps full float relative accuracy in the
 * negative tail, where GELU is tiny and an absolute-error erf would lose every digit. The SIMD kernel
 * evaluates the same polynomial on vectors.
 */
public final class Gaussian {
    static final float SQRT_HALF = 0.70710678118654752f;
    static final float INV_SQRT_2PI = 0.39894228040143268f;

    /** Coefficients of P(t), constant term first. */
    static final float[] P = {
        -1.26551223f, 1.00002368f, 0.37409196f, 0.09678418f, -0.18628806f,
        0.27886807f, -1.13520398f, 1.48851587f, -0.82215223f, 0.17087277f
    };

    private Gaussian() {}

    /** erfc(z) for z ≥ 0. */
    static float erfcNonNegative(float z) {
        float t = 1f / (1f + 0.5f * z);
        float p = P[9];
        for (int i = 8; i >= 0; i--) {
            p = p * t + P[i];
        }
        return t * (float) Math.exp(-z * z + p);
    }

    /** Φ(x), the probability that a standard normal variable is at most x. */
    public static float cdf(float x) {
        float half = 0.5f * erfcNonNegative(Math.abs(x) * SQRT_HALF);
        return x < 0 ? half : 1f - half;
    }

    /** φ(x) = e^{−x²/2}/√(2π). */
    public static float pdf(float x) {
        return INV_SQRT_2PI * (float) Math.exp(-0.5f * x * x);
    }
}

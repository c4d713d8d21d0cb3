package org.echorec.runtime.op.norm;

/**
 * The scalar reference of layer and RMS normalisation over the last axis, in double: the definition
 * the kernels are tested against. x and dy are {@code rows × d} row-major; gamma and beta {@code [d]}.
 */
public final class NormRef {
    private NormRef() {}

    /** Mean of row r. */
    public static double mean(double[] x, int r, int d) {
        double s = 0;
        for (int j = 0; j < d; j++) {
            s += x[r * d + j];
        }
        return s / d;
    }

    /** {@code 1/√(σ² + eps)} of row r, σ² the biased variance. */
    public static double layerNormRstd(double[] x, int r, int d, double eps) {
        double mu = mean(x, r, d);
        double var = 0;
        for (int j = 0; j < d; j++) {
            double c = x[r * d + j] - mu;
            var += c * c;
        }
        return 1 / Math.sqrt(var / d + eps);
    }

    /** {@code 1/√(mean(x²) + eps)} of row r. */
    public static double rmsNormRstd(double[] x, int r, int d, double eps) {
        double ms = 0;
        for (int j = 0; j < d; j++) {
            ms += x[r * d + j] * x[r * d + j];
        }
        return 1 / Math.sqrt(ms / d + eps);
    }

    /** {@code y = (x − μ)·rstd·γ + β}. */
    public static double[] layerNorm(double[] x, double[] gamma, double[] beta, double eps) {
        int d = gamma.length;
        double[] y = new double[x.length];
        for (int r = 0; r < x.length / d; r++) {
            double mu = mean(x, r, d);
            double rstd = layerNormRstd(x, r, d, eps);
            for (int j = 0; j < d; j++) {
                y[r * d + j] = (x[r * d + j] - mu) * rstd * gamma[j] + beta[j];
            }
        }
        return y;
    }

    /**
     * {dx, dγ, dβ} of {@code Σ dy·layerNorm(x)}: with {@code x̂ = (x − μ)·rstd} and {@code g = dy·γ},
     * {@code dx = rstd·(g − mean(g) − x̂·mean(g·x̂))} per row, {@code dγ = Σ_rows dy·x̂}, {@code dβ = Σ_rows dy}.
     */
    public static double[][] layerNormBackward(double[] x, double[] gamma, double eps, double[] dy) {
        int d = gamma.length;
        double[] dx = new double[x.length];
        double[] dgamma = new double[d];
        double[] dbeta = new double[d];
        for (int r = 0; r < x.length / d; r++) {
            double mu = mean(x, r, d);
            double rstd = layerNormRstd(x, r, d, eps);
            double meanG = 0;
            double meanGx = 0;
            for (int j = 0; j < d; j++) {
                double xhat = (x[r * d + j] - mu) * rstd;
                double g = dy[r * d + j] * gamma[j];
                meanG += g / d;
                meanGx += g * xhat / d;
                dgamma[j] += dy[r * d + j] * xhat;
                dbeta[j] += dy[r * d + j];
            }
            for (int j = 0; j < d; j++) {
                double xhat = (x[r * d + j] - mu) * rstd;
                double g = dy[r * d + j] * gamma[j];
                dx[r * d + j] = rstd * (g - meanG - xhat * meanGx);
            }
        }
        return new double[][] {dx, dgamma, dbeta};
    }

    /** {@code y = x·rstd·γ}. */
    public static double[] rmsNorm(double[] x, double[] gamma, double eps) {
        int d = gamma.length;
        double[] y = new double[x.length];
        for (int r = 0; r < x.length / d; r++) {
            double rstd = rmsNormRstd(x, r, d, eps);
            for (int j = 0; j < d; j++) {
                y[r * d + j] = x[r * d + j] * rstd * gamma[j];
            }
        }
        return y;
    }

    /**
     * {dx, dγ} of {@code Σ dy·rmsNorm(x)}: with {@code g = dy·γ},
     * {@code dx = rstd·(g − x·rstd²·mean(g·x))}, {@code dγ = Σ_rows dy·x·rstd}.
     */
    public static double[][] rmsNormBackward(double[] x, double[] gamma, double eps, double[] dy) {
        int d = gamma.length;
        double[] dx = new double[x.length];
        double[] dgamma = new double[d];
        for (int r = 0; r < x.length / d; r++) {
            double rstd = rmsNormRstd(x, r, d, eps);
            double meanGx = 0;
            for (int j = 0; j < d; j++) {
                meanGx += dy[r * d + j] * gamma[j] * x[r * d + j] / d;
                dgamma[j] += dy[r * d + j] * x[r * d + j] * rstd;
            }
            for (int j = 0; j < d; j++) {
                double g = dy[r * d + j] * gamma[j];
                dx[r * d + j] = rstd * (g - x[r * d + j] * rstd * rstd * meanGx);
            }
        }
        return new double[][] {dx, dgamma};
    }
}

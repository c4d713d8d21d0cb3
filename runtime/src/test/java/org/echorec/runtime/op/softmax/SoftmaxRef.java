package org.echorec.runtime.op.softmax;

/**
 * The scalar reference of softmax and cross-entropy over the last axis, in double: the definition
 * the kernels are tested against. Matrices are {@code rows × v} row-major.
 */
public final class SoftmaxRef {
    private SoftmaxRef() {}

    /** {@code y = exp(x − max)/Σ exp(x − max)} per row. */
    public static double[] softmax(double[] x, int v) {
        double[] y = new double[x.length];
        for (int r = 0; r < x.length / v; r++) {
            double lse = logSumExp(x, r, v);
            for (int j = 0; j < v; j++) {
                y[r * v + j] = Math.exp(x[r * v + j] - lse);
            }
        }
        return y;
    }

    /** {@code dx = y·(dy − Σ dy·y)} per row. */
    public static double[] softmaxBackward(double[] y, double[] dy, int v) {
        double[] dx = new double[y.length];
        for (int r = 0; r < y.length / v; r++) {
            double dot = 0;
            for (int j = 0; j < v; j++) {
                dot += dy[r * v + j] * y[r * v + j];
            }
            for (int j = 0; j < v; j++) {
                dx[r * v + j] = y[r * v + j] * (dy[r * v + j] - dot);
            }
        }
        return dx;
    }

    /** {@code log Σ_j exp(x[r, j])}, shifted by the row max so it cannot overflow. */
    public static double logSumExp(double[] x, int r, int v) {
        double m = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < v; j++) {
            m = Math.max(m, x[r * v + j]);
        }
        double s = 0;
        for (int j = 0; j < v; j++) {
            s += Math.exp(x[r * v + j] - m);
        }
        return m + Math.log(s);
    }

    /** {@code lse[r]} for every row. */
    public static double[] logSumExp(double[] x, int v) {
        double[] lse = new double[x.length / v];
        for (int r = 0; r < lse.length; r++) {
            lse[r] = logSumExp(x, r, v);
        }
        return lse;
    }

    /** {@code loss[r] = lse[r] − x[r, t_r]}, 0 where {@code t_r < 0}. */
    public static double[] crossEntropy(double[] x, int[] targets, int v) {
        double[] loss = new double[targets.length];
        for (int r = 0; r < targets.length; r++) {
            loss[r] = targets[r] < 0 ? 0 : logSumExp(x, r, v) - x[r * v + targets[r]];
        }
        return loss;
    }

    /** {@code dx[r, j] = dloss[r]·(softmax(x)[r, j] − [j = t_r])}, zero rows where {@code t_r < 0}. */
    public static double[] crossEntropyBackward(double[] x, int[] targets, double[] dloss, int v) {
        double[] dx = new double[x.length];
        for (int r = 0; r < targets.length; r++) {
            if (targets[r] < 0) {
                continue;
            }
            double lse = logSumExp(x, r, v);
            for (int j = 0; j < v; j++) {
                double onehot = j == targets[r] ? 1 : 0;
                dx[r * v + j] = dloss[r] * (Math.exp(x[r * v + j] - lse) - onehot);
            }
        }
        return dx;
    }
}

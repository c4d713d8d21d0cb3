package org.echorec.runtime.op.unary;

import org.echorec.runtime.op.Unary;

/** The scalar reference of the elementwise functions, in double: the definition the kernels are tested against. */
public final class UnaryRef {
    private UnaryRef() {}

    public static double[] forward(Unary op, double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = f(op, x[i]);
        }
        return y;
    }

    public static double[] backward(Unary op, double[] x, double[] dy) {
        double[] dx = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            dx[i] = dy[i] * df(op, x[i]);
        }
        return dx;
    }

    public static double f(Unary op, double x) {
        return switch (op) {
            case EXP -> Math.exp(x);
            case LOG -> Math.log(x);
            case TANH -> Math.tanh(x);
            case SIGMOID -> 1 / (1 + Math.exp(-x));
            case SILU -> x / (1 + Math.exp(-x));
            case GELU -> x * phi(x);
            case SOFTPLUS -> x > 20 ? x : Math.log1p(Math.exp(x));
            case HARDSWISH -> x * Math.min(Math.max(x + 3, 0), 6) / 6;
            case RELU -> Math.max(x, 0);
            case SQUARE -> x * x;
        };
    }

    public static double df(Unary op, double x) {
        double s = 1 / (1 + Math.exp(-x));
        return switch (op) {
            case EXP -> Math.exp(x);
            case LOG -> 1 / x;
            case TANH -> 1 - Math.tanh(x) * Math.tanh(x);
            case SIGMOID -> s * (1 - s);
            case SILU -> s + x * s * (1 - s);
            case GELU -> phi(x) + x * Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);
            case SOFTPLUS -> x > 20 ? 1 : s;
            case HARDSWISH -> x < -3 ? 0 : x <= 3 ? x / 3 + 0.5 : 1;
            case RELU -> x > 0 ? 1 : 0;
            case SQUARE -> 2 * x;
        };
    }

    /** Φ(x) = ½·erfc(−x/√2). */
    public static double phi(double x) {
        return 0.5 * erfc(-x / Math.sqrt(2));
    }

    /**
     * erfc to about 1e-13 relative: the Maclaurin series of erf below |z| = 2.5, the continued
     * fraction {@code erfc z = e^{−z²}/√π · 1/(z + ½/(z + 1/(z + 3/2/(z + …))))} above.
     */
    public static double erfc(double z) {
        if (z < -2.5) {
            return 2 - erfc(-z);
        }
        if (z < 2.5) {
            double term = z;
            double sum = z;
            for (int n = 1; n < 200 && Math.abs(term) > 1e-18 * Math.abs(sum); n++) {
                term *= -z * z / n;
                sum += term / (2 * n + 1);
            }
            return 1 - 2 / Math.sqrt(Math.PI) * sum;
        }
        double f = z;
        for (int k = 80; k >= 1; k--) {
            f = z + (k / 2.0) / f;
        }
        return Math.exp(-z * z) / (Math.sqrt(Math.PI) * f);
    }
}

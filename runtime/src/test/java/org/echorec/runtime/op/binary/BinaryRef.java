package org.echorec.runtime.op.binary;

import org.echorec.runtime.op.Binary;

/**
 * The scalar reference of elementwise arithmetic, in double: the definition the kernels are tested
 * against. b repeats over a with period {@code b.length} (b broadcast over a's leading axes).
 */
public final class BinaryRef {
    private BinaryRef() {}

    public static double apply(Binary op, double x, double y) {
        return switch (op) {
            case ADD -> x + y;
            case SUB -> x - y;
            case MUL -> x * y;
            case DIV -> x / y;
        };
    }

    /** {@code out[i] = a[i] ∘ b[i mod p]}. */
    public static double[] forward(Binary op, double[] a, double[] b) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = apply(op, a[i], b[i % b.length]);
        }
        return out;
    }

    /**
     * Gradients {da, db} of {@code Σ dout·(a ∘ b)}: {@code da[i] = dout[i]·∂(a∘b)/∂a} and
     * {@code db[j] = Σ_{i ≡ j mod p} dout[i]·∂(a∘b)/∂b}.
     */
    public static double[][] backward(Binary op, double[] a, double[] b, double[] dout) {
        double[] da = new double[a.length];
        double[] db = new double[b.length];
        for (int i = 0; i < a.length; i++) {
            int j = i % b.length;
            double x = a[i];
            double y = b[j];
            double dx = switch (op) {
                case ADD, SUB -> 1;
                case MUL -> y;
                case DIV -> 1 / y;
            };
            double dy = switch (op) {
                case ADD -> 1;
                case SUB -> -1;
                case MUL -> x;
                case DIV -> -x / (y * y);
            };
            da[i] = dout[i] * dx;
            db[j] += dout[i] * dy;
        }
        return new double[][] {da, db};
    }

    /** {@code alpha·x + beta}. */
    public static double[] affine(double[] x, double alpha, double beta) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = alpha * x[i] + beta;
        }
        return y;
    }

    /** {@code y + alpha·x}. */
    public static double[] axpy(double alpha, double[] x, double[] y) {
        double[] out = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            out[i] = y[i] + alpha * x[i];
        }
        return out;
    }
}

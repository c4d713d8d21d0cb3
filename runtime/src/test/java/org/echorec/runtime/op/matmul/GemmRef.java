package org.echorec.runtime.op.matmul;

/**
 * The scalar reference of gemm, in double: the definition the kernels are tested against. A matrix is
 * a double array with an offset and a row stride: element (i, j) at {@code off + i·ld + j}.
 */
public final class GemmRef {
    private GemmRef() {}

    /**
     * {@code C = alpha·op(A)·op(B) + beta·C} for an m×n C and inner dimension k, where
     * {@code op(X) = Xᵀ} when its flag is set; with {@code beta = 0} C's old values are not used.
     */
    public static void gemm(boolean transA, boolean transB, int m, int n, int k, double alpha,
                            double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                            double beta, double[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int p = 0; p < k; p++) {
                    double aip = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    double bpj = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    sum += aip * bpj;
                }
                int at = cOff + i * ldc + j;
                c[at] = alpha * sum + (beta == 0 ? 0 : beta * c[at]);
            }
        }
    }

    /** {@code A·B} of row-major {@code A [m,k]} and {@code B [k,n]}. */
    public static double[] matmul(double[] a, double[] b, int m, int k, int n) {
        double[] c = new double[m * n];
        gemm(false, false, m, n, k, 1, a, 0, k, b, 0, n, 0, c, 0, n);
        return c;
    }

    /** The backward of {@code C = A·B}: {@code {dA = dC·Bᵀ, dB = Aᵀ·dC}}. */
    public static double[][] matmulBackward(double[] a, double[] b, double[] dc, int m, int k, int n) {
        double[] da = new double[m * k];
        double[] db = new double[k * n];
        gemm(false, true, m, k, n, 1, dc, 0, n, b, 0, n, 0, da, 0, k);
        gemm(true, false, k, n, m, 1, a, 0, k, dc, 0, n, 0, db, 0, n);
        return new double[][] {da, db};
    }

    /** Elementwise absolute values, for the magnitude {@code |A|·|B|} that rounding errors scale with. */
    public static double[] abs(double[] x) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = Math.abs(x[i]);
        }
        return out;
    }
}

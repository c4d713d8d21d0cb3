package org.echorec.runtime.op.reduce;

/**
 * The scalar reference of axis sums, in double: x viewed as {@code [outer, n, inner]} around the
 * axis, {@code out[o, j] = scale·Σ_i x[o, i, j]}, and its adjoint
 * {@code dx[o, i, j] = scale·dy[o, j]}.
 */
public final class ReduceRef {
    private ReduceRef() {}

    public static double[] sum(double[] x, int[] shape, int axis, double scale) {
        int outer = product(shape, 0, axis);
        int n = shape[axis];
        int inner = product(shape, axis + 1, shape.length);
        double[] out = new double[outer * inner];
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < inner; j++) {
                double s = 0;
                for (int i = 0; i < n; i++) {
                    s += x[(o * n + i) * inner + j];
                }
                out[o * inner + j] = scale * s;
            }
        }
        return out;
    }

    /** {@code dx} of {@code shape} from {@code dy} of shape without the axis. */
    public static double[] broadcastAxis(double[] dy, int[] shape, int axis, double scale) {
        int outer = product(shape, 0, axis);
        int n = shape[axis];
        int inner = product(shape, axis + 1, shape.length);
        double[] dx = new double[outer * n * inner];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < inner; j++) {
                    dx[(o * n + i) * inner + j] = scale * dy[o * inner + j];
                }
            }
        }
        return dx;
    }

    static int product(int[] shape, int from, int to) {
        int p = 1;
        for (int i = from; i < to; i++) {
            p *= shape[i];
        }
        return p;
    }
}

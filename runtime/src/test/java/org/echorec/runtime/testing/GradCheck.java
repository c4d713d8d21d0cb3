package org.echorec.runtime.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.function.Function;
import org.echorec.runtime.autograd.Tape;
import org.echorec.runtime.backend.Backend;
import org.echorec.runtime.tensor.Scope;
import org.echorec.runtime.tensor.Tensor;

/**
 * Gradient checks by central finite differences, at two levels:
 * <ul>
 *   <li>{@link #reference}: a primitive's scalar reference backward against differences of its
 *       reference forward, all in double precision, so a wrong formula cannot hide in float noise;</li>
 *   <li>{@link #tape}: a differentiable function's gradient through the tape against float
 *       differences of the same function, which checks the wiring (which kernel gets which tensor).</li>
 * </ul>
 */
public final class GradCheck {
    private GradCheck() {}

    /** A reference forward: inputs to one flat output. */
    @FunctionalInterface
    public interface Fn {
        double[] apply(double[][] inputs);
    }

    /** Central differences of {@code L = Σ w·f(x)} for every element of every input. */
    public static double[][] numeric(Fn f, double[][] inputs, double[] weights, double h) {
        double[][] grads = new double[inputs.length][];
        for (int k = 0; k < inputs.length; k++) {
            double[] x = inputs[k];
            grads[k] = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                double keep = x[i];
                double step = h * Math.max(1, Math.abs(keep));
                x[i] = keep + step;
                double up = dot(weights, f.apply(inputs));
                x[i] = keep - step;
                double down = dot(weights, f.apply(inputs));
                x[i] = keep;
                grads[k][i] = (up - down) / (2 * step);
            }
        }
        return grads;
    }

    /**
     * Asserts that {@code analytic[k]} (the reference backward's gradient of input k for upstream
     * {@code weights}) matches double-precision differences of {@code f}, to {@code tol} relative to
     * the largest gradient of that input.
     */
    public static void reference(String what, Fn f, double[][] inputs, double[] weights, double[][] analytic, double tol) {
        double[][] numeric = numeric(f, inputs, weights, 1e-6);
        for (int k = 0; k < inputs.length; k++) {
            if (analytic[k] == null) {
                continue;
            }
            double scale = Math.max(Near.maxAbs(numeric[k]), 1e-8);
            Near.assertClose(what + ": gradient of input " + k + " (reference backward vs finite differences)",
                    numeric[k], analytic[k], 0, tol * scale);
        }
    }

    /**
     * Checks the tape's gradient of {@code Σ w·f(inputs)} (w random) for every float input against float
     * central differences with step {@code h}. Inputs with more than 48 elements are probed at 48
     * random positions. The error allowed is {@code tol} times the largest gradient of that input.
     */
    public static void tape(String what, Backend backend, Function<Tensor[], Tensor> f, double tol, float h,
                            float[]... values) {
        tape(what, backend, f, tol, h, shapesOf(values), values);
    }

    /** As {@link #tape(String, Backend, Function, double, float, float[]...)} with explicit shapes. */
    public static void tape(String what, Backend backend, Function<Tensor[], Tensor> f, double tol, float h,
                            int[][] shapes, float[]... values) {
        Rand rand = new Rand(12345);
        try (Scope scope = Scope.open("gradcheck")) {
            Tensor[] inputs = new Tensor[values.length];
            for (int k = 0; k < values.length; k++) {
                inputs[k] = Tensor.of(backend, values[k].clone(), shapes[k]).requiresGrad(true);
            }
            double[] weights;
            try (Tape tape = Tape.record()) {
                Tensor y = f.apply(inputs);
                weights = rand.normal(Math.toIntExact(y.numel()), 1.0);
                tape.backward(y, Tensor.of(backend, Rand.toFloat(weights), y.shape()));
            }
            for (int k = 0; k < values.length; k++) {
                Tensor g = inputs[k].grad();
                float[] analytic = g == null ? new float[values[k].length] : g.toFloatArray();
                double scale = Math.max(Near.maxAbs(Rand.toDouble(analytic)), 1e-6);
                int probes = Math.min(values[k].length, 48);
                for (int p = 0; p < probes; p++) {
                    int i = values[k].length <= 48 ? p : rand.nextInt(values[k].length);
                    double numeric = difference(f, inputs, values, k, i, h, weights);
                    if (Math.abs(numeric - analytic[i]) > tol * scale) {
                        fail(String.format("%s: d/d input %d [%d] = %.6g by the tape, %.6g by differences (tol %.3g)",
                                what, k, i, analytic[i], numeric, tol * scale));
                    }
                }
            }
        }
    }

    private static double difference(Function<Tensor[], Tensor> f, Tensor[] inputs, float[][] values, int k, int i,
                                     float h, double[] weights) {
        float keep = values[k][i];
        float step = h * Math.max(1f, Math.abs(keep));
        double[] losses = new double[2];
        for (int side = 0; side < 2; side++) {
            float[] moved = values[k].clone();
            moved[i] = keep + (side == 0 ? step : -step);
            inputs[k].copyFrom(moved);
            try (Scope s = Scope.open("difference")) {
                losses[side] = dot(weights, Rand.toDouble(f.apply(inputs).toFloatArray()));
            }
        }
        inputs[k].copyFrom(values[k]);
        float up = keep + step;
        float down = keep - step;
        return (losses[0] - losses[1]) / ((double) up - (double) down);
    }

    private static int[][] shapesOf(float[][] values) {
        int[][] shapes = new int[values.length][];
        for (int k = 0; k < values.length; k++) {
            shapes[k] = new int[] {values[k].length};
        }
        return shapes;
    }

    public static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}

package org.echorec.model.rec;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.echorec.runtime.autograd.Tape;
import org.echorec.runtime.tensor.Scope;
import org.echorec.runtime.tensor.Tensor;

/**
 * Checks the tape's gradient of {@code Σ w·f()} (w random, the sum taken in double on the host) with
 * respect to named parameters against central finite differences, probing a few random entries of
 * every parameter. A linear functional of the outputs rather than the loss: its gradients are of
 * order one, well above the float32 noise of the differences (a mean cross-entropy's are not).
 * The tolerance is relative to the largest gradient entry of that parameter.
 */
final class ParamGradients {
    /** Absolute error allowed on top: float32 rounding in the forward, divided by the step. */
    private static final double NOISE = 6e-5;

    private ParamGradients() {}

    private static double difference(Tensor p, float[] values, int i, float step, double[] weights,
                                     Supplier<Tensor> output) {
        float keep = values[i];
        double[] sides = new double[2];
        float[] at = new float[2];
        for (int side = 0; side < 2; side++) {
            at[side] = keep + (side == 0 ? step : -step);
            values[i] = at[side];
            p.copyFrom(values);
            try (Scope s = Scope.open(); Tape.NoGrad off = Tape.noGrad()) {
                float[] y = output.get().toFloatArray();
                double sum = 0;
                for (int k = 0; k < y.length; k++) {
                    sum += weights[k] * y[k];
                }
                sides[side] = sum;
            }
        }
        values[i] = keep;
        p.copyFrom(values);
        return (sides[0] - sides[1]) / ((double) at[0] - (double) at[1]);
    }

    static void check(String what, Map<String, Tensor> params, Supplier<Tensor> output, int probes, float h,
                      double tol) {
        Map<String, float[]> analytic = new java.util.LinkedHashMap<>();
        double[] weights;
        try (Scope s = Scope.open(); Tape tape = Tape.record()) {
            Tensor y = output.get();
            SplittableRandom w = new SplittableRandom(5);
            weights = new double[Math.toIntExact(y.numel())];
            float[] wf = new float[weights.length];
            for (int i = 0; i < weights.length; i++) {
                weights[i] = w.nextDouble(-1, 1);
                wf[i] = (float) weights[i];
            }
            tape.backward(y, Tensor.of(y.backend(), wf, y.shape()));
            for (var e : params.entrySet()) {
                Tensor g = e.getValue().grad();
                analytic.put(e.getKey(), g == null ? new float[(int) e.getValue().numel()] : g.toFloatArray());
            }
        }
        for (Tensor p : params.values()) {
            p.zeroGrad();
        }
        SplittableRandom random = new SplittableRandom(17);
        int wellAboveNoise = 0;
        for (var e : params.entrySet()) {
            Tensor p = e.getValue();
            float[] values = p.toFloatArray();
            float[] grad = analytic.get(e.getKey());
            double scale = 1e-6;
            for (float g : grad) {
                scale = Math.max(scale, Math.abs(g));
            }
            if (scale > 30 * NOISE) {
                wellAboveNoise++;
            }
            for (int probe = 0; probe < Math.min(probes, values.length); probe++) {
                int i = values.length <= probes ? probe : random.nextInt(values.length);
                float keep = values[i];
                float step = h * Math.max(1f, Math.abs(keep));
                // Richardson: (4·D(h/2) − D(h))/3 cancels the h² term, so h can be large enough to
                // keep the float32 rounding of the forward small against the step
                double numeric = (4 * difference(p, values, i, step / 2, weights, output)
                        - difference(p, values, i, step, weights, output)) / 3;
                if (Math.abs(numeric - grad[i]) > tol * scale + NOISE) {
                    fail(String.format("%s: d Σw·y / d %s[%d] = %.6g by the tape, %.6g by differences (max |grad| %.3g)",
                            what, e.getKey(), i, grad[i], numeric, scale));
                }
            }
        }
        // a check that only ever compares noise with noise could not fail: most parameters must
        // have gradients well above the floor
        if (wellAboveNoise * 2 < params.size()) {
            fail(what + ": only " + wellAboveNoise + " of " + params.size() + " parameters have gradients above "
                    + 30 * NOISE + "; make the test's weights larger");
        }
    }
}

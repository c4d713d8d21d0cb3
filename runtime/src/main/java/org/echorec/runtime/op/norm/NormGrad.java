package org.echorec.runtime.op.norm;

import org.echorec.runtime.autograd.Tape;
import org.echorec.runtime.op.Ops;
import org.echorec.runtime.op.view.ViewGrad;
import org.echorec.runtime.tensor.Tensor;

/**
 * Differentiable layer and RMS normalisation over the last axis: one tape node each, whose rule is
 * one call of the fused backward ({@link Ops#layerNormBackward}, {@link Ops#rmsNormBackward}).
 *
 * <p>Note: one kernel, several gradients. {@link Grads#write} hands out one input's buffer to a
 * kernel that fills it. The fused backward fills up to three at once, so the writes are nested: each
 * level obtains one buffer (or null when that input needs no gradient) and the innermost level runs
 * the kernel once with all of them; every write then completes as usual (first contribution lands in
 * place, later ones are added).
 */
public final class NormGrad {
    private NormGrad() {}

    /** {@code (x − μ)/√(σ² + eps)·γ + β} per row of the last axis; gamma and beta {@code [d]}. */
    public static Tensor layerNorm(Tensor input, Tensor gammaInput, Tensor betaInput, float eps) {
        Tensor x = ViewGrad.contiguous(input);
        Tensor gamma = ViewGrad.contiguous(gammaInput);
        Tensor beta = ViewGrad.contiguous(betaInput);
        Ops ops = x.backend().ops();
        int rows = NormPlain.rows(x);
        Tensor y = Tensor.emptyLike(x);
        Tensor mean = Tensor.empty(x.backend(), rows);
        Tensor rstd = Tensor.empty(x.backend(), rows);
        ops.layerNorm(x, gamma, beta, eps, y, mean, rstd);
        Tensor[] inputs = {x, gamma, beta};
        Tape.record("layerNorm", new Tensor[] {y}, inputs, g -> {
            Tensor dy = ViewGrad.contiguous(g.of(y));
            g.writeAll(inputs, d -> ops.layerNormBackward(x, gamma, mean, rstd, dy, d[0], d[1], d[2]));
        });
        return y;
    }

    /** {@code x/√(mean(x²) + eps)·γ} per row of the last axis; gamma {@code [d]}. */
    public static Tensor rmsNorm(Tensor input, Tensor gammaInput, float eps) {
        Tensor x = ViewGrad.contiguous(input);
        Tensor gamma = ViewGrad.contiguous(gammaInput);
        Ops ops = x.backend().ops();
        Tensor y = Tensor.emptyLike(x);
        Tensor rstd = Tensor.empty(x.backend(), NormPlain.rows(x));
        ops.rmsNorm(x, gamma, eps, y, rstd);
        Tensor[] inputs = {x, gamma};
        Tape.record("rmsNorm", new Tensor[] {y}, inputs, g -> {
            Tensor dy = ViewGrad.contiguous(g.of(y));
            g.writeAll(inputs, d -> ops.rmsNormBackward(x, gamma, rstd, dy, d[0], d[1]));
        });
        return y;
    }
}

package org.echorec.runtime.op;

/**
 * Hyper-parameters of one Adam/AdamW update (see {@link Ops#adam}).
 *
 * @param lr          learning rate
 * @param beta1       first-moment decay
 * @param beta2       second-moment decay
 * @param eps         added to the bias-corrected root of the second moment
 * @param weightDecay L2 penalty added to the gradient (Adam) or decoupled shrinkage (AdamW)
 * @param decoupled   true for AdamW: p ← p·(1 − lr·weightDecay) before the Adam step
 * @param step        1-based step count, for the bias corrections 1 − βᵗ
 */
public record AdamStep(float lr, float beta1, float beta2, float eps, float weightDecay, boolean decoupled, long step) {
    public AdamStep {
        if (step < 1) {
            throw new IllegalArgumentException("Adam step counts from 1, got " + step);
        }
    }
}

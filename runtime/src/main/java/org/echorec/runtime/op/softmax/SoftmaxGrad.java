package org.echorec.runtime.op.softmax;

import org.echorec.runtime.autograd.Grads;
import org.echorec.runtime.autograd.Tape;
import org.echorec.runtime.op.Ops;
import org.echorec.runtime.op.view.ViewGrad;
import org.echorec.runtime.tensor.Scope;
import org.echorec.runtime.tensor.Tensor;

/**
 * Differentiable softmax and cross-entropy over the last axis, each one tape node whose rule is one
 * fused backward call.
 *
 * <p>Note: fresh gradient buffers. The cross-entropy kernels may write the gradient over the logits,
 * but a rule must not: another rule recorded earlier (the output projection's GEMM, say) may still
 * read the logits when its turn comes. So the rules write into the buffer {@link Grads#write} hands
 * out, which is never the logits.
 */
public final class SoftmaxGrad {
    private SoftmaxGrad() {}

    /** {@code exp(x − max)/Σ exp(x − max)} over the last axis. */
    public static Tensor softmax(Tensor input) {
        Tensor x = ViewGrad.contiguous(input);
        Ops ops = x.backend().ops();
        Tensor y = Tensor.emptyLike(x);
        ops.softmax(x, y);
        Tape.record("softmax", y, g -> g.write(x, dx -> ops.softmaxBackward(y, ViewGrad.contiguous(g.of(y)), dx)), x);
        return y;
    }

    /**
     * The mean of {@code lse[r] − logits[r, targets[r]]} over the rows whose target is not negative,
     * shape {@code []}: logits {@code [rows, V]}, targets int32 {@code [rows]} (no gradient). With no
     * such row the loss is 0 and so is its gradient (where PyTorch would give NaN).
     */
    public static Tensor crossEntropy(Tensor logitsInput, Tensor targetsInput) {
        Tensor logits = ViewGrad.contiguous(logitsInput);
        Tensor targets = ViewGrad.contiguous(targetsInput);
        Ops ops = logits.backend().ops();
        int rows = logits.dim(0);
        Tensor loss = Tensor.empty(logits.backend(), rows);
        Tensor lse = Tensor.empty(logits.backend(), rows);
        ops.crossEntropy(logits, targets, loss, lse);
        int counted = countTargets(targets);
        float scale = counted == 0 ? 0f : 1f / counted;
        Tensor mean = Tensor.empty(logits.backend());
        ops.sum(loss, 0, scale, mean);
        Tape.record("crossEntropy", mean, g -> g.write(logits, dlogits -> {
            try (Scope tmp = Scope.open("crossEntropy backward")) {
                Tensor dloss = Tensor.empty(logits.backend(), rows);
                ops.broadcastAxis(g.of(mean), 0, scale, dloss);
                ops.crossEntropyBackward(logits, targets, lse, dloss, dlogits);
            }
        }), logits);
        return mean;
    }

    /** {@code loss[r] = lse[r] − logits[r, targets[r]]}, 0 where the target is negative; shape {@code [rows]}. */
    public static Tensor crossEntropyPerRow(Tensor logitsInput, Tensor targetsInput) {
        Tensor logits = ViewGrad.contiguous(logitsInput);
        Tensor targets = ViewGrad.contiguous(targetsInput);
        Ops ops = logits.backend().ops();
        int rows = logits.dim(0);
        Tensor loss = Tensor.empty(logits.backend(), rows);
        Tensor lse = Tensor.empty(logits.backend(), rows);
        ops.crossEntropy(logits, targets, loss, lse);
        Tape.record("crossEntropyPerRow", loss, g -> g.write(logits, dlogits ->
                ops.crossEntropyBackward(logits, targets, lse, ViewGrad.contiguous(g.of(loss)), dlogits)), logits);
        return loss;
    }

    /** Number of targets ≥ 0 (read on the host: one int per row). */
    private static int countTargets(Tensor targets) {
        int n = 0;
        for (int t : targets.toIntArray()) {
            if (t >= 0) {
                n++;
            }
        }
        return n;
    }
}

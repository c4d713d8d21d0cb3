package org.echorec.runtime.optim;

import java.util.ArrayList;
import java.util.List;
import org.echorec.runtime.op.AdamStep;
import org.echorec.runtime.tensor.Scope;
import org.echorec.runtime.tensor.Tensor;

/**
 * Adam (Kingma &amp; Ba) and AdamW (decoupled weight decay, Loshchilov &amp; Hutter) over the fused
 * {@code Ops.adam} update. Moment buffers live in the optimizer's own scope, created zeroed on a
 * parameter's first update and released by {@link #close()}; a parameter without a gradient since the
 * last {@link #zeroGrad()} is skipped, as PyTorch does.
 */
public final class Adam implements AutoCloseable {
    private final List<Tensor> params;
    private final Tensor[] m;
    private final Tensor[] v;
    private final Scope state = Scope.detached("adam state");
    private final float beta1;
    private final float beta2;
    private final float eps;
    private final float weightDecay;
    private final boolean decoupled;
    private float lr;
    private long step;

    /** Adam with PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, no weight decay. */
    public Adam(List<Tensor> params, float lr) {
        this(params, lr, 0.9f, 0.999f, 1e-8f, 0f, false);
    }

    public Adam(List<Tensor> params, float lr, float beta1, float beta2, float eps, float weightDecay,
                boolean decoupled) {
        this.params = new ArrayList<>(params);
        this.m = new Tensor[params.size()];
        this.v = new Tensor[params.size()];
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.decoupled = decoupled;
    }

    /** AdamW: decoupled weight decay. */
    public static Adam adamW(List<Tensor> params, float lr, float weightDecay) {
        return new Adam(params, lr, 0.9f, 0.999f, 1e-8f, weightDecay, true);
    }

    public void setLearningRate(float value) {
        this.lr = value;
    }

    public float learningRate() {
        return lr;
    }

    /** Number of updates made. */
    public long steps() {
        return step;
    }

    /** Updates every parameter that has a gradient. */
    public void step() {
        step++;
        AdamStep hyper = new AdamStep(lr, beta1, beta2, eps, weightDecay, decoupled, step);
        for (int i = 0; i < params.size(); i++) {
            Tensor p = params.get(i);
            Tensor g = p.grad();
            if (g == null) {
                continue;
            }
            if (m[i] == null) {
                m[i] = zerosLike(p);
                v[i] = zerosLike(p);
            }
            p.backend().ops().adam(p, g, m[i], v[i], hyper);
        }
    }

    /** Forgets every parameter's gradient (the buffers are kept and overwritten by the next backward). */
    public void zeroGrad() {
        for (Tensor p : params) {
            p.zeroGrad();
        }
    }

    /** The first and second moment of parameter i, or null before its first update (checkpoints). */
    public Tensor[] moments(int i) {
        return new Tensor[] {m[i], v[i]};
    }

    /**
     * Parameter i's moments, created as zeros if it has none yet: for restoring a checkpointed
     * optimizer, with {@link #setSteps}.
     */
    public Tensor[] momentsForRestore(int i) {
        if (m[i] == null) {
            m[i] = zerosLike(params.get(i));
            v[i] = zerosLike(params.get(i));
        }
        return moments(i);
    }

    /** Sets the update count (bias correction continues from it), for a restored optimizer. */
    public void setSteps(long steps) {
        if (steps < 0) {
            throw new IllegalArgumentException("steps must be >= 0, got " + steps);
        }
        this.step = steps;
    }

    private Tensor zerosLike(Tensor p) {
        Tensor t = Tensor.empty(state, p.backend(), p.dtype(), p.shape());
        p.backend().ops().fill(t, 0f);
        return t;
    }

    @Override
    public void close() {
        state.close();
    }
}

package org.echorec.model.rec;

import org.echorec.model.nn.Linear;
import org.echorec.model.nn.Params;
import org.echorec.runtime.autograd.F;
import org.echorec.runtime.tensor.Tensor;

/**
 * The Mamba (v1) block of {@code mamba_ssm}: in_proj → (x, z); causal depthwise conv1d on x → SiLU
 * → u; x_proj(u) → (dt, B, C); Δ = softplus(dt_proj(dt)); the selective scan
 * {@code h_t = exp(Δ_t A) h_{t−1} + Δ_t B_t u_t, y_t = C_t·h_t + D u_t}; out_proj(y · SiLU(z)).
 *
 * <p>The scan is one fused primitive of the runtime, with dt_proj's bias passed to it as the Δ bias
 * (inside the softplus) so that Δ is never materialised separately.
 */
public final class MambaBlock {
    private final int dInner;
    private final int dtRank;
    private final int dState;
    private final int dConv;
    private final Linear inProj;
    private final Tensor convWeight;
    private final Tensor convBias;
    private final Linear xProj;
    private final Tensor dtWeight;
    private final Tensor dtBias;
    private final Tensor aLog;
    private final Tensor d;
    private final Linear outProj;

    public MambaBlock(Params p, ModelConfig c) {
        int dModel = c.hiddenSize();
        dInner = c.dInner();
        dtRank = c.dtRank();
        dState = c.dState();
        dConv = c.dConv();
        boolean mamba = c.mambaInit();
        inProj = linear(p.child("in_proj"), dModel, 2 * dInner, mamba);
        // PyTorch's Conv1d default (kaiming uniform, fan_in = d_conv for a depthwise kernel): the
        // reference recommenders re-initialise only Linear and Embedding, so the conv keeps it
        float convBound = (float) (1 / Math.sqrt(dConv));
        convWeight = p.uniform("conv1d.weight", -convBound, convBound, dInner, 1, dConv);
        convBias = p.uniform("conv1d.bias", -convBound, convBound, dInner);
        xProj = linear(p.child("x_proj"), dInner, dtRank + 2 * dState, mamba);
        if (mamba) {
            float dtStd = (float) (1 / Math.sqrt(dtRank));
            dtWeight = p.uniform("dt_proj.weight", -dtStd, dtStd, dInner, dtRank);
            dtBias = p.uniform("dt_proj.bias", 0f, 1f, dInner);
            dtBias.copyFrom(inverseSoftplusOfLogUniformDt(dtBias.toFloatArray()));
        } else {
            dtWeight = p.normal("dt_proj.weight", 0.02f, dInner, dtRank);
            dtBias = p.zeros("dt_proj.bias", dInner);
        }
        float[] logA = new float[dInner * dState];
        for (int ch = 0; ch < dInner; ch++) {
            for (int n = 0; n < dState; n++) {
                logA[ch * dState + n] = (float) Math.log(n + 1);
            }
        }
        aLog = p.of("A_log", logA, dInner, dState);
        d = p.ones("D", dInner);
        outProj = linear(p.child("out_proj"), dInner, dModel, mamba);
    }

    private static Linear linear(Params p, int in, int out, boolean mambaInit) {
        return mambaInit ? Linear.pytorchDefault(p, in, out, false) : new Linear(p, in, out, false);
    }

    /** Mamba's dt initialisation: dt log-uniform in [1e-3, 0.1] (floor 1e-4), bias = softplus⁻¹(dt). */
    private static float[] inverseSoftplusOfLogUniformDt(float[] uniform) {
        double lo = Math.log(1e-3);
        double hi = Math.log(0.1);
        float[] bias = new float[uniform.length];
        for (int i = 0; i < uniform.length; i++) {
            double dt = Math.max(1e-4, Math.exp(lo + uniform[i] * (hi - lo)));
            bias[i] = (float) (dt + Math.log(-Math.expm1(-dt)));
        }
        return bias;
    }

    /** x [B, L, d] → [B, L, d]. */
    public Tensor forward(Tensor x) {
        return forward(x, null);
    }

    /**
     * x [B, L, d] → [B, L, d], the scan of row b stopped after {@code steps[b]} steps (null: all): the
     * output is exact before that and meaningless after, for causal models that read only the steps
     * before (each history's own items).
     */
    public Tensor forward(Tensor x, int[] steps) {
        Tensor[] yz = scan(x, steps);
        return outProj.forward(F.mul(yz[0], F.silu(yz[1])));
    }

    /**
     * The block's output at one position per sequence only: x [B, L, d] → [B, d], row b taken at
     * {@code positions[b]}. Equal to gathering {@link #forward}'s output, but the gate and out_proj
     * (position-wise) run on B rows instead of B·L.
     */
    public Tensor forwardAt(Tensor x, int[] positions) {
        // the block is causal: the steps after a row's position are never read, so the scan stops there
        int[] steps = new int[positions.length];
        for (int b = 0; b < steps.length; b++) {
            steps[b] = positions[b] + 1;
        }
        Tensor[] yz = scan(x, steps);
        Tensor y = Sequences.rowsAt(yz[0], positions);
        Tensor z = Sequences.rowsAt(yz[1], positions);
        return outProj.forward(F.mul(y, F.silu(z)));
    }

    /** The scan output y and the gate input z, both [B, L, d_inner]. */
    private Tensor[] scan(Tensor x, int[] steps) {
        Tensor[] xz = Sequences.halves(inProj.forward(x));
        Tensor u = F.silu(F.causalConv1d(xz[0], F.reshape(convWeight, dInner, dConv), convBias));
        Tensor[] dbc = F.split(xProj.forward(u), -1, dtRank, dState, dState);
        Tensor delta = F.linear(F.contiguous(dbc[0]), dtWeight, null);
        Tensor a = F.scale(F.exp(aLog), -1f);
        Tensor y = F.selectiveScan(u, delta, a, F.contiguous(dbc[1]), F.contiguous(dbc[2]), d, dtBias, true, steps);
        return new Tensor[] {y, xz[1]};
    }
}

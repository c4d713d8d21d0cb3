package org.echorec.runtime.op;

import org.echorec.runtime.tensor.Tensor;

/**
 * The primitives every backend implements, one method each, forward and backward side by side.
 * This interface is the whole contract: a new backend can be written from these docs alone.
 *
 * <h2>Conventions</h2>
 * <ul>
 *   <li><b>Destination passing.</b> The caller allocates every output with the stated shape; a
 *       primitive overwrites its outputs completely unless the doc says it accumulates.</li>
 *   <li><b>Layout.</b> float32 ({@code F32}) unless stated, ids and indices int32 ({@code I32}),
 *       row-major and contiguous unless the doc accepts views. All tensors on this backend.</li>
 *   <li><b>Aliasing.</b> Outputs must not overlap inputs, except where a doc says "may alias".</li>
 *   <li><b>Errors.</b> A shape, type or layout the primitive does not support throws
 *       {@link IllegalArgumentException} naming the primitive and the tensors.</li>
 *   <li><b>Where the code is.</b> Family {@code f} lives in {@code org.echorec.runtime.op.f}:
 *       {@code FPlain} (plain Java, the fallback), {@code FSimd} (Vector API), {@code FGrad}
 *       (the differentiable function and its gradient rule); the scalar reference that defines the
 *       math, {@code FRef}, and {@code FTest} are beside the tests in the same package.</li>
 * </ul>
 */
public interface Ops {

    // ------------------------------------------------------------------ family: view

    /** {@code dst[i] = value} for every element; {@code dst} may be any strided view. */
    void fill(Tensor dst, float value);

    /**
     * {@code dst = src}, or {@code dst += src} when {@code accumulate}, elementwise over equal shapes.
     * Either side may be any strided view (transpose, narrow, expand on {@code src}); equal dtypes.
     * This is how views are made contiguous and how concat/split write into slices.
     */
    void copy(Tensor src, Tensor dst, boolean accumulate);

    /**
     * {@code y[..., i, ...] = x[..., n−1−i, ...]} along {@code axis}; equal shapes. Its own adjoint:
     * the backward is {@code flip(dy, axis, dx)}.
     */
    void flip(Tensor x, int axis, Tensor y);

    // ------------------------------------------------------------------ family: matmul

    /**
     * {@code C = alpha·op(A)·op(B) + beta·C}, where {@code op(X) = Xᵀ} when its flag is set.
     * Shapes: {@code op(A)} is {@code [M,K]}, {@code op(B)} is {@code [K,N]}, {@code C} is {@code [M,N]};
     * each operand is rank 2, or rank 3 with a leading batch axis; a rank-2 operand beside a rank-3
     * {@code C} is shared by every batch (as is a batch stride of 0). The last axis of every operand
     * must have stride 1; rows may have any stride ≥ the row length, so column slices of a wider
     * matrix are accepted without a copy. With {@code beta = 0} the old content of C is ignored
     * (even NaN). Backward of {@code C = A·B}: {@code dA = dC·Bᵀ}, {@code dB = Aᵀ·dC}, both gemm calls.
     */
    void gemm(boolean transA, boolean transB, float alpha, Tensor a, Tensor b, float beta, Tensor c);

    // ------------------------------------------------------------------ family: unary

    /** {@code y = f(x)} elementwise for the function {@code op} (see {@link Unary}); y may alias x. */
    void unary(Unary op, Tensor x, Tensor y);

    /** {@code dx = dy · f'(x)} elementwise; dx may alias dy. */
    void unaryBackward(Unary op, Tensor x, Tensor dy, Tensor dx);

    // ------------------------------------------------------------------ family: binary

    /**
     * {@code out = a ∘ b} elementwise, with {@code b} broadcast over the leading axes of {@code a}:
     * {@code b}'s shape is a suffix of {@code a}'s (a bias {@code [d]} against {@code [n, d]}), or b
     * has one element. {@code out} has a's shape and may alias a. Backward: for ADD/SUB
     * {@code da = dout}, {@code db = ±Σ_leading dout}; for MUL {@code da = dout·b},
     * {@code db = Σ_leading dout·a}; DIV is composed from MUL and unary ops.
     */
    void binary(Binary op, Tensor a, Tensor b, Tensor out);

    /** {@code y = alpha·x + beta} elementwise; y may alias x. */
    void affine(Tensor x, float alpha, float beta, Tensor y);

    /** {@code y += alpha·x} elementwise over equal element counts; the gradient accumulator. */
    void axpy(float alpha, Tensor x, Tensor y);

    // ------------------------------------------------------------------ family: reduce

    /**
     * {@code out = scale · Σ_axis x}: x viewed as {@code [outer, n, inner]} around {@code axis},
     * out as {@code [outer, inner]} (x's shape without the axis). Mean is {@code scale = 1/n}.
     * Accumulates in higher precision than float where the backend can.
     */
    void sum(Tensor x, int axis, float scale, Tensor out);

    /**
     * The adjoint of {@link #sum}: {@code dx[o, i, j] = scale · dy[o, j]} for every i along
     * {@code axis} of dx; dy has dx's shape without the axis.
     */
    void broadcastAxis(Tensor dy, int axis, float scale, Tensor dx);

    // ------------------------------------------------------------------ family: norm

    /**
     * Layer normalisation over the last axis: with {@code μ, σ²} the mean and biased variance of a
     * row, {@code y = (x − μ)·rstd·γ + β}, {@code rstd = 1/√(σ² + eps)}. x, y {@code [..., d]};
     * gamma, beta {@code [d]}; mean and rstd {@code [rows]} are saved for the backward.
     */
    void layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps, Tensor y, Tensor mean, Tensor rstd);

    /**
     * Gradients of {@link #layerNorm}: with {@code x̂ = (x−μ)·rstd} and {@code g = dy·γ},
     * {@code dx = rstd·(g − mean(g) − x̂·mean(g·x̂))} per row, {@code dγ = Σ_rows dy·x̂},
     * {@code dβ = Σ_rows dy}. Any of dx, dgamma, dbeta may be null when not needed.
     */
    void layerNormBackward(Tensor x, Tensor gamma, Tensor mean, Tensor rstd, Tensor dy,
                           Tensor dx, Tensor dgamma, Tensor dbeta);

    /**
     * RMS normalisation over the last axis: {@code y = x·rstd·γ}, {@code rstd = 1/√(mean(x²) + eps)};
     * rstd {@code [rows]} is saved for the backward.
     */
    void rmsNorm(Tensor x, Tensor gamma, float eps, Tensor y, Tensor rstd);

    /**
     * Gradients of {@link #rmsNorm}: with {@code g = dy·γ}, {@code dx = rstd·(g − x·rstd²·mean(g·x))},
     * {@code dγ = Σ_rows dy·x·rstd}. dx or dgamma may be null.
     */
    void rmsNormBackward(Tensor x, Tensor gamma, Tensor rstd, Tensor dy, Tensor dx, Tensor dgamma);

    // ------------------------------------------------------------------ family: softmax

    /** {@code y = exp(x − max)/Σ exp(x − max)} over the last axis; y may alias x. */
    void softmax(Tensor x, Tensor y);

    /** {@code dx = y·(dy − Σ_last dy·y)} per row; dx may alias dy. */
    void softmaxBackward(Tensor y, Tensor dy, Tensor dx);

    /**
     * Fused log-softmax and negative log-likelihood over a large vocabulary, never materialising more
     * than the logits: for row r with target {@code t = targets[r]},
     * {@code lse[r] = log Σ_j exp(logits[r,j])} and {@code loss[r] = lse[r] − logits[r,t]}; a row with
     * {@code t < 0} is ignored ({@code loss = 0}). logits {@code [rows, V]}, targets int32
     * {@code [rows]}, loss and lse {@code [rows]}. Targets ≥ V throw.
     */
    void crossEntropy(Tensor logits, Tensor targets, Tensor loss, Tensor lse);

    /**
     * {@code dlogits[r,j] = dloss[r]·(exp(logits[r,j] − lse[r]) − [j = t_r])}, zero rows where
     * {@code t_r < 0}. dlogits may alias logits (the usual case: the gradient replaces the logits).
     */
    void crossEntropyBackward(Tensor logits, Tensor targets, Tensor lse, Tensor dloss, Tensor dlogits);

    // ------------------------------------------------------------------ family: gather

    /**
     * Embedding lookup: {@code out[i, :] = table[ids[i], :]}. table {@code [V, d]}, ids int32 of any
     * shape S, out {@code S + [d]}. An id outside {@code [0, V)} throws.
     */
    void gather(Tensor table, Tensor ids, Tensor out);

    /**
     * The gradient of {@link #gather}, accumulating: {@code table[ids[i], :] += src[i, :]} for every i
     * with {@code ids[i] != skipIndex} (the padding id gets no gradient; pass −1 to skip none).
     */
    void scatterAdd(Tensor ids, Tensor src, int skipIndex, Tensor table);

    // ------------------------------------------------------------------ family: random

    /**
     * Inverted dropout with a counter-based generator, so every backend draws the same mask from the
     * same seed: element i is kept when {@code Philox.uniform(seed, offset + i) ≥ p}, and then
     * {@code y[i] = x[i]/(1−p)}, else 0. The backward is the same call on dy with the same seed and
     * offset (no mask is stored). y may alias x.
     */
    void dropout(Tensor x, float p, long seed, long offset, Tensor y);

    /** {@code dst[i] = lo + (hi−lo)·Philox.uniform(seed, offset + i)}. */
    void randomUniform(Tensor dst, long seed, long offset, float lo, float hi);

    /** {@code dst[i] = mean + std·Philox.normal(seed, offset + i)} (Box–Muller on the same stream). */
    void randomNormal(Tensor dst, long seed, long offset, float mean, float std);

    // ------------------------------------------------------------------ family: conv

    /**
     * Depthwise causal convolution along the sequence, channels last: x, y {@code [B, L, C]}, w
     * {@code [C, K]}, bias {@code [C]} or null; {@code y[b,t,c] = bias[c] + Σ_{k<K} w[c,k]·x[b, t−K+1+k, c]}
     * with x taken as 0 before t = 0 (PyTorch's Conv1d with padding K−1, cut to the first L outputs).
     */
    void causalConv1d(Tensor x, Tensor w, Tensor bias, Tensor y);

    /**
     * Gradients of {@link #causalConv1d}: {@code dx[b,s,c] = Σ_k w[c,k]·dy[b, s+K−1−k, c]},
     * {@code dw[c,k] = Σ_{b,t} dy[b,t,c]·x[b,t−K+1+k,c]}, {@code dbias[c] = Σ_{b,t} dy[b,t,c]}.
     * Any of dx, dw, dbias may be null.
     */
    void causalConv1dBackward(Tensor x, Tensor w, Tensor dy, Tensor dx, Tensor dw, Tensor dbias);

    // ------------------------------------------------------------------ family: scan

    /**
     * The Mamba selective scan, fused. Shapes: u, delta, y {@code [B, L, D]}; a {@code [D, N]};
     * b, c {@code [B, L, N]}; d and deltaBias {@code [D]} or null; states {@code [B, S, D, N]}.
     * With {@code Δ = softplus(delta + deltaBias)} when {@code deltaSoftplus} (else
     * {@code delta + deltaBias}; softplus is {@link Unary#SOFTPLUS}, linear above 20 as in PyTorch),
     * per batch row and channel d, from {@code h_{−1} = 0}:
     * <pre>
     *   h_t[n] = exp(Δ_t·a[d,n])·h_{t−1}[n] + Δ_t·b_t[n]·u_t
     *   y_t    = Σ_n c_t[n]·h_t[n] + d[d]·u_t
     * </pre>
     * The (B, L, D, N) hidden states are never stored: the sequence is cut into S chunks of
     * {@code ceil(L/S)} steps and {@code states[b, s]} receives h after the last step of chunk s
     * (so {@code states[b, S−1]} is the final state), which is all the backward needs. A chunk that
     * starts at or after L (when S does not divide L evenly, or S &gt; L) is empty and holds the state
     * where it starts, so {@code states[b, S−1]} is the final state in every case.
     *
     * <p>{@code lengths} (int32 {@code [B]}, values in 0..L, or null for L everywhere) stops row b's
     * scan after {@code lengths[b]} steps: y is 0 at the steps after, and those steps receive zero
     * gradients in the backward. That is the same function as the full scan on the steps before, for
     * causal models that never read a padded position's output; the work is proportional to the
     * valid steps only.
     */
    void selectiveScan(Tensor u, Tensor delta, Tensor a, Tensor b, Tensor c, Tensor d, Tensor deltaBias,
                       boolean deltaSoftplus, Tensor lengths, Tensor y, Tensor states);

    /**
     * Gradients of {@link #selectiveScan} by recomputation from the chunk states, chunk by chunk in
     * reverse. du, ddelta {@code [B, L, D]} (ddelta is the gradient of the raw delta input); da
     * {@code [D, N]}; db, dc {@code [B, L, N]}; dd, ddeltaBias {@code [D]}. dd and ddeltaBias may be
     * null (and must be when d, deltaBias are); all outputs are overwritten. {@code lengths} must be
     * the forward's.
     */
    void selectiveScanBackward(Tensor u, Tensor delta, Tensor a, Tensor b, Tensor c, Tensor d, Tensor deltaBias,
                               boolean deltaSoftplus, Tensor lengths, Tensor states, Tensor dy,
                               Tensor du, Tensor ddelta, Tensor da, Tensor db, Tensor dc, Tensor dd,
                               Tensor ddeltaBias);

    // ------------------------------------------------------------------ family: fft

    /**
     * Real FFT along {@code axis} with the orthonormal scaling, any length n (not only powers of two):
     * x viewed as {@code [outer, n, inner]}, out {@code [outer, n/2+1, inner, 2]} (real, imaginary
     * interleaved, as PyTorch's view_as_real and cuFFT store complex numbers):
     * {@code out[o,k,j] = n^{−½} Σ_t x[o,t,j]·e^{−2πi·kt/n}}.
     */
    void rfft(Tensor x, int axis, Tensor out);

    /**
     * The inverse of {@link #rfft} (orthonormal, Hermitian): spec {@code [outer, n/2+1, inner, 2]},
     * x {@code [outer, n, inner]} with n given by x's shape along {@code axis};
     * {@code x[o,t,j] = n^{−½} Σ_{k<n} X_k e^{2πi·kt/n}} with {@code X_{n−k} = conj X_k}. The imaginary
     * parts of bin 0 and, for even n, bin n/2 are ignored, as in PyTorch and cuFFT.
     */
    void irfft(Tensor spec, int axis, Tensor x);

    /**
     * Gradient of {@link #rfft}: {@code dx[t] = n^{−½} Re Σ_{k≤n/2} dout_k·e^{2πi·kt/n}} (the bins are
     * not mirrored: the gradient of a real input with respect to the half spectrum).
     */
    void rfftBackward(Tensor dout, int axis, Tensor dx);

    /**
     * Gradient of {@link #irfft}: {@code dspec_k = m_k·rfft(dx)_k} with {@code m_k = 1} for bin 0 and
     * (even n) bin n/2 and 2 for the others, and zero imaginary parts at the bins whose imaginary part
     * irfft ignores.
     */
    void irfftBackward(Tensor dx, int axis, Tensor dspec);

    /**
     * Complex product with a weight broadcast over leading axes: a, out {@code [..., F, C, 2]},
     * w {@code [F, C, 2]}: {@code out = a·w} per complex element. out may alias a.
     */
    void complexMul(Tensor a, Tensor w, Tensor out);

    /**
     * Gradients of {@link #complexMul}: {@code da = dout·conj(w)}, {@code dw = Σ_leading dout·conj(a)}.
     * da or dw may be null.
     */
    void complexMulBackward(Tensor a, Tensor w, Tensor dout, Tensor da, Tensor dw);

    // ------------------------------------------------------------------ family: select

    /**
     * The k largest values of each row of x {@code [rows, n]} and their column indices, in
     * descending order; equal values keep the smaller index first; NaN counts as smallest.
     * values {@code [rows, k]} float32, indices {@code [rows, k]} int32, {@code 1 ≤ k ≤ n}.
     */
    void topK(Tensor x, int k, Tensor values, Tensor indices);

    // ------------------------------------------------------------------ family: optim

    /**
     * One fused Adam/AdamW update of a parameter in place, with its moment buffers:
     * {@code g = grad (+ wd·p unless decoupled)}, {@code m ← β1·m + (1−β1)·g},
     * {@code v ← β2·v + (1−β2)·g²}, {@code p ← p·(1 − lr·wd) (decoupled only)},
     * {@code p ← p − lr·(m/(1−β1ᵗ)) / (√(v/(1−β2ᵗ)) + eps)}. All four tensors have equal shapes.
     */
    void adam(Tensor param, Tensor grad, Tensor m, Tensor v, AdamStep step);
}

// Family optim: the fused Adam/AdamW update. Spec: Ops.adam, AdamStep, AdamPlain.
// Conventions: see view.cu and KERNELS.md. param, grad, m, v: contiguous F32 of n elements.
//
// Note: constants and bits. The per-call constants are computed on the host in double exactly as
// AdamPlain.Constants.of does (PyTorch's order): stepSize = (float)(lr / (1 − β1ᵗ)),
// rootCorrection2 = (float)sqrt(1 − β2ᵗ), shrink = decoupled ? 1f − lr·wd : 1f (float arithmetic),
// l2 = decoupled ? 0f : wd. The kernel then repeats AdamPlain.update operation by operation with the
// _rn intrinsics (no FMA contraction, IEEE sqrt and division even under --use_fast_math), so the
// update is bit-identical to the plain CPU kernel.

// adam: g = grad + l2·p; m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g²;
//       p = p·shrink − stepSize·m / (sqrt(v)/rootCorrection2 + eps).
// Params: (float* param, const float* grad, float* m, float* v, long long n, float stepSize,
//          float rootCorrection2, float shrink, float l2, float beta1, float beta2, float eps)
// Launch: block 256, grid min(ceil(n/256), 65535); no shared memory.
extern "C" __global__ void adam(float* __restrict__ param, const float* __restrict__ grad, float* __restrict__ m,
                                float* __restrict__ v, long long n, float stepSize, float rootCorrection2,
                                float shrink, float l2, float beta1, float beta2, float eps) {
    const float oneMinusB1 = __fsub_rn(1.0f, beta1);
    const float oneMinusB2 = __fsub_rn(1.0f, beta2);
    const long long step = (long long) gridDim.x * blockDim.x;
    for (long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x; i < n; i += step) {
        const float p = param[i];
        const float g = __fadd_rn(grad[i], __fmul_rn(l2, p));
        const float mi = __fadd_rn(__fmul_rn(beta1, m[i]), __fmul_rn(oneMinusB1, g));
        const float vi = __fadd_rn(__fmul_rn(beta2, v[i]), __fmul_rn(oneMinusB2, __fmul_rn(g, g)));
        m[i] = mi;
        v[i] = vi;
        // Java: (float) Math.sqrt(vi) — the double root rounded to float equals the float root
        const float denom = __fadd_rn(__fdiv_rn(__fsqrt_rn(vi), rootCorrection2), eps);
        param[i] = __fsub_rn(__fmul_rn(p, shrink), __fdiv_rn(__fmul_rn(stepSize, mi), denom));
    }
}

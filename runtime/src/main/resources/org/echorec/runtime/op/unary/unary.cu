// Family unary: y = f(x) and dx = dy·f'(x) for every Unary, elementwise. Spec: Ops.unary,
// Ops.unaryBackward, Unary (formulas and kink conventions), UnaryPlain (the code they must match).
//
// Conventions: see view.cu and KERNELS.md. Tensors are contiguous F32; y may alias x and dx may
// alias dy (each element is read and written by one thread), so no pointer is __restrict__.
//
// Every kernel here has one of two parameter lists and one launch:
//   <f>_fwd(const float* x, float* y, long long n)
//   <f>_bwd(const float* x, const float* dy, float* dx, long long n)
//   Launch: block 256, grid min(ceil(n/256), 65535); no shared memory.
//
// Note: accuracy. The CPU evaluates exp, log, tanh, log1p in double and rounds once; here the
// float functions (expf: ≤ 2 ulp, logf/tanhf/log1pf ≤ 2-3 ulp) are used, far inside the 1e-4
// relative parity of the tests. GELU uses normcdff (Φ, ≤ 5 ulp) where the CPU uses a Numerical
// Recipes erfc fit with relative error < 1.2e-7: both keep relative accuracy in the negative tail.
// Comparisons are written as in UnaryPlain so that NaN takes the same branch (fmaxf would not).

#define SOFTPLUS_THRESHOLD 20.0f
#define INV_SQRT_2PI 0.39894228040143268f

__device__ __forceinline__ float sigmoid(float x) { return 1.0f / (1.0f + expf(-x)); }

// ---------------------------------------------------------------- f(x)
__device__ __forceinline__ float f_exp(float x) { return expf(x); }
__device__ __forceinline__ float f_log(float x) { return logf(x); }
__device__ __forceinline__ float f_tanh(float x) { return tanhf(x); }
__device__ __forceinline__ float f_sigmoid(float x) { return sigmoid(x); }
__device__ __forceinline__ float f_silu(float x) { return x * sigmoid(x); }
__device__ __forceinline__ float f_gelu(float x) { return x * normcdff(x); }
__device__ __forceinline__ float f_softplus(float x) {
    return x > SOFTPLUS_THRESHOLD ? x : log1pf(expf(x));   // PyTorch's threshold: linear above 20
}
__device__ __forceinline__ float f_hardswish(float x) {
    float r = x + 3.0f;                                       // min(max(x+3, 0), 6) as Java writes it
    r = r > 0.0f ? r : (r != r ? r : 0.0f);
    r = r < 6.0f ? r : (r != r ? r : 6.0f);
    return x * r / 6.0f;
}
__device__ __forceinline__ float f_relu(float x) { return x > 0.0f ? x : 0.0f; }
__device__ __forceinline__ float f_square(float x) { return x * x; }

// ---------------------------------------------------------------- f'(x)
__device__ __forceinline__ float d_exp(float x) { return expf(x); }
__device__ __forceinline__ float d_log(float x) { return 1.0f / x; }
__device__ __forceinline__ float d_tanh(float x) {
    float t = tanhf(x);
    return 1.0f - t * t;
}
__device__ __forceinline__ float d_sigmoid(float x) {
    float s = sigmoid(x);
    return s * (1.0f - s);
}
__device__ __forceinline__ float d_silu(float x) {
    float s = sigmoid(x);
    return s * (1.0f + x * (1.0f - s));
}
__device__ __forceinline__ float d_gelu(float x) {
    return normcdff(x) + x * (INV_SQRT_2PI * expf(-0.5f * x * x));
}
__device__ __forceinline__ float d_softplus(float x) { return x > SOFTPLUS_THRESHOLD ? 1.0f : sigmoid(x); }
__device__ __forceinline__ float d_hardswish(float x) {
    return x < -3.0f ? 0.0f : x <= 3.0f ? x / 3.0f + 0.5f : 1.0f;   // NaN falls through to 1, as in Java
}
__device__ __forceinline__ float d_relu(float x) { return x > 0.0f ? 1.0f : 0.0f; }
__device__ __forceinline__ float d_square(float x) { return 2.0f * x; }

#define UNARY_FWD(f)                                                                          \
    const long long step = (long long) gridDim.x * blockDim.x;                                \
    for (long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x; i < n; i += step) { \
        y[i] = f(x[i]);                                                                       \
    }

#define UNARY_BWD(d)                                                                          \
    const long long step = (long long) gridDim.x * blockDim.x;                                \
    for (long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x; i < n; i += step) { \
        dx[i] = dy[i] * d(x[i]);                                                              \
    }

extern "C" __global__ void exp_fwd(const float* x, float* y, long long n) { UNARY_FWD(f_exp) }
extern "C" __global__ void exp_bwd(const float* x, const float* dy, float* dx, long long n) { UNARY_BWD(d_exp) }
extern "C" __global__ void log_fwd(const float* x, float* y, long long n) { UNARY_FWD(f_log) }
extern "C" __global__ void log_bwd(const float* x, const float* dy, float* dx, long long n) { UNARY_BWD(d_log) }
extern "C" __global__ void tanh_fwd(const float* x, float* y, long long n) { UNARY_FWD(f_tanh) }
extern "C" __global__ void tanh_bwd(const float* x, const float* dy, float* dx, long long n) { UNARY_BWD(d_tanh) }
extern "C" __global__ void sigmoid_fwd(const float* x, float* y, long long n) { UNARY_FWD(f_sigmoid) }
extern "C" __global__ void sigmoid_bwd(const float* x, const float* dy, float* dx, long long n) { UNARY_BWD(d_sigmoid) }
extern "C" __global__ void silu_fwd(const float* x, float* y, long long n) { UNARY_FWD(f_silu) }
extern "C" __global__ void silu_bwd(const float* x, const float* dy, float* dx, long long n) { UNARY_BWD(d_silu) }
extern "C" __global__ void gelu_fwd(const float* x, float* y, long long n) { UNARY_FWD(f_gelu) }
extern "C" __global__ void gelu_bwd(const float* x, const float* dy, float* dx, long long n) { UNARY_BWD(d_gelu) }
extern "C" __global__ void softplus_fwd(const float* x, float* y, long long n) { UNARY_FWD(f_softplus) }
extern "C" __global__ void softplus_bwd(const float* x, const float* dy, float* dx, long long n) { UNARY_BWD(d_softplus) }
extern "C" __global__ void hardswish_fwd(const float* x, float* y, long long n) { UNARY_FWD(f_hardswish) }
extern "C" __global__ void hardswish_bwd(const float* x, const float* dy, float* dx, long long n) { UNARY_BWD(d_hardswish) }
extern "C" __global__ void relu_fwd(const float* x, float* y, long long n) { UNARY_FWD(f_relu) }
extern "C" __global__ void relu_bwd(const float* x, const float* dy, float* dx, long long n) { UNARY_BWD(d_relu) }
extern "C" __global__ void square_fwd(const float* x, float* y, long long n) { UNARY_FWD(f_square) }
extern "C" __global__ void square_bwd(const float* x, const float* dy, float* dx, long long n) { UNARY_BWD(d_square) }

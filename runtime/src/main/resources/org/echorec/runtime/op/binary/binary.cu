// Family binary: out = a ∘ b with b broadcast over a's leading axes, affine, axpy.
// Spec: Ops.binary/affine/axpy, BinaryPlain. Conventions: see view.cu and KERNELS.md.
//
// Note: broadcast. CheckedOps accepts b when it has one element or its shape (leading 1s
// trimmed) is a suffix of a's; either way b repeats with period p = b.numel() over a's contiguous
// elements: out[i] = a[i] ∘ b[i mod p] (BinaryPlain). out has a's shape and may alias a, so no
// pointer is __restrict__. DIV is IEEE division (NVRTC's default -prec-div=true): never pass
// --use_fast_math.
//
// Every <op>_fwd kernel (add, sub, mul, div):
//   Params: (const float* a, const float* b, float* out, long long n, long long period)
//           n = a.numel(), period = b.numel() ≥ 1.
//   Launch: block 256, grid min(ceil(n/256), 65535); no shared memory.

// i mod p, in 32-bit arithmetic when both fit (the common case; 64-bit division is slow).
__device__ __forceinline__ long long wrap(long long i, long long p) {
    if (((unsigned long long) i | (unsigned long long) p) <= 0xffffffffULL) {
        return (long long) ((unsigned int) i % (unsigned int) p);
    }
    return i % p;
}

#define BINARY_FWD(expr)                                                                      \
    const long long step = (long long) gridDim.x * blockDim.x;                                \
    if (period == 1) {                                                                        \
        const float bv = b[0];                                                                \
        for (long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x; i < n; i += step) { \
            const float av = a[i];                                                            \
            out[i] = (expr);                                                                  \
        }                                                                                     \
    } else {                                                                                  \
        for (long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x; i < n; i += step) { \
            const float av = a[i];                                                            \
            const float bv = b[wrap(i, period)];                                              \
            out[i] = (expr);                                                                  \
        }                                                                                     \
    }

extern "C" __global__ void add_fwd(const float* a, const float* b, float* out, long long n, long long period) {
    BINARY_FWD(av + bv)
}

extern "C" __global__ void sub_fwd(const float* a, const float* b, float* out, long long n, long long period) {
    BINARY_FWD(av - bv)
}

extern "C" __global__ void mul_fwd(const float* a, const float* b, float* out, long long n, long long period) {
    BINARY_FWD(av * bv)
}

extern "C" __global__ void div_fwd(const float* a, const float* b, float* out, long long n, long long period) {
    BINARY_FWD(av / bv)
}

// affine: y = fma(alpha, x, beta) elementwise (Ops.affine). One rounding, as BinaryPlain's
// Math.fma, so the result is bit-identical to the CPU. y may alias x.
// Params: (const float* x, float* y, long long n, float alpha, float beta)
// Launch: block 256, grid min(ceil(n/256), 65535); no shared memory.
extern "C" __global__ void affine(const float* x, float* y, long long n, float alpha, float beta) {
    const long long step = (long long) gridDim.x * blockDim.x;
    for (long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x; i < n; i += step) {
        y[i] = fmaf(alpha, x[i], beta);
    }
}

// axpy: y = fma(alpha, x, y) elementwise over equal element counts (Ops.axpy, the gradient
// accumulator); bit-identical to BinaryPlain's Math.fma.
// Params: (const float* x, float* y, long long n, float alpha)
// Launch: block 256, grid min(ceil(n/256), 65535); no shared memory.
extern "C" __global__ void axpy(const float* x, float* y, long long n, float alpha) {
    const long long step = (long long) gridDim.x * blockDim.x;
    for (long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x; i < n; i += step) {
        y[i] = fmaf(alpha, x[i], y[i]);
    }
}

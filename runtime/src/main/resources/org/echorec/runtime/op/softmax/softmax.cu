// Family softmax: row softmax and its backward, the fused cross-entropy over a large vocabulary.
// Spec: Ops.softmax/softmaxBackward/crossEntropy/crossEntropyBackward, SoftmaxPlain.
// Conventions: see view.cu and KERNELS.md. Rows are the last axis, contiguous.
//
// Note: max and NaN. Java's Math.max propagates NaN and fmaxf does not, so row maxima use
// nan_max: a row holding NaN gives NaN outputs, as on the CPU. Sums of exp() are double, as in
// SoftmaxPlain; each exp is expf of a float difference (≤ 2 ulp from the CPU's rounded double exp).
//
// Note: aliasing. softmax's y may alias x, softmaxBackward's dx may alias dy and
// crossEntropyBackward's dlogits may alias logits (the usual case). Every kernel reads an element
// and writes it from the same thread, after the reductions that need the input, so aliasing is
// safe; those pointers are not __restrict__.

#define WARP_MASK 0xffffffffu
#define NEG_INF __int_as_float(0xff800000)
#define CE_THREADS 256   // cross-entropy block size (the launcher must use this value)

__device__ __forceinline__ float nan_max(float a, float b) {
    return (a != a || a > b) ? a : b;   // a NaN wins; otherwise b is NaN, larger or equal
}

__device__ __forceinline__ float warp_max(float v) {
    for (int o = 16; o > 0; o >>= 1) {
        v = nan_max(v, __shfl_xor_sync(WARP_MASK, v, o));
    }
    return v;
}

__device__ __forceinline__ double warp_sum(double v) {
    for (int o = 16; o > 0; o >>= 1) {
        v += __shfl_xor_sync(WARP_MASK, v, o);
    }
    return v;
}

// softmax_fwd: y = exp(x − max)/Σ exp(x − max) per row (Ops.softmax): y[i] = e_i first, then
// y[i] *= (float)(1/Σ e) as SoftmaxPlain. One warp per row (softmax rows are attention rows or
// short; the 12k-50k logit rows go through cross_entropy_*).
// Params: (const float* x, float* y, long long rows, int v)
// Launch: block 256 (8 warps = 8 rows), grid min(ceil(rows/8), 65535); no shared memory.
extern "C" __global__ void softmax_fwd(const float* x, float* y, long long rows, int v) {
    const int lane = threadIdx.x & 31;
    const int warps = blockDim.x >> 5;
    for (long long row = (long long) blockIdx.x * warps + (threadIdx.x >> 5); row < rows;
         row += (long long) gridDim.x * warps) {
        const float* xr = x + row * v;
        float* yr = y + row * v;
        float m = NEG_INF;
        for (int j = lane; j < v; j += 32) {
            m = nan_max(m, xr[j]);
        }
        m = warp_max(m);
        double s = 0.0;
        for (int j = lane; j < v; j += 32) {
            const float e = expf(xr[j] - m);
            yr[j] = e;
            s += e;
        }
        const float inv = (float) (1.0 / warp_sum(s));
        for (int j = lane; j < v; j += 32) {
            yr[j] = yr[j] * inv;
        }
    }
}

// softmax_bwd: dx = y·(dy − Σ_row dy·y) per row (Ops.softmaxBackward), the dot in double then
// rounded to float as SoftmaxPlain.
// Params: (const float* y, const float* dy, float* dx, long long rows, int v)
// Launch: block 256 (8 warps = 8 rows), grid min(ceil(rows/8), 65535); no shared memory.
extern "C" __global__ void softmax_bwd(const float* y, const float* dy, float* dx, long long rows, int v) {
    const int lane = threadIdx.x & 31;
    const int warps = blockDim.x >> 5;
    for (long long row = (long long) blockIdx.x * warps + (threadIdx.x >> 5); row < rows;
         row += (long long) gridDim.x * warps) {
        const float* yr = y + row * v;
        const float* gr = dy + row * v;
        float* dr = dx + row * v;
        double s = 0.0;
        for (int j = lane; j < v; j += 32) {
            s += (double) yr[j] * gr[j];
        }
        const float dot = (float) warp_sum(s);
        for (int j = lane; j < v; j += 32) {
            dr[j] = yr[j] * (gr[j] - dot);
        }
    }
}

// Running log-sum-exp state: max m and Σ exp(x − m). Merges (m1, s1) and (m2, s2): a side whose
// max is −∞ holds nothing (s = 0) and is skipped, so exp(−∞ − (−∞)) never makes a NaN; NaN and +∞
// give NaN exactly where the CPU's blocked loop does (note "blocked log-sum-exp" in SoftmaxPlain).
__device__ __forceinline__ void lse_merge(float& m, double& s, float m2, double s2) {
    const float mm = nan_max(m, m2);
    if (mm == NEG_INF) {
        return;   // both empty
    }
    double t = 0.0;
    if (m != NEG_INF) t += s * exp((double) (m - mm));
    if (m2 != NEG_INF) t += s2 * exp((double) (m2 - mm));
    m = mm;
    s = t;
}

// cross_entropy_fwd: lse[r] = log Σ_j exp(logits[r, j]) and loss[r] = lse[r] − logits[r, t],
// t = targets[r]; loss 0 for t < 0 (Ops.crossEntropy). One block per row; each thread keeps an
// online (max, Σ exp) over its strided elements (one read of the row, one expf per logit, plus one
// double exp when its max rises), then the block merges the 256 pairs. Elements equal to −∞ add
// nothing and are skipped (as the CPU's "nothing but −∞ so far" rule). A target ≥ V cannot throw
// here: its row gets loss = lse = NaN and, when bad is not null, *bad = 1 (the launcher reads the
// flag back and throws, or checks targets on the host before the launch).
// Params: (const float* logits, const int* targets, float* loss, float* lse, int* bad,
//          long long rows, int v)
// Launch: block 256 (CE_THREADS, required), grid min(rows, 2^31−1) (grid-stride over rows);
//         static shared 96 B.
extern "C" __global__ void __launch_bounds__(CE_THREADS)
cross_entropy_fwd(const float* __restrict__ logits, const int* __restrict__ targets, float* __restrict__ loss,
                  float* __restrict__ lse, int* bad, long long rows, int v) {
    __shared__ float shM[CE_THREADS / 32];
    __shared__ double shS[CE_THREADS / 32];
    const int lane = threadIdx.x & 31;
    const int warp = threadIdx.x >> 5;
    for (long long row = blockIdx.x; row < rows; row += gridDim.x) {
        const float* xr = logits + row * v;
        float m = NEG_INF;
        double s = 0.0;
        for (int j = threadIdx.x; j < v; j += CE_THREADS) {
            const float xv = xr[j];
            if (xv == NEG_INF) {
                continue;
            }
            if (xv > m) {
                s = s * exp((double) (m - xv));   // m = −∞ at first: s is 0 and stays 0
                m = xv;
            }
            s += expf(xv - m);                    // NaN or a second +∞ make s NaN, as on the CPU
        }
        for (int o = 16; o > 0; o >>= 1) {
            const float m2 = __shfl_xor_sync(WARP_MASK, m, o);
            const double s2 = __shfl_xor_sync(WARP_MASK, s, o);
            lse_merge(m, s, m2, s2);
        }
        if (lane == 0) {
            shM[warp] = m;
            shS[warp] = s;
        }
        __syncthreads();
        if (threadIdx.x == 0) {
            for (int w = 1; w < CE_THREADS / 32; ++w) {
                lse_merge(m, s, shM[w], shS[w]);
            }
            const double l = (double) m + log(s);   // all −∞: −∞ + log 0 = −∞, as on the CPU
            const int t = targets[row];
            if (t >= v) {
                if (bad) *bad = 1;
                lse[row] = __int_as_float(0x7fffffff);
                loss[row] = __int_as_float(0x7fffffff);
            } else {
                lse[row] = (float) l;
                loss[row] = t < 0 ? 0.0f : (float) (l - xr[t]);
            }
        }
        __syncthreads();   // shM/shS are reused by the next row
    }
}

// cross_entropy_bwd: dlogits[r, j] = dloss[r]·(exp(logits[r, j] − lse[r]) − [j = t]), zero rows
// where t < 0 (Ops.crossEntropyBackward). dlogits may alias logits: the thread that reads x[j]
// writes dx[j]. A target ≥ V: the row becomes NaN and *bad = 1 (see cross_entropy_fwd).
// Params: (const float* logits, const int* targets, const float* lse, const float* dloss,
//          float* dlogits, int* bad, long long rows, int v)
// Launch: block 256, grid min(rows, 2^31−1) (one block per row, grid-stride); no shared memory.
extern "C" __global__ void cross_entropy_bwd(const float* logits, const int* __restrict__ targets,
                                             const float* __restrict__ lse, const float* __restrict__ dloss,
                                             float* dlogits, int* bad, long long rows, int v) {
    for (long long row = blockIdx.x; row < rows; row += gridDim.x) {
        const float* xr = logits + row * v;
        float* dr = dlogits + row * v;
        const int t = targets[row];
        if (t < 0 || t >= v) {
            const float fillv = t < 0 ? 0.0f : __int_as_float(0x7fffffff);
            if (t >= v && bad && threadIdx.x == 0) *bad = 1;
            for (int j = threadIdx.x; j < v; j += blockDim.x) {
                dr[j] = fillv;
            }
            continue;
        }
        const float g = dloss[row];
        const float l = lse[row];
        for (int j = threadIdx.x; j < v; j += blockDim.x) {
            const float e = expf(xr[j] - l);
            dr[j] = j == t ? g * (e - 1.0f) : g * e;
        }
    }
}

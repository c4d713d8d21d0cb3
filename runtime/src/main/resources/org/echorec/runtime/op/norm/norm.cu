// Family norm: layer and RMS normalisation over the last axis, forward and backward.
// Spec: Ops.layerNorm/layerNormBackward/rmsNorm/rmsNormBackward, NormPlain.
// Conventions: see view.cu and KERNELS.md. x, y, dy, dx are [rows, d] contiguous; gamma, beta,
// dgamma, dbeta [d]; mean, rstd [rows]. Outputs never alias inputs (Ops), hence __restrict__.
//
// Note: statistics. As NormPlain: two passes (the mean, then Σ(x−μ)²), never E[x²]−μ², with double
// accumulators; rstd = (float)(1/sqrt(var + eps)) in double, mean = (float)μ. One warp per row,
// lanes stride over the row (coalesced) and combine with shuffles: rows are short (d = 64..1024),
// so a warp has enough work and needs no shared memory or block barrier. The second pass re-reads
// the row from L1.
//
// Note: parameter gradients. dγ, dβ are column sums over every row: *_bwd_params kernels use
// (32, 8) column blocks like reduce.cu's sum, with double accumulators; when the rows are split
// (gridDim.y = splits > 1) the blocks write double partials [splits][count] and reduce.cu's sum_finish adds
// them in split order (deterministic, no atomics). Suggested splits: as reduce.cu, with
// blocks = ceil(d/32) and n = rows.

#define WARP_MASK 0xffffffffu
#define COL_THREADS_Y 8

__device__ __forceinline__ double warp_sum(double v) {
    for (int o = 16; o > 0; o >>= 1) {
        v += __shfl_xor_sync(WARP_MASK, v, o);
    }
    return v;
}

// layer_norm_fwd: y = (x − μ)·rstd·γ + β per row; writes mean[row], rstd[row] (Ops.layerNorm).
// Params: (const float* x, const float* gamma, const float* beta, float* y, float* mean,
//          float* rstd, long long rows, int d, float eps)
// Launch: block 256 (8 warps = 8 rows), grid min(ceil(rows/8), 65535); no shared memory.
extern "C" __global__ void layer_norm_fwd(const float* __restrict__ x, const float* __restrict__ gamma,
                                          const float* __restrict__ beta, float* __restrict__ y,
                                          float* __restrict__ mean, float* __restrict__ rstd, long long rows,
                                          int d, float eps) {
    const int lane = threadIdx.x & 31;
    const int warps = blockDim.x >> 5;
    for (long long row = (long long) blockIdx.x * warps + (threadIdx.x >> 5); row < rows;
         row += (long long) gridDim.x * warps) {
        const float* xr = x + row * d;
        double s = 0.0;
        for (int j = lane; j < d; j += 32) {
            s += xr[j];
        }
        const double mu = warp_sum(s) / d;
        double q = 0.0;
        for (int j = lane; j < d; j += 32) {
            const double c = xr[j] - mu;
            q += c * c;
        }
        const double var = warp_sum(q) / d;
        const float m = (float) mu;
        const float r = (float) (1.0 / sqrt(var + (double) eps));
        if (lane == 0) {
            mean[row] = m;
            rstd[row] = r;
        }
        float* yr = y + row * d;
        for (int j = lane; j < d; j += 32) {
            const float xhat = (xr[j] - m) * r;
            yr[j] = xhat * gamma[j] + beta[j];
        }
    }
}

// layer_norm_bwd: dx = rstd·(g − mean(g) − x̂·mean(g·x̂)) per row, g = dy·γ, x̂ = (x − mean)·rstd
// from the saved float mean and rstd (Ops.layerNormBackward). Launch only when dx is wanted;
// dγ and dβ come from layer_norm_bwd_params.
// Params: (const float* x, const float* gamma, const float* mean, const float* rstd,
//          const float* dy, float* dx, long long rows, int d)
// Launch: block 256 (8 warps = 8 rows), grid min(ceil(rows/8), 65535); no shared memory.
extern "C" __global__ void layer_norm_bwd(const float* __restrict__ x, const float* __restrict__ gamma,
                                          const float* __restrict__ mean, const float* __restrict__ rstd,
                                          const float* __restrict__ dy, float* __restrict__ dx, long long rows,
                                          int d) {
    const int lane = threadIdx.x & 31;
    const int warps = blockDim.x >> 5;
    for (long long row = (long long) blockIdx.x * warps + (threadIdx.x >> 5); row < rows;
         row += (long long) gridDim.x * warps) {
        const float* xr = x + row * d;
        const float* gr = dy + row * d;
        const float mu = mean[row];
        const float r = rstd[row];
        double sg = 0.0;
        double sgx = 0.0;
        for (int j = lane; j < d; j += 32) {
            const float g = gr[j] * gamma[j];
            const float xhat = (xr[j] - mu) * r;
            sg += g;
            sgx += (double) g * xhat;
        }
        const float mg = (float) (warp_sum(sg) / d);
        const float mgx = (float) (warp_sum(sgx) / d);
        float* dr = dx + row * d;
        for (int j = lane; j < d; j += 32) {
            const float g = gr[j] * gamma[j];
            const float xhat = (xr[j] - mu) * r;
            dr[j] = r * (g - mg - xhat * mgx);
        }
    }
}

// Column sums over rows [r0, r1) of the split: dγ[j] += dy·x̂, dβ[j] += dy, x̂ = (x − μ)·rstd with
// μ = 0 when mean is null (RMS norm: x̂ = x·rstd). Results as described in "parameter gradients":
// partial layout [splits][2][d] (dγ then dβ) for layer norm, [splits][d] for RMS norm.
__device__ __forceinline__ void norm_params(const float* __restrict__ x, const float* __restrict__ mean,
                                            const float* __restrict__ rstd, const float* __restrict__ dy,
                                            float* __restrict__ dgamma, float* __restrict__ dbeta,
                                            double* __restrict__ partial, long long rows, int d, bool withBeta) {
    __shared__ double redG[COL_THREADS_Y][32];
    __shared__ double redB[COL_THREADS_Y][32];
    const int tx = threadIdx.x;
    const int ty = threadIdx.y;
    const long long splits = gridDim.y;
    const long long z = blockIdx.y;
    const long long r0 = rows * z / splits;
    const long long r1 = rows * (z + 1) / splits;
    const int j = blockIdx.x * 32 + tx;
    double accG = 0.0;
    double accB = 0.0;
    if (j < d) {
        for (long long r = r0 + ty; r < r1; r += COL_THREADS_Y) {
            const float g = dy[r * d + j];
            const float mu = mean ? mean[r] : 0.0f;
            accG += (double) g * ((x[r * d + j] - mu) * rstd[r]);
            accB += g;
        }
    }
    redG[ty][tx] = accG;
    redB[ty][tx] = accB;
    __syncthreads();
    if (ty == 0 && j < d) {
        for (int k = 1; k < COL_THREADS_Y; ++k) {
            accG += redG[k][tx];
            accB += redB[k][tx];
        }
        if (splits == 1) {
            if (dgamma) dgamma[j] = (float) accG;
            if (withBeta && dbeta) dbeta[j] = (float) accB;
        } else {
            const long long width = withBeta ? 2LL * d : (long long) d;
            partial[z * width + j] = accG;
            if (withBeta) partial[z * width + d + j] = accB;
        }
    }
}

// layer_norm_bwd_params: dγ = Σ_rows dy·x̂, dβ = Σ_rows dy (Ops.layerNormBackward); either output
// may be null. With splits > 1: partial [splits][2·d], then reduce.cu's sum_finish(partial, splits, 2·d, d,
// 1.0f, dgamma, dbeta).
// Params: (const float* x, const float* mean, const float* rstd, const float* dy, float* dgamma,
//          float* dbeta, double* partial, long long rows, int d)
// Launch: block (32, 8), grid (ceil(d/32), splits); static shared 4 KiB.
extern "C" __global__ void layer_norm_bwd_params(const float* __restrict__ x, const float* __restrict__ mean,
                                                 const float* __restrict__ rstd, const float* __restrict__ dy,
                                                 float* __restrict__ dgamma, float* __restrict__ dbeta,
                                                 double* __restrict__ partial, long long rows, int d) {
    norm_params(x, mean, rstd, dy, dgamma, dbeta, partial, rows, d, true);
}

// rms_norm_fwd: y = x·rstd·γ, rstd = (float)(1/sqrt(mean(x²) + eps)) in double (Ops.rmsNorm).
// Params: (const float* x, const float* gamma, float* y, float* rstd, long long rows, int d,
//          float eps)
// Launch: block 256 (8 warps = 8 rows), grid min(ceil(rows/8), 65535); no shared memory.
extern "C" __global__ void rms_norm_fwd(const float* __restrict__ x, const float* __restrict__ gamma,
                                        float* __restrict__ y, float* __restrict__ rstd, long long rows, int d,
                                        float eps) {
    const int lane = threadIdx.x & 31;
    const int warps = blockDim.x >> 5;
    for (long long row = (long long) blockIdx.x * warps + (threadIdx.x >> 5); row < rows;
         row += (long long) gridDim.x * warps) {
        const float* xr = x + row * d;
        double q = 0.0;
        for (int j = lane; j < d; j += 32) {
            const double c = xr[j];
            q += c * c;
        }
        const float r = (float) (1.0 / sqrt(warp_sum(q) / d + (double) eps));
        if (lane == 0) {
            rstd[row] = r;
        }
        float* yr = y + row * d;
        for (int j = lane; j < d; j += 32) {
            yr[j] = xr[j] * r * gamma[j];
        }
    }
}

// rms_norm_bwd: dx = rstd·(g − x·rstd²·mean(g·x)) per row, g = dy·γ (Ops.rmsNormBackward).
// Launch only when dx is wanted; dγ comes from rms_norm_bwd_params.
// Params: (const float* x, const float* gamma, const float* rstd, const float* dy, float* dx,
//          long long rows, int d)
// Launch: block 256 (8 warps = 8 rows), grid min(ceil(rows/8), 65535); no shared memory.
extern "C" __global__ void rms_norm_bwd(const float* __restrict__ x, const float* __restrict__ gamma,
                                        const float* __restrict__ rstd, const float* __restrict__ dy,
                                        float* __restrict__ dx, long long rows, int d) {
    const int lane = threadIdx.x & 31;
    const int warps = blockDim.x >> 5;
    for (long long row = (long long) blockIdx.x * warps + (threadIdx.x >> 5); row < rows;
         row += (long long) gridDim.x * warps) {
        const float* xr = x + row * d;
        const float* gr = dy + row * d;
        const float r = rstd[row];
        double sgx = 0.0;
        for (int j = lane; j < d; j += 32) {
            sgx += (double) (gr[j] * gamma[j]) * xr[j];
        }
        const float mgx = (float) (warp_sum(sgx) / d);
        const float c = r * r * mgx;
        float* dr = dx + row * d;
        for (int j = lane; j < d; j += 32) {
            const float g = gr[j] * gamma[j];
            dr[j] = r * (g - xr[j] * c);
        }
    }
}

// rms_norm_bwd_params: dγ = Σ_rows dy·x·rstd (Ops.rmsNormBackward). With splits > 1: partial
// [splits][d], then reduce.cu's sum_finish(partial, splits, d, d, 1.0f, dgamma, 0).
// Params: (const float* x, const float* rstd, const float* dy, float* dgamma, double* partial,
//          long long rows, int d)
// Launch: block (32, 8), grid (ceil(d/32), splits); static shared 4 KiB.
extern "C" __global__ void rms_norm_bwd_params(const float* __restrict__ x, const float* __restrict__ rstd,
                                               const float* __restrict__ dy, float* __restrict__ dgamma,
                                               double* __restrict__ partial, long long rows, int d) {
    norm_params(x, nullptr, rstd, dy, dgamma, nullptr, partial, rows, d, false);
}


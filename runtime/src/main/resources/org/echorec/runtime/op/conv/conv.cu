// Family conv: depthwise causal convolution along the sequence, channels last.
// Spec: Ops.causalConv1d/causalConv1dBackward, ConvPlain. Conventions: see view.cu and KERNELS.md.
// x, y, dy, dx [B, L, C]; w, dw [C, K]; bias, dbias [C] (bias may be null); contiguous.
//
// Note: weight gradient. dw[c, k] = Σ_{b,t} dy[b,t,c]·x[b, t−K+1+k, c] and dbias[c] = Σ_{b,t} dy
// sum over B·L rows: causal_conv1d_bwd_params uses (32, 8) column blocks (32 channels, 8 thread
// rows striding over the rows) with double accumulators, like reduce.cu's sum. Each block takes up
// to 8 taps (blockIdx.z picks taps [8z, 8z+8), so any K works). When the rows are split
// (gridDim.y = splits > 1) blocks write double partials [splits][C·K + C] (dw row-major, then
// dbias) and reduce.cu's sum_finish adds them in split order: deterministic, no atomics.

#define COL_THREADS_Y 8
#define TAPS 8

// causal_conv1d_fwd: y[b,t,c] = bias[c] + Σ_{k<K} w[c,k]·x[b, t−K+1+k, c], x = 0 before t = 0.
// One thread per output element (consecutive threads = consecutive channels: coalesced).
// Params: (const float* x, const float* w, const float* bias, float* y, int batch, int length,
//          int channels, int K)      bias may be null
// Launch: block 256, grid min(ceil(B·L·C/256), 65535); no shared memory.
extern "C" __global__ void causal_conv1d_fwd(const float* __restrict__ x, const float* __restrict__ w,
                                             const float* __restrict__ bias, float* __restrict__ y, int batch,
                                             int length, int channels, int K) {
    const long long total = (long long) batch * length * channels;
    const long long step = (long long) gridDim.x * blockDim.x;
    for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += step) {
        const long long row = e / channels;             // b·L + t
        const int c = (int) (e - row * channels);
        const int t = (int) (row % length);
        float acc = bias ? bias[c] : 0.0f;
        const float* wc = w + (long long) c * K;
        for (int k = max(0, K - 1 - t); k < K; ++k) {
            acc += wc[k] * x[e + (long long) (k - K + 1) * channels];
        }
        y[e] = acc;
    }
}

// causal_conv1d_bwd: dx[b,s,c] = Σ_k w[c,k]·dy[b, s+K−1−k, c] over the taps whose output
// s+K−1−k < L. Launch only when dx is wanted; dw and dbias come from causal_conv1d_bwd_params.
// Params: (const float* w, const float* dy, float* dx, int batch, int length, int channels, int K)
// Launch: block 256, grid min(ceil(B·L·C/256), 65535); no shared memory.
extern "C" __global__ void causal_conv1d_bwd(const float* __restrict__ w, const float* __restrict__ dy,
                                             float* __restrict__ dx, int batch, int length, int channels, int K) {
    const long long total = (long long) batch * length * channels;
    const long long step = (long long) gridDim.x * blockDim.x;
    for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += step) {
        const long long row = e / channels;
        const int c = (int) (e - row * channels);
        const int s = (int) (row % length);
        const float* wc = w + (long long) c * K;
        float acc = 0.0f;
        for (int k = max(0, s + K - length); k < K; ++k) {   // t = s+K−1−k ≤ L−1
            acc += wc[k] * dy[e + (long long) (K - 1 - k) * channels];
        }
        dx[e] = acc;
    }
}

// causal_conv1d_bwd_params: dw and dbias (either may be null), see "Note: weight gradient".
// blockIdx.z = tap group (taps [8z, min(K, 8z+8))); the z = 0 blocks also sum dbias. With
// splits > 1: partial [splits][C·K + C], then reduce.cu's sum_finish(partial, splits, C·K + C, C·K, 1.0f,
// dw, dbias).
// Params: (const float* x, const float* dy, float* dw, float* dbias, double* partial, int batch,
//          int length, int channels, int K)
// Launch: block (32, 8), grid (ceil(C/32), splits, ceil(K/8)); static shared 18 KiB.
extern "C" __global__ void causal_conv1d_bwd_params(const float* __restrict__ x, const float* __restrict__ dy,
                                                    float* __restrict__ dw, float* __restrict__ dbias,
                                                    double* __restrict__ partial, int batch, int length,
                                                    int channels, int K) {
    __shared__ double red[COL_THREADS_Y][TAPS + 1][32];
    const int tx = threadIdx.x;
    const int ty = threadIdx.y;
    const int c = blockIdx.x * 32 + tx;
    const int k0 = blockIdx.z * TAPS;
    const bool withBias = blockIdx.z == 0;
    const long long rows = (long long) batch * length;
    const long long splits = gridDim.y;
    const long long z = blockIdx.y;
    const long long r0 = rows * z / splits;
    const long long r1 = rows * (z + 1) / splits;
    double acc[TAPS];
#pragma unroll
    for (int q = 0; q < TAPS; ++q) acc[q] = 0.0;
    double accBias = 0.0;
    if (c < channels) {
        for (long long r = r0 + ty; r < r1; r += COL_THREADS_Y) {
            const int t = (int) (r % length);
            const float g = dy[r * channels + c];
            accBias += g;
#pragma unroll
            for (int q = 0; q < TAPS; ++q) {
                const int k = k0 + q;
                const int s = t - K + 1 + k;                   // the input that tap k saw at output t
                if (k < K && s >= 0) {
                    acc[q] += (double) g * x[(r - t + s) * channels + c];
                }
            }
        }
    }
#pragma unroll
    for (int q = 0; q < TAPS; ++q) red[ty][q][tx] = acc[q];
    red[ty][TAPS][tx] = accBias;
    __syncthreads();
    if (ty != 0 || c >= channels) {
        return;
    }
    for (int k = 1; k < COL_THREADS_Y; ++k) {
#pragma unroll
        for (int q = 0; q < TAPS; ++q) acc[q] += red[k][q][tx];
        accBias += red[k][TAPS][tx];
    }
    const long long ck = (long long) channels * K;
    const long long width = ck + channels;
#pragma unroll
    for (int q = 0; q < TAPS; ++q) {
        const int k = k0 + q;
        if (k < K) {
            if (splits == 1) {
                if (dw) dw[(long long) c * K + k] = (float) acc[q];
            } else {
                partial[z * width + (long long) c * K + k] = acc[q];
            }
        }
    }
    if (withBias) {
        if (splits == 1) {
            if (dbias) dbias[c] = (float) accBias;
        } else {
            partial[z * width + ck + c] = accBias;
        }
    }
}


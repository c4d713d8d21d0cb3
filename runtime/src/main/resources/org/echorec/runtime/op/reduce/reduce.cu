// Family reduce: out = scale·Σ_axis x and its adjoint broadcastAxis. Spec: Ops.sum,
// Ops.broadcastAxis, ReducePlain/SumPlan. Conventions: see view.cu and KERNELS.md.
//
// x is viewed as [outer, n, inner] around the axis and out as [outer, inner]. Sums accumulate in
// double, as the CPU's do, and the result is (float)(scale·sum) with scale widened to double.
//
// Note: split sums. A sum with few outputs and a long axis (a bias gradient [1, 51200, 64], the
// sum of everything) gives too few blocks to fill the GPU, so the launcher may cut the n rows into
// `splits` ranges (gridDim.z of sum, gridDim.y of sum_rows). Split z covers rows
// [n·z/splits, n·(z+1)/splits). With splits = 1 a kernel writes out directly (partial unused, may
// be 0). With splits > 1 it writes the raw double sums to partial[z][count] (count = outer·inner)
// and sum_finish adds the splits in order and writes (float)(scale·sum). No atomics: the result
// depends on the launch geometry only, never on scheduling.
// Suggested rule: blocks = the grid without splits; splits = 1 when blocks ≥ 2·SMs or n < 2048,
// else min(ceil(2·SMs/blocks), ceil(n/1024), 65535); workspace splits·count doubles.

#define COL_THREADS_Y 8   // rows of a (32, 8) column block

__device__ __forceinline__ double warp_sum(double v) {
    for (int o = 16; o > 0; o >>= 1) {
        v += __shfl_xor_sync(0xffffffffu, v, o);
    }
    return v;
}

// sum: columns of [outer, n, inner] with inner > 1 (for inner = 1 use sum_rows). Thread x of a
// block owns one column j, the 8 thread rows stride over the split's rows (reads coalesced along j),
// and the 8 partial sums are added in a fixed order through shared memory.
// Params: (const float* x, float* out, double* partial, long long outer, long long n,
//          long long inner, float scale)
// Launch: block (32, 8), grid (ceil(inner/32), min(outer, 65535), splits); static shared 2 KiB.
extern "C" __global__ void sum(const float* __restrict__ x, float* __restrict__ out, double* __restrict__ partial,
                               long long outer, long long n, long long inner, float scale) {
    __shared__ double red[COL_THREADS_Y][32];
    const int tx = threadIdx.x;
    const int ty = threadIdx.y;
    const long long splits = gridDim.z;
    const long long z = blockIdx.z;
    const long long r0 = n * z / splits;
    const long long r1 = n * (z + 1) / splits;
    const long long j = (long long) blockIdx.x * 32 + tx;
    for (long long o = blockIdx.y; o < outer; o += gridDim.y) {
        double acc = 0.0;
        if (j < inner) {
            const float* col = x + o * n * inner + j;
            for (long long r = r0 + ty; r < r1; r += COL_THREADS_Y) {
                acc += col[r * inner];
            }
        }
        red[ty][tx] = acc;
        __syncthreads();
        if (ty == 0 && j < inner) {
            for (int k = 1; k < COL_THREADS_Y; ++k) {
                acc += red[k][tx];
            }
            const long long at = o * inner + j;
            if (splits == 1) {
                out[at] = (float) ((double) scale * acc);
            } else {
                partial[z * outer * inner + at] = acc;
            }
        }
        __syncthreads();   // red is reused by the next o
    }
}

// sum_rows: rows of [outer, n] (inner = 1): one warp per row, lanes stride over the split's range
// (coalesced), then a shuffle reduction.
// Params: (const float* x, float* out, double* partial, long long outer, long long n, float scale)
// Launch: block 256 (8 warps = 8 rows), grid (min(ceil(outer/8), 65535), splits); no shared memory.
extern "C" __global__ void sum_rows(const float* __restrict__ x, float* __restrict__ out,
                                    double* __restrict__ partial, long long outer, long long n, float scale) {
    const int lane = threadIdx.x & 31;
    const int warps = blockDim.x >> 5;
    const long long splits = gridDim.y;
    const long long z = blockIdx.y;
    const long long r0 = n * z / splits;
    const long long r1 = n * (z + 1) / splits;
    for (long long o = (long long) blockIdx.x * warps + (threadIdx.x >> 5); o < outer;
         o += (long long) gridDim.x * warps) {
        const float* row = x + o * n;
        double acc = 0.0;
        for (long long r = r0 + lane; r < r1; r += 32) {
            acc += row[r];
        }
        acc = warp_sum(acc);
        if (lane == 0) {
            if (splits == 1) {
                out[o] = (float) ((double) scale * acc);
            } else {
                partial[z * outer + o] = acc;
            }
        }
    }
}

// sum_finish: out = (float)(scale·Σ_z partial[z][e]) for e < count, splits added in order. The
// same signature serves every family's split reductions: elements e < count0 go to out0[e], the
// rest to out1[e − count0]; a null output is skipped. For sum: count0 = count, out1 = 0.
// Params: (const double* partial, int splits, long long count, long long count0, float scale,
//          float* out0, float* out1)
// Launch: block 256, grid min(ceil(count/256), 65535); no shared memory.
extern "C" __global__ void sum_finish(const double* __restrict__ partial, int splits, long long count,
                                      long long count0, float scale, float* out0, float* out1) {
    const long long step = (long long) gridDim.x * blockDim.x;
    for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < count; e += step) {
        double s = 0.0;
        for (int z = 0; z < splits; ++z) {
            s += partial[(long long) z * count + e];
        }
        const float v = (float) ((double) scale * s);
        if (e < count0) {
            if (out0) out0[e] = v;
        } else if (out1) {
            out1[e - count0] = v;
        }
    }
}

// broadcast_axis: dx[o, i, j] = scale·dy[o, j] for every i < n (Ops.broadcastAxis, the adjoint
// of sum); one thread per element of dx, float product as ReducePlain.
// Params: (const float* dy, float* dx, long long outer, long long n, long long inner, float scale)
// Launch: block 256, grid min(ceil(outer·n·inner/256), 65535); no shared memory.
extern "C" __global__ void broadcast_axis(const float* __restrict__ dy, float* __restrict__ dx, long long outer,
                                          long long n, long long inner, float scale) {
    const long long total = outer * n * inner;
    const long long plane = n * inner;
    const long long step = (long long) gridDim.x * blockDim.x;
    for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += step) {
        const long long o = e / plane;
        const long long j = (e - o * plane) % inner;
        dx[e] = scale * dy[o * inner + j];
    }
}

// Family fft: the complex product with a broadcast weight and its gradients, and the kernels
// around cuFFT for the orthonormal real FFTs. Spec: Ops.complexMul/complexMulBackward,
// Ops.rfft/irfft/rfftBackward/irfftBackward, ComplexMulPlain, FftPlain.
// Conventions: see view.cu and KERNELS.md. Complex numbers are (re, im) float pairs.
//
// Note: real FFTs through cuFFT. The ops transform x viewed as [outer, n, inner] along the middle
// axis into spec [outer, bins, inner, 2], bins = n/2+1, orthonormally. cuFFT is unnormalised,
// transforms contiguous signals in batches, and its C2R overwrites its input, so each op is a
// cuFFT call between two of these kernels (buffers: real [outer·inner·n], complex
// [outer·inner·bins·2], both from the launcher's workspace):
//   rfft(x)            : fft_transpose x [outer, n, inner] → xt [outer, inner, n]   (skip if inner = 1)
//                        cufftExecR2C, batch outer·inner, length n: xt → zt [outer, inner, bins]
//                        rfft_post(zt → spec, scale = n^-½, interior = 1)
//   irfftBackward(dx)  : as rfft with interior = 2                   (Ops: m_k = 2 inside)
//   irfft(spec)        : irfft_pre(spec → zt, scale = n^-½, interior = 1)
//                        cufftExecC2R, batch outer·inner, length n: zt → xt [outer, inner, n]
//                        fft_transpose xt [outer, inner, n] → x [outer, n, inner]  (skip if inner = 1:
//                        C2R writes x directly)
//   rfftBackward(dout) : as irfft with interior = ½                  (FftPlain: irfft(dout / m))
// "Interior" bins are 0 < k < n/2 (k ≥ 1 for odd n); rfft_post and irfft_pre multiply them by
// `interior`, every bin by `scale`, and set the imaginary part of bin 0 and (even n) bin n/2 to
// exactly 0 (cuFFT leaves rounding noise there; irfft must ignore those parts, and the CPU returns
// exact zeros). The scaling is linear, so doing it before the C2R or after the R2C is exact math.

#define COL_THREADS_Y 8
#define TILE 32

// complex_mul_fwd: out = a·w per complex element, w [F, C, 2] repeating over a's leading axes:
// a's complex element i uses w's element i mod wcount (Ops.complexMul). out may alias a.
// Params: (const float* a, const float* w, float* out, long long count, long long wcount)
//         count = a.numel()/2, wcount = w.numel()/2
// Launch: block 256, grid min(ceil(count/256), 65535); no shared memory.
extern "C" __global__ void complex_mul_fwd(const float* a, const float* __restrict__ w, float* out,
                                           long long count, long long wcount) {
    const long long step = (long long) gridDim.x * blockDim.x;
    for (long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x; i < count; i += step) {
        const long long k = i % wcount;
        const float ar = a[2 * i], ai = a[2 * i + 1];
        const float wr = w[2 * k], wi = w[2 * k + 1];
        out[2 * i] = ar * wr - ai * wi;
        out[2 * i + 1] = ar * wi + ai * wr;
    }
}

// complex_mul_bwd: da = dout·conj(w) per complex element (Ops.complexMulBackward). Launch only when
// da is wanted; dw comes from complex_mul_bwd_dw.
// Params: (const float* w, const float* dout, float* da, long long count, long long wcount)
// Launch: block 256, grid min(ceil(count/256), 65535); no shared memory.
extern "C" __global__ void complex_mul_bwd(const float* __restrict__ w, const float* dout, float* da,
                                           long long count, long long wcount) {
    const long long step = (long long) gridDim.x * blockDim.x;
    for (long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x; i < count; i += step) {
        const long long k = i % wcount;
        const float dr = dout[2 * i], di = dout[2 * i + 1];
        const float wr = w[2 * k], wi = w[2 * k + 1];
        da[2 * i] = dr * wr + di * wi;
        da[2 * i + 1] = di * wr - dr * wi;
    }
}

// complex_mul_bwd_dw: dw[k] = Σ_rows dout[r, k]·conj(a[r, k]) over rows = count/wcount, in double
// (32, 8) column blocks as reduce.cu's sum. With splits > 1 (gridDim.y): partial [splits][2·wcount]
// (re, im interleaved), then reduce.cu's sum_finish(partial, splits, 2·wcount, 2·wcount, 1.0f, dw, 0).
// Params: (const float* a, const float* dout, float* dw, double* partial, long long rows,
//          long long wcount)
// Launch: block (32, 8), grid (ceil(wcount/32), splits); static shared 4 KiB.
extern "C" __global__ void complex_mul_bwd_dw(const float* __restrict__ a, const float* __restrict__ dout,
                                              float* __restrict__ dw, double* __restrict__ partial, long long rows,
                                              long long wcount) {
    __shared__ double redRe[COL_THREADS_Y][32];
    __shared__ double redIm[COL_THREADS_Y][32];
    const int tx = threadIdx.x;
    const int ty = threadIdx.y;
    const long long k = (long long) blockIdx.x * 32 + tx;
    const long long splits = gridDim.y;
    const long long z = blockIdx.y;
    const long long r0 = rows * z / splits;
    const long long r1 = rows * (z + 1) / splits;
    double re = 0.0, im = 0.0;
    if (k < wcount) {
        for (long long r = r0 + ty; r < r1; r += COL_THREADS_Y) {
            const long long i = r * wcount + k;
            const float dr = dout[2 * i], di = dout[2 * i + 1];
            const float ar = a[2 * i], ai = a[2 * i + 1];
            re += (double) dr * ar + (double) di * ai;
            im += (double) di * ar - (double) dr * ai;
        }
    }
    redRe[ty][tx] = re;
    redIm[ty][tx] = im;
    __syncthreads();
    if (ty != 0 || k >= wcount) {
        return;
    }
    for (int q = 1; q < COL_THREADS_Y; ++q) {
        re += redRe[q][tx];
        im += redIm[q][tx];
    }
    if (splits == 1) {
        dw[2 * k] = (float) re;
        dw[2 * k + 1] = (float) im;
    } else {
        partial[z * 2 * wcount + 2 * k] = re;
        partial[z * 2 * wcount + 2 * k + 1] = im;
    }
}

// fft_transpose: out[b, c, r] = in[b, r, c] for in [batch, rows, cols] (real floats), through a
// 32×33 shared tile so both the read and the write are coalesced. in and out must not overlap.
// Params: (const float* in, float* out, long long batch, int rows, int cols)
// Launch: block (32, 8), grid (ceil(cols/32), ceil(rows/32), min(batch, 65535)); static shared
//         4.1 KiB.
extern "C" __global__ void fft_transpose(const float* __restrict__ in, float* __restrict__ out, long long batch,
                                         int rows, int cols) {
    __shared__ float tile[TILE][TILE + 1];
    const int c0 = blockIdx.x * TILE;
    const int r0 = blockIdx.y * TILE;
    for (long long b = blockIdx.z; b < batch; b += gridDim.z) {
        const float* src = in + b * rows * cols;
        float* dst = out + b * rows * cols;
        for (int i = threadIdx.y; i < TILE; i += COL_THREADS_Y) {
            const int r = r0 + i, c = c0 + threadIdx.x;
            if (r < rows && c < cols) tile[i][threadIdx.x] = src[(long long) r * cols + c];
        }
        __syncthreads();
        for (int i = threadIdx.y; i < TILE; i += COL_THREADS_Y) {
            const int c = c0 + i, r = r0 + threadIdx.x;
            if (r < rows && c < cols) dst[(long long) c * rows + r] = tile[threadIdx.x][i];
        }
        __syncthreads();
    }
}

// The factor of bin k: scale, times interior for 0 < k < n/2 (every k ≥ 1 when n is odd).
__device__ __forceinline__ float bin_factor(int k, int n, float scale, float interior) {
    const bool edge = k == 0 || ((n & 1) == 0 && 2 * k == n);
    return edge ? scale : scale * interior;
}

__device__ __forceinline__ bool real_bin(int k, int n) { return k == 0 || ((n & 1) == 0 && 2 * k == n); }

// Transposes complex [batch, rows, cols] → [batch, cols, rows] and scales each element by the
// factor of its bin; the bin is the column index when binsAreCols (rfft_post: [inner, bins] →
// [bins, inner]) and the row index otherwise (irfft_pre: [bins, inner] → [inner, bins]).
__device__ __forceinline__ void transpose_bins(const float2* in, float2* out, long long batch, int rows,
                                               int cols, bool binsAreCols, int n, float scale, float interior) {
    __shared__ float2 tile[TILE][TILE + 1];
    const int c0 = blockIdx.x * TILE;
    const int r0 = blockIdx.y * TILE;
    for (long long b = blockIdx.z; b < batch; b += gridDim.z) {
        const float2* src = in + b * rows * cols;
        float2* dst = out + b * rows * cols;
        for (int i = threadIdx.y; i < TILE; i += COL_THREADS_Y) {
            const int r = r0 + i, c = c0 + threadIdx.x;
            if (r < rows && c < cols) {
                float2 v = src[(long long) r * cols + c];
                const int k = binsAreCols ? c : r;
                const float f = bin_factor(k, n, scale, interior);
                v.x *= f;
                v.y = real_bin(k, n) ? 0.0f : v.y * f;
                tile[i][threadIdx.x] = v;
            }
        }
        __syncthreads();
        for (int i = threadIdx.y; i < TILE; i += COL_THREADS_Y) {
            const int c = c0 + i, r = r0 + threadIdx.x;
            if (r < rows && c < cols) dst[(long long) c * rows + r] = tile[threadIdx.x][i];
        }
        __syncthreads();
    }
}

// rfft_post: spec[o, k, j] = factor_k · zt[o, j, k] with the edge bins' imaginary parts set to 0
// (see "real FFTs through cuFFT"). zt is cuFFT's R2C output [outer, inner, bins] complex. When
// inner = 1 the two layouts coincide and spec may equal zt (each block reads its tile before it
// writes it back); otherwise they must not overlap. Pointers 8-byte aligned.
// Params: (const float2* zt, float2* spec, long long outer, int inner, int bins, int n, float scale,
//          float interior)
// Launch: block (32, 8), grid (ceil(bins/32), ceil(inner/32), min(outer, 65535)); static shared
//         8.3 KiB.
extern "C" __global__ void rfft_post(const float2* zt, float2* spec, long long outer, int inner, int bins, int n,
                                     float scale, float interior) {
    transpose_bins(zt, spec, outer, inner, bins, true, n, scale, interior);
}

// irfft_pre: zt[o, j, k] = factor_k · spec[o, k, j] with the edge bins' imaginary parts set to 0,
// ready for cuFFT's C2R [outer, inner, bins] complex. zt must be a scratch buffer, never spec
// itself: the C2R overwrites it. Pointers 8-byte aligned.
// Params: (const float2* spec, float2* zt, long long outer, int inner, int bins, int n, float scale,
//          float interior)
// Launch: block (32, 8), grid (ceil(inner/32), ceil(bins/32), min(outer, 65535)); static shared
//         8.3 KiB.
extern "C" __global__ void irfft_pre(const float2* spec, float2* zt, long long outer, int inner, int bins, int n,
                                     float scale, float interior) {
    transpose_bins(spec, zt, outer, bins, inner, false, n, scale, interior);
}

// Family select: row-wise top-k. Spec: Ops.topK, TopKPlain. Conventions: see view.cu, KERNELS.md.
// x [rows, n] contiguous, values [rows, k] float32, indices [rows, k] int32, 1 ≤ k ≤ n.
//
// Note: selection by rounds. The order "larger value first, then smaller index, NaN below every
// number (NaNs by index)" is a strict total order on a row's elements, so the j-th result is the
// best element strictly below result j−1. One block per row; thread t owns the elements
// i ≡ t (mod 256) and keeps its best candidate below the last result. Each of the k rounds takes
// the block's best candidate (shuffles, then 8 warp winners through shared memory); only the
// owner of the winner rescans its ~n/256 elements for its next candidate, the others' candidates
// are still the best below the new result. The row is read about once, plus k·n/256 elements by
// single threads: for k ≤ 100 and n ≤ 50k a few hundred µs per wave of rows, fine for evaluation.

#define TOPK_THREADS 256
#define WARP_MASK 0xffffffffu

// a ranks above b (TopKPlain.better); an index < 0 means "no candidate", below everything.
__device__ __forceinline__ bool better(float a, int ia, float b, int ib) {
    if (ia < 0) return false;
    if (ib < 0) return true;
    const bool aNaN = a != a;
    const bool bNaN = b != b;
    if (aNaN || bNaN) {
        return aNaN == bNaN ? ia < ib : bNaN;
    }
    return a > b || (a == b && ia < ib);
}

// top_k: values/indices of the k best elements of each row in descending order (Ops.topK).
// Params: (const float* x, float* values, int* indices, long long rows, int n, int k)
// Launch: block 256 (TOPK_THREADS, required), grid min(rows, 2^31−1) (grid-stride over rows);
//         static shared 72 B.
extern "C" __global__ void __launch_bounds__(TOPK_THREADS)
top_k(const float* __restrict__ x, float* __restrict__ values, int* __restrict__ indices, long long rows, int n,
      int k) {
    __shared__ float warpValue[TOPK_THREADS / 32];
    __shared__ int warpIndex[TOPK_THREADS / 32];
    __shared__ float winValue;
    __shared__ int winIndex;
    const int tid = threadIdx.x;
    const int lane = tid & 31;
    const int warp = tid >> 5;
    for (long long row = blockIdx.x; row < rows; row += gridDim.x) {
        const float* xr = x + row * n;
        // first candidate: this thread's best element
        float cv = 0.0f;
        int ci = -1;
        for (int i = tid; i < n; i += TOPK_THREADS) {
            const float v = xr[i];
            if (better(v, i, cv, ci)) {
                cv = v;
                ci = i;
            }
        }
        for (int j = 0; j < k; ++j) {
            float bv = cv;
            int bi = ci;
            for (int o = 16; o > 0; o >>= 1) {
                const float ov = __shfl_xor_sync(WARP_MASK, bv, o);
                const int oi = __shfl_xor_sync(WARP_MASK, bi, o);
                if (better(ov, oi, bv, bi)) {
                    bv = ov;
                    bi = oi;
                }
            }
            if (lane == 0) {
                warpValue[warp] = bv;
                warpIndex[warp] = bi;
            }
            __syncthreads();
            if (tid == 0) {
                for (int w = 1; w < TOPK_THREADS / 32; ++w) {
                    if (better(warpValue[w], warpIndex[w], bv, bi)) {
                        bv = warpValue[w];
                        bi = warpIndex[w];
                    }
                }
                values[row * k + j] = bv;
                indices[row * k + j] = bi;
                winValue = bv;
                winIndex = bi;
            }
            __syncthreads();
            const float wv = winValue;
            const int wi = winIndex;
            if (ci == wi) {
                // this thread owned the result: its next candidate is its best element below it
                ci = -1;
                for (int i = tid; i < n; i += TOPK_THREADS) {
                    const float v = xr[i];
                    if (better(wv, wi, v, i) && better(v, i, cv, ci)) {
                        cv = v;
                        ci = i;
                    }
                }
            }
            // winValue/winIndex are rewritten only after the next round's first barrier, which
            // every thread reaches after reading them here
        }
    }
}

// Family view: fill, strided copy (with accumulate), flip. Spec: Ops.fill/copy/flip, ViewPlain.
//
// Conventions of every .cu file in org/echorec/runtime/op (see KERNELS.md):
//   * compiled at run time by NVRTC, self-contained (no #include), C++17, without --use_fast_math;
//   * every tensor pointer points at the tensor's element [0,...,0] (storage base + offset·bytes);
//   * long long = Java long, int = Java int, float = Java float, pointers = CUdeviceptr (8 bytes);
//   * loops are grid-stride, so any grid size is correct; the launch lines give the intended one.
//     A grid of 0 blocks is invalid: the launcher skips the launch when the work is empty.
//
// Note: strided geometry. fill and copy accept any strided view (Ops: transpose, narrow, expand
// on src). The launcher describes the view(s) in a Geometry passed BY VALUE: it drops size-1 axes,
// merges axes that step over each other exactly (as ViewPlain.Strided does), and so needs rank ≤ 8;
// a rank-0 tensor or an all-size-1 shape is rank 1 of size 1. Elements are visited in row-major
// order of `size`; element e's offset in each tensor is Σ_d idx_d·stride_d (in elements).
// For 8-byte elements (I64) the launcher appends an axis of size 2 with stride 1 to both tensors
// and doubles every other stride, so the 32-bit kernels move the two halves of each element.

#define GEOMETRY_MAX_RANK 8

// 200 bytes, 8-byte aligned; every field is a 64-bit integer so the layout has no padding:
// rank, size[8], stride0[8], stride1[8] (unused entries beyond rank are ignored).
struct Geometry {
    long long rank;
    long long size[GEOMETRY_MAX_RANK];
    long long stride0[GEOMETRY_MAX_RANK];   // fill: dst; copy: src
    long long stride1[GEOMETRY_MAX_RANK];   // copy: dst; fill: unused
};

// Offsets (in elements) of linear element e in both tensors. Index type I is 32-bit when the
// element count allows it: 64-bit division costs several times more on the GPU.
template <typename I>
__device__ __forceinline__ void strided_offsets(const Geometry& g, I e, long long& off0, long long& off1) {
    long long o0 = 0, o1 = 0;
    for (int d = (int) g.rank - 1; d >= 0; --d) {
        I size = (I) g.size[d];
        I idx = e % size;
        e /= size;
        o0 += (long long) idx * g.stride0[d];
        o1 += (long long) idx * g.stride1[d];
    }
    off0 = o0;
    off1 = o1;
}

// fill: dst[e] = value for every element of a strided view (Ops.fill). The value's 32-bit
// pattern is written, so the same kernel fills F32 and I32 tensors (pass the float's bits).
// Params: (unsigned int* dst, Geometry g [by value, stride0 = dst's strides], long long total,
//          unsigned int bits)
// Launch: block 256, grid min(ceil(total/256), 65535); no shared memory.
// (A contiguous fill may instead use cuMemsetD32Async.)
extern "C" __global__ void fill(unsigned int* dst, Geometry g, long long total, unsigned int bits) {
    const long long step = (long long) gridDim.x * blockDim.x;
    for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += step) {
        long long o0, o1;
        if (total <= 0xffffffffLL) {
            strided_offsets<unsigned int>(g, (unsigned int) e, o0, o1);
        } else {
            strided_offsets<unsigned long long>(g, (unsigned long long) e, o0, o1);
        }
        dst[o0] = bits;
    }
}

// copy: dst = src, or dst += src (float) when accumulate != 0, over equal shapes, either side a
// strided view (Ops.copy). Without accumulate it moves 32-bit words (F32, I32; I64 see the note).
// dst must not overlap src, and with accumulate dst must not repeat an element (no stride-0 axis
// of size > 1): two threads would add into the same place without atomics.
// Params: (const unsigned int* src, unsigned int* dst, Geometry g [stride0 = src, stride1 = dst],
//          long long total, int accumulate)
// Launch: block 256, grid min(ceil(total/256), 65535); no shared memory.
// (A copy of two contiguous tensors without accumulate may instead use cuMemcpyDtoDAsync.)
extern "C" __global__ void copy(const unsigned int* src, unsigned int* dst, Geometry g, long long total,
                                int accumulate) {
    const long long step = (long long) gridDim.x * blockDim.x;
    for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += step) {
        long long s, d;
        if (total <= 0xffffffffLL) {
            strided_offsets<unsigned int>(g, (unsigned int) e, s, d);
        } else {
            strided_offsets<unsigned long long>(g, (unsigned long long) e, s, d);
        }
        if (accumulate) {
            dst[d] = __float_as_uint(__uint_as_float(dst[d]) + __uint_as_float(src[s]));
        } else {
            dst[d] = src[s];
        }
    }
}

// flip: y[o, i, j] = x[o, n-1-i, j] for x, y contiguous [outer, n, inner] (Ops.flip; its own
// adjoint). Counted in 32-bit words: for I64 the launcher passes inner·2. y must not alias x.
// Params: (const unsigned int* x, unsigned int* y, long long outer, long long n, long long inner)
// Launch: block 256, grid min(ceil(outer·n·inner/256), 65535); no shared memory.
extern "C" __global__ void flip(const unsigned int* x, unsigned int* y, long long outer, long long n,
                                long long inner) {
    const long long total = outer * n * inner;
    const long long step = (long long) gridDim.x * blockDim.x;
    for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += step) {
        long long row = e / inner;          // o·n + i
        long long j = e - row * inner;
        long long o = row / n;
        long long i = row - o * n;
        y[e] = x[(o * n + (n - 1 - i)) * inner + j];
    }
}

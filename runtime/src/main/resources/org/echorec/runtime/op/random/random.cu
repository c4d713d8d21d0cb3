// Family random: dropout and random fills from the counter-based Philox4x32-10 generator.
// Spec: Ops.dropout/randomUniform/randomNormal, Philox.java (stream layout), RandomPlain.
// Conventions: see view.cu and KERNELS.md. Tensors are contiguous F32 of n elements; dropout's y
// may alias x. seed and offset are Java longs passed as unsigned long long (same 64 bits).
//
// Note: same bits as the CPU. Element i of a call uses stream position p = offset + i (64-bit,
// wrapping like Java's long). Uniform stream (dropout, randomUniform): block q = p >> 2 with counter
// (lo32(q), hi32(q), 0, 0) and key (lo32(seed), hi32(seed)); the element takes word p & 3, and a
// word becomes (word >> 8)·2⁻²⁴, exact in float, in [0, 1). Normal stream: one block per position,
// counter (lo32(p), hi32(p), 1, 0), Box–Muller on words 0 and 1 in double as Philox.normal.
// All float arithmetic that follows uses the _rn intrinsics: they are never contracted into an
// FMA (the CPU rounds the product and the sum separately) nor changed by --use_fast_math, so
// dropout masks and values and uniform fills are bit-identical to RandomPlain. Normal fills use
// double log/cos/sqrt (CUDA: ≤ 1-2 ulp in double; Java's Math: ≤ 1 ulp), so they match the CPU's
// float after rounding except, rarely, by one float ulp.

#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u
#define UNIFORM_STREAM 0u
#define NORMAL_STREAM 1u

struct Words {
    unsigned int w[4];
};

// Philox4x32-10, exactly Philox.block: ten rounds, the key bumped after each.
__device__ __forceinline__ Words philox(unsigned int c0, unsigned int c1, unsigned int c2, unsigned int c3,
                                        unsigned int k0, unsigned int k1) {
#pragma unroll
    for (int round = 0; round < 10; ++round) {
        const unsigned int hi0 = __umulhi(PHILOX_M0, c0);
        const unsigned int lo0 = PHILOX_M0 * c0;
        const unsigned int hi1 = __umulhi(PHILOX_M1, c2);
        const unsigned int lo1 = PHILOX_M1 * c2;
        c0 = hi1 ^ c1 ^ k0;
        c1 = lo1;
        c2 = hi0 ^ c3 ^ k1;
        c3 = lo0;
        k0 += PHILOX_W0;
        k1 += PHILOX_W1;
    }
    Words r;
    r.w[0] = c0;
    r.w[1] = c1;
    r.w[2] = c2;
    r.w[3] = c3;
    return r;
}

// The four uniform words of block q of the uniform stream.
__device__ __forceinline__ Words uniform_block(unsigned long long seed, unsigned long long q) {
    return philox((unsigned int) q, (unsigned int) (q >> 32), UNIFORM_STREAM, 0u, (unsigned int) seed,
                  (unsigned int) (seed >> 32));
}

__device__ __forceinline__ float to_uniform(unsigned int word) {
    return (float) (word >> 8) * 5.9604644775390625e-8f;   // 2^-24: exact
}

// Calls body(i, u) for every element i < n with its uniform u, one thread per Philox block: a
// block of four positions [4q, 4q+4) covers up to four consecutive elements, so each block is
// computed once (offset need not be a multiple of 4; the first and last blocks are partial).
template <typename Body>
__device__ __forceinline__ void for_each_uniform(unsigned long long seed, unsigned long long offset, long long n,
                                                 Body body) {
    if (n <= 0) return;
    const unsigned long long first = offset >> 2;
    const unsigned long long blocks = ((offset + (unsigned long long) (n - 1)) >> 2) - first + 1;
    const unsigned long long step = (unsigned long long) gridDim.x * blockDim.x;
    for (unsigned long long b = (unsigned long long) blockIdx.x * blockDim.x + threadIdx.x; b < blocks; b += step) {
        const unsigned long long q = first + b;
        const Words r = uniform_block(seed, q);
#pragma unroll
        for (int k = 0; k < 4; ++k) {
            // element index of position 4q + k; unsigned wrap-around gives huge values for k
            // before the first position, which the range test rejects
            const unsigned long long i = (q << 2) + (unsigned long long) k - offset;
            if (i < (unsigned long long) n) {
                body((long long) i, to_uniform(r.w[k]));
            }
        }
    }
}

// dropout: y[i] = u_i ≥ p ? x[i]·(1/(1−p)) : 0, u_i = uniform(seed, offset + i) (Ops.dropout;
// its backward is the same call on dy). p in [0, 1). y may alias x.
// Params: (const float* x, float* y, long long n, float p, unsigned long long seed,
//          unsigned long long offset)
// Launch: block 256, grid min(ceil(B/256), 65535) with B = ((offset+n−1)>>2) − (offset>>2) + 1
//         Philox blocks (≤ n/4 + 2); no shared memory.
extern "C" __global__ void dropout(const float* x, float* y, long long n, float p, unsigned long long seed,
                                   unsigned long long offset) {
    const float scale = __fdiv_rn(1.0f, __fsub_rn(1.0f, p));   // as RandomPlain: 1f / (1f − p)
    for_each_uniform(seed, offset, n, [&](long long i, float u) {
        y[i] = u >= p ? __fmul_rn(x[i], scale) : 0.0f;
    });
}

// random_uniform: dst[i] = lo + (hi − lo)·uniform(seed, offset + i) (Ops.randomUniform), with the
// float width and the product and sum rounded separately, as RandomPlain.
// Params: (float* dst, long long n, unsigned long long seed, unsigned long long offset, float lo,
//          float hi)
// Launch: as dropout (one thread per Philox block); no shared memory.
extern "C" __global__ void random_uniform(float* __restrict__ dst, long long n, unsigned long long seed,
                                          unsigned long long offset, float lo, float hi) {
    const float width = __fsub_rn(hi, lo);
    for_each_uniform(seed, offset, n, [&](long long i, float u) {
        dst[i] = __fadd_rn(lo, __fmul_rn(width, u));
    });
}

// random_normal: dst[i] = mean + std·z_i, z_i = Box–Muller of block (offset + i) of the normal
// stream: u1 = ((w0 >> 8) + 1)·2⁻²⁴ in (0, 1], u2 = (w1 >> 8)·2⁻²⁴, z = (float)(sqrt(−2 ln u1)·
// cos(2π u2)) in double (Ops.randomNormal, Philox.normal).
// Params: (float* dst, long long n, unsigned long long seed, unsigned long long offset, float mean,
//          float std)
// Launch: block 256, grid min(ceil(n/256), 65535); no shared memory.
extern "C" __global__ void random_normal(float* __restrict__ dst, long long n, unsigned long long seed,
                                         unsigned long long offset, float mean, float std) {
    const long long step = (long long) gridDim.x * blockDim.x;
    for (long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x; i < n; i += step) {
        const unsigned long long pos = offset + (unsigned long long) i;
        const Words r = philox((unsigned int) pos, (unsigned int) (pos >> 32), NORMAL_STREAM, 0u,
                               (unsigned int) seed, (unsigned int) (seed >> 32));
        const double u1 = (double) ((r.w[0] >> 8) + 1u) * 5.9604644775390625e-8;   // (0, 1]: log finite
        const double u2 = (double) (r.w[1] >> 8) * 5.9604644775390625e-8;
        // Java: Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2), each op rounded in double
        const double radius = __dsqrt_rn(__dmul_rn(-2.0, log(u1)));
        const double angle = __dmul_rn(2.0 * 3.141592653589793, u2);                // 2·Math.PI is exact
        const float z = (float) __dmul_rn(radius, cos(angle));
        dst[i] = __fadd_rn(mean, __fmul_rn(std, z));
    }
}

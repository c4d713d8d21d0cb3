// Family scan: the Mamba selective scan, fused, forward and backward. Spec: Ops.selectiveScan,
// Ops.selectiveScanBackward, SelectiveScanPlain (notes "chunks" and "backward"), ScanArgs.
// Conventions: see view.cu and KERNELS.md. u, delta, y, dy, du, ddelta [B, L, D]; a, da [D, N];
// b, c, db, dc [B, L, N] (shared by every channel); d, deltaBias, dd, ddeltaBias [D] (nullable);
// lengths int32 [B] (nullable: L for every row); states [B, S, D, N]; all contiguous.
//
// Per batch row and channel, with z_t = delta_t + bias, Δ_t = softplus(z_t) (linear above 20) or
// z_t, ā_t[n] = exp(Δ_t·a[n]):   h_t = ā_t·h_{t−1} + Δ_t·b_t·u_t,   y_t = Σ_n c_t[n]·h_t[n] + d·u_t.
// Row b runs len_b = lengths[b] steps (clamped to 0..L); y, du, ddelta are 0 after them. Chunk k
// covers steps [min(L, k·cl), min(L, (k+1)·cl)), cl = ceil(L/S); states[b, k] is h after the
// chunk's last step that the row runs (the state where the chunk starts if it runs none).
//
// Note: one thread per (row, channel). Both kernels give one thread a (batch row, channel) pair:
// its state h[N] lives in registers (N ≤ NMAX, the kernel variant: _n16, _n32, _n64) and it walks
// the steps in order. Consecutive threads are consecutive channels of one row, so reads of u,
// delta, dy and writes of y, du, ddelta are coalesced, and b_t, c_t are the same for the whole
// block (broadcast loads from L1). A block shares one row, hence one length, so every loop bound
// is block-uniform and the warp shuffles of the backward see all 32 lanes (threads past D run
// along with zero data and write nothing).
//
// Note: backward recomputation. The reverse step t needs h_{t−1}, h_t (and ā_t, recomputed with
// one expf per state). The forward keeps only the chunk states. Per chunk, in reverse:
//   1. from states[b, k−1] (0 for k = 0) run the chunk forward once, storing the state at the
//      start of every sub-chunk of SCAN_SUB = 8 steps into a per-thread local-memory array
//      cp[SCAN_CHECKPOINTS = 16][N] (sub-chunks past the 16th restart from the 16th checkpoint);
//   2. per sub-chunk, in reverse: reload its start state, recompute its ≤ 8 steps into the local
//      array hs[9][N], then run its reverse steps reading h_{t−1} = hs[j], h_t = hs[j+1].
// The cost is two extra forward passes (2·N expf per step) and (16 + 9)·N floats of local memory
// per thread (3.2 KiB at N = 32, cached in L1/L2), against the (B, L, D, N) tensor of all states.
// Chunks of up to 128 steps (ScanGrad uses ≤ 64) never recompute a step more than twice; longer
// chunks (S = 1 with L = 200) add about (steps − 128)²/16 steps, still correct. The reverse
// recurrence h_{t−1} = (h_t − Δb u)/ā was rejected: ā underflows to 0 for large Δ·|a|.
//
// Note: gradient sums. dB_t[n] and dC_t[n] sum over channels: each warp adds its 32 channels
// with a transposing butterfly (31 shuffles for 32 values, after which lane l holds state l's
// sum), then lane l does one atomicAdd per (step, state). dA[d, n], dD[d], dBias[d] sum over the
// batch rows: each thread accumulates its channel's sums (dA in a shared-memory column, so that
// they do not cost registers) and adds them with atomicAdd at the end. The launcher must therefore
// ZERO db, dc, da, dd and ddeltaBias before the backward launch (cuMemsetD32Async). Atomics make
// the float rounding of these sums depend on scheduling (not bit-reproducible, unlike the CPU).

#define SCAN_SUB 8
#define SCAN_CHECKPOINTS 16
#define SOFTPLUS_THRESHOLD 20.0f
#define WARP_MASK 0xffffffffu

__device__ __forceinline__ float delta_step(float z, bool softplus) {
    return (!softplus || z > SOFTPLUS_THRESHOLD) ? z : log1pf(expf(z));
}

__device__ __forceinline__ float sigmoid(float z) { return 1.0f / (1.0f + expf(-z)); }

// The operands of one call, read-only; built inside the kernel from its flat parameter list.
struct ScanIn {
    const float* u;
    const float* delta;
    const float* b;
    const float* c;
    int length;
    int channels;
    int n;
    bool softplus;
};

// One step of the recurrence for step t of row bi, channel ch: h ← ā·h + Δ·b_t·u_t. a[i] is
// read through `aAt` (registers in the forward, a shared-memory column in the backward).
template <int NM, typename AAt>
__device__ __forceinline__ void advance_step(float (&h)[NM], const ScanIn& in, int bi, int ch, int t, float bias,
                                             AAt aAt) {
    const long long row = (long long) bi * in.length + t;
    const long long xi = row * in.channels + ch;
    const float* bt = in.b + row * in.n;
    const float dt = delta_step(in.delta[xi] + bias, in.softplus);
    const float dtu = dt * in.u[xi];
#pragma unroll
    for (int i = 0; i < NM; ++i) {
        if (i < in.n) {
            h[i] = expf(dt * aAt(i)) * h[i] + dtu * bt[i];
        }
    }
}

// Warp-wide sums of M values per lane, transposed: afterwards lane l holds in v[0] the sum over
// the warp's 32 lanes of v[l mod M] (M = 1..32, a power of two). While M < 32 lanes l and l^o
// hold the same indices and are simply added; then each stage halves the values a lane holds,
// keeping the half its lane bit selects and sending the other half to its partner. 31 shuffles
// for M = 32 instead of 32·5 for 32 separate reductions.
template <int M>
__device__ __forceinline__ float warp_transpose_sum(float* v, int lane) {
#pragma unroll
    for (int o = 16; o >= M; o >>= 1) {
#pragma unroll
        for (int i = 0; i < M; ++i) {
            v[i] += __shfl_xor_sync(WARP_MASK, v[i], o);
        }
    }
#pragma unroll
    for (int half = M / 2; half >= 1; half >>= 1) {
        const bool upper = (lane & half) != 0;
#pragma unroll
        for (int i = 0; i < half; ++i) {
            const float send = upper ? v[i] : v[i + half];
            const float keep = upper ? v[i + half] : v[i];
            v[i] = keep + __shfl_xor_sync(WARP_MASK, send, half);
        }
    }
    return v[0];
}

// dst[i] += Σ_{channels of this warp} v[i] for i < n, one atomicAdd per state (see "gradient sums").
template <int NM>
__device__ __forceinline__ void add_channel_sums(float (&v)[NM], float* dst, int n) {
    const int lane = threadIdx.x & 31;
    if constexpr (NM <= 32) {
        const float s = warp_transpose_sum<NM>(v, lane);
        if (lane < NM && lane < n) {
            atomicAdd(dst + lane, s);
        }
    } else {
        static_assert(NM == 64, "the scan kernels are instantiated for N ≤ 16, 32, 64");
        const float lo = warp_transpose_sum<32>(v, lane);
        const float hi = warp_transpose_sum<32>(v + 32, lane);
        if (lane < n) atomicAdd(dst + lane, lo);
        if (lane + 32 < n) atomicAdd(dst + 32 + lane, hi);
    }
}

__device__ __forceinline__ int row_length(const int* lengths, int bi, int length) {
    return lengths ? min(max(lengths[bi], 0), length) : length;   // Ops: 0..L (the CPU throws otherwise)
}

// ------------------------------------------------------------------ forward

template <int NM>
__device__ __forceinline__ void scan_fwd(const float* __restrict__ u, const float* __restrict__ delta,
                                         const float* __restrict__ a, const float* __restrict__ b,
                                         const float* __restrict__ c, const float* __restrict__ d,
                                         const float* __restrict__ deltaBias, const int* __restrict__ lengths,
                                         float* __restrict__ y, float* __restrict__ states, int batch, int length,
                                         int channels, int n, int chunks, int softplus) {
    const int bi = blockIdx.y;
    const int ch = blockIdx.x * blockDim.x + threadIdx.x;
    if (bi >= batch || ch >= channels) {
        return;   // the forward has no cross-thread step: idle threads may leave
    }
    const ScanIn in{u, delta, b, c, length, channels, n, softplus != 0};
    const int len = row_length(lengths, bi, length);
    const int cl = (length + chunks - 1) / chunks;
    float ar[NM], h[NM];
#pragma unroll
    for (int i = 0; i < NM; ++i) {
        ar[i] = i < n ? a[(long long) ch * n + i] : 0.0f;
        h[i] = 0.0f;
    }
    const float dskip = d ? d[ch] : 0.0f;
    const float bias = deltaBias ? deltaBias[ch] : 0.0f;
    for (int k = 0; k < chunks; ++k) {
        const int t0 = (int) min((long long) length, (long long) k * cl);
        const int t1 = (int) min(min((long long) length, (long long) (k + 1) * cl), (long long) len);
        for (int t = t0; t < t1; ++t) {
            const long long row = (long long) bi * length + t;
            const long long xi = row * channels + ch;
            const float* bt = b + row * n;
            const float* ct = c + row * n;
            const float dt = delta_step(delta[xi] + bias, in.softplus);
            const float uu = u[xi];
            const float dtu = dt * uu;
            float acc = 0.0f;
#pragma unroll
            for (int i = 0; i < NM; ++i) {
                if (i < n) {
                    h[i] = expf(dt * ar[i]) * h[i] + dtu * bt[i];
                    acc += ct[i] * h[i];
                }
            }
            y[xi] = acc + dskip * uu;
        }
        float* st = states + (((long long) bi * chunks + k) * channels + ch) * n;
#pragma unroll
        for (int i = 0; i < NM; ++i) {
            if (i < n) st[i] = h[i];
        }
    }
    for (int t = len; t < length; ++t) {
        y[((long long) bi * length + t) * channels + ch] = 0.0f;
    }
}

// selective_scan_fwd_n{16,32,64}: y and the chunk states (Ops.selectiveScan) for N ≤ 16, 32, 64
// (the launcher picks the smallest variant with N ≤ NMAX; N > 64 is unsupported).
// Params: (const float* u, const float* delta, const float* a, const float* b, const float* c,
//          const float* d, const float* deltaBias, const int* lengths, float* y, float* states,
//          int batch, int length, int channels, int n, int chunks, int softplus)
//          d, deltaBias, lengths may be null; chunks = S = states.dim(1) ≥ 1; softplus 0 or 1.
// Launch: block 128 (any multiple of 32 up to 256), grid (ceil(D/128), B) (B ≤ 65535); no shared
//         memory.
extern "C" __global__ void __launch_bounds__(256)
selective_scan_fwd_n16(const float* u, const float* delta, const float* a, const float* b, const float* c,
                       const float* d, const float* deltaBias, const int* lengths, float* y, float* states,
                       int batch, int length, int channels, int n, int chunks, int softplus) {
    scan_fwd<16>(u, delta, a, b, c, d, deltaBias, lengths, y, states, batch, length, channels, n, chunks, softplus);
}

extern "C" __global__ void __launch_bounds__(256)
selective_scan_fwd_n32(const float* u, const float* delta, const float* a, const float* b, const float* c,
                       const float* d, const float* deltaBias, const int* lengths, float* y, float* states,
                       int batch, int length, int channels, int n, int chunks, int softplus) {
    scan_fwd<32>(u, delta, a, b, c, d, deltaBias, lengths, y, states, batch, length, channels, n, chunks, softplus);
}

extern "C" __global__ void __launch_bounds__(256)
selective_scan_fwd_n64(const float* u, const float* delta, const float* a, const float* b, const float* c,
                       const float* d, const float* deltaBias, const int* lengths, float* y, float* states,
                       int batch, int length, int channels, int n, int chunks, int softplus) {
    scan_fwd<64>(u, delta, a, b, c, d, deltaBias, lengths, y, states, batch, length, channels, n, chunks, softplus);
}

// ------------------------------------------------------------------ backward

template <int NM>
__device__ __forceinline__ void scan_bwd(const float* __restrict__ u, const float* __restrict__ delta,
                                         const float* __restrict__ a, const float* __restrict__ b,
                                         const float* __restrict__ c, const float* __restrict__ d,
                                         const float* __restrict__ deltaBias, const int* __restrict__ lengths,
                                         const float* __restrict__ states, const float* __restrict__ dy,
                                         float* __restrict__ du, float* __restrict__ ddelta, float* __restrict__ da,
                                         float* __restrict__ db, float* __restrict__ dc, float* __restrict__ dd,
                                         float* __restrict__ ddeltaBias, int batch, int length, int channels,
                                         int n, int chunks, int softplus) {
    extern __shared__ float smem[];
    const int bd = blockDim.x;
    const int tid = threadIdx.x;
    const int bi = blockIdx.y;
    const int ch = blockIdx.x * bd + tid;
    const bool active = ch < channels;
    if (bi >= batch) {
        return;   // whole block: uniform
    }
    // Columns of this thread: aCol[i·bd] = a[ch, i], daCol[i·bd] accumulates dA[ch, i]. Only the
    // owning thread touches its column, so no barrier is needed.
    float* aCol = smem + tid;
    float* daCol = smem + (long long) n * bd + tid;
    for (int i = 0; i < n; ++i) {
        aCol[i * bd] = active ? a[(long long) ch * n + i] : 0.0f;
        daCol[i * bd] = 0.0f;
    }
    const auto aAt = [aCol, bd](int i) { return aCol[i * bd]; };
    const ScanIn in{u, delta, b, c, length, channels, n, softplus != 0};
    const int len = row_length(lengths, bi, length);
    const int cl = (length + chunks - 1) / chunks;
    const float dskip = (d && active) ? d[ch] : 0.0f;
    const float bias = (deltaBias && active) ? deltaBias[ch] : 0.0f;

    float g[NM];            // adjoint carried from step t+1: g̃_t = ā_{t+1}·ĝ_{t+1}
#pragma unroll
    for (int i = 0; i < NM; ++i) g[i] = 0.0f;
    double sumD = 0.0;      // dD of this channel over this row
    double sumBias = 0.0;   // dBias likewise
    float cp[SCAN_CHECKPOINTS][NM];   // sub-chunk start states (local memory)
    float hs[SCAN_SUB + 1][NM];       // one sub-chunk's states: hs[0] start, hs[j+1] after step j

    for (int k = chunks - 1; k >= 0; --k) {
        const int t0 = (int) min((long long) length, (long long) k * cl);
        const int t1 = (int) min(min((long long) length, (long long) (k + 1) * cl), (long long) len);
        if (t0 >= t1) {
            continue;
        }
        float h[NM];   // the state before step t0: states[b, k−1], or 0 for the first chunk
        const bool fromState = k > 0 && active;
        const float* st = states + (((long long) bi * chunks + (fromState ? k - 1 : 0)) * channels + ch) * n;
#pragma unroll
        for (int i = 0; i < NM; ++i) {
            h[i] = (fromState && i < n) ? st[i] : 0.0f;
        }
        const int nsub = (t1 - t0 + SCAN_SUB - 1) / SCAN_SUB;
        const int kept = min(nsub, SCAN_CHECKPOINTS);
        // 1. checkpoints at the starts of sub-chunks 0 .. kept−1
        for (int j = 0; j < kept; ++j) {
#pragma unroll
            for (int i = 0; i < NM; ++i) cp[j][i] = h[i];
            if (j + 1 < kept && active) {
                for (int t = t0 + j * SCAN_SUB; t < t0 + (j + 1) * SCAN_SUB; ++t) {
                    advance_step<NM>(h, in, bi, ch, t, bias, aAt);
                }
            }
        }
        // 2. sub-chunks in reverse
        for (int j = nsub - 1; j >= 0; --j) {
            const int s0 = t0 + j * SCAN_SUB;
            const int s1 = min(s0 + SCAN_SUB, t1);
            const int base = min(j, kept - 1);
#pragma unroll
            for (int i = 0; i < NM; ++i) h[i] = cp[base][i];
            if (active) {
                for (int t = t0 + base * SCAN_SUB; t < s0; ++t) {   // only past the 16th checkpoint
                    advance_step<NM>(h, in, bi, ch, t, bias, aAt);
                }
            }
#pragma unroll
            for (int i = 0; i < NM; ++i) hs[0][i] = h[i];
            for (int t = s0; t < s1; ++t) {
                if (active) advance_step<NM>(h, in, bi, ch, t, bias, aAt);
#pragma unroll
                for (int i = 0; i < NM; ++i) hs[t - s0 + 1][i] = h[i];
            }
            for (int t = s1 - 1; t >= s0; --t) {
                // the reverse step of "Note: backward" in SelectiveScanPlain
                const float* hPrev = hs[t - s0];
                const float* hCur = hs[t - s0 + 1];
                const long long row = (long long) bi * length + t;
                const long long xi = row * channels + ch;
                const float* bt = b + row * n;
                const float* ct = c + row * n;
                const float z = active ? delta[xi] + bias : 0.0f;
                const float uu = active ? u[xi] : 0.0f;
                const float dyt = active ? dy[xi] : 0.0f;
                const float dt = delta_step(z, in.softplus);
                const float dtu = dt * uu;
                float sumGA = 0.0f;
                float sumGB = 0.0f;
                float vb[NM], vc[NM];
#pragma unroll
                for (int i = 0; i < NM; ++i) {
                    if (i < n) {
                        const float ai = aAt(i);
                        const float decay = expf(dt * ai);
                        const float gi = dyt * ct[i] + g[i];
                        const float carried = hPrev[i] * decay;
                        vc[i] = dyt * hCur[i];                  // dC_t[i] += dy_t·h_t[i]
                        vb[i] = gi * dtu;                       // dB_t[i] += ĝ_t[i]·Δ_t·u_t
                        daCol[i * bd] += gi * carried * dt;     // dA[i] += ĝ·h_{t−1}·ā·Δ
                        sumGA += gi * carried * ai;
                        sumGB += gi * bt[i];
                        g[i] = gi * decay;
                    } else {
                        vb[i] = 0.0f;
                        vc[i] = 0.0f;
                    }
                }
                if (active) {
                    const float ddt = sumGA + sumGB * uu;
                    const float dz = in.softplus ? ddt * sigmoid(z) : ddt;   // softplus' = σ, as the CPU
                    du[xi] = dskip * dyt + dt * sumGB;
                    ddelta[xi] = dz;
                    sumD += dyt * uu;
                    sumBias += dz;
                }
                add_channel_sums<NM>(vb, db + row * n, n);
                add_channel_sums<NM>(vc, dc + row * n, n);
            }
        }
    }
    if (!active) {
        return;
    }
    for (int i = 0; i < n; ++i) {
        atomicAdd(da + (long long) ch * n + i, daCol[i * bd]);
    }
    if (dd) atomicAdd(dd + ch, (float) sumD);
    if (ddeltaBias) atomicAdd(ddeltaBias + ch, (float) sumBias);
    for (int t = len; t < length; ++t) {
        const long long xi = ((long long) bi * length + t) * channels + ch;
        du[xi] = 0.0f;
        ddelta[xi] = 0.0f;
    }
}

// selective_scan_bwd_n{16,32,64}: du, ddelta (overwritten), and da, db, dc, dd, ddeltaBias
// (ACCUMULATED with atomics: the launcher zeroes them first) of Ops.selectiveScanBackward, by
// recomputation from the forward's chunk states. dd and ddeltaBias may be null.
// Params: (const float* u, const float* delta, const float* a, const float* b, const float* c,
//          const float* d, const float* deltaBias, const int* lengths, const float* states,
//          const float* dy, float* du, float* ddelta, float* da, float* db, float* dc, float* dd,
//          float* ddeltaBias, int batch, int length, int channels, int n, int chunks, int softplus)
// Launch: block 128 (a multiple of 32 up to 256), grid (ceil(D/block), B) (B ≤ 65535); dynamic
//         shared 2·n·block·4 bytes (32 KiB at n = 32, block 128; keep ≤ 48 KiB: block 64 for
//         n > 48); local memory (16 + 9)·NMAX·4 bytes per thread.
extern "C" __global__ void __launch_bounds__(256)
selective_scan_bwd_n16(const float* u, const float* delta, const float* a, const float* b, const float* c,
                       const float* d, const float* deltaBias, const int* lengths, const float* states,
                       const float* dy, float* du, float* ddelta, float* da, float* db, float* dc, float* dd,
                       float* ddeltaBias, int batch, int length, int channels, int n, int chunks, int softplus) {
    scan_bwd<16>(u, delta, a, b, c, d, deltaBias, lengths, states, dy, du, ddelta, da, db, dc, dd, ddeltaBias, batch,
                 length, channels, n, chunks, softplus);
}

extern "C" __global__ void __launch_bounds__(256)
selective_scan_bwd_n32(const float* u, const float* delta, const float* a, const float* b, const float* c,
                       const float* d, const float* deltaBias, const int* lengths, const float* states,
                       const float* dy, float* du, float* ddelta, float* da, float* db, float* dc, float* dd,
                       float* ddeltaBias, int batch, int length, int channels, int n, int chunks, int softplus) {
    scan_bwd<32>(u, delta, a, b, c, d, deltaBias, lengths, states, dy, du, ddelta, da, db, dc, dd, ddeltaBias, batch,
                 length, channels, n, chunks, softplus);
}

extern "C" __global__ void __launch_bounds__(256)
selective_scan_bwd_n64(const float* u, const float* delta, const float* a, const float* b, const float* c,
                       const float* d, const float* deltaBias, const int* lengths, const float* states,
                       const float* dy, float* du, float* ddelta, float* da, float* db, float* dc, float* dd,
                       float* ddeltaBias, int batch, int length, int channels, int n, int chunks, int softplus) {
    scan_bwd<64>(u, delta, a, b, c, d, deltaBias, lengths, states, dy, du, ddelta, da, db, dc, dd, ddeltaBias, batch,
                 length, channels, n, chunks, softplus);
}

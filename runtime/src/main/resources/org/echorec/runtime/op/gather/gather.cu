// Family gather: embedding lookup and its scatter-add gradient. Spec: Ops.gather/scatterAdd,
// GatherPlain. Conventions: see view.cu and KERNELS.md. table [V, d], ids int32 of any shape
// (count = ids.numel()), out/src [count, d], all contiguous.
//
// Note: ids out of range. The CPU throws for an id outside [0, V). A kernel cannot throw: gather
// writes NaN into that output row and scatter_add skips it, and both set *bad = 1 when bad is not
// null, so the launcher can read the flag back (or validate ids on the host) and throw.
//
// Note: scatter order. scatter_add adds with atomicAdd, so repeated ids (popular items) add in an
// unspecified order: the sums can differ from the CPU's (which adds in id order) by float rounding,
// and from run to run. The padding id (skipIndex) is never touched.

// gather: out[i, :] = table[ids[i], :]. One thread per output element (coalesced along d).
// Params: (const float* table, const int* ids, float* out, int* bad, long long count, int vocab,
//          int d)
// Launch: block 256, grid min(ceil(count·d/256), 65535); no shared memory.
extern "C" __global__ void gather(const float* __restrict__ table, const int* __restrict__ ids,
                                  float* __restrict__ out, int* bad, long long count, int vocab, int d) {
    const long long total = count * d;
    const long long step = (long long) gridDim.x * blockDim.x;
    for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += step) {
        const long long i = e / d;
        const int j = (int) (e - i * d);
        const int id = ids[i];
        if (id < 0 || id >= vocab) {
            out[e] = __int_as_float(0x7fffffff);
            if (bad && j == 0) *bad = 1;
            continue;
        }
        out[e] = table[(long long) id * d + j];
    }
}

// scatter_add: table[ids[i], :] += src[i, :] for every i with ids[i] != skipIndex (Ops.scatterAdd;
// skipIndex −1 skips none). Accumulates into the existing table (the launcher does not zero it).
// Params: (const int* ids, const float* src, float* table, int* bad, long long count, int vocab,
//          int d, int skipIndex)
// Launch: block 256, grid min(ceil(count·d/256), 65535); no shared memory.
extern "C" __global__ void scatter_add(const int* __restrict__ ids, const float* __restrict__ src,
                                       float* __restrict__ table, int* bad, long long count, int vocab, int d,
                                       int skipIndex) {
    const long long total = count * d;
    const long long step = (long long) gridDim.x * blockDim.x;
    for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += step) {
        const long long i = e / d;
        const int j = (int) (e - i * d);
        const int id = ids[i];
        if (id < 0 || id >= vocab) {
            if (bad && j == 0) *bad = 1;
            continue;
        }
        if (id == skipIndex) {
            continue;
        }
        atomicAdd(table + (long long) id * d + j, src[e]);
    }
}

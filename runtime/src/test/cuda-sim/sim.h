// A tiny cooperative-fiber CUDA simulator: runs the .cu kernels on the CPU, one block at a time,
// every thread a ucontext fiber; __syncthreads and warp shuffles are barriers among fibers.
#pragma once
#include <ucontext.h>
#include <cmath>
#include <math.h>
#include <cstdint>
#include <cstring>
#include <cstdio>
#include <cstdlib>
#include <vector>
#include <functional>
#include <algorithm>

struct dim3 { unsigned x = 1, y = 1, z = 1; };
struct float2 { float x, y; };

namespace sim {
struct Fiber {
    ucontext_t ctx;
    std::vector<char> stack;
    dim3 tidx;
    int linear = 0;
    bool done = false;
};
inline ucontext_t mainctx;
inline std::vector<Fiber> fibers;
inline int current = 0;
inline dim3 blockIdx_, blockDim_, gridDim_;
inline std::vector<char> dyn;
inline std::function<void()> body;
inline int alive = 0;
inline int blockArrive = 0, blockGen = 0;
inline int warpArrive[64], warpGen[64], warpAlive[64];
inline unsigned long long warpSlot[64][32];

inline Fiber* cur() { return &fibers[current]; }
inline void yield() { swapcontext(&fibers[current].ctx, &mainctx); }

inline void syncthreads() {
    int gen = blockGen;
    if (++blockArrive == alive) { blockArrive = 0; blockGen++; return; }
    while (blockGen == gen) yield();
}
inline void warpBarrier(int w) {
    int gen = warpGen[w];
    if (++warpArrive[w] == warpAlive[w]) { warpArrive[w] = 0; warpGen[w]++; return; }
    while (warpGen[w] == gen) yield();
}
template <class T> T shfl_xor(T v, int o) {
    int w = cur()->linear / 32, lane = cur()->linear % 32;
    unsigned long long bits = 0;
    std::memcpy(&bits, &v, sizeof(T));
    warpSlot[w][lane] = bits;
    warpBarrier(w);
    unsigned long long r = warpSlot[w][lane ^ o];
    warpBarrier(w);
    T out;
    std::memcpy(&out, &r, sizeof(T));
    return out;
}
inline void trampoline() {
    body();
    Fiber* f = cur();
    f->done = true;
    alive--;
    int w = f->linear / 32;
    warpAlive[w]--;
    // release barriers that were waiting only for this thread
    if (alive > 0 && blockArrive == alive) { blockArrive = 0; blockGen++; }
    if (warpAlive[w] > 0 && warpArrive[w] == warpAlive[w]) { warpArrive[w] = 0; warpGen[w]++; }
}
template <class K> void launch(dim3 grid, dim3 block, size_t dynBytes, K kernel) {
    gridDim_ = grid;
    blockDim_ = block;
    int n = block.x * block.y * block.z;
    for (unsigned bz = 0; bz < grid.z; ++bz)
    for (unsigned by = 0; by < grid.y; ++by)
    for (unsigned bx = 0; bx < grid.x; ++bx) {
        blockIdx_ = {bx, by, bz};
        dyn.assign(dynBytes + 16, (char) 0xff);   // garbage (NaN) like uninitialised shared memory
        fibers.clear();
        fibers.resize(n);
        alive = n;
        blockArrive = 0;
        for (int w = 0; w < 64; ++w) { warpArrive[w] = 0; warpAlive[w] = 0; }
        body = kernel;
        for (int i = 0; i < n; ++i) {
            Fiber& f = fibers[i];
            f.linear = i;
            f.tidx = {(unsigned) (i % block.x), (unsigned) (i / block.x % block.y), (unsigned) (i / (block.x * block.y))};
            warpAlive[i / 32]++;
            f.stack.resize(1 << 17);
            getcontext(&f.ctx);
            f.ctx.uc_stack.ss_sp = f.stack.data();
            f.ctx.uc_stack.ss_size = f.stack.size();
            f.ctx.uc_link = &mainctx;
            makecontext(&f.ctx, trampoline, 0);
        }
        bool any = true;
        while (any) {
            any = false;
            for (int i = 0; i < n; ++i) {
                if (!fibers[i].done) {
                    current = i;
                    swapcontext(&mainctx, &fibers[i].ctx);
                    any = true;
                }
            }
        }
    }
}
template <class T> T* dynsmem() { return reinterpret_cast<T*>(dyn.data()); }
}  // namespace sim

#define __global__
#define __device__
#define __forceinline__ inline
#define __shared__ static
#define __launch_bounds__(x)
#define threadIdx (sim::cur()->tidx)
#define blockIdx (sim::blockIdx_)
#define blockDim (sim::blockDim_)
#define gridDim (sim::gridDim_)

inline void __syncthreads() { sim::syncthreads(); }
template <class T> inline T __shfl_xor_sync(unsigned, T v, int o) { return sim::shfl_xor(v, o); }
inline float atomicAdd(float* p, float v) { float o = *p; *p = o + v; return o; }
inline unsigned __umulhi(unsigned a, unsigned b) { return (unsigned) (((unsigned long long) a * b) >> 32); }
inline float __fmul_rn(float a, float b) { volatile float r = a * b; return r; }
inline float __fadd_rn(float a, float b) { volatile float r = a + b; return r; }
inline float __fsub_rn(float a, float b) { volatile float r = a - b; return r; }
inline float __fdiv_rn(float a, float b) { volatile float r = a / b; return r; }
inline float __fsqrt_rn(float a) { return sqrtf(a); }
inline double __dmul_rn(double a, double b) { volatile double r = a * b; return r; }
inline double __dsqrt_rn(double a) { return sqrt(a); }
inline float __int_as_float(int i) { float f; std::memcpy(&f, &i, 4); return f; }
inline float __uint_as_float(unsigned i) { float f; std::memcpy(&f, &i, 4); return f; }
inline unsigned __float_as_uint(float f) { unsigned i; std::memcpy(&i, &f, 4); return i; }
inline float normcdff(float x) { return 0.5f * erfcf(-x * 0.70710678118654752f); }
template <class T> inline T min(T a, T b) { return a < b ? a : b; }
template <class T> inline T max(T a, T b) { return a > b ? a : b; }

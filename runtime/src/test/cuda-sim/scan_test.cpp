#include "common.h"
#include "scan.inc"

// Port of SelectiveScanPlain (float math, same order).
struct Ref {
    int B, L, D, N, S; bool sp;
    std::vector<float> u, delta, a, b, c, d, bias; std::vector<int> len; bool hasD, hasBias, hasLen;
    int end(int bi) const { return hasLen ? len[bi] : L; }
    int cl() const { return (L + S - 1) / S; }
    int cs(int k) const { return (int) std::min<long long>(L, (long long) k * cl()); }
    int ce(int k, int bi) const { return std::min((int) std::min<long long>(L, (long long) (k + 1) * cl()), end(bi)); }
    float step(float z) const { return (!sp || z > 20.f) ? z : (float) std::log1p(std::exp((double) z)); }
    static float sig(float z) { return 1.f / (1.f + (float) std::exp((double) -z)); }
    void forward(std::vector<float>& y, std::vector<float>& st) const {
        y.assign((size_t) B * L * D, 0.f); st.assign((size_t) B * S * D * N, 0.f);
        std::vector<float> h(N);
        for (int bi = 0; bi < B; ++bi) for (int ch = 0; ch < D; ++ch) {
            std::fill(h.begin(), h.end(), 0.f);
            float ds = hasD ? d[ch] : 0.f, bs = hasBias ? bias[ch] : 0.f;
            for (int k = 0; k < S; ++k) {
                for (int t = cs(k); t < ce(k, bi); ++t) {
                    long x = ((long) bi * L + t) * D + ch, bc = ((long) bi * L + t) * N;
                    float dt = step(delta[x] + bs), uu = u[x], dtu = dt * uu, acc = 0;
                    for (int i = 0; i < N; ++i) {
                        float decay = (float) std::exp((double) (dt * a[ch * N + i]));
                        h[i] = decay * h[i] + dtu * b[bc + i];
                        acc += c[bc + i] * h[i];
                    }
                    y[x] = acc + ds * uu;
                }
                for (int i = 0; i < N; ++i) st[(((long) bi * S + k) * D + ch) * N + i] = h[i];
            }
        }
    }
    void backward(const std::vector<float>& st, const std::vector<float>& dy, std::vector<float>& du, std::vector<float>& dd_,
                  std::vector<float>& da, std::vector<float>& db, std::vector<float>& dc, std::vector<float>& dD, std::vector<float>& dBias) const {
        du.assign((size_t) B * L * D, 0.f); dd_ = du; da.assign((size_t) D * N, 0.f); db.assign((size_t) B * L * N, 0.f); dc = db;
        dD.assign(D, 0.f); dBias.assign(D, 0.f);
        int c_ = cl();
        std::vector<float> h((c_ + 1) * N), e(c_ * N), g(N);
        for (int bi = 0; bi < B; ++bi) for (int ch = 0; ch < D; ++ch) {
            std::fill(g.begin(), g.end(), 0.f);
            float ds = hasD ? d[ch] : 0.f, bs = hasBias ? bias[ch] : 0.f;
            for (int k = S - 1; k >= 0; --k) {
                int t0 = cs(k), t1 = ce(k, bi);
                if (t0 >= t1) continue;
                for (int i = 0; i < N; ++i) h[i] = k == 0 ? 0.f : st[(((long) bi * S + k - 1) * D + ch) * N + i];
                for (int t = t0; t < t1; ++t) {
                    int j = t - t0; long x = ((long) bi * L + t) * D + ch, bc = ((long) bi * L + t) * N;
                    float dt = step(delta[x] + bs), dtu = dt * u[x];
                    for (int i = 0; i < N; ++i) {
                        float decay = (float) std::exp((double) (dt * a[ch * N + i]));
                        e[j * N + i] = decay; h[(j + 1) * N + i] = decay * h[j * N + i] + dtu * b[bc + i];
                    }
                }
                for (int t = t1 - 1; t >= t0; --t) {
                    int j = t - t0; long x = ((long) bi * L + t) * D + ch, bc = ((long) bi * L + t) * N;
                    float z = delta[x] + bs, dt = step(z), uu = u[x], dyt = dy[x], dtu = dt * uu, sGA = 0, sGB = 0;
                    for (int i = 0; i < N; ++i) {
                        float bn = b[bc + i], gi = dyt * c[bc + i] + g[i], decay = e[j * N + i], carried = h[j * N + i] * decay;
                        dc[bc + i] += dyt * h[(j + 1) * N + i]; db[bc + i] += gi * dtu;
                        da[ch * N + i] += gi * carried * dt; sGA += gi * carried * a[ch * N + i]; sGB += gi * bn; g[i] = gi * decay;
                    }
                    float ddt = sGA + sGB * uu, dz = sp ? ddt * sig(z) : ddt;
                    du[x] = ds * dyt + dt * sGB; dd_[x] = dz; dD[ch] += dyt * uu; dBias[ch] += dz;
                }
            }
        }
    }
};


int main() {
    struct Case { const char* name; int B, L, D, N, S; bool sp, hasD, hasBias, hasLen; int block; };
    Case cases[] = {
        {"n32 basic L=20 S=3", 2, 20, 40, 32, 3, true, true, true, false, 32},
        {"n32 lengths, S=1 L=40", 3, 40, 33, 32, 1, true, true, true, true, 64},
        {"n16 N=5 no d/bias", 2, 17, 35, 5, 2, false, false, false, true, 32},
        {"n64 N=40", 2, 12, 20, 40, 5, true, true, false, false, 32},
        {"n32 long chunk L=150 S=1 (past 16 checkpoints)", 1, 150, 32, 32, 1, true, true, true, true, 32},
        {"n16 S > L", 2, 3, 10, 4, 6, true, true, true, false, 32},
        {"n16 L=0", 2, 0, 10, 4, 1, true, true, true, false, 32},
    };
    for (auto& cs : cases) {
        Ref r{cs.B, cs.L, cs.D, cs.N, cs.S, cs.sp};
        size_t x = (size_t) cs.B * cs.L * cs.D, bc = (size_t) cs.B * cs.L * cs.N;
        r.u = rvec(x); r.delta = rvec(x, -3, 1); r.a = rvec((size_t) cs.D * cs.N, -2, -0.1f); r.b = rvec(bc); r.c = rvec(bc);
        r.d = rvec(cs.D); r.bias = rvec(cs.D, -1, 1); r.hasD = cs.hasD; r.hasBias = cs.hasBias; r.hasLen = cs.hasLen;
        for (int bi = 0; bi < cs.B; ++bi) r.len.push_back(cs.hasLen ? (bi == 0 ? cs.L : bi == 1 ? 0 : cs.L / 2 + 1) : cs.L);
        if (cs.hasLen && cs.B > 2) r.len[2] = std::min(cs.L, 137);
        std::vector<float> yR, sR; r.forward(yR, sR);
        std::vector<float> y(x, 777.f), st((size_t) cs.B * cs.S * cs.D * cs.N, 777.f);
        auto fwd = cs.N <= 16 ? selective_scan_fwd_n16 : cs.N <= 32 ? selective_scan_fwd_n32 : selective_scan_fwd_n64;
        auto bwd = cs.N <= 16 ? selective_scan_bwd_n16 : cs.N <= 32 ? selective_scan_bwd_n32 : selective_scan_bwd_n64;
        const float* dP = cs.hasD ? r.d.data() : nullptr; const float* bP = cs.hasBias ? r.bias.data() : nullptr;
        const int* lP = cs.hasLen ? r.len.data() : nullptr;
        dim3 grid = d3((cs.D + cs.block - 1) / cs.block, cs.B);
        sim::launch(grid, d3(cs.block), 0, [&] { fwd(r.u.data(), r.delta.data(), r.a.data(), r.b.data(), r.c.data(), dP, bP, lP, y.data(), st.data(), cs.B, cs.L, cs.D, cs.N, cs.S, cs.sp); });
        std::string n = cs.name;
        check(n + " y", y, yR, 1e-5, 1e-6);
        check(n + " states", st, sR, 1e-5, 1e-6);
        std::vector<float> dy = rvec(x);
        std::vector<float> duR, ddR, daR, dbR, dcR, dDR, dBiasR;
        r.backward(sR, dy, duR, ddR, daR, dbR, dcR, dDR, dBiasR);
        std::vector<float> du(x, 777.f), dd(x, 777.f), da((size_t) cs.D * cs.N, 0.f), db(bc, 0.f), dc(bc, 0.f), dD(cs.D, 0.f), dBias(cs.D, 0.f);
        sim::launch(grid, d3(cs.block), 2 * cs.N * cs.block * 4, [&] {
            bwd(r.u.data(), r.delta.data(), r.a.data(), r.b.data(), r.c.data(), dP, bP, lP, sR.data(), dy.data(), du.data(), dd.data(),
                da.data(), db.data(), dc.data(), cs.hasD ? dD.data() : nullptr, cs.hasBias ? dBias.data() : nullptr, cs.B, cs.L, cs.D, cs.N, cs.S, cs.sp); });
        check(n + " du", du, duR, 1e-4, 1e-5);
        check(n + " ddelta", dd, ddR, 1e-4, 1e-5);
        check(n + " da", da, daR, 1e-4, 1e-4);
        check(n + " db", db, dbR, 1e-4, 1e-5);
        check(n + " dc", dc, dcR, 1e-4, 1e-5);
        if (cs.hasD) check(n + " dD", dD, dDR, 1e-4, 1e-4);
        if (cs.hasBias) check(n + " dBias", dBias, dBiasR, 1e-4, 1e-4);
    }
    printf(failures ? "%d FAILURES\n" : "all ok\n", failures);
    return failures != 0;
}

#include "common.h"
#include <fstream>
#include <sstream>
#include <complex>
namespace view_ { 
#include "view.inc"
}
namespace unary_ {
#include "unary.inc"
}
namespace binary_ {
#include "binary.inc"
}
namespace reduce_ {
#include "reduce.inc"
}
namespace norm_ {
#include "norm.inc"
}
namespace softmax_ {
#include "softmax.inc"
}
namespace gather_ {
#include "gather.inc"
}
namespace random_ {
#include "random.inc"
}
namespace conv_ {
#include "conv.inc"
}
namespace fft_ {
#include "fft.inc"
}
namespace select_ {
#include "select.inc"
}
namespace optim_ {
#include "optim.inc"
}

static const char* referenceFile = "";

static float nanf_() { return std::numeric_limits<float>::quiet_NaN(); }
static const float INF = std::numeric_limits<float>::infinity();

void testView() {
    using namespace view_;
    // copy: src = transpose of a [3, 5] matrix (shape [5, 3], strides [1, 5]) into contiguous dst, accumulate
    std::vector<float> a = rvec(15), dst = rvec(15), want(15);
    for (int i = 0; i < 5; ++i) for (int j = 0; j < 3; ++j) want[i * 3 + j] = dst[i * 3 + j] + a[j * 5 + i];
    Geometry g{}; g.rank = 2; g.size[0] = 5; g.size[1] = 3; g.stride0[0] = 1; g.stride0[1] = 5; g.stride1[0] = 3; g.stride1[1] = 1;
    sim::launch(d3(1), d3(256), 0, [&] { copy((const unsigned*) a.data(), (unsigned*) dst.data(), g, 15, 1); });
    checkBits("copy accumulate transpose", dst, want);
    std::vector<float> d2(15, 0.f), w2(15);
    for (int i = 0; i < 5; ++i) for (int j = 0; j < 3; ++j) w2[i * 3 + j] = a[j * 5 + i];
    sim::launch(d3(1), d3(32), 0, [&] { copy((const unsigned*) a.data(), (unsigned*) d2.data(), g, 15, 0); });
    checkBits("copy transpose (grid-stride, 1 warp)", d2, w2);
    // fill a narrow: columns 1..2 of a [4, 4]
    std::vector<float> f(16, 0.f), fw(16, 0.f);
    for (int i = 0; i < 4; ++i) for (int j = 1; j < 3; ++j) fw[i * 4 + j] = 2.5f;
    Geometry gf{}; gf.rank = 2; gf.size[0] = 4; gf.size[1] = 2; gf.stride0[0] = 4; gf.stride0[1] = 1;
    float v = 2.5f; unsigned bits; memcpy(&bits, &v, 4);
    sim::launch(d3(1), d3(256), 0, [&] { fill((unsigned*) (f.data() + 1), gf, 8, bits); });
    checkBits("fill narrow", f, fw);
    // flip axis 1 of [2, 3, 4]
    std::vector<float> x = rvec(24), y(24), yw(24);
    for (int o = 0; o < 2; ++o) for (int i = 0; i < 3; ++i) for (int j = 0; j < 4; ++j) yw[(o * 3 + i) * 4 + j] = x[(o * 3 + 2 - i) * 4 + j];
    sim::launch(d3(2), d3(8), 0, [&] { flip((const unsigned*) x.data(), (unsigned*) y.data(), 2, 3, 4); });
    checkBits("flip", y, yw);
}

void testUnary() {
    using namespace unary_;
    std::vector<float> x = {-30.f, -5.f, -3.f, -2.9f, -1.f, -0.1f, 0.f, 0.3f, 1.f, 2.5f, 3.f, 3.5f, 19.f, 21.f};
    size_t n = x.size();
    auto run = [&](auto fwd, auto bwd, auto f, auto df, const char* name, bool positive = false) {
        std::vector<float> xs = x;
        if (positive) for (auto& e : xs) e = std::fabs(e) + 0.1f;
        std::vector<float> y(n), dx(n), dy(n, 1.5f), yw(n), dxw(n);
        for (size_t i = 0; i < n; ++i) { yw[i] = (float) f((double) xs[i]); dxw[i] = (float) (1.5 * df((double) xs[i])); }
        sim::launch(d3(1), d3(64), 0, [&] { fwd(xs.data(), y.data(), (long long) n); });
        sim::launch(d3(1), d3(64), 0, [&] { bwd(xs.data(), dy.data(), dx.data(), (long long) n); });
        check(std::string(name) + " fwd", y, yw, 1e-5, 1e-30);
        check(std::string(name) + " bwd", dx, dxw, 1e-5, 1e-30);
    };
    auto sg = [](double v) { return 1 / (1 + std::exp(-v)); };
    auto Phi = [](double v) { return 0.5 * std::erfc(-v / std::sqrt(2.0)); };
    run(exp_fwd, exp_bwd, [](double v) { return std::exp(v); }, [](double v) { return std::exp(v); }, "exp");
    run(log_fwd, log_bwd, [](double v) { return std::log(v); }, [](double v) { return 1 / v; }, "log", true);
    run(tanh_fwd, tanh_bwd, [](double v) { return std::tanh(v); }, [](double v) { float t = (float) std::tanh(v); return (double) (1.f - t * t); }, "tanh");
    run(sigmoid_fwd, sigmoid_bwd, sg, [&](double v) { float s = (float) sg(v); return (double) (s * (1.f - s)); }, "sigmoid");
    run(silu_fwd, silu_bwd, [&](double v) { return v * sg(v); }, [&](double v) { return sg(v) * (1 + v * (1 - sg(v))); }, "silu");
    run(gelu_fwd, gelu_bwd, [&](double v) { return v * Phi(v); }, [&](double v) { return Phi(v) + v * std::exp(-v * v / 2) / std::sqrt(2 * M_PI); }, "gelu");
    run(softplus_fwd, softplus_bwd, [](double v) { return v > 20 ? v : std::log1p(std::exp(v)); }, [&](double v) { return v > 20 ? 1 : sg(v); }, "softplus");
    run(hardswish_fwd, hardswish_bwd, [](double v) { return v * std::min(std::max(v + 3, 0.0), 6.0) / 6; }, [](double v) { return v < -3 ? 0 : v <= 3 ? v / 3 + 0.5 : 1; }, "hardswish");
    run(relu_fwd, relu_bwd, [](double v) { return v > 0 ? v : 0; }, [](double v) { return v > 0 ? 1.0 : 0.0; }, "relu");
    run(square_fwd, square_bwd, [](double v) { return v * v; }, [](double v) { return 2 * v; }, "square");
}

void testBinary() {
    using namespace binary_;
    std::vector<float> a = rvec(60), b = rvec(12), out(60), want(60);
    for (int i = 0; i < 60; ++i) want[i] = a[i] / b[i % 12];
    sim::launch(d3(1), d3(32), 0, [&] { div_fwd(a.data(), b.data(), out.data(), 60, 12); });
    checkBits("div broadcast", out, want);
    for (int i = 0; i < 60; ++i) want[i] = a[i] - b[0];
    std::vector<float> al = a;   // aliasing out = a
    sim::launch(d3(1), d3(32), 0, [&] { sub_fwd(al.data(), b.data(), al.data(), 60, 1); });
    checkBits("sub scalar, aliased", al, want);
    for (int i = 0; i < 60; ++i) want[i] = std::fma(0.3f, a[i], -2.f);
    sim::launch(d3(1), d3(32), 0, [&] { affine(a.data(), out.data(), 60, 0.3f, -2.f); });
    checkBits("affine", out, want);
}

void testReduce() {
    using namespace reduce_;
    int outer = 3, n = 101, inner = 37;
    std::vector<float> x = rvec((size_t) outer * n * inner), want((size_t) outer * inner);
    for (int o = 0; o < outer; ++o) for (int j = 0; j < inner; ++j) { double s = 0; for (int i = 0; i < n; ++i) s += x[((size_t) o * n + i) * inner + j]; want[o * inner + j] = (float) (0.5 * s); }
    std::vector<float> out(want.size(), 777.f);
    sim::launch(d3(2, 3, 1), d3(32, 8), 0, [&] { sum(x.data(), out.data(), nullptr, outer, n, inner, 0.5f); });
    check("sum columns", out, want, 1e-6, 1e-7);
    std::vector<double> part((size_t) 4 * outer * inner, -1);
    std::fill(out.begin(), out.end(), 777.f);
    sim::launch(d3(2, 2, 4), d3(32, 8), 0, [&] { sum(x.data(), out.data(), part.data(), outer, n, inner, 0.5f); });
    sim::launch(d3(1), d3(256), 0, [&] { sum_finish(part.data(), 4, outer * inner, outer * inner, 0.5f, out.data(), nullptr); });
    check("sum columns split 4 (grid.y < outer)", out, want, 1e-6, 1e-7);
    // rows
    int rows = 19, len = 300;
    std::vector<float> xr = rvec((size_t) rows * len), wr(rows), orow(rows, 777.f);
    for (int o = 0; o < rows; ++o) { double s = 0; for (int i = 0; i < len; ++i) s += xr[(size_t) o * len + i]; wr[o] = (float) s; }
    sim::launch(d3(2), d3(256), 0, [&] { sum_rows(xr.data(), orow.data(), nullptr, rows, len, 1.f); });
    check("sum rows", orow, wr, 1e-6, 1e-7);
    std::vector<double> pr((size_t) 3 * rows);
    sim::launch(d3(1, 3), d3(256), 0, [&] { sum_rows(xr.data(), orow.data(), pr.data(), rows, len, 1.f); });
    sim::launch(d3(1), d3(256), 0, [&] { sum_finish(pr.data(), 3, rows, rows, 1.f, orow.data(), nullptr); });
    check("sum rows split", orow, wr, 1e-6, 1e-7);
    // n = 0
    std::vector<float> z(5, 7.f), zw(5, 0.f);
    sim::launch(d3(1), d3(256), 0, [&] { sum_rows(xr.data(), z.data(), nullptr, 5, 0, 1.f); });
    checkBits("sum over an empty axis", z, zw);
    // broadcast
    std::vector<float> dy = rvec((size_t) outer * inner), dx((size_t) outer * n * inner), dxw(dx.size());
    for (int o = 0; o < outer; ++o) for (int i = 0; i < n; ++i) for (int j = 0; j < inner; ++j) dxw[((size_t) o * n + i) * inner + j] = 0.25f * dy[o * inner + j];
    sim::launch(d3(8), d3(256), 0, [&] { broadcast_axis(dy.data(), dx.data(), outer, n, inner, 0.25f); });
    checkBits("broadcast_axis", dx, dxw);
}

void testNorm() {
    using namespace norm_;
    int rows = 21, d = 70;
    std::vector<float> x = rvec((size_t) rows * d, -2, 3), g = rvec(d), b = rvec(d), dy = rvec((size_t) rows * d);
    for (int j = 0; j < d; ++j) x[j] += 1000.f;   // a row with |μ| ≫ σ
    std::vector<float> yw(x.size()), mw(rows), rw(rows), dxw(x.size()), dgw(d, 0), dbw(d, 0);
    std::vector<double> pg(d, 0), pb(d, 0);
    for (int r = 0; r < rows; ++r) {
        const float* xr = &x[(size_t) r * d];
        double mu = 0; for (int j = 0; j < d; ++j) mu += xr[j]; mu /= d;
        double var = 0; for (int j = 0; j < d; ++j) { double c = xr[j] - mu; var += c * c; } var /= d;
        float m = (float) mu, s = (float) (1 / std::sqrt(var + 1e-5f));
        mw[r] = m; rw[r] = s;
        for (int j = 0; j < d; ++j) yw[(size_t) r * d + j] = (xr[j] - m) * s * g[j] + b[j];
        double mg = 0, mgx = 0;
        for (int j = 0; j < d; ++j) { float gg = dy[(size_t) r * d + j] * g[j]; float xh = (xr[j] - m) * s; mg += gg; mgx += (double) gg * xh; }
        mg /= d; mgx /= d;
        for (int j = 0; j < d; ++j) { float gg = dy[(size_t) r * d + j] * g[j]; float xh = (xr[j] - m) * s; dxw[(size_t) r * d + j] = s * (gg - (float) mg - xh * (float) mgx);
            pg[j] += (double) dy[(size_t) r * d + j] * xh; pb[j] += dy[(size_t) r * d + j]; }
    }
    for (int j = 0; j < d; ++j) { dgw[j] = (float) pg[j]; dbw[j] = (float) pb[j]; }
    std::vector<float> y(x.size()), m(rows), r_(rows), dx(x.size()), dg(d), db(d);
    sim::launch(d3(2), d3(256), 0, [&] { layer_norm_fwd(x.data(), g.data(), b.data(), y.data(), m.data(), r_.data(), rows, d, 1e-5f); });
    check("layer_norm y", y, yw, 1e-5, 1e-5); check("layer_norm mean", m, mw, 1e-6, 0); check("layer_norm rstd", r_, rw, 1e-6, 0);
    sim::launch(d3(3), d3(256), 0, [&] { layer_norm_bwd(x.data(), g.data(), mw.data(), rw.data(), dy.data(), dx.data(), rows, d); });
    check("layer_norm dx", dx, dxw, 1e-5, 1e-5);
    std::vector<double> part((size_t) 3 * 2 * d);
    sim::launch(d3(3, 3), d3(32, 8), 0, [&] { layer_norm_bwd_params(x.data(), mw.data(), rw.data(), dy.data(), dg.data(), db.data(), part.data(), rows, d); });
    sim::launch(d3(1), d3(256), 0, [&] { reduce_::sum_finish(part.data(), 3, 2 * d, d, 1.f, dg.data(), db.data()); });
    check("layer_norm dgamma split", dg, dgw, 1e-6, 1e-6); check("layer_norm dbeta split", db, dbw, 1e-6, 1e-6);
    std::fill(dg.begin(), dg.end(), 0.f);
    sim::launch(d3(3, 1), d3(32, 8), 0, [&] { layer_norm_bwd_params(x.data(), mw.data(), rw.data(), dy.data(), dg.data(), nullptr, nullptr, rows, d); });
    check("layer_norm dgamma direct", dg, dgw, 1e-6, 1e-6);
    // rms
    std::vector<float> ryw(x.size()), rrw(rows), rdxw(x.size()), rdgw(d);
    std::vector<double> rpg(d, 0);
    for (int r = 0; r < rows; ++r) {
        const float* xr = &x[(size_t) r * d];
        double q = 0; for (int j = 0; j < d; ++j) q += (double) xr[j] * xr[j];
        float s = (float) (1 / std::sqrt(q / d + 1e-6f)); rrw[r] = s;
        double mgx = 0;
        for (int j = 0; j < d; ++j) { ryw[(size_t) r * d + j] = xr[j] * s * g[j]; mgx += (double) (dy[(size_t) r * d + j] * g[j]) * xr[j]; rpg[j] += (double) dy[(size_t) r * d + j] * (xr[j] * s); }
        float c = s * s * (float) (mgx / d);
        for (int j = 0; j < d; ++j) rdxw[(size_t) r * d + j] = s * (dy[(size_t) r * d + j] * g[j] - xr[j] * c);
    }
    for (int j = 0; j < d; ++j) rdgw[j] = (float) rpg[j];
    sim::launch(d3(1), d3(64), 0, [&] { rms_norm_fwd(x.data(), g.data(), y.data(), r_.data(), rows, d, 1e-6f); });
    check("rms_norm y", y, ryw, 1e-5, 1e-6); check("rms_norm rstd", r_, rrw, 1e-6, 0);
    sim::launch(d3(1), d3(64), 0, [&] { rms_norm_bwd(x.data(), g.data(), rrw.data(), dy.data(), dx.data(), rows, d); });
    check("rms_norm dx", dx, rdxw, 1e-5, 1e-6);
    std::vector<double> rp((size_t) 2 * d);
    sim::launch(d3(3, 2), d3(32, 8), 0, [&] { rms_norm_bwd_params(x.data(), rrw.data(), dy.data(), dg.data(), rp.data(), rows, d); });
    sim::launch(d3(1), d3(256), 0, [&] { reduce_::sum_finish(rp.data(), 2, d, d, 1.f, dg.data(), nullptr); });
    check("rms_norm dgamma", dg, rdgw, 1e-6, 1e-6);
}

void testSoftmax() {
    using namespace softmax_;
    int rows = 9, v = 77;
    std::vector<float> x = rvec((size_t) rows * v, -5, 5), yw(x.size()), dy = rvec(x.size()), dxw(x.size());
    x[3 * v + 5] = nanf_();
    x[4 * v + 1] = -INF;
    for (int r = 0; r < rows; ++r) {
        float m = -INF; for (int j = 0; j < v; ++j) { float e = x[(size_t) r * v + j]; m = (std::isnan(m) || std::isnan(e)) ? nanf_() : std::max(m, e); }
        double s = 0; for (int j = 0; j < v; ++j) { float e = (float) std::exp((double) (x[(size_t) r * v + j] - m)); yw[(size_t) r * v + j] = e; s += e; }
        float inv = (float) (1 / s); for (int j = 0; j < v; ++j) yw[(size_t) r * v + j] *= inv;
    }
    std::vector<float> y = x;   // aliased
    sim::launch(d3(1), d3(64), 0, [&] { softmax_fwd(y.data(), y.data(), rows, v); });
    check("softmax fwd (aliased, NaN row, −∞)", y, yw, 1e-5, 1e-7);
    for (int r = 0; r < rows; ++r) {
        double s = 0; for (int j = 0; j < v; ++j) s += (double) yw[(size_t) r * v + j] * dy[(size_t) r * v + j];
        float dot = (float) s; for (int j = 0; j < v; ++j) dxw[(size_t) r * v + j] = yw[(size_t) r * v + j] * (dy[(size_t) r * v + j] - dot);
    }
    std::vector<float> dx(x.size());
    sim::launch(d3(2), d3(256), 0, [&] { softmax_bwd(yw.data(), dy.data(), dx.data(), rows, v); });
    check("softmax bwd", dx, dxw, 1e-5, 1e-7);
    // cross entropy: V = 3000, rows with −∞, NaN, +∞, ignored target, huge magnitudes
    int R = 7, V = 3000;
    std::vector<float> lg = rvec((size_t) R * V, -20, 20);
    lg[1 * V + 7] = 300.f; lg[1 * V + 2999] = 299.f;
    for (int j = 0; j < V; ++j) lg[2 * V + j] = -INF;
    lg[3 * V + 100] = nanf_();
    lg[4 * V + 10] = INF;
    for (int j = 0; j < V; j += 2) lg[5 * V + j] = -INF;
    std::vector<int> tg = {5, 2999, 0, 3, 10, 1, -1};
    std::vector<float> lw(R), lsw(R), dlw((size_t) R * V), dl = rvec(R, 0.5f, 2.f);
    for (int r = 0; r < R; ++r) {
        const float* xr = &lg[(size_t) r * V];
        float m = -INF; double sum = 0;
        for (int b0 = 0; b0 < V; b0 += 2048) {
            int e = std::min(V, b0 + 2048); float bm = m;
            for (int j = b0; j < e; ++j) bm = (std::isnan(bm) || std::isnan(xr[j])) ? nanf_() : std::max(bm, xr[j]);
            if (bm == -INF) continue;
            double es = 0; for (int j = b0; j < e; ++j) es += (float) std::exp((double) (xr[j] - bm));
            sum = sum * std::exp((double) (m - bm)) + es; m = bm;
        }
        double l = m + std::log(sum);
        lsw[r] = (float) l; lw[r] = tg[r] < 0 ? 0.f : (float) (l - xr[tg[r]]);
        for (int j = 0; j < V; ++j) dlw[(size_t) r * V + j] = tg[r] < 0 ? 0.f : dl[r] * ((float) std::exp((double) (xr[j] - lsw[r])) - (j == tg[r] ? 1.f : 0.f));
        if (tg[r] >= 0) dlw[(size_t) r * V + tg[r]] = dl[r] * ((float) std::exp((double) (xr[tg[r]] - lsw[r])) - 1.f);
    }
    std::vector<float> loss(R), lse(R);
    int bad = 0;
    sim::launch(d3(3), d3(256), 0, [&] { cross_entropy_fwd(lg.data(), tg.data(), loss.data(), lse.data(), &bad, R, V); });
    check("cross_entropy lse", lse, lsw, 1e-6, 1e-6);
    check("cross_entropy loss", loss, lw, 1e-5, 1e-5);
    std::vector<float> dlg = lg;   // aliased: dlogits = logits
    sim::launch(d3(7), d3(256), 0, [&] { cross_entropy_bwd(dlg.data(), tg.data(), lsw.data(), dl.data(), dlg.data(), &bad, R, V); });
    check("cross_entropy dlogits (aliased)", dlg, dlw, 1e-5, 1e-7);
    if (bad) { printf("FAIL bad flag set\n"); failures++; }
    std::vector<int> tb = {5, 3000, 0, 3, 10, 1, -1};
    sim::launch(d3(7), d3(256), 0, [&] { cross_entropy_fwd(lg.data(), tb.data(), loss.data(), lse.data(), &bad, R, V); });
    if (bad != 1 || !std::isnan(loss[1])) { printf("FAIL bad target not flagged\n"); failures++; } else printf("ok   cross_entropy bad target flagged\n");
}

void testGather() {
    using namespace gather_;
    int V = 11, d = 6, n = 9;
    std::vector<float> table = rvec((size_t) V * d), out((size_t) n * d), ow(out.size());
    std::vector<int> ids = {3, 0, 10, 3, 3, 7, 0, 5, 3};
    for (int i = 0; i < n; ++i) for (int j = 0; j < d; ++j) ow[(size_t) i * d + j] = table[(size_t) ids[i] * d + j];
    int bad = 0;
    sim::launch(d3(1), d3(32), 0, [&] { gather(table.data(), ids.data(), out.data(), &bad, n, V, d); });
    checkBits("gather", out, ow);
    std::vector<float> src = rvec((size_t) n * d), tw = table;
    for (int i = 0; i < n; ++i) if (ids[i] != 3) for (int j = 0; j < d; ++j) tw[(size_t) ids[i] * d + j] += src[(size_t) i * d + j];
    sim::launch(d3(1), d3(32), 0, [&] { scatter_add(ids.data(), src.data(), table.data(), &bad, n, V, d, 3); });
    check("scatter_add skip 3", table, tw, 1e-6, 1e-6);
    if (bad) { printf("FAIL bad set\n"); failures++; }
}

void testRandom() {
    using namespace random_;
    // Random123 known answers
    Words w = philox(0, 0, 0, 0, 0, 0);
    Words w2 = philox(0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu);
    bool kat = w.w[0] == 0x6627e8d5u && w.w[3] == 0x9b00dbd8u && w2.w[0] == 0x408f276du && w2.w[3] == 0x6d5451fdu;
    printf(kat ? "ok   philox known answers\n" : "FAIL philox known answers\n"); failures += !kat;
    std::ifstream in(referenceFile);
    unsigned long long seed = 0x123456789abcdefULL;
    unsigned long long offs[] = {4294967294ULL, (1ULL << 34) + 3, 5};
    int n = 37;
    std::vector<float> x(n);
    for (int i = 0; i < n; ++i) x[i] = (i - 11) * 0.37f;
    for (auto off : offs) {
        for (char kind : std::string("DUN")) {
            std::string line; std::getline(in, line); std::istringstream ls(line); std::string tag; ls >> tag;
            std::vector<float> want(n); for (int i = 0; i < n; ++i) { int b; ls >> b; memcpy(&want[i], &b, 4); }
            std::vector<float> got(n, 777.f);
            if (kind == 'D') { std::vector<float> xx = x; sim::launch(d3(1), d3(4), 0, [&] { dropout(xx.data(), xx.data(), n, 0.3f, seed, off); }); got = xx; }
            if (kind == 'U') sim::launch(d3(2), d3(4), 0, [&] { random_uniform(got.data(), n, seed, off, -0.7f, 1.3f); });
            if (kind == 'N') sim::launch(d3(2), d3(8), 0, [&] { random_normal(got.data(), n, seed, off, 0.25f, 1.5f); });
            checkBits(std::string("random ") + kind + " offset " + std::to_string(off), got, want);
        }
    }
}

void testConv() {
    using namespace conv_;
    for (int K : {4, 10}) {
        int B = 2, L = 7, C = 37;
        std::vector<float> x = rvec((size_t) B * L * C), w = rvec((size_t) C * K), bias = rvec(C), dy = rvec(x.size());
        std::vector<float> yw(x.size()), dxw(x.size(), 0), dww((size_t) C * K), dbw(C);
        std::vector<double> pw((size_t) C * K, 0), pb(C, 0);
        for (int b = 0; b < B; ++b) for (int t = 0; t < L; ++t) for (int c = 0; c < C; ++c) {
            float acc = bias[c];
            for (int k = std::max(0, K - 1 - t); k < K; ++k) acc += w[c * K + k] * x[((size_t) b * L + t - K + 1 + k) * C + c];
            yw[((size_t) b * L + t) * C + c] = acc;
        }
        for (int b = 0; b < B; ++b) for (int s = 0; s < L; ++s) for (int c = 0; c < C; ++c) {
            float xv = x[((size_t) b * L + s) * C + c], acc = 0;
            for (int k = 0; k < K; ++k) { int t = s + K - 1 - k; if (t >= L) continue; float g = dy[((size_t) b * L + t) * C + c]; acc += w[c * K + k] * g; pw[c * K + k] += (double) g * xv; }
            dxw[((size_t) b * L + s) * C + c] = acc; pb[c] += dy[((size_t) b * L + s) * C + c];
        }
        for (size_t i = 0; i < pw.size(); ++i) dww[i] = (float) pw[i];
        for (int c = 0; c < C; ++c) dbw[c] = (float) pb[c];
        std::vector<float> y(x.size()), dx(x.size()), dw(dww.size()), db(C);
        sim::launch(d3(2), d3(128), 0, [&] { causal_conv1d_fwd(x.data(), w.data(), bias.data(), y.data(), B, L, C, K); });
        check("conv fwd K=" + std::to_string(K), y, yw, 1e-5, 1e-6);
        sim::launch(d3(2), d3(128), 0, [&] { causal_conv1d_bwd(w.data(), dy.data(), dx.data(), B, L, C, K); });
        check("conv dx K=" + std::to_string(K), dx, dxw, 1e-5, 1e-6);
        int kz = (K + 7) / 8;
        sim::launch(d3(2, 1, kz), d3(32, 8), 0, [&] { causal_conv1d_bwd_params(x.data(), dy.data(), dw.data(), db.data(), nullptr, B, L, C, K); });
        check("conv dw K=" + std::to_string(K), dw, dww, 1e-6, 1e-6); check("conv dbias K=" + std::to_string(K), db, dbw, 1e-6, 1e-6);
        std::vector<double> part((size_t) 3 * (C * K + C));
        std::fill(dw.begin(), dw.end(), 0.f);
        sim::launch(d3(2, 3, kz), d3(32, 8), 0, [&] { causal_conv1d_bwd_params(x.data(), dy.data(), dw.data(), db.data(), part.data(), B, L, C, K); });
        sim::launch(d3(1), d3(256), 0, [&] { reduce_::sum_finish(part.data(), 3, C * K + C, C * K, 1.f, dw.data(), db.data()); });
        check("conv dw split K=" + std::to_string(K), dw, dww, 1e-6, 1e-6); check("conv dbias split", db, dbw, 1e-6, 1e-6);
    }
}

// naive unnormalised DFTs standing in for cuFFT
static void r2c(const float* x, float* z, long batch, int n) {
    int bins = n / 2 + 1;
    for (long b = 0; b < batch; ++b) for (int k = 0; k < bins; ++k) {
        double re = 0, im = 0;
        for (int t = 0; t < n; ++t) { double a = -2 * M_PI * (double) k * t / n; re += x[b * n + t] * cos(a); im += x[b * n + t] * sin(a); }
        z[(b * bins + k) * 2] = (float) re; z[(b * bins + k) * 2 + 1] = (float) im + 1e-7f;   // noise at the edges, as cuFFT
    }
}
static void c2r(const float* z, float* x, long batch, int n) {
    int bins = n / 2 + 1;
    for (long b = 0; b < batch; ++b) for (int t = 0; t < n; ++t) {
        double s = 0;
        for (int k = 0; k < n; ++k) {
            int kk = k < bins ? k : n - k; double re = z[(b * bins + kk) * 2], im = z[(b * bins + kk) * 2 + 1];
            if (k >= bins) im = -im;
            double a = 2 * M_PI * (double) k * t / n; s += re * cos(a) - im * sin(a);
        }
        x[b * n + t] = (float) s;
    }
}

void testFft() {
    using namespace fft_;
    // complex mul
    int rows = 5, W = 21;
    std::vector<float> a = rvec((size_t) rows * W * 2), w = rvec(W * 2), out(a.size()), ow(a.size()), dout = rvec(a.size()), da(a.size()), daw(a.size()), dw(W * 2), dww(W * 2);
    std::vector<double> acc(W * 2, 0);
    for (int r = 0; r < rows; ++r) for (int k = 0; k < W; ++k) {
        size_t i = (size_t) r * W + k; float ar = a[2 * i], ai = a[2 * i + 1], wr = w[2 * k], wi = w[2 * k + 1], dr = dout[2 * i], di = dout[2 * i + 1];
        ow[2 * i] = ar * wr - ai * wi; ow[2 * i + 1] = ar * wi + ai * wr;
        daw[2 * i] = dr * wr + di * wi; daw[2 * i + 1] = di * wr - dr * wi;
        acc[2 * k] += (double) dr * ar + (double) di * ai; acc[2 * k + 1] += (double) di * ar - (double) dr * ai;
    }
    for (int k = 0; k < 2 * W; ++k) dww[k] = (float) acc[k];
    sim::launch(d3(1), d3(64), 0, [&] { complex_mul_fwd(a.data(), w.data(), out.data(), rows * W, W); });
    check("complex_mul fwd", out, ow, 1e-5, 1e-6);
    sim::launch(d3(1), d3(64), 0, [&] { complex_mul_bwd(w.data(), dout.data(), da.data(), rows * W, W); });
    check("complex_mul da", da, daw, 1e-5, 1e-6);
    std::vector<double> part((size_t) 2 * 2 * W);
    sim::launch(d3(1, 2), d3(32, 8), 0, [&] { complex_mul_bwd_dw(a.data(), dout.data(), dw.data(), part.data(), rows, W); });
    sim::launch(d3(1), d3(64), 0, [&] { reduce_::sum_finish(part.data(), 2, 2 * W, 2 * W, 1.f, dw.data(), nullptr); });
    check("complex_mul dw split", dw, dww, 1e-6, 1e-6);
    // the rfft / irfft pipelines of the note, odd and even n, inner 1 and > 1
    for (int n : {8, 9}) for (int inner : {1, 35}) {
        int outer = 2, bins = n / 2 + 1;
        std::vector<float> x = rvec((size_t) outer * n * inner);
        for (float interior : {1.f, 2.f}) {
            std::vector<float> want((size_t) outer * bins * inner * 2);
            for (int o = 0; o < outer; ++o) for (int k = 0; k < bins; ++k) for (int j = 0; j < inner; ++j) {
                double re = 0, im = 0;
                for (int t = 0; t < n; ++t) { double ang = -2 * M_PI * (double) k * t / n; re += x[((size_t) o * n + t) * inner + j] * cos(ang); im += x[((size_t) o * n + t) * inner + j] * sin(ang); }
                bool edge = k == 0 || (n % 2 == 0 && 2 * k == n);
                double f = (edge ? 1 : interior) / std::sqrt((double) n);
                want[(((size_t) o * bins + k) * inner + j) * 2] = (float) (re * f);
                want[(((size_t) o * bins + k) * inner + j) * 2 + 1] = edge ? 0.f : (float) (im * f);
            }
            std::vector<float> xt(x.size()), zt((size_t) outer * inner * bins * 2), spec(want.size());
            const float* src = x.data();
            if (inner > 1) { sim::launch(d3((inner + 31) / 32, (n + 31) / 32, outer), d3(32, 8), 0, [&] { fft_transpose(x.data(), xt.data(), outer, n, inner); }); src = xt.data(); }
            r2c(src, zt.data(), (long) outer * inner, n);
            float* dst = inner == 1 ? zt.data() : spec.data();   // in place when inner = 1
            sim::launch(d3((bins + 31) / 32, (inner + 31) / 32, outer), d3(32, 8), 0, [&] { rfft_post((const float2*) zt.data(), (float2*) dst, outer, inner, bins, n, 1 / std::sqrt((float) n), interior); });
            std::vector<float> got(dst, dst + want.size());
            for (size_t i = 1; i < got.size(); i += 2) { /* exact zero check below */ }
            check("rfft pipeline n=" + std::to_string(n) + " inner=" + std::to_string(inner) + " interior=" + std::to_string((int) interior), got, want, 1e-4, 1e-5);
            bool zeros = true;
            for (int o = 0; o < outer; ++o) for (int j = 0; j < inner; ++j) { zeros &= got[(((size_t) o * bins) * inner + j) * 2 + 1] == 0.f; if (n % 2 == 0) zeros &= got[(((size_t) o * bins + n / 2) * inner + j) * 2 + 1] == 0.f; }
            printf(zeros ? "ok   edge imaginary parts exactly 0\n" : "FAIL edge imaginary parts\n"); failures += !zeros;
        }
        // irfft of a spectrum with junk imaginary parts at the edges
        for (float interior : {1.f, 0.5f}) {
            std::vector<float> spec = rvec((size_t) outer * bins * inner * 2), want((size_t) outer * n * inner);
            for (int o = 0; o < outer; ++o) for (int j = 0; j < inner; ++j) for (int t = 0; t < n; ++t) {
                double s = 0;
                for (int k = 0; k < n; ++k) {
                    int kk = k < bins ? k : n - k; double re = spec[(((size_t) o * bins + kk) * inner + j) * 2], im = spec[(((size_t) o * bins + kk) * inner + j) * 2 + 1];
                    bool edge = kk == 0 || (n % 2 == 0 && 2 * kk == n);
                    if (edge) im = 0;
                    if (!edge) { re *= interior; im *= interior; }
                    if (k >= bins) im = -im;
                    double ang = 2 * M_PI * (double) k * t / n; s += re * cos(ang) - im * sin(ang);
                }
                want[((size_t) o * n + t) * inner + j] = (float) (s / std::sqrt((double) n));
            }
            std::vector<float> zt((size_t) outer * inner * bins * 2), xt((size_t) outer * inner * n), x2(want.size());
            sim::launch(d3((inner + 31) / 32, (bins + 31) / 32, outer), d3(32, 8), 0, [&] { irfft_pre((const float2*) spec.data(), (float2*) zt.data(), outer, inner, bins, n, 1 / std::sqrt((float) n), interior); });
            c2r(zt.data(), inner == 1 ? x2.data() : xt.data(), (long) outer * inner, n);
            if (inner > 1) sim::launch(d3((n + 31) / 32, (inner + 31) / 32, outer), d3(32, 8), 0, [&] { fft_transpose(xt.data(), x2.data(), outer, inner, n); });
            check("irfft pipeline n=" + std::to_string(n) + " inner=" + std::to_string(inner) + " interior=" + std::to_string(interior), x2, want, 1e-4, 1e-5);
        }
    }
}

void testTopK() {
    using namespace select_;
    int rows = 4, n = 1000;
    for (int k : {1, 7, 100}) {
        std::vector<float> x((size_t) rows * n);
        for (auto& v : x) v = (float) (int) rnd(0, 50);   // many ties
        x[5] = nanf_(); x[900] = nanf_(); x[1 * n + 3] = INF; x[2 * n + 999] = -INF;
        for (int j = 0; j < n; ++j) x[(size_t) 3 * n + j] = j % 3 == 0 ? nanf_() : -1.f;   // NaN-heavy row
        auto better = [](float a, int ia, float b, int ib) { bool an = std::isnan(a), bn = std::isnan(b); if (an || bn) return an == bn ? ia < ib : bn; return a > b || (a == b && ia < ib); };
        std::vector<float> vw((size_t) rows * k); std::vector<int> iw((size_t) rows * k);
        for (int r = 0; r < rows; ++r) {
            std::vector<int> idx(n); for (int j = 0; j < n; ++j) idx[j] = j;
            std::sort(idx.begin(), idx.end(), [&](int p, int q) { return better(x[(size_t) r * n + p], p, x[(size_t) r * n + q], q); });
            for (int j = 0; j < k; ++j) { iw[(size_t) r * k + j] = idx[j]; vw[(size_t) r * k + j] = x[(size_t) r * n + idx[j]]; }
        }
        std::vector<float> v((size_t) rows * k); std::vector<int> ix((size_t) rows * k);
        sim::launch(d3(3), d3(256), 0, [&] { top_k(x.data(), v.data(), ix.data(), rows, n, k); });
        check("top_k values k=" + std::to_string(k), v, vw, 0, 0);
        bool same = ix == iw;
        printf(same ? "ok   top_k indices k=%d\n" : "FAIL top_k indices k=%d\n", k); failures += !same;
    }
}

void testAdam() {
    using namespace optim_;
    int n = 50;
    std::vector<float> p = rvec(n), g = rvec(n), m = rvec(n, 0, 0.1f), v = rvec(n, 0, 0.01f);
    float lr = 1e-3f, b1 = 0.9f, b2 = 0.999f, eps = 1e-8f, wd = 0.01f; long step = 3;
    for (bool dec : {false, true}) {
        double bc1 = 1 - std::pow((double) b1, (double) step), bc2 = 1 - std::pow((double) b2, (double) step);
        float stepSize = (float) (lr / bc1), rc2 = (float) std::sqrt(bc2), shrink = dec ? 1.f - lr * wd : 1.f, l2 = dec ? 0.f : wd;
        std::vector<float> pw = p, mw = m, vw = v;
        for (int i = 0; i < n; ++i) {
            volatile float gi = g[i] + l2 * pw[i];
            volatile float mi = b1 * mw[i] + (1.f - b1) * gi;
            volatile float vi = b2 * vw[i] + (1.f - b2) * (gi * gi);
            mw[i] = mi; vw[i] = vi;
            volatile float denom = (float) std::sqrt((double) vi) / rc2 + eps;
            pw[i] = pw[i] * shrink - stepSize * mi / denom;
        }
        std::vector<float> pp = p, mm = m, vv = v;
        sim::launch(d3(1), d3(32), 0, [&] { adam(pp.data(), g.data(), mm.data(), vv.data(), n, stepSize, rc2, shrink, l2, b1, b2, eps); });
        checkBits(dec ? "adamw param" : "adam param", pp, pw); checkBits("adam m", mm, mw); checkBits("adam v", vv, vw);
    }
}

int main(int argc, char** argv) {
    if (argc < 2) { fprintf(stderr, "usage: kernels_test <philox reference values from PhiloxValues.java>\n"); return 2; }
    referenceFile = argv[1];
    testView(); testUnary(); testBinary(); testReduce(); testNorm(); testSoftmax(); testGather(); testRandom(); testConv();
    testFft(); testTopK(); testAdam();
    printf(failures ? "%d FAILURES\n" : "all ok\n", failures);
    return failures != 0;
}

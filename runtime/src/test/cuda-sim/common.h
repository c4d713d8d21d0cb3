#pragma once
#include "sim.h"
#include <random>
#include <string>
static int failures = 0;
static std::mt19937_64 rng(12345);
inline float rnd(float lo = -1, float hi = 1) { return std::uniform_real_distribution<float>(lo, hi)(rng); }
inline std::vector<float> rvec(size_t n, float lo = -1, float hi = 1) { std::vector<float> v(n); for (auto& x : v) x = rnd(lo, hi); return v; }
inline bool close(double a, double b, double rel, double abs_) {
    if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
    if (std::isinf(a) || std::isinf(b)) return a == b;
    return std::fabs(a - b) <= abs_ + rel * std::fabs(b);
}
inline void check(const std::string& what, const std::vector<float>& got, const std::vector<float>& want, double rel = 1e-5, double abs_ = 1e-6) {
    if (got.size() != want.size()) { printf("FAIL %s: sizes %zu vs %zu\n", what.c_str(), got.size(), want.size()); failures++; return; }
    size_t worst = 0; double we = -1; int bad = 0;
    for (size_t i = 0; i < got.size(); ++i) {
        if (!close(got[i], want[i], rel, abs_)) {
            bad++;
            double e = std::fabs(got[i] - want[i]);
            if (std::isnan(e)) e = 1e30;
            if (e > we) { we = e; worst = i; }
        }
    }
    if (bad) { printf("FAIL %s: %d bad, worst [%zu] got %.9g want %.9g\n", what.c_str(), bad, worst, got[worst], want[worst]); failures++; }
    else printf("ok   %s (%zu)\n", what.c_str(), got.size());
}
inline void checkBits(const std::string& what, const std::vector<float>& got, const std::vector<float>& want) {
    int bad = 0; size_t first = 0;
    for (size_t i = 0; i < got.size(); ++i) if (std::memcmp(&got[i], &want[i], 4)) { if (!bad) first = i; bad++; }
    if (bad) { printf("FAIL %s: %d differ, first [%zu] got %.9g want %.9g\n", what.c_str(), bad, first, got[first], want[first]); failures++; }
    else printf("ok   %s bit-identical (%zu)\n", what.c_str(), got.size());
}
inline dim3 d3(unsigned x, unsigned y = 1, unsigned z = 1) { dim3 d; d.x = x; d.y = y; d.z = z; return d; }

// "kl" (TensorRT / MXNet entropy calibration) against a second computation written here from the
// published pseudocode (Migacz, GTC 2017; MXNet _get_optimal_threshold): bins are mapped to their
// group by index arithmetic instead of walking groups.
#include <eqw/calib.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "engine/calib/synthetic.h"

namespace eqw {
namespace {

std::vector<double> smoothed(std::vector<double> d) {
  const double zeros = static_cast<double>(std::count(d.begin(), d.end(), 0.0));
  const double eps1 = 1e-4 * zeros / (d.size() - zeros);
  for (double& v : d) v = v == 0.0 ? 1e-4 : v - eps1;
  return d;
}

double entropy(const std::vector<double>& p, const std::vector<double>& q) {
  double sp = 0, sq = 0, kl = 0;
  for (double v : p) sp += v;
  for (double v : q) sq += v;
  for (size_t i = 0; i < p.size(); ++i) kl += (p[i] / sp) * std::log((p[i] / sp) * sq / q[i]);
  return kl;
}

double referenceKl(const std::vector<double>& h, int t, int L) {
  const int m = t / L;
  auto groupOf = [&](int i) { return std::min(i / m, L - 1); };
  std::vector<double> p(h.begin(), h.begin() + t);
  for (int i = t; i < kHistogramBins; ++i) p[t - 1] += h[i];
  std::vector<double> mass(L, 0.0), nonzero(L, 0.0);
  for (int i = 0; i < t; ++i) {
    mass[groupOf(i)] += h[i];
    nonzero[groupOf(i)] += p[i] != 0.0;
  }
  std::vector<double> q(t);
  for (int i = 0; i < t; ++i) q[i] = p[i] != 0.0 ? mass[groupOf(i)] / nonzero[groupOf(i)] : 0.0;
  return entropy(smoothed(p), smoothed(q));
}

TEST(KlTensorRt, MatchesThePseudocodeComputation) {
  for (int bits : {8, 7}) {
    const auto v = testing::gaussianSamples(1000000, 1.f, 11);
    const TensorStats s = computeStats(v.data(), static_cast<int64_t>(v.size()));
    const std::vector<double> h(s.histogram.begin(), s.histogram.end());
    const int L = 1 << (bits - 1);
    int bestT = L;
    double best = 1e300;
    for (int t = L; t < kHistogramBins; ++t) {
      const double kl = referenceKl(h, t, L);
      if (kl < best) {
        best = kl;
        bestT = t;
      }
    }
    auto method = makeCalibrationMethod("kl");
    ASSERT_TRUE(method.isOk());
    auto curve = (*method)->curve(s, bits);
    ASSERT_TRUE(curve.isOk());
    EXPECT_NEAR(curve->values[bestT - L], best, 1e-9 * std::max(1.0, best));
    EXPECT_FLOAT_EQ(*(*method)->threshold(s, bits), static_cast<float>((bestT + 0.5) * s.binWidth()));
  }
}

}  // namespace
}  // namespace eqw

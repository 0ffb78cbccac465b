#include "engine/calib/synthetic.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

namespace eqw::testing {

std::vector<float> uniformSamples(int64_t n, float lo, float hi, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> d(lo, hi);
  std::vector<float> v(n);
  for (float& x : v) x = d(rng);
  return v;
}

std::vector<float> gaussianSamples(int64_t n, float sigma, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> d(0.f, sigma);
  std::vector<float> v(n);
  for (float& x : v) x = d(rng);
  return v;
}

std::vector<float> laplaceSamples(int64_t n, float b, uint32_t seed) {
  std::mt19937 rng(seed);
  std::exponential_distribution<float> e(1.f / b);
  std::bernoulli_distribution sign(0.5);
  std::vector<float> v(n);
  for (float& x : v) x = sign(rng) ? e(rng) : -e(rng);
  return v;
}

std::vector<float> spikeSamples(int64_t n, int outliers, float magnitude, uint32_t seed) {
  std::vector<float> v = gaussianSamples(n, 1.f, seed);
  for (int i = 0; i < outliers; ++i) v[static_cast<size_t>(i) * 997 % v.size()] = i % 2 ? -magnitude : magnitude;
  return v;
}

double quantMse(const std::vector<float>& x, double threshold, int qmax) {
  const double scale = qmax / threshold;
  double err = 0.0;
  for (float v : x) {
    const double q = std::clamp(std::round(v * scale), -static_cast<double>(qmax), static_cast<double>(qmax));
    const double d = q / scale - v;
    err += d * d;
  }
  return err / static_cast<double>(x.size());
}

float methodThreshold(const std::string& method, const TensorStats& stats, int bits) {
  auto m = makeCalibrationMethod(method);
  EXPECT_TRUE(m.isOk()) << m.status().toString();
  if (!m) return 0.f;
  auto t = (*m)->threshold(stats, bits);
  EXPECT_TRUE(t.isOk()) << method << ": " << t.status().toString();
  return t ? *t : 0.f;
}

}  // namespace eqw::testing

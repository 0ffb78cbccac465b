// Every method on distributions with known answers: uniform, Gaussian, Laplace, a spike with outliers.
//
// References:
// - MSE-optimal clipping (clipping + rounding noise) of N(0, 1): 3.92 sigma at 8 bits, 3.61 at 7;
//   of Laplace(b): 9.89 b at 8 bits, 8.64 b at 7 (Banner, Nahshan, Soudry, "Post training 4-bit
//   quantization of convolutional networks for rapid-deployment", NeurIPS 2019 — the ACIQ alpha
//   tables; ncnn2table copies the Gaussian one).
// - KL on a Gaussian: no published number for a pure N(0, 1) was found. Both KL variants are
//   instead pinned against independent computations (test_kl_reference.cpp,
//   test_kl_ncnn_reference.cpp). With 1e6 samples they clip only the extreme tail (4.3–4.7 sigma,
//   absmax ~4.7): for a smooth bell the loss of the piecewise-constant Q is tiny and the tail mass
//   folded into P[t-1] is what KL weighs against per-bin noise, so KL clips less than MSE here and
//   its aggressive clipping shows on heavy tails and sparse inputs (Laplace, spike, ALGORITHMS.md
//   "input trap").
#include <eqw/calib.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "engine/calib/synthetic.h"

namespace eqw {
namespace {

using testing::methodThreshold;

TensorStats statsOf(const std::vector<float>& v) { return computeStats(v.data(), static_cast<int64_t>(v.size())); }

TEST(Methods, ExplicitListOfNames) {
  for (const std::string& name : calibrationMethodNames()) {
    auto m = makeCalibrationMethod(name);
    ASSERT_TRUE(m.isOk()) << name;
    EXPECT_EQ((*m)->name(), name);
  }
  auto bad = makeCalibrationMethod("entropy2");
  ASSERT_FALSE(bad.isOk());
  EXPECT_EQ(bad.status().code(), StatusCode::NotFound);
  EXPECT_NE(bad.status().message().find("entropy2"), std::string::npos);
  EXPECT_NE(bad.status().message().find("kl-ncnn"), std::string::npos);
}

TEST(Methods, UniformKeepsTheWholeRange) {
  const TensorStats s = statsOf(testing::uniformSamples(1000000, -1.f, 1.f, 7));
  for (int bits : {8, 7}) {
    EXPECT_NEAR(methodThreshold("max", s, bits), 1.f, 1e-5);
    EXPECT_NEAR(methodThreshold("ema-max", s, bits), 1.f, 1e-5);
    EXPECT_NEAR(methodThreshold("percentile", s, bits), 0.9999f, 2e-4);
    EXPECT_GT(methodThreshold("mse", s, bits), 0.98f);
    EXPECT_GT(methodThreshold("kl", s, bits), 0.9f);
    EXPECT_GT(methodThreshold("kl-ncnn", s, bits), 0.9f);
  }
  MethodOptions p50;
  p50.percentile = 50.0;
  auto median = makeCalibrationMethod("percentile", p50);
  ASSERT_TRUE(median.isOk());
  EXPECT_NEAR(*(*median)->threshold(s, 8), 0.5f, 2e-3);
}

TEST(Methods, GaussianThresholdsSitWhereTheoryPutsThem) {
  const TensorStats s = statsOf(testing::gaussianSamples(1000000, 1.f, 11));
  std::printf("N(0,1), 1e6 samples, absmax %.4f\n", s.absmax);
  for (int bits : {8, 7}) {
    for (const std::string& m : calibrationMethodNames())
      std::printf("  %d bits  %-10s T = %.4f\n", bits, m.c_str(), methodThreshold(m, s, bits));
  }
  EXPECT_GT(s.absmax, 4.4f);
  EXPECT_EQ(methodThreshold("max", s, 8), s.absmax);
  // |x| exceeds 3.8906 with probability 1e-4.
  EXPECT_NEAR(methodThreshold("percentile", s, 8), 3.8906f, 0.05f);
  EXPECT_NEAR(methodThreshold("mse", s, 8), 3.92f, 0.2f);
  EXPECT_NEAR(methodThreshold("mse", s, 7), 3.61f, 0.2f);
  EXPECT_LT(methodThreshold("mse", s, 7), methodThreshold("mse", s, 8));
  for (const char* kl : {"kl", "kl-ncnn"})
    for (int bits : {8, 7}) {
      const float t = methodThreshold(kl, s, bits);
      EXPECT_GE(t, methodThreshold("mse", s, bits)) << kl << " " << bits << ": KL clips a Gaussian less than MSE";
      EXPECT_LE(t, s.absmax) << kl << " " << bits;
    }
  // ACIQ is the closed form of ncnn2table with N = 1e6.
  const double sigma = s.absmax * 2 * 0.175 * (1 + std::sqrt(3.14159265358979323846 * std::log(4.0))) / std::sqrt(2 * std::log(1e6));
  EXPECT_FLOAT_EQ(methodThreshold("aciq", s, 8), static_cast<float>(3.92403714 * sigma));
  EXPECT_FLOAT_EQ(methodThreshold("aciq", s, 7), static_cast<float>(3.6151146 * sigma));
}

TEST(Methods, LaplaceThresholds) {
  const TensorStats s = statsOf(testing::laplaceSamples(1000000, 1.f, 5));
  EXPECT_GT(s.absmax, 11.f);
  // |x| ~ Exp(1): P(|x| > t) = e^-t, so the 99.99th percentile is ln(1e4) = 9.21.
  EXPECT_NEAR(methodThreshold("percentile", s, 8), 9.21f, 0.3f);
  EXPECT_NEAR(methodThreshold("mse", s, 8), 9.89f, 0.8f);
  EXPECT_NEAR(methodThreshold("mse", s, 7), 8.64f, 0.8f);
  for (const char* kl : {"kl", "kl-ncnn"}) {
    const float t = methodThreshold(kl, s, 8);
    EXPECT_GT(t, 4.f) << kl;
    EXPECT_LT(t, s.absmax) << kl;
  }
}

TEST(Methods, OutliersSetMaxButNotTheClippingMethods) {
  // 3 outliers at +-20 among 3e6 N(0, 1) samples (fraction f = 1e-6). For MSE, keeping them
  // costs rounding noise (T / 127)^2 / 12 on everything, clipping them f * (20 - T)^2; the
  // interior optimum f * 20 / (f + 1 / (12 * 127^2)) = 3.2 lies inside the Gaussian's own
  // optimum, so MSE ignores them. (More or larger outliers make MSE keep them — right for MSE.)
  const TensorStats s = statsOf(testing::spikeSamples(3000000, 3, 20.f, 3));
  EXPECT_EQ(methodThreshold("max", s, 8), 20.f);
  for (const char* m : {"percentile", "mse", "kl", "kl-ncnn"})
    for (int bits : {8, 7}) {
      const float t = methodThreshold(m, s, bits);
      EXPECT_LT(t, 7.f) << m << " " << bits << " bits is pulled by 3 outliers at +-20";
      EXPECT_GT(t, 2.5f) << m << " " << bits;
    }
}

TEST(Methods, EveryBitWidthFrom2To8) {
  const TensorStats s = statsOf(testing::gaussianSamples(200000, 1.f, 2));
  for (const std::string& m : calibrationMethodNames()) {
    float previous = 0.f;
    for (int bits = 2; bits <= 8; ++bits) {
      const float t = methodThreshold(m, s, bits);
      EXPECT_TRUE(std::isfinite(t) && t > 0.f) << m << " " << bits;
      if (m == "mse" || m == "aciq") {
        EXPECT_GE(t, previous) << m << ": fewer bits must not clip less";
      }
      previous = t;
    }
  }
}

TEST(Methods, CurvesForThePlot) {
  const TensorStats s = statsOf(testing::gaussianSamples(100000, 1.f, 4));
  for (const char* name : {"kl", "kl-ncnn", "mse"}) {
    auto m = makeCalibrationMethod(name);
    ASSERT_TRUE(m.isOk());
    ASSERT_TRUE((*m)->hasCurve()) << name;
    auto c = (*m)->curve(s, 8);
    ASSERT_TRUE(c.isOk()) << c.status().toString();
    ASSERT_EQ(c->thresholds.size(), c->values.size());
    EXPECT_TRUE(std::is_sorted(c->thresholds.begin(), c->thresholds.end()));
    size_t best = std::min_element(c->values.begin(), c->values.end()) - c->values.begin();
    EXPECT_EQ(c->thresholds[best], *(*m)->threshold(s, 8)) << name;
  }
  auto max = makeCalibrationMethod("max");
  EXPECT_FALSE((*max)->hasCurve());
  EXPECT_EQ((*max)->curve(s, 8).status().code(), StatusCode::Unsupported);
}

}  // namespace
}  // namespace eqw

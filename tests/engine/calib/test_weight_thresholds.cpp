// Per-channel, per-group and per-tensor weight thresholds against direct computations.
#include <eqw/calib.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "engine/calib/synthetic.h"

namespace eqw {
namespace {

// [8, 4, 3, 3] with channel o drawn from N(0, (o + 1) / 10).
Tensor convWeights() {
  std::vector<float> v;
  for (int o = 0; o < 8; ++o) {
    auto c = testing::gaussianSamples(36, (o + 1) / 10.f, 100 + o);
    v.insert(v.end(), c.begin(), c.end());
  }
  return Tensor::fromVector({8, 4, 3, 3}, v);
}

float sliceAbsmax(const Tensor& w, int64_t begin, int64_t n) {
  float m = 0.f;
  for (int64_t i = begin; i < begin + n; ++i) m = std::max(m, std::abs(w.f32()[i]));
  return m;
}

TEST(WeightThresholds, PerChannelMaxIsEachChannelsAbsmax) {
  const Tensor w = convWeights();
  auto t = weightThresholds(w, WeightMethod::Max, 8, 8);
  ASSERT_TRUE(t.isOk()) << t.status().toString();
  ASSERT_EQ(t->size(), 8u);
  for (int o = 0; o < 8; ++o) EXPECT_EQ((*t)[o], sliceAbsmax(w, o * 36, 36)) << o;
}

TEST(WeightThresholds, PerGroupAndPerTensor) {
  const Tensor w = convWeights();
  auto groups = weightThresholds(w, WeightMethod::Max, 8, 2);
  ASSERT_TRUE(groups.isOk());
  ASSERT_EQ(groups->size(), 2u);
  EXPECT_EQ((*groups)[0], sliceAbsmax(w, 0, 144));
  EXPECT_EQ((*groups)[1], sliceAbsmax(w, 144, 144));
  auto tensor = weightThresholds(w, WeightMethod::Max, 8, 1);
  ASSERT_TRUE(tensor.isOk());
  EXPECT_EQ((*tensor)[0], sliceAbsmax(w, 0, 288));
  EXPECT_EQ(weightThresholds(w, WeightMethod::Max, 8, 3).status().code(), StatusCode::InvalidArgument);
}

TEST(WeightThresholds, PerChannelAciqUsesNcnnsFormula) {
  const Tensor w = convWeights();
  for (int bits : {8, 6}) {
    auto t = weightThresholds(w, WeightMethod::Aciq, bits, 8);
    ASSERT_TRUE(t.isOk());
    const double alpha = bits == 8 ? 3.92403714 : 3.28691474;
    for (int o = 0; o < 8; ++o) {
      const double sigma = sliceAbsmax(w, o * 36, 36) * 2 * 0.175 * (1 + std::sqrt(3.14159265358979323846 * std::log(4.0))) /
                           std::sqrt(2 * std::log(36.0));
      EXPECT_FLOAT_EQ((*t)[o], static_cast<float>(alpha * sigma)) << o;
    }
  }
}

TEST(WeightThresholds, PerChannelMseIsOptimalPerChannel) {
  const Tensor w = convWeights();
  auto t = weightThresholds(w, WeightMethod::Mse, 4, 8);
  ASSERT_TRUE(t.isOk());
  for (int o = 0; o < 8; ++o) {
    const std::vector<float> c(w.f32() + o * 36, w.f32() + (o + 1) * 36);
    const float absmax = sliceAbsmax(w, o * 36, 36);
    EXPECT_LE((*t)[o], absmax);
    // Brute force over 2048 thresholds on the 36 weights: ours must be within 5 % of the best error.
    double best = 1e300;
    for (int k = 1; k <= 2048; ++k) best = std::min(best, testing::quantMse(c, k * absmax / 2048, 7));
    EXPECT_LE(testing::quantMse(c, (*t)[o], 7), best * 1.05 + 1e-12) << o;
  }
}

TEST(WeightThresholds, DeadChannelIsAnError) {
  Tensor w = convWeights();
  std::fill(w.f32() + 3 * 36, w.f32() + 4 * 36, 0.f);
  auto t = weightThresholds(w, WeightMethod::Max, 8, 8);
  ASSERT_FALSE(t.isOk());
  EXPECT_NE(t.status().message().find("weight group 3"), std::string::npos) << t.status().message();
}

}  // namespace
}  // namespace eqw

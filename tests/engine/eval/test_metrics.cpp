// Error metrics against hand-computed values.
#include <eqw/eval.h>

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

namespace eqw {
namespace {

ErrorMetrics cmp(const std::vector<float>& r, const std::vector<float>& q) {
  return compareTensors(r.data(), q.data(), static_cast<int64_t>(r.size()));
}

TEST(EvalMetrics, EqualVectorsAreExact) {
  const std::vector<float> r = {0.5f, -1.25f, 3.f, 0.f, 7.5f};
  ErrorMetrics m = cmp(r, r);
  EXPECT_EQ(m.cosine, 1.0);
  EXPECT_TRUE(std::isinf(m.sqnr_db) && m.sqnr_db > 0);
  EXPECT_EQ(m.mse, 0.0);
  EXPECT_EQ(m.max_abs, 0.0);
  EXPECT_EQ(m.kl, 0.0);
  EXPECT_EQ(m.images, 1);
}

TEST(EvalMetrics, OrthogonalVectorsHaveCosineZero) {
  ErrorMetrics m = cmp({1.f, 0.f, 0.f}, {0.f, 2.f, 0.f});
  EXPECT_EQ(m.cosine, 0.0);
  EXPECT_NEAR(m.sqnr_db, 10 * std::log10(1.0 / 5.0), 1e-12);  // signal 1, noise 1 + 4
  EXPECT_NEAR(m.mse, 5.0 / 3.0, 1e-12);
  EXPECT_EQ(m.max_abs, 2.0);
  EXPECT_NEAR(cmp({1.f, 1.f}, {-1.f, -1.f}).cosine, -1.0, 1e-12);
}

TEST(EvalMetrics, ScaledVectorKeepsCosineButNotSqnr) {
  const std::vector<float> r = {1.f, -2.f, 3.f, 4.f}, q = {2.f, -4.f, 6.f, 8.f};
  ErrorMetrics m = cmp(r, q);
  EXPECT_NEAR(m.cosine, 1.0, 1e-12);
  EXPECT_NEAR(m.sqnr_db, 0.0, 1e-12);  // the noise r - q = -r has the signal's energy
  EXPECT_NEAR(m.mse, 30.0 / 4, 1e-12);
  EXPECT_EQ(m.max_abs, 4.0);
  EXPECT_GT(m.kl, 0.1);                // |q| lies in other bins than |r|
}

TEST(EvalMetrics, HandComputedPair) {
  // r = (3, 4), q = (3, 3): r.q = 21, |r| = 5, |q| = sqrt(18); noise 1, signal 25.
  ErrorMetrics m = cmp({3.f, 4.f}, {3.f, 3.f});
  EXPECT_NEAR(m.cosine, 21.0 / (5.0 * std::sqrt(18.0)), 1e-12);
  EXPECT_NEAR(m.sqnr_db, 10 * std::log10(25.0), 1e-12);
  EXPECT_NEAR(m.mse, 0.5, 1e-12);
  EXPECT_EQ(m.max_abs, 1.0);
}

TEST(EvalMetrics, SqnrOfKnownGaussianNoise) {
  // Signal of unit power, noise of power 0.01: 20 dB, up to sampling error.
  std::mt19937 rng(7);
  std::normal_distribution<float> s(0.f, 1.f), e(0.f, 0.1f);
  std::vector<float> r(200000), q(r.size());
  for (size_t i = 0; i < r.size(); ++i) {
    r[i] = s(rng);
    q[i] = r[i] + e(rng);
  }
  ErrorMetrics m = cmp(r, q);
  EXPECT_NEAR(m.sqnr_db, 20.0, 0.1);
  EXPECT_NEAR(m.mse, 0.01, 0.0003);
  EXPECT_NEAR(m.cosine, 1.0 / std::sqrt(1.01), 1e-3);
  EXPECT_LT(m.kl, 0.05);  // same shape of distribution, slightly widened
}

TEST(EvalMetrics, AccumulatesOverImages) {
  MetricAccumulator acc;
  const std::vector<float> r1 = {1.f, 0.f}, q1 = {1.f, 0.f};
  const std::vector<float> r2 = {0.f, 2.f}, q2 = {0.f, 1.f};
  const std::vector<float> r3 = {1.f, 0.f}, q3 = {0.f, 1.f};
  acc.add(r1.data(), q1.data(), 2);
  acc.add(r2.data(), q2.data(), 2);
  acc.add(r3.data(), q3.data(), 2);
  ErrorMetrics m = acc.result();
  EXPECT_EQ(m.images, 3);
  EXPECT_NEAR(m.cosine, (1.0 + 1.0 + 0.0) / 3, 1e-12);          // mean of per-image cosines
  EXPECT_NEAR(m.sqnr_db, 10 * std::log10(6.0 / 3.0), 1e-12);    // summed energies: 1+4+1 over 0+1+2
  EXPECT_NEAR(m.mse, (0.0 + 0.5 + 1.0) / 3, 1e-12);
  EXPECT_EQ(m.max_abs, 1.0);
}

TEST(EvalMetrics, DegenerateCases) {
  EXPECT_EQ(cmp({0.f, 0.f}, {0.f, 0.f}).cosine, 1.0);
  EXPECT_EQ(cmp({0.f, 0.f}, {0.f, 0.f}).kl, 0.0);
  EXPECT_EQ(cmp({1.f, 0.f}, {0.f, 0.f}).cosine, 0.0);
  ErrorMetrics none = MetricAccumulator().result();
  EXPECT_EQ(none.images, 0);
}

TEST(EvalMetrics, KlSeesARangeThatGrowsAcrossImages) {
  // The second image is 8x larger: the shared range doubles three times. Identical pairs still
  // give KL 0, and a histogram built in two steps equals one built at once.
  std::vector<float> small = {0.1f, 0.2f, 0.3f}, large = {0.8f, 1.6f, 2.4f};
  MetricAccumulator acc;
  acc.add(small.data(), small.data(), 3);
  acc.add(large.data(), large.data(), 3);
  EXPECT_EQ(acc.result().kl, 0.0);
  std::vector<float> both = {0.1f, 0.2f, 0.3f, 0.8f, 1.6f, 2.4f};
  std::vector<float> both2 = {0.1f, 0.2f, 0.3f, 0.8f, 1.6f, 2.2f};
  MetricAccumulator two, one;
  two.add(both.data(), both2.data(), 3);
  two.add(both.data() + 3, both2.data() + 3, 3);
  one.add(both.data(), both2.data(), 6);
  // 0.3f * 8 == 2.4f in double: both end on the same range, so the bins must agree.
  EXPECT_GT(one.result().kl, 0.0);
  EXPECT_NEAR(two.result().kl, one.result().kl, 1e-12);
}

}  // namespace
}  // namespace eqw

// "mse" against a brute-force search on the raw samples: every bin-edge threshold, the samples
// quantized and dequantized (ALGORITHMS.md §1), the mean squared error measured.
#include <eqw/calib.h>

#include <gtest/gtest.h>

#include <cstdio>

#include "engine/calib/synthetic.h"

namespace eqw {
namespace {

void expectOptimal(const std::vector<float>& v, int bits, const char* what) {
  const TensorStats s = computeStats(v.data(), static_cast<int64_t>(v.size()));
  const int qmax = (1 << (bits - 1)) - 1;
  double best = 1e300;
  int bestK = 0;
  for (int k = 1; k <= kHistogramBins; ++k) {
    const double e = testing::quantMse(v, k * s.binWidth(), qmax);
    if (e < best) {
      best = e;
      bestK = k;
    }
  }
  auto method = makeCalibrationMethod("mse");
  ASSERT_TRUE(method.isOk());
  const float ours = *(*method)->threshold(s, bits);
  const double bruteT = bestK * s.binWidth();
  // The expected-error curve is flat at its minimum, so sampling noise may move the argmin; what
  // must hold is that our threshold costs (almost) nothing more than the brute-force optimum
  // and sits near it.
  EXPECT_LE(testing::quantMse(v, ours, qmax), best * 1.002) << what << " " << bits << " bits";
  EXPECT_NEAR(ours, bruteT, 0.05 * bruteT) << what << " " << bits << " bits";
  // And the model predicts the measured error.
  auto curve = (*method)->curve(s, bits);
  ASSERT_TRUE(curve.isOk());
  EXPECT_NEAR(curve->values[bestK - 1], best, 0.02 * best) << what;
  std::printf("%s %d bits: mse T %.5f, brute force T %.5f (%.1f bins apart)\n", what, bits, ours, bruteT,
              (ours - bruteT) / s.binWidth());
}

TEST(Mse, OptimalAgainstBruteForceOnRawSamples) {
  const auto g = testing::gaussianSamples(50000, 1.f, 31);
  const auto l = testing::laplaceSamples(50000, 1.f, 32);
  const auto u = testing::uniformSamples(50000, -1.f, 1.f, 33);
  for (int bits : {8, 7, 4}) {
    expectOptimal(g, bits, "gaussian");
    expectOptimal(l, bits, "laplace");
    expectOptimal(u, bits, "uniform");
  }
}

}  // namespace
}  // namespace eqw

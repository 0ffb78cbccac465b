// Bad statistics and bad bit widths give clear errors, never a NaN or zero threshold.
#include <eqw/calib.h>

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace eqw {
namespace {

void expectError(const TensorStats& s, int bits, const std::string& needle) {
  for (const std::string& name : calibrationMethodNames()) {
    auto m = makeCalibrationMethod(name);
    ASSERT_TRUE(m.isOk());
    auto t = (*m)->threshold(s, bits);
    ASSERT_FALSE(t.isOk()) << name << " gave " << (t ? *t : 0.f);
    EXPECT_EQ(t.status().code(), StatusCode::InvalidArgument) << name;
    EXPECT_NE(t.status().message().find(needle), std::string::npos) << name << ": " << t.status().message();
  }
}

TEST(MethodErrors, AllZeroTensor) {
  const std::vector<float> v(64, 0.f);
  TensorStats s = computeStats(v.data(), 64);
  s.name = "relu_dead";
  expectError(s, 8, "relu_dead");
  expectError(s, 8, "every element is 0");
}

TEST(MethodErrors, NoDataCollected) {
  TensorStats s;
  s.name = "never_seen";
  expectError(s, 8, "no data");
}

TEST(MethodErrors, NanAndInfAbsmax) {
  const std::vector<float> v = {1.f, -2.f, 3.f};
  TensorStats s = computeStats(v.data(), 3);
  s.absmax = std::numeric_limits<float>::quiet_NaN();
  expectError(s, 8, "NaN");
  s.absmax = std::numeric_limits<float>::infinity();
  expectError(s, 8, "infinite");
}

TEST(MethodErrors, HistogramMethodsNeedTheSecondPass) {
  const std::vector<float> v = {1.f, -2.f, 3.f};
  TensorStats s;
  s.name = "conv1_in";
  accumulateRange(s, v.data(), 3);  // pass 1 only
  for (const char* name : {"percentile", "kl", "kl-ncnn", "mse"}) {
    auto t = (*makeCalibrationMethod(name))->threshold(s, 8);
    ASSERT_FALSE(t.isOk()) << name;
    EXPECT_NE(t.status().message().find("histogram"), std::string::npos) << t.status().message();
  }
  EXPECT_EQ(*(*makeCalibrationMethod("max"))->threshold(s, 8), 3.f);
}

TEST(MethodErrors, BitWidthsOutside2To8) {
  const std::vector<float> v = {1.f, -2.f, 3.f};
  const TensorStats s = computeStats(v.data(), 3);
  for (int bits : {0, 1, 9, 16})
    for (const std::string& name : calibrationMethodNames()) {
      auto t = (*makeCalibrationMethod(name))->threshold(s, bits);
      ASSERT_FALSE(t.isOk()) << name << " " << bits;
      EXPECT_NE(t.status().message().find(std::to_string(bits)), std::string::npos);
    }
  EXPECT_EQ(*quantMax(8), 127);
  EXPECT_EQ(*quantMax(7), 63);
  EXPECT_EQ(*quantMax(2), 1);
}

TEST(MethodErrors, BadPercentile) {
  for (double p : {0.0, -1.0, 100.5, std::nan("")}) {
    MethodOptions o;
    o.percentile = p;
    EXPECT_EQ(makeCalibrationMethod("percentile", o).status().code(), StatusCode::InvalidArgument) << p;
  }
}

TEST(MethodErrors, PercentileInsideTheZeros) {
  std::vector<float> v(1000, 0.f);
  v[0] = 1.f;
  const TensorStats s = computeStats(v.data(), 1000);
  MethodOptions o;
  o.percentile = 50.0;
  auto t = (*makeCalibrationMethod("percentile", o))->threshold(s, 8);
  ASSERT_FALSE(t.isOk());
  EXPECT_NE(t.status().message().find("999 of 1000"), std::string::npos) << t.status().message();
}

}  // namespace
}  // namespace eqw

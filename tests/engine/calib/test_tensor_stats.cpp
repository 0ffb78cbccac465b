// TensorStats: the two-pass streaming accumulation equals a direct computation over all the data,
// and the bins follow ncnn2table's rule min(int(|x| / absmax * 2048), 2047), zeros left out.
#include <eqw/calib.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "engine/calib/synthetic.h"

namespace eqw {
namespace {

using testing::gaussianSamples;

// Three "images" of different ranges, some exact zeros (a ReLU output).
std::vector<std::vector<float>> chunks() {
  std::vector<std::vector<float>> c = {gaussianSamples(5000, 1.f, 1), gaussianSamples(5000, 3.f, 2),
                                       gaussianSamples(5000, 0.5f, 3)};
  for (auto& v : c)
    for (size_t i = 0; i < v.size(); i += 3) v[i] = std::max(v[i], 0.f);
  return c;
}

TEST(TensorStats, TwoPassStreamingEqualsDirectComputation) {
  const auto parts = chunks();
  TensorStats s;
  for (const auto& p : parts) accumulateRange(s, p.data(), static_cast<int64_t>(p.size()));
  for (const auto& p : parts) accumulateHistogram(s, p.data(), static_cast<int64_t>(p.size()));

  std::vector<float> all;
  for (const auto& p : parts) all.insert(all.end(), p.begin(), p.end());
  float absmax = 0.f;
  int64_t zeros = 0;
  for (float v : all) {
    absmax = std::max(absmax, std::abs(v));
    zeros += v == 0.f;
  }
  std::vector<uint64_t> direct(2048, 0);
  for (float v : all)
    if (v != 0.f) direct[std::min(static_cast<int>(std::fabs(v) / absmax * 2048), 2047)] += 1;

  EXPECT_EQ(s.absmax, absmax);
  EXPECT_EQ(s.min, *std::min_element(all.begin(), all.end()));
  EXPECT_EQ(s.max, *std::max_element(all.begin(), all.end()));
  EXPECT_EQ(s.count, static_cast<int64_t>(all.size()));
  EXPECT_EQ(s.zeros, zeros);
  EXPECT_GT(zeros, 1000);
  EXPECT_EQ(s.samples, 3);
  EXPECT_EQ(s.sample_elements, 5000);
  EXPECT_EQ(s.histogram, direct);
  EXPECT_EQ(s.histogramTotal(), static_cast<uint64_t>(s.count - s.zeros));
  EXPECT_EQ(s.histogram[2047], 1u) << "the maximum itself lands in the last bin";
}

TEST(TensorStats, OnePassRebinningEqualsDirectBinningOverTheFinalRange) {
  const auto parts = chunks();  // absmax grows at the second chunk: bins get merged
  TensorStats s;
  for (const auto& p : parts) accumulateOnePass(s, p.data(), static_cast<int64_t>(p.size()));

  std::vector<float> all;
  for (const auto& p : parts) all.insert(all.end(), p.begin(), p.end());
  float absmax = 0.f;
  for (float v : all) absmax = std::max(absmax, std::abs(v));
  EXPECT_EQ(s.absmax, absmax);
  // The range is the smallest power of two above absmax.
  const float range = s.hist_range;
  EXPECT_GT(range, absmax);
  EXPECT_LE(range / 2, absmax);
  EXPECT_EQ(std::exp2(std::round(std::log2(range))), range);
  std::vector<uint64_t> direct(2048, 0);
  for (float v : all)
    if (v != 0.f) direct[std::min(static_cast<int>(std::fabs(v) / range * 2048), 2047)] += 1;
  EXPECT_EQ(s.histogram, direct);
  EXPECT_EQ(s.histogramTotal(), static_cast<uint64_t>(s.count - s.zeros));
  EXPECT_EQ(s.samples, 3);
}

// A sampled one pass bins the blocks of kHistStrideBlock whose index is congruent to the sample's
// number mod the stride, and sees every element for the ranges; over `stride` samples of the same
// data every block is binned once, so the histogram equals the full one of a single sample.
TEST(TensorStats, SampledOnePassBinsRotatingBlocks) {
  const int stride = 4;
  const auto parts = chunks();
  TensorStats sampled, full;
  for (const auto& p : parts) {
    accumulateOnePass(sampled, p.data(), static_cast<int64_t>(p.size()), stride);
    accumulateOnePass(full, p.data(), static_cast<int64_t>(p.size()));
  }
  EXPECT_EQ(sampled.hist_stride, stride);
  EXPECT_EQ(full.hist_stride, 1);
  EXPECT_EQ(sampled.absmax, full.absmax);
  EXPECT_EQ(sampled.min, full.min);
  EXPECT_EQ(sampled.max, full.max);
  EXPECT_EQ(sampled.count, full.count);
  EXPECT_EQ(sampled.zeros, full.zeros);
  EXPECT_EQ(sampled.hist_range, full.hist_range);
  std::vector<uint64_t> direct(kHistogramBins, 0);
  int64_t binnedZeros = 0;
  for (size_t s = 0; s < parts.size(); ++s)
    for (size_t i = 0; i < parts[s].size(); ++i) {
      if (static_cast<int64_t>(i) / kHistStrideBlock % stride != static_cast<int64_t>(s) % stride) continue;
      const float v = parts[s][i];
      if (v == 0.f) {
        ++binnedZeros;
        continue;
      }
      direct[std::min(static_cast<int>(std::fabs(v) / sampled.hist_range * 2048), 2047)] += 1;
    }
  EXPECT_EQ(sampled.histogram, direct);
  EXPECT_LT(sampled.histogramTotal() * 3, full.histogramTotal()) << "about a quarter of the values";
  // The zeros in the histogram's units: the binned blocks hold about as many as the scaling says.
  EXPECT_NEAR(sampled.histogramZeros(), static_cast<double>(binnedZeros), 0.1 * binnedZeros);
  EXPECT_EQ(full.histogramZeros(), static_cast<double>(full.zeros));

  TensorStats rotated;  // the same data `stride` times: each block binned exactly once
  for (int s = 0; s < stride; ++s) accumulateOnePass(rotated, parts[1].data(), static_cast<int64_t>(parts[1].size()), stride);
  TensorStats once;
  accumulateOnePass(once, parts[1].data(), static_cast<int64_t>(parts[1].size()));
  EXPECT_EQ(rotated.histogram, once.histogram);
  EXPECT_EQ(rotated.count, stride * once.count);

  // A maximum in a block the histogram skips still widens the range past it.
  std::vector<float> grow = parts[2];
  grow[300] = 40.f;  // block 1: skipped by sample 0
  TensorStats widened;
  accumulateOnePass(widened, parts[2].data(), static_cast<int64_t>(parts[2].size()), stride);
  accumulateOnePass(widened, parts[2].data(), static_cast<int64_t>(parts[2].size()), stride);
  accumulateOnePass(widened, grow.data(), static_cast<int64_t>(grow.size()), stride);  // sample 2: block 1 skipped
  EXPECT_EQ(widened.absmax, 40.f);
  EXPECT_GT(widened.hist_range, 40.f);
  EXPECT_LE(widened.hist_range, 80.f);
}

// A tensor smaller than a block is binned whole in the samples whose turn it is, one in `stride`.
TEST(TensorStats, SampledOnePassOnTinyTensors) {
  const std::vector<float> logits = {0.5f, -2.f, 0.f, 1.25f, 3.f};
  TensorStats s;
  for (int i = 0; i < 8; ++i) accumulateOnePass(s, logits.data(), 5, 4);
  EXPECT_EQ(s.count, 40);
  EXPECT_EQ(s.zeros, 8);
  EXPECT_EQ(s.histogramTotal(), 8u) << "two samples of four non-zero values";
  EXPECT_DOUBLE_EQ(s.histogramZeros(), 2.0);
}

TEST(TensorStats, EmaFollowsTheMxnetRule) {
  const auto parts = chunks();
  TensorStats s;
  std::vector<double> maxima;
  for (const auto& p : parts) {
    accumulateRange(s, p.data(), static_cast<int64_t>(p.size()));
    float m = 0.f;
    for (float v : p) m = std::max(m, std::abs(v));
    maxima.push_back(m);
  }
  double ema = maxima[0];
  for (size_t i = 1; i < maxima.size(); ++i) ema = 0.99 * ema + 0.01 * maxima[i];
  EXPECT_DOUBLE_EQ(s.ema_absmax, ema);
  EXPECT_LT(s.ema_absmax, s.absmax);
}

TEST(TensorStats, ComputeStatsOnOneBlock) {
  const std::vector<float> v = {0.f, -2.f, 1.f, 0.5f, 0.f, 2.f};
  const TensorStats s = computeStats(v.data(), static_cast<int64_t>(v.size()));
  EXPECT_EQ(s.absmax, 2.f);
  EXPECT_EQ(s.min, -2.f);
  EXPECT_EQ(s.max, 2.f);
  EXPECT_EQ(s.zeros, 2);
  EXPECT_EQ(s.histogramTotal(), 4u);
  EXPECT_EQ(s.histogram[2047], 2u);  // |-2| and 2
  EXPECT_EQ(s.histogram[1024], 1u);  // 1 / 2 * 2048
  EXPECT_EQ(s.histogram[512], 1u);   // 0.5 / 2 * 2048
}

TEST(TensorStats, AllZerosGiveAnEmptyHistogram) {
  const std::vector<float> v(100, 0.f);
  const TensorStats s = computeStats(v.data(), 100);
  EXPECT_EQ(s.absmax, 0.f);
  EXPECT_EQ(s.histogram.size(), 2048u);
  EXPECT_EQ(s.histogramTotal(), 0u);
}

}  // namespace
}  // namespace eqw

// The statistics loops of every instruction-set level this CPU runs give the bits of a plain
// scalar computation: ranges, zero counts, ncnn2table's bins (division) and the one-pass bins over a
// power-of-two range, including NaN, values at or above the range, tails shorter than a vector,
// and the stop at a chunk that exceeds the range.
#include <eqw/cpu.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "calib/stats_kernels.h"

namespace eqw::calib {
namespace {

std::vector<const StatsKernels*> levels() {
  std::vector<const StatsKernels*> out;
  for (Isa isa : {Isa::Scalar, Isa::Avx2, Isa::Avx512})
    if (const StatsKernels* k = statsKernels(isa)) out.push_back(k);
  return out;
}

// ReLU-like data: a third exact zeros, a spread of magnitudes, a few NaNs and negative zeros.
std::vector<float> data(size_t n, float scale, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.f, scale);
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i) {
    v[i] = normal(rng);
    if (i % 3 == 0) v[i] = 0.f;
    if (i % 101 == 7) v[i] = -0.f;
    if (i % 997 == 11) v[i] = std::numeric_limits<float>::quiet_NaN();
  }
  return v;
}

struct Expected {
  RangeAcc range;
  std::vector<uint32_t> bins = std::vector<uint32_t>(kHistogramBins, 0);
};

// The scalar rule; with stride > 1 only elements of the blocks b (of kStatsChunk) with
// b % stride == phase are binned, while the range sees all.
Expected scalar(const float* d, int64_t n, float divisor, bool multiply, int stride = 1, int phase = 0) {
  Expected e{{d[0], d[0], 0.f, 0}};
  const float scale = kHistogramBins / divisor;
  for (int64_t i = 0; i < n; ++i) {
    const float v = d[i], a = std::fabs(v);
    e.range.lo = v < e.range.lo ? v : e.range.lo;
    e.range.hi = v > e.range.hi ? v : e.range.hi;
    e.range.absmax = a > e.range.absmax ? a : e.range.absmax;
    if (v == 0.f) {
      ++e.range.zeros;
      continue;
    }
    if ((i / kStatsChunk) % stride != phase) continue;
    const float r = multiply ? a * scale : a / divisor * kHistogramBins;
    e.bins[r < kHistogramBins ? static_cast<int>(r) : kHistogramBins - 1] += 1;
  }
  return e;
}

// The bins of all ways added up (a flush's sum).
std::vector<uint32_t> binsOf(const std::vector<uint32_t>& counters) {
  std::vector<uint32_t> bins(kHistogramBins, 0);
  for (int w = 0; w < kWays; ++w)
    for (int b = 0; b < kHistogramBins; ++b) bins[b] += counters[w * kWayCounters + b];
  return bins;
}

int topOf(const std::vector<uint32_t>& bins) {
  for (int b = kHistogramBins - 1; b >= 0; --b)
    if (bins[b]) return b;
  return -1;
}

bool sameFloat(float a, float b) { return a == b || (std::isnan(a) && std::isnan(b)); }

TEST(StatsKernels, EveryLevelMatchesTheScalarRule) {
  const auto ks = levels();
  ASSERT_FALSE(ks.empty());
  for (int64_t n : {1, 5, 16, 17, 255, 256, 257, 1000, 4099, 70001}) {
    const auto v = data(static_cast<size_t>(n), 1.7f, static_cast<uint32_t>(n));
    float absmax = scalar(v.data(), n, 1.f, false).range.absmax;
    if (!(absmax > 0.f)) absmax = 1.f;  // all zeros: the callers never bin over an empty range
    const Expected div = scalar(v.data(), n, absmax, false);
    for (const StatsKernels* k : ks) {
      SCOPED_TRACE(std::string(k->name) + " n=" + std::to_string(n));
      RangeAcc r{v[0], v[0], 0.f, 0};
      k->scanRange(v.data(), n, &r);
      EXPECT_TRUE(sameFloat(r.lo, div.range.lo)) << r.lo << " vs " << div.range.lo;
      EXPECT_TRUE(sameFloat(r.hi, div.range.hi));
      EXPECT_EQ(r.absmax, div.range.absmax);
      EXPECT_EQ(r.zeros, div.range.zeros);

      std::vector<uint32_t> counters(kScratchCounters, 0);
      int top = -1;
      k->binDivide(v.data(), n, absmax, counters.data(), &top);
      EXPECT_EQ(binsOf(counters), div.bins);
      EXPECT_GE(top, topOf(div.bins)) << "top bounds every counted bin (a flush reads up to it)";
      EXPECT_LT(top, kHistogramBins);

      // One pass over a power-of-two range above every value: consumes everything.
      int exponent = 0;
      std::frexp(absmax, &exponent);
      const float range = std::ldexp(1.f, exponent);
      const Expected pow2 = scalar(v.data(), n, range, true);
      std::fill(counters.begin(), counters.end(), 0u);
      top = -1;
      RangeAcc acc{v[0], v[0], 0.f, 0};
      EXPECT_EQ(k->scanBinPow2(v.data(), n, range, 1, 0, counters.data(), &acc, &top), n);
      EXPECT_EQ(binsOf(counters), pow2.bins);
      EXPECT_GE(top, topOf(pow2.bins));
      EXPECT_LT(top, kHistogramBins);
      EXPECT_EQ(acc.absmax, pow2.range.absmax);
      EXPECT_EQ(acc.zeros, pow2.range.zeros);
    }
  }
}

TEST(StatsKernels, SampledOnePassBinsExactlyTheChosenBlocksOnEveryLevel) {
  const auto ks = levels();
  for (int64_t n : {7, 255, 256, 300, 1000, 4099, 70001}) {
    const auto v = data(static_cast<size_t>(n), 1.7f, static_cast<uint32_t>(n) + 5);
    float absmax = scalar(v.data(), n, 1.f, false).range.absmax;
    int exponent = 0;
    std::frexp(absmax, &exponent);
    const float range = std::ldexp(1.f, exponent);
    for (int stride : {2, 3, 8}) {
      for (int phase : {0, 1, stride - 1}) {
        const Expected e = scalar(v.data(), n, range, true, stride, phase);
        for (const StatsKernels* k : ks) {
          SCOPED_TRACE(std::string(k->name) + " n=" + std::to_string(n) + " stride=" + std::to_string(stride) +
                       " phase=" + std::to_string(phase));
          std::vector<uint32_t> counters(kScratchCounters, 0);
          int top = -1;
          RangeAcc acc{v[0], v[0], 0.f, 0};
          EXPECT_EQ(k->scanBinPow2(v.data(), n, range, stride, phase, counters.data(), &acc, &top), n);
          EXPECT_EQ(binsOf(counters), e.bins);
          EXPECT_GE(top, topOf(e.bins));
          EXPECT_EQ(acc.absmax, e.range.absmax) << "the range sees every block";
          EXPECT_EQ(acc.zeros, e.range.zeros);
          EXPECT_TRUE(sameFloat(acc.lo, e.range.lo));
          EXPECT_TRUE(sameFloat(acc.hi, e.range.hi));
        }
      }
    }
  }
}

TEST(StatsKernels, OnePassStopsBeforeTheChunkThatExceedsTheRange) {
  const int64_t n = 5000;
  auto v = data(static_cast<size_t>(n), 0.2f, 3);
  for (float& x : v)
    if (std::fabs(x) >= 1.f) x = 0.5f;  // below the range of 1 ...
  v[3000] = -1.5f;                      // ... but for one value
  for (const StatsKernels* k : levels()) {
    SCOPED_TRACE(k->name);
    std::vector<uint32_t> counters(kScratchCounters, 0);
    int top = -1;
    RangeAcc acc{v[0], v[0], 0.f, 0};
    const int64_t used = k->scanBinPow2(v.data(), n, 1.f, 1, 0, counters.data(), &acc, &top);
    EXPECT_LE(used, 3000);
    EXPECT_GT(used, 3000 - 300) << "stops at the chunk holding the value, not earlier";
    // What was consumed was binned and counted exactly.
    const Expected e = scalar(v.data(), used, 1.f, true);
    EXPECT_EQ(binsOf(counters), e.bins);
    EXPECT_EQ(acc.zeros, e.range.zeros);
    EXPECT_EQ(acc.absmax, 1.5f) << "the range seen includes the stopping chunk, so the caller can widen";
  }
}

// With a stride, only binned chunks stop the pass: a skipped chunk above the range is only seen by
// the range (the caller widens afterwards).
TEST(StatsKernels, SampledOnePassStopsOnlyAtBinnedChunks) {
  const int64_t n = 5000;
  auto v = data(static_cast<size_t>(n), 0.2f, 4);
  for (float& x : v)
    if (std::fabs(x) >= 1.f) x = 0.5f;
  v[300] = -1.5f;   // chunk 1: skipped with stride 2, phase 0
  v[1100] = 1.25f;  // chunk 4: binned
  for (const StatsKernels* k : levels()) {
    SCOPED_TRACE(k->name);
    std::vector<uint32_t> counters(kScratchCounters, 0);
    int top = -1;
    RangeAcc acc{v[0], v[0], 0.f, 0};
    EXPECT_EQ(k->scanBinPow2(v.data(), n, 1.f, 2, 0, counters.data(), &acc, &top), 4 * kStatsChunk);
    EXPECT_EQ(acc.absmax, 1.5f);
    EXPECT_EQ(binsOf(counters), scalar(v.data(), 4 * kStatsChunk, 1.f, true, 2, 0).bins);
  }
}

TEST(StatsKernels, InfinityStopsTheOnePass) {
  std::vector<float> v(600, 0.25f);
  v[400] = std::numeric_limits<float>::infinity();
  for (const StatsKernels* k : levels()) {
    std::vector<uint32_t> counters(kScratchCounters, 0);
    int top = -1;
    RangeAcc acc{v[0], v[0], 0.f, 0};
    EXPECT_LE(k->scanBinPow2(v.data(), 600, 1.f, 1, 0, counters.data(), &acc, &top), 400) << k->name;
    EXPECT_TRUE(std::isinf(acc.absmax)) << k->name;
  }
}

}  // namespace
}  // namespace eqw::calib

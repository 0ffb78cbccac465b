#include <eqw/calib.h>

#include <algorithm>
#include <cmath>

namespace eqw {

uint64_t TensorStats::histogramTotal() const {
  uint64_t total = 0;
  for (uint64_t h : histogram) total += h;
  return total;
}

size_t TensorStats::bytes() const {
  return sizeof(TensorStats) + name.capacity() + histogram.capacity() * sizeof(uint64_t);
}

namespace {

// Lane-wise reductions the compiler can vectorise (plain std::min / std::max over one scalar
// accumulator it cannot reorder).
constexpr int kLanes = 16;

struct Range {
  float lo, hi, absmax;
  int64_t zeros;
};

Range scanRange(const float* data, int64_t n) {
  float lo[kLanes], hi[kLanes], am[kLanes];
  int32_t zeros[kLanes] = {};
  for (int l = 0; l < kLanes; ++l) lo[l] = hi[l] = data[0], am[l] = 0.f;
  int64_t zeroTotal = 0;
  int64_t i = 0;
  // Blocks bounded so the int32 lane counters cannot overflow.
  while (n - i >= kLanes) {
    const int64_t blockEnd = i + std::min<int64_t>((n - i) / kLanes, 1 << 26) * kLanes;
    for (; i < blockEnd; i += kLanes)
      for (int l = 0; l < kLanes; ++l) {
        const float v = data[i + l];
        lo[l] = v < lo[l] ? v : lo[l];
        hi[l] = v > hi[l] ? v : hi[l];
        const float a = std::fabs(v);
        am[l] = a > am[l] ? a : am[l];
        zeros[l] += v == 0.f;
      }
    for (int l = 0; l < kLanes; ++l) zeroTotal += zeros[l], zeros[l] = 0;
  }
  Range r{lo[0], hi[0], am[0], zeroTotal};
  for (int l = 1; l < kLanes; ++l) {
    r.lo = std::min(r.lo, lo[l]);
    r.hi = std::max(r.hi, hi[l]);
    r.absmax = std::max(r.absmax, am[l]);
  }
  for (; i < n; ++i) {
    const float v = data[i];
    r.lo = std::min(r.lo, v);
    r.hi = std::max(r.hi, v);
    r.absmax = std::max(r.absmax, std::fabs(v));
    r.zeros += v == 0.f;
  }
  return r;
}

// Exact zeros are counted into kZeroSlots extra slots past the histogram (then dropped): spread over
// several slots so that runs of zeros (ReLU outputs) do not chain increments of one counter.
constexpr int kZeroSlots = 8;

// ncnn2table's bin rule in its float arithmetic: min(int(|v| / absmax * 2048), 2047); NaN and
// values above absmax land in the last bin; an exact zero goes to a zero slot.
inline int binOf(float v, float absmax, int lane) {
  const float r = std::fabs(v) / absmax * kHistogramBins;
  const int index = r < static_cast<float>(kHistogramBins) ? static_cast<int>(r) : kHistogramBins - 1;
  return v == 0.f ? kHistogramBins + (lane & (kZeroSlots - 1)) : index;
}

}  // namespace

void accumulateRange(TensorStats& stats, const float* data, int64_t n) {
  if (n <= 0) return;
  const Range r = scanRange(data, n);
  const bool first = stats.samples == 0;
  stats.min = first ? r.lo : std::min(stats.min, r.lo);
  stats.max = first ? r.hi : std::max(stats.max, r.hi);
  stats.absmax = std::max(stats.absmax, r.absmax);
  stats.ema_absmax = first ? r.absmax : kEmaAlpha * stats.ema_absmax + (1.0 - kEmaAlpha) * r.absmax;
  stats.count += n;
  stats.zeros += r.zeros;
  stats.sample_elements = n;
  stats.samples += 1;
}

// Indices are computed a block at a time (a fixed-length loop the compiler vectorises; the division
// stays, so the bins are bit-exact with ncnn2table's) and counted without branches into a local
// histogram whose extra slots take the exact zeros.
namespace {

void binInto(TensorStats& stats, float absmax, const float* data, int64_t n) {
  if (!(absmax > 0.f) || n <= 0) return;  // nothing but zeros (or no range yet): no bin to fill
  if (n < kHistogramBins) {  // small tensors (logits): not worth the local histogram's flush
    for (int64_t i = 0; i < n; ++i) {
      const int b = binOf(data[i], absmax, 0);
      if (b < kHistogramBins) stats.histogram[b] += 1;
    }
    return;
  }
  constexpr int kBlock = 256;
  constexpr int64_t kFlushEvery = int64_t{1} << 30;  // keeps the uint32 counters from overflowing
  int32_t index[kBlock];
  uint32_t local[kHistogramBins + kZeroSlots] = {};
  auto flush = [&] {
    for (int b = 0; b < kHistogramBins; ++b) stats.histogram[b] += local[b];
    std::fill(local, local + kHistogramBins + kZeroSlots, 0u);
  };
  int64_t i = 0;
  for (; i + kBlock <= n; i += kBlock) {
    for (int k = 0; k < kBlock; ++k) index[k] = binOf(data[i + k], absmax, k);
    for (int k = 0; k < kBlock; ++k) local[index[k]] += 1;
    if (i % kFlushEvery == kFlushEvery - kBlock) flush();
  }
  for (; i < n; ++i) local[binOf(data[i], absmax, static_cast<int>(i))] += 1;
  flush();
}

// Widens the histogram's range by 2^k until it exceeds absmax, merging 2^k bins into one. The
// range is a power of two strictly above every value, so |x| / range is exact, no value is clamped
// into the last bin, and the merged bins equal what binning over the wide range gives directly.
void widenRange(TensorStats& stats, float absmax) {
  int k = 0;
  float range = stats.hist_range;
  while (range <= absmax && k < 64) {
    range *= 2.f;
    ++k;
  }
  if (k == 0) return;
  std::vector<uint64_t> merged(kHistogramBins, 0);
  const int shift = std::min(k, 31);
  for (int b = 0; b < kHistogramBins; ++b) merged[b >> shift] += stats.histogram[b];
  stats.histogram = std::move(merged);
  stats.hist_range = range;
}

}  // namespace

void accumulateHistogram(TensorStats& stats, const float* data, int64_t n) {
  if (stats.histogram.size() != static_cast<size_t>(kHistogramBins)) stats.histogram.assign(kHistogramBins, 0);
  stats.hist_range = stats.absmax;
  binInto(stats, stats.absmax, data, n);
}

void accumulateOnePass(TensorStats& stats, const float* data, int64_t n) {
  if (n <= 0) return;
  if (stats.histogram.size() != static_cast<size_t>(kHistogramBins)) stats.histogram.assign(kHistogramBins, 0);
  accumulateRange(stats, data, n);
  if (!(stats.absmax > 0.f) || !std::isfinite(stats.absmax)) return;  // only zeros so far
  if (stats.hist_range <= 0.f) {
    int exponent = 0;
    std::frexp(stats.absmax, &exponent);  // absmax = m * 2^exponent, m in [0.5, 1)
    stats.hist_range = std::ldexp(1.f, exponent);
  }
  widenRange(stats, stats.absmax);
  binInto(stats, stats.hist_range, data, n);
}

TensorStats computeStats(const float* data, int64_t n) {
  TensorStats stats;
  accumulateRange(stats, data, n);
  accumulateHistogram(stats, data, n);
  return stats;
}

}  // namespace eqw

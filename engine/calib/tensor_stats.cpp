#include <eqw/calib.h>

#include "calib/stats_kernels.h"

#include <algorithm>
#include <cmath>

namespace eqw {

uint64_t TensorStats::histogramTotal() const {
  uint64_t total = 0;
  for (uint64_t h : histogram) total += h;
  return total;
}

double TensorStats::histogramZeros() const {
  const int64_t nonzero = count - zeros;
  if (hist_stride <= 1 || nonzero <= 0) return static_cast<double>(zeros);
  return static_cast<double>(zeros) * static_cast<double>(histogramTotal()) / static_cast<double>(nonzero);
}

size_t TensorStats::bytes() const {
  return sizeof(TensorStats) + name.capacity() + histogram.capacity() * sizeof(uint64_t);
}

void calib::HistogramScratch::flushInto(std::vector<uint64_t>& histogram) {
  static_assert(calib::kWays == 2);
  uint32_t* second = counters.data() + calib::kWayCounters;
  for (int b = 0; b <= top; ++b) histogram[b] += uint64_t{counters[b]} + second[b];
  for (int w = 0; w < calib::kWays; ++w) {
    auto way = counters.begin() + w * calib::kWayCounters;
    std::fill(way, way + (top + 1), 0u);
    std::fill(way + kHistogramBins, way + calib::kWayCounters, 0u);  // the zero slots
  }
  top = -1;
  pending = 0;
}

namespace {

using calib::RangeAcc;

using Ways = calib::HistogramScratch;

Ways& scratch() {
  thread_local Ways ways;
  return ways;
}

// Below this many elements a tensor is binned by the scalar loop (logits and the like), not by
// the vector kernels plus a flush of the ways: at 4096 the scalar loop's division per element made
// statistics of the sample's 7x7 and 14x14 tensors cost more than the flush (sample +96 % -> +72 %).
constexpr int64_t kSmallTensor = 256;

RangeAcc startRange(const float* data) { return RangeAcc{data[0], data[0], 0.f, 0}; }

RangeAcc scanRange(const float* data, int64_t n) {
  const calib::StatsKernels& k = calib::statsKernels();
  RangeAcc r = startRange(data);
  for (int64_t i = 0; i < n; i += calib::kMaxKernelElements)
    k.scanRange(data + i, std::min(n - i, calib::kMaxKernelElements), &r);
  return r;
}

// Folds one sample's range into the stats.
void addSample(TensorStats& stats, const RangeAcc& r, int64_t n) {
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

void ensureHistogram(TensorStats& stats) {
  if (stats.histogram.size() != static_cast<size_t>(kHistogramBins)) stats.histogram.assign(kHistogramBins, 0);
}

// ncnn2table's bins over [0, divisor]: min(int(|v| / divisor * 2048), 2047), zeros left out.
// With stride > 1 only the blocks b (of kHistStrideBlock) with b % stride == phase.
void binInto(TensorStats& stats, float divisor, const float* data, int64_t n, int stride = 1, int phase = 0) {
  if (!(divisor > 0.f) || n <= 0) return;  // nothing but zeros (or no range yet): no bin to fill
  if (n < kSmallTensor) {  // logits and the like (one block at most): not worth the ways' flush
    if (phase != 0) return;
    for (int64_t i = 0; i < n; ++i) {
      const float r = std::fabs(data[i]) / divisor * kHistogramBins;
      if (data[i] != 0.f) stats.histogram[r < static_cast<float>(kHistogramBins) ? static_cast<int>(r) : kHistogramBins - 1] += 1;
    }
    return;
  }
  const calib::StatsKernels& k = calib::statsKernels();
  Ways& ways = scratch();
  const int64_t step = stride == 1 ? calib::kMaxKernelElements : kHistStrideBlock;
  int64_t pending = 0;  // elements counted since the last flush: the uint32 counters hold one call's worth
  for (int64_t i = phase * kHistStrideBlock; i < n; i += stride * step) {
    const int64_t len = std::min(n - i, step);
    if (pending + len > calib::kMaxKernelElements) {
      ways.flushInto(stats.histogram);
      pending = 0;
    }
    k.binDivide(data + i, len, divisor, ways.counters.data(), &ways.top);
    pending += len;
  }
  ways.flushInto(stats.histogram);
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

void accumulateRange(TensorStats& stats, const float* data, int64_t n) {
  if (n <= 0) return;
  addSample(stats, scanRange(data, n), n);
}

void accumulateHistogram(TensorStats& stats, const float* data, int64_t n) {
  ensureHistogram(stats);
  stats.hist_range = stats.absmax;
  binInto(stats, stats.absmax, data, n);
}

// One read of the data per sample once a range exists: the kernel bins over the current
// power-of-two range and stops at a chunk that exceeds it; the range is widened (bins merged, which
// is exact) and the scan resumes there. Before any non-zero value the first such sample sets the
// range from its absmax (two reads, once), as do small tensors. After an infinite value only ranges are kept.
void calib::accumulateOnePass(TensorStats& stats, const float* data, int64_t n, int hist_stride, HistogramScratch& ways) {
  if (n <= 0) return;
  ensureHistogram(stats);
  if (stats.samples == 0) stats.hist_stride = std::max(hist_stride, 1);
  const int stride = stats.hist_stride;
  const int phase = static_cast<int>(stats.samples % stride);  // this sample's blocks
  if (!(stats.hist_range > 0.f) || !std::isfinite(stats.absmax) || n < kSmallTensor) {
    accumulateRange(stats, data, n);
    if (!(stats.absmax > 0.f) || !std::isfinite(stats.absmax)) return;  // only zeros so far, or inf
    if (!(stats.hist_range > 0.f)) {
      int exponent = 0;
      std::frexp(stats.absmax, &exponent);  // absmax = m * 2^exponent, m in [0.5, 1)
      stats.hist_range = std::ldexp(1.f, exponent);
    }
    ways.flushInto(stats.histogram);  // its counts are in the bins of the range before widening
    widenRange(stats, stats.absmax);
    binInto(stats, stats.hist_range, data, n, stride, phase);
    return;
  }
  const StatsKernels& k = statsKernels();
  RangeAcc r = startRange(data);
  int64_t i = 0;
  while (i < n) {
    const int64_t len = std::min(n - i, kMaxKernelElements);
    // i is a multiple of the block size: the block at data + i is block i / kHistStrideBlock.
    const int at = static_cast<int>(((phase - (i / kHistStrideBlock) % stride) % stride + stride) % stride);
    if (ways.pending + len > kMaxKernelElements) ways.flushInto(stats.histogram);
    const int64_t used = k.scanBinPow2(data + i, len, stats.hist_range, stride, at, ways.counters.data(), &r, &ways.top);
    ways.pending += used;
    i += used;
    if (used == len) {
      // A chunk the histogram skipped may have exceeded the range: widen for the next samples.
      if (i == n && r.absmax >= stats.hist_range && std::isfinite(r.absmax)) {
        ways.flushInto(stats.histogram);
        widenRange(stats, r.absmax);
      }
      continue;
    }
    if (!std::isfinite(r.absmax)) {  // an infinite value: the histogram stops here, ranges go on
      const RangeAcc rest = scanRange(data + i, n - i);
      r.lo = std::min(r.lo, rest.lo);
      r.hi = std::max(r.hi, rest.hi);
      r.absmax = std::max(r.absmax, rest.absmax);
      r.zeros += rest.zeros;
      break;
    }
    ways.flushInto(stats.histogram);
    widenRange(stats, r.absmax);
  }
  addSample(stats, r, n);
}

void accumulateOnePass(TensorStats& stats, const float* data, int64_t n, int hist_stride) {
  Ways& ways = scratch();
  calib::accumulateOnePass(stats, data, n, hist_stride, ways);
  ways.flushInto(stats.histogram);
}

TensorStats computeStats(const float* data, int64_t n) {
  TensorStats stats;
  accumulateRange(stats, data, n);
  accumulateHistogram(stats, data, n);
  return stats;
}

}  // namespace eqw

// The inner loops of statistics collection (range, zeros and the 2048-bin |x| histogram), one
// table per instruction-set level, chosen from activeIsa() like the fast kernels. Every level
// computes the same bits: the same float operations in the same order per element, only wider.
#pragma once

#include <eqw/calib.h>
#include <eqw/cpu.h>

#include <cstdint>
#include <vector>

namespace eqw::calib {

// Exact zeros are counted into extra slots past the bins (then dropped): spread over several
// slots so that runs of zeros (ReLU outputs) do not chain increments of one counter.
constexpr int kZeroSlots = 8;
// Counters of the bins and the zero slots of one way, uint32 (flushed into the uint64 bins).
constexpr int kWayCounters = kHistogramBins + kZeroSlots;
// Ways the kernels count into, alternately: bin b of way w at w * kWayCounters + b. Two halve the
// chains of increments to one hot bin (ReLU outputs pile into the low bins); a flush adds them up.
constexpr int kWays = 2;
constexpr int kScratchCounters = kWays * kWayCounters;
// Elements one call may add to the uint32 way counters before they are flushed.
constexpr int64_t kMaxKernelElements = int64_t{1} << 30;

// Elements per chunk of scanBinPow2: the block a sampled histogram bins or skips.
constexpr int kStatsChunk = static_cast<int>(kHistStrideBlock);

// Range of one sample. Callers start with lo = hi = data[0], absmax = 0, zeros = 0.
struct RangeAcc {
  float lo, hi, absmax;
  int64_t zeros;
};

struct StatsKernels {
  const char* name;  // "avx512", "avx2", "generic"
  // Adds n (<= kMaxKernelElements) elements to acc: min, max, max |x| (NaN never enters), zeros.
  void (*scanRange)(const float* data, int64_t n, RangeAcc* acc);
  // Bins n elements into ways[kScratchCounters] by ncnn2table's rule in its float arithmetic:
  // min(int(|x| / divisor * 2048), 2047); NaN and values above divisor go to the last bin, exact
  // zeros to the zero slots. Raises *top to the highest bin counted (so a flush reads only up to it).
  void (*binDivide)(const float* data, int64_t n, float divisor, uint32_t* ways, int* top);
  // One pass doing both over a power-of-two range (|x| / range is exact): adds to acc and bins
  // into ways, chunk by chunk, and stops before the first binned chunk holding |x| >= range (inf
  // included) so the caller can widen the range; returns the elements consumed (n when none,
  // otherwise a multiple of kStatsChunk). Only the chunks c (counted from data) with
  // c % stride == phase are binned; every chunk adds to acc, so acc->absmax may exceed the range
  // after a full run when stride > 1 (the caller widens then). Raises *top like binDivide.
  int64_t (*scanBinPow2)(const float* data, int64_t n, float range, int stride, int phase, uint32_t* ways,
                         RangeAcc* acc, int* top);
};

// uint32 counters per bin (and the zero slots) that the kernels count into, added into a tensor's
// uint64 bins by flushInto — only up to the highest bin counted. A caller that keeps one per
// tensor (the collector) flushes once per collection instead of once per sample (on the sample and
// mobilenet_v2 this measured within noise of a flush per sample: the flush is a small share).
struct HistogramScratch {
  std::vector<uint32_t> counters = std::vector<uint32_t>(kScratchCounters, 0u);
  int top = -1;          // no bin above it holds counts
  int64_t pending = 0;   // elements counted since the last flush (bounded by kMaxKernelElements)

  void flushInto(std::vector<uint64_t>& histogram);
};

// accumulateOnePass (eqw/calib.h) counting into `scratch`, which must belong to these stats and
// be flushed into them (scratch.flushInto(stats.histogram)) before the histogram is read.
void accumulateOnePass(TensorStats& stats, const float* data, int64_t n, int hist_stride, HistogramScratch& scratch);

// The table for the strongest level activeIsa() allows (generic when no SIMD build exists).
const StatsKernels& statsKernels();
// A specific table, or null when this build or CPU lacks it (tests compare levels).
const StatsKernels* statsKernels(Isa isa);

}  // namespace eqw::calib

// The statistics loops, written once with GCC/Clang vector extensions and compiled once per ISA
// level (x86/stats_avx2.cpp, x86/stats_avx512.cpp, stats_kernels.cpp), each with its native
// vector width. Everything here is in
// an anonymous namespace so that no function compiled with -mavx512f can be picked by the linker
// for code running on a weaker CPU. Include from exactly one .cpp per level.
#pragma once

#include "calib/stats_kernels.h"

#include <cmath>
#include <cstring>
#if defined(__SSE2__)
#include <immintrin.h>
#endif

// Vectors are passed between inline helpers of one translation unit only, so the note that
// 64-byte vector arguments change the ABI without -mavx512f does not apply.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace eqw::calib {
namespace {

// Lanes per vector: the including file sets EQW_STATS_LANES to its native width (16 for
// AVX-512, 8 for AVX2); wider-than-native vectors make GCC fall back to element-wise code.
#if !defined(EQW_STATS_LANES)
#define EQW_STATS_LANES 4
#endif
constexpr int kLanes = EQW_STATS_LANES;
typedef float VecF __attribute__((vector_size(kLanes * sizeof(float))));
typedef int32_t VecI __attribute__((vector_size(kLanes * sizeof(int32_t))));

// Elements binned between two range checks: one horizontal max per chunk, not per vector.
constexpr int kChunk = kStatsChunk;

inline VecF loadF(const float* p) {
  VecF v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

inline VecF splat(float x) { return VecF{} + x; }

// a > b ? a : b lane by lane — what maxps computes (b when either is NaN). Spelled as the
// instruction: from the conditional, GCC folded absOf into a masked blend, a loop-carried chain of
// compare, mask and blend (about 3x slower than the data streams in).
inline VecF vmax(VecF a, VecF b) {
#if EQW_STATS_LANES == 16 && defined(__AVX512F__)
  return reinterpret_cast<VecF>(_mm512_max_ps(reinterpret_cast<__m512>(a), reinterpret_cast<__m512>(b)));
#elif EQW_STATS_LANES == 8 && defined(__AVX__)
  return reinterpret_cast<VecF>(_mm256_max_ps(reinterpret_cast<__m256>(a), reinterpret_cast<__m256>(b)));
#elif EQW_STATS_LANES == 4 && defined(__SSE2__)
  return reinterpret_cast<VecF>(_mm_max_ps(reinterpret_cast<__m128>(a), reinterpret_cast<__m128>(b)));
#else
  return a > b ? a : b;
#endif
}

inline VecF absOf(VecF v) { return reinterpret_cast<VecF>(reinterpret_cast<VecI>(v) & 0x7fffffff); }

inline float hmax(VecF v) {
  float m = v[0];
  for (int l = 1; l < kLanes; ++l) m = v[l] > m ? v[l] : m;
  return m;
}

// Lane l's zero slot: kHistogramBins + l % kZeroSlots.
inline VecI zeroSlots() {
  VecI z;
  for (int l = 0; l < kLanes; ++l) z[l] = kHistogramBins + (l & (kZeroSlots - 1));
  return z;
}

// Bin of |x| given r = |x| / divisor * 2048 (or |x| * (2048 / range)): truncation, with NaN and
// r >= 2048 in the last bin, exactly as the scalar rule.
inline VecI binIndex(VecF r) {
  const VecF top = splat(static_cast<float>(kHistogramBins));
  const VecI index = __builtin_convertvector(r < top ? r : VecF{}, VecI);
  return r < top ? index : VecI{} + (kHistogramBins - 1);
}

// Stores the indices to count for one vector at out (room for kLanes) and returns how many.
#if defined(EQW_STATS_COMPRESS)
// AVX-512: exact zeros (already counted by the range scan) are squeezed out, so the scalar
// counting loop only sees non-zero elements (ReLU outputs are about half zeros).
inline int packIndices(VecI index, VecF v, int32_t* out) {
  const __mmask16 keep = _mm512_cmp_ps_mask(reinterpret_cast<__m512>(v), _mm512_setzero_ps(), _CMP_NEQ_UQ);
  _mm512_storeu_si512(out, _mm512_maskz_compress_epi32(keep, reinterpret_cast<__m512i>(index)));
  return __builtin_popcount(keep);
}
#else
// Exact zeros go to lane l's zero slot, kHistogramBins + l % kZeroSlots (never added to the bins).
inline int packIndices(VecI index, VecF v, int32_t* out) {
  const VecI b = v == VecF{} ? zeroSlots() : index;
  std::memcpy(out, &b, sizeof b);
  return kLanes;
}
#endif

// Counts n indices, alternately into the two ways (kWays): consecutive equal bins, frequent in
// ReLU outputs, then chain half as many increments through one counter (on Zen 5 mobilenet_v2's
// counting took 19 % less than with one way; more ways and interleaved sub-histograms measured slower).
inline void countIndices(const int32_t* index, int n, uint32_t* counters) {
  static_assert(kWays == 2);
  int k = 0;
  for (; k + 2 <= n; k += 2) {
    counters[index[k]] += 1;
    counters[kWayCounters + index[k + 1]] += 1;
  }
  if (k < n) counters[index[k]] += 1;
}

inline int hmaxI(VecI v) {
  int m = v[0];
  for (int l = 1; l < kLanes; ++l) m = v[l] > m ? v[l] : m;
  return m;
}

struct VecRange {
  VecF lo, hi, am;
  VecI zeros;  // lane counts, negated (a true comparison is -1)

  explicit VecRange(const RangeAcc& acc) : lo(splat(acc.lo)), hi(splat(acc.hi)), am(splat(acc.absmax)), zeros(VecI{}) {}

  void add(VecF v, VecF a) {
    lo = v < lo ? v : lo;
    hi = v > hi ? v : hi;
    am = vmax(a, am);
    zeros += v == VecF{};
  }

  int64_t zeroCount() const {
    int64_t z = 0;
    for (int l = 0; l < kLanes; ++l) z -= zeros[l];
    return z;
  }

  void into(RangeAcc* acc) const {
    for (int l = 0; l < kLanes; ++l) {
      acc->lo = lo[l] < acc->lo ? lo[l] : acc->lo;
      acc->hi = hi[l] > acc->hi ? hi[l] : acc->hi;
      acc->absmax = am[l] > acc->absmax ? am[l] : acc->absmax;
    }
  }
};

// Scalar tail of the range scan: the same comparisons as the lanes.
inline void scanTail(const float* data, int64_t n, RangeAcc* acc) {
  for (int64_t i = 0; i < n; ++i) {
    const float v = data[i];
    const float a = std::fabs(v);
    acc->lo = v < acc->lo ? v : acc->lo;
    acc->hi = v > acc->hi ? v : acc->hi;
    acc->absmax = a > acc->absmax ? a : acc->absmax;
    acc->zeros += v == 0.f;
  }
}

void scanRangeImpl(const float* data, int64_t n, RangeAcc* acc) {
  VecRange r(*acc);
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    const VecF v = loadF(data + i);
    r.add(v, absOf(v));
  }
  r.into(acc);
  acc->zeros += r.zeroCount();
  scanTail(data + i, n - i, acc);
}

void binDivideImpl(const float* data, int64_t n, float divisor, uint32_t* ways, int* top) {
  const VecF d = splat(divisor), bins = splat(static_cast<float>(kHistogramBins));
  alignas(64) int32_t index[kChunk + kLanes];
  VecI high = VecI{} + *top;
  int64_t i = 0;
  while (i < n) {
    const int len = static_cast<int>(n - i < kChunk ? n - i : kChunk);
    int k = 0, count = 0;
    for (; k + kLanes <= len; k += kLanes) {
      const VecF v = loadF(data + i + k);
      const VecI b = binIndex(absOf(v) / d * bins);
      high = b > high ? b : high;
      count += packIndices(b, v, index + count);
    }
    for (; k < len; ++k) {  // the tail, element by element with the same rule
      const float v = data[i + k];
      const float r = std::fabs(v) / divisor * static_cast<float>(kHistogramBins);
      const int32_t b = r < static_cast<float>(kHistogramBins) ? static_cast<int32_t>(r) : kHistogramBins - 1;
      index[count++] = v == 0.f ? kHistogramBins + (k & (kZeroSlots - 1)) : b;
      high[0] = b > high[0] ? b : high[0];
    }
    countIndices(index, count, ways);
    i += len;
  }
  *top = hmaxI(high);
}

int64_t scanBinPow2Impl(const float* data, int64_t n, float range, int stride, int phase, uint32_t* ways,
                        RangeAcc* acc, int* top) {
  const float scale = static_cast<float>(kHistogramBins) / range;  // a power of two: exact
  const VecF s = splat(scale);
  alignas(64) int32_t index[kChunk + kLanes];
  VecI high = VecI{} + *top;
  VecRange r(*acc);
  const int64_t vecEnd = n / kLanes * kLanes;
  int64_t i = 0;
  int turn = 0;  // (i / kChunk) % stride, kept without a division per chunk
  while (i < vecEnd) {
    if (turn != phase) {  // the chunks up to the next binned one: range and zeros only, no stop
      const int64_t skip = static_cast<int64_t>(phase > turn ? phase - turn : phase - turn + stride) * kChunk;
      const int64_t end = vecEnd - i < skip ? vecEnd : i + skip;
      for (; i < end; i += kLanes) {
        const VecF v = loadF(data + i);
        r.add(v, absOf(v));
      }
      turn = phase;
      continue;
    }
    const int len = static_cast<int>(vecEnd - i < kChunk ? vecEnd - i : kChunk);
    VecF chunkMax = VecF{};
    VecI chunkZeros = VecI{};
    VecI chunkHigh = high;
    int count = 0;
    for (int k = 0; k < len; k += kLanes) {
      const VecF v = loadF(data + i + k);
      const VecF a = absOf(v);
      r.lo = v < r.lo ? v : r.lo;
      r.hi = v > r.hi ? v : r.hi;
      chunkMax = vmax(a, chunkMax);
      chunkZeros += v == VecF{};
      const VecI b = binIndex(a * s);
      chunkHigh = b > chunkHigh ? b : chunkHigh;
      count += packIndices(b, v, index + count);
    }
    r.am = chunkMax > r.am ? chunkMax : r.am;  // min / max may see a chunk twice: harmless
    if (!(hmax(chunkMax) < range)) break;      // the caller widens the range and resumes here
    r.zeros += chunkZeros;
    high = chunkHigh;
    countIndices(index, count, ways);
    i += len;
    turn = turn + 1 == stride ? 0 : turn + 1;
  }
  r.into(acc);
  acc->zeros += r.zeroCount();
  if (i + kLanes > n) {  // fewer than a vector left: scalar, checking the range element by element
    const bool binned = (i / kChunk) % stride == phase;  // the last chunk's, on every level
    for (; i < n; ++i) {
      const float v = data[i];
      const float a = std::fabs(v);
      if (binned && a >= range) break;
      scanTail(data + i, 1, acc);
      if (!binned) continue;
      const float rr = a * scale;
      const int32_t b = rr < static_cast<float>(kHistogramBins) ? static_cast<int32_t>(rr) : kHistogramBins - 1;
      ways[v == 0.f ? kHistogramBins : b] += 1;
      high[0] = b > high[0] ? b : high[0];
    }
  }
  *top = hmaxI(high);
  return i;
}

}  // namespace
}  // namespace eqw::calib

// The integer GEMM tile for AVX-512 VNNI: 12 channels x 32 pixels in 24 zmm accumulators, one
// vpdpbusd (4 u8 x s8 products summed into each int32 lane) per channel and 16 pixels per k group.
#include <immintrin.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <utility>

#include "kernels/int8/q8_kernels.h"
#include "kernels/int8/x86/q8_rows_impl.h"

EQW_Q8_ROW_FUNCTIONS(Avx512Vnni)

namespace eqw::kernels::q8 {

void q8GemmTileAvx512Vnni(int64_t kGroups, const int8_t* w, const uint8_t* x, int32_t* c) {
  constexpr int kRows = 12;
  __m512i acc[kRows][2];
  // Fully unrolled so that the 24 accumulators live in registers, not in a stack array.
#pragma GCC unroll 12
  for (int r = 0; r < kRows; ++r) acc[r][0] = acc[r][1] = _mm512_setzero_si512();
  for (int64_t g = 0; g < kGroups; ++g) {
    const __m512i x0 = _mm512_loadu_si512(x + g * 128);
    const __m512i x1 = _mm512_loadu_si512(x + g * 128 + 64);
    const int8_t* wg = w + g * kRows * 4;
    prefetchWeightStream(wg);
#pragma GCC unroll 12
    for (int r = 0; r < kRows; ++r) {
      int32_t four;
      std::memcpy(&four, wg + r * 4, 4);
      const __m512i b = _mm512_set1_epi32(four);
      acc[r][0] = _mm512_dpbusd_epi32(acc[r][0], x0, b);
      acc[r][1] = _mm512_dpbusd_epi32(acc[r][1], x1, b);
    }
  }
#pragma GCC unroll 12
  for (int r = 0; r < kRows; ++r) {
    _mm512_storeu_si512(c + r * 32, acc[r][0]);
    _mm512_storeu_si512(c + r * 32 + 16, acc[r][1]);
  }
}

// The first 16 pixels of the tile: 12 accumulators, half the work for a last tile of <= 16.
void q8GemmTile16Avx512Vnni(int64_t kGroups, const int8_t* w, const uint8_t* x, int32_t* c) {
  constexpr int kRows = 12;
  __m512i acc[kRows];
#pragma GCC unroll 12
  for (int r = 0; r < kRows; ++r) acc[r] = _mm512_setzero_si512();
  for (int64_t g = 0; g < kGroups; ++g) {
    const __m512i x0 = _mm512_loadu_si512(x + g * 128);
    const int8_t* wg = w + g * kRows * 4;
    prefetchWeightStream(wg);
#pragma GCC unroll 12
    for (int r = 0; r < kRows; ++r) {
      int32_t four;
      std::memcpy(&four, wg + r * 4, 4);
      acc[r] = _mm512_dpbusd_epi32(acc[r], x0, _mm512_set1_epi32(four));
    }
  }
#pragma GCC unroll 12
  for (int r = 0; r < kRows; ++r) _mm512_storeu_si512(c + r * 32, acc[r]);
}

// A partial tile (Q8GemmPartFn): R <= 12 channels over the same panels (weights still 12 rows a
// k group, the rows past R never read) and Z 16-pixel halves plus, when Y, 8 more pixels in a
// ymm accumulator (half a vpdpbusd zmm's work): 64 channels cost 5 full tiles and a 4-row one
// instead of 72 rows, a 7x7 plane's last 17 pixels 24 pixels' work instead of 32.
namespace {
template <int R, int Z, bool Y>
void partTile(int64_t kGroups, const int8_t* w, const uint8_t* x, int32_t* c) {
  constexpr int Zs = Z > 0 ? Z : 1;  // no zero-length arrays
  __m512i acc[R][Zs];
  __m256i accY[R];
#pragma GCC unroll 12
  for (int r = 0; r < R; ++r) {
    for (int h = 0; h < Z; ++h) acc[r][h] = _mm512_setzero_si512();
    if (Y) accY[r] = _mm256_setzero_si256();
  }
  for (int64_t g = 0; g < kGroups; ++g) {
    __m512i xs[Zs];
    for (int h = 0; h < Z; ++h) xs[h] = _mm512_loadu_si512(x + g * 128 + h * 64);
    __m256i xy = _mm256_setzero_si256();
    if (Y) xy = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x + g * 128 + Z * 64));
    const int8_t* wg = w + g * kTileRows * 4;
    prefetchWeightStream(wg);
#pragma GCC unroll 12
    for (int r = 0; r < R; ++r) {
      int32_t four;
      std::memcpy(&four, wg + r * 4, 4);
      const __m512i b = _mm512_set1_epi32(four);
      for (int h = 0; h < Z; ++h) acc[r][h] = _mm512_dpbusd_epi32(acc[r][h], xs[h], b);
      if (Y) accY[r] = _mm256_dpbusd_epi32(accY[r], xy, _mm512_castsi512_si256(b));
    }
  }
#pragma GCC unroll 12
  for (int r = 0; r < R; ++r) {
    for (int h = 0; h < Z; ++h) _mm512_storeu_si512(c + r * 32 + h * 16, acc[r][h]);
    if (Y) _mm256_storeu_si256(reinterpret_cast<__m256i*>(c + r * 32 + Z * 16), accY[r]);
  }
}

using PartFn = void (*)(int64_t, const int8_t*, const uint8_t*, int32_t*);
template <int R>
constexpr PartFn partWidths[4] = {partTile<R, 0, true>, partTile<R, 1, false>, partTile<R, 1, true>, partTile<R, 2, false>};
constexpr const PartFn* partTable[12] = {partWidths<1>, partWidths<2>, partWidths<3>, partWidths<4>,  partWidths<5>,  partWidths<6>,
                                         partWidths<7>, partWidths<8>, partWidths<9>, partWidths<10>, partWidths<11>, partWidths<12>};

// The last few pixels of a tile the other way round: one vpdpbusd per pixel and k group takes the
// pixel's 4 input bytes broadcast (u8) against the group's 48 weight bytes, 12 channels' 4 (s8),
// and sums all 12 channels at once into one accumulator's lanes. P pixels cost P instructions a
// k group where a zmm (16 pixels) or ymm (8) accumulator per channel costs 12: a 7x7 plane's last
// 17 pixels 12 + 1 instead of 24, a 14x14 plane's last 4 pixels 4 instead of 12. Z = 1 runs the
// tile's first 16 pixels as q8GemmTile16 does, the P after them by pixel; Z = 0 only the P, with
// two accumulators a pixel (even and odd k groups: P chains of one vpdpbusd would wait on its
// latency). Every channel lane is summed (the panel's rows past the layer's channels are zero
// weights); the caller reads the rows and pixels it has.
template <int Z, int P>
void pixelTile(int64_t kGroups, const int8_t* w, const uint8_t* x, int32_t* c) {
  constexpr int kRows = 12, Sets = Z == 0 ? 2 : 1, Zs = Z > 0 ? Z : 1;
  constexpr __mmask64 kWeights = (__mmask64{1} << (kRows * 4)) - 1;
  __m512i acc[kRows][Zs];
  __m512i px[Sets][P];
  if constexpr (Z > 0) {
#pragma GCC unroll 12
    for (int r = 0; r < kRows; ++r) acc[r][0] = _mm512_setzero_si512();
  }
#pragma GCC unroll 12
  for (int p = 0; p < P; ++p)
    for (int s = 0; s < Sets; ++s) px[s][p] = _mm512_setzero_si512();
  auto group = [&](int64_t g, int s) __attribute__((always_inline)) {
    const int8_t* wg = w + g * kRows * 4;
    prefetchWeightStream(wg);
    const __m512i wv = _mm512_maskz_loadu_epi8(kWeights, wg);
#pragma GCC unroll 12
    for (int p = 0; p < P; ++p) {
      int32_t four;
      std::memcpy(&four, x + g * 128 + (Z * 16 + p) * 4, 4);
      px[s][p] = _mm512_dpbusd_epi32(px[s][p], _mm512_set1_epi32(four), wv);
    }
    if constexpr (Z > 0) {
      const __m512i x0 = _mm512_loadu_si512(x + g * 128);
#pragma GCC unroll 12
      for (int r = 0; r < kRows; ++r) {
        int32_t four;
        std::memcpy(&four, wg + r * 4, 4);
        acc[r][0] = _mm512_dpbusd_epi32(acc[r][0], x0, _mm512_set1_epi32(four));
      }
    }
  };
  int64_t g = 0;
  if constexpr (Sets == 2)
    for (; g + 2 <= kGroups; g += 2) {
      group(g, 0);
      group(g + 1, Sets - 1);
    }
  for (; g < kGroups; ++g) group(g, 0);
  if constexpr (Z > 0) {
#pragma GCC unroll 12
    for (int r = 0; r < kRows; ++r) _mm512_storeu_si512(c + r * 32, acc[r][0]);
  }
  for (int p = 0; p < P; ++p) {
    alignas(64) int32_t lanes[16];
    _mm512_store_si512(lanes, Sets == 2 ? _mm512_add_epi32(px[0][p], px[Sets - 1][p]) : px[0][p]);
    for (int r = 0; r < kRows; ++r) c[r * 32 + Z * 16 + p] = lanes[r];
  }
}

// [Z][P - 1]: up to 12 pixels by pixel, on their own or after 16 (beyond 12 a zmm costs less).
constexpr int kMaxByPixel = 12;
template <int Z, int... I>
constexpr std::array<PartFn, sizeof...(I)> pixelTileRow(std::integer_sequence<int, I...>) {
  return {pixelTile<Z, I + 1>...};
}
constexpr std::array<PartFn, kMaxByPixel> pixelTable[2] = {pixelTileRow<0>(std::make_integer_sequence<int, kMaxByPixel>{}),
                                                           pixelTileRow<1>(std::make_integer_sequence<int, kMaxByPixel>{})};
}  // namespace

void q8GemmPartAvx512Vnni(int rows, int pixels, int64_t kGroups, const int8_t* w, const uint8_t* x, int32_t* c) {
  const int r = std::clamp(rows, 1, kTileRows);
  // All 12 rows with a last tile of 1-12 or 17-28 pixels: those past 16 by pixel (pixelTile).
  const int z = pixels > 16 ? 1 : 0, byPixel = pixels - 16 * z;
  if (r == kTileRows && byPixel >= 1 && byPixel <= kMaxByPixel) return pixelTable[z][byPixel - 1](kGroups, w, x, c);
  const int eighths = std::clamp((pixels + 7) / 8, 1, 4);
  partTable[r - 1][eighths - 1](kGroups, w, x, c);
}

// The input panel (Q8PackPanelFn): each row's runs gathered by masked byte loads straight from the
// source (no copy through a buffer, no read outside the runs), then 4 rows of 32 bytes
// interleaved into 4-byte k groups: bytes, then 16-bit pairs, within 128-bit lanes, and the lanes
// put in pixel order. The loop is instantiated per stride and run count (one unmasked run of 32,
// one or two masked runs, any number), so that the common shapes run without branches per row.
namespace {
// One row of k's 32 tile bytes from p. Stride 2: 64 bytes, the wanted ones even, narrowed by
// vpmovwb (each 16-bit lane's low byte). delta may point before the source's start; only the
// masked lanes are read.
template <int Sw, int Runs>
inline __m256i loadRow(const uint8_t* p, const Q8PixelRun* runs, int nRuns, const __mmask64* masks) {
  auto at = [&](int r) { return reinterpret_cast<const void*>(reinterpret_cast<uintptr_t>(p) + runs[r].delta); };
  if constexpr (Runs == 0) {
    return _mm256_loadu_si256(static_cast<const __m256i*>(at(0)));
  } else {
    const int n = Runs > 0 ? Runs : nRuns;
    if constexpr (Sw == 2) {
      __m512i wide = _mm512_maskz_loadu_epi8(masks[0], at(0));
      for (int r = 1; r < n; ++r) wide = _mm512_mask_loadu_epi8(wide, masks[r], at(r));
      return _mm512_cvtepi16_epi8(wide);
    } else {
      __m256i row = _mm256_maskz_loadu_epi8(static_cast<__mmask32>(masks[0]), at(0));
      for (int r = 1; r < n; ++r) row = _mm256_mask_loadu_epi8(row, static_cast<__mmask32>(masks[r]), at(r));
      return row;
    }
  }
}

inline void interleaveStore(const __m256i a[4], uint8_t* dst) {
  const __m256i lo01 = _mm256_unpacklo_epi8(a[0], a[1]), hi01 = _mm256_unpackhi_epi8(a[0], a[1]);
  const __m256i lo23 = _mm256_unpacklo_epi8(a[2], a[3]), hi23 = _mm256_unpackhi_epi8(a[2], a[3]);
  const __m256i q0 = _mm256_unpacklo_epi16(lo01, lo23), q1 = _mm256_unpackhi_epi16(lo01, lo23);  // pixels 0-3 | 16-19, 4-7 | 20-23
  const __m256i q2 = _mm256_unpacklo_epi16(hi01, hi23), q3 = _mm256_unpackhi_epi16(hi01, hi23);  // 8-11 | 24-27, 12-15 | 28-31
  __m256i* o = reinterpret_cast<__m256i*>(dst);
  _mm256_storeu_si256(o + 0, _mm256_permute2x128_si256(q0, q1, 0x20));
  _mm256_storeu_si256(o + 1, _mm256_permute2x128_si256(q2, q3, 0x20));
  _mm256_storeu_si256(o + 2, _mm256_permute2x128_si256(q0, q1, 0x31));
  _mm256_storeu_si256(o + 3, _mm256_permute2x128_si256(q2, q3, 0x31));
}

template <int Sw, int Runs>
void packGroups(const uint8_t* base, const int64_t* koff, int64_t k, int64_t kGroups, const Q8PixelRun* runs, int nRuns,
                const __mmask64* masks, uint8_t flip, uint8_t* dst) {
  const __m256i s = _mm256_set1_epi8(static_cast<char>(flip));
  const int64_t full = std::min(k / 4, kGroups);
  __m256i a[4];
  for (int64_t g = 0; g < full; ++g) {
    for (int q = 0; q < 4; ++q) a[q] = _mm256_xor_si256(loadRow<Sw, Runs>(base + koff[g * 4 + q], runs, nRuns, masks), s);
    interleaveStore(a, dst + g * kTilePixels * 4);
  }
  // The last group: rows past k are zero bytes (before the flip, like every other byte).
  for (int64_t g = full; g < kGroups; ++g) {
    for (int q = 0; q < 4; ++q) {
      const int64_t kk = g * 4 + q;
      a[q] = _mm256_xor_si256(kk < k ? loadRow<Sw, Runs>(base + koff[kk], runs, nRuns, masks) : _mm256_setzero_si256(), s);
    }
    interleaveStore(a, dst + g * kTilePixels * 4);
  }
}
}  // namespace

void q8PackPanelAvx512Vnni(const uint8_t* base, const int64_t* koff, int64_t k, int64_t kGroups, const Q8PixelRun* runs,
                           int nRuns, int sw, uint8_t flip, uint8_t* dst) {
  // Masks cover the bytes each run reads.
  __mmask64 masks[kTilePixels];
  for (int r = 0; r < nRuns; ++r) {
    const int bytes = runs[r].len * sw;
    masks[r] = (bytes >= 64 ? ~0ull : (1ull << bytes) - 1ull) << (runs[r].j * sw);
  }
  const bool whole = sw == 1 && nRuns == 1 && runs[0].j == 0 && runs[0].len == kTilePixels;
  if (whole) return packGroups<1, 0>(base, koff, k, kGroups, runs, nRuns, masks, flip, dst);
  if (sw == 2) {
    if (nRuns == 1) return packGroups<2, 1>(base, koff, k, kGroups, runs, nRuns, masks, flip, dst);
    if (nRuns == 2) return packGroups<2, 2>(base, koff, k, kGroups, runs, nRuns, masks, flip, dst);
    return packGroups<2, -1>(base, koff, k, kGroups, runs, nRuns, masks, flip, dst);
  }
  if (nRuns == 1) return packGroups<1, 1>(base, koff, k, kGroups, runs, nRuns, masks, flip, dst);
  if (nRuns == 2) return packGroups<1, 2>(base, koff, k, kGroups, runs, nRuns, masks, flip, dst);
  packGroups<1, -1>(base, koff, k, kGroups, runs, nRuns, masks, flip, dst);
}

// A panel from four-channel framed planes (Q8PackC4Fn): a whole tile in one output row is two
// 64-byte copies per k group; tiles across rows merge their runs with masked loads (only a run's
// own bytes are read: its window may start before the planes).
void q8PackC4Avx512Vnni(const uint8_t* base, const int64_t* goff, int64_t kGroups, const Q8PixelRun* runs, int nRuns,
                        uint8_t* dst) {
  if (nRuns == 1 && runs[0].j == 0 && runs[0].len == kTilePixels) {
    const uint8_t* p = base + runs[0].delta * 4;
    for (int64_t g = 0; g < kGroups; ++g) {
      const uint8_t* s = p + goff[g];
      _mm512_storeu_si512(dst + g * 128, _mm512_loadu_si512(s));
      _mm512_storeu_si512(dst + g * 128 + 64, _mm512_loadu_si512(s + 64));
    }
    return;
  }
  // Bits [lo, hi) of a 64-bit mask, for 0 <= lo <= hi <= 64.
  auto bits = [](int lo, int hi) -> __mmask64 {
    if (lo >= hi) return 0;
    const uint64_t upto = hi >= 64 ? ~0ull : (1ull << hi) - 1ull;
    return upto & ~((1ull << lo) - 1ull);
  };
  __mmask64 m0[kTilePixels], m1[kTilePixels];
  for (int r = 0; r < nRuns; ++r) {
    const int b0 = runs[r].j * 4, b1 = (runs[r].j + runs[r].len) * 4;
    m0[r] = bits(b0, std::min(b1, 64));
    m1[r] = bits(std::max(b0, 64) - 64, std::max(b1, 64) - 64);
  }
  for (int64_t g = 0; g < kGroups; ++g) {
    __m512i v0 = _mm512_setzero_si512(), v1 = _mm512_setzero_si512();
    for (int r = 0; r < nRuns; ++r) {
      const uintptr_t s = reinterpret_cast<uintptr_t>(base) + static_cast<uintptr_t>(goff[g] + runs[r].delta * 4);
      v0 = _mm512_mask_loadu_epi8(v0, m0[r], reinterpret_cast<const void*>(s));
      v1 = _mm512_mask_loadu_epi8(v1, m1[r], reinterpret_cast<const void*>(s + 64));
    }
    _mm512_storeu_si512(dst + g * 128, v0);
    _mm512_storeu_si512(dst + g * 128 + 64, v1);
  }
}

// Dequantizes a tile (Q8DequantTileFn) with the row function's arithmetic: the int32 to float
// conversion rounds to nearest like the cast, one fused multiply-add like std::fma, and ReLU /
// Clip as max / min with the operand order that reproduces the reference's comparisons for
// signed zeros and NaN (MAXPS / MINPS return their second operand unless the first wins).
namespace {
// One row's 16 sums dequantized (see q8DequantTileAvx512Vnni).
inline __m512 dequant16(__m512i acc, __m512i cr, __m512 dq, __m512 bs, int act, __m512 va, __m512 vb) {
  __m512 v = _mm512_fmadd_ps(_mm512_cvtepi32_ps(_mm512_sub_epi32(acc, cr)), dq, bs);
  if (act == 1) v = _mm512_max_ps(v, _mm512_setzero_ps());  // v > 0 ? v : 0
  if (act == 2) v = _mm512_min_ps(vb, _mm512_max_ps(va, v));  // v < a ? a : v, then b < v ? b : v
  return v;
}
inline __mmask16 halfMask(int count, int h) {
  const int n = count - 16 * h;
  return n >= 16 ? 0xffff : n <= 0 ? 0 : static_cast<__mmask16>((1u << n) - 1u);
}
// Dequantizes every row of the tile, 16 sums at a time, and hands each vector to
// store(row, half, mask, values): the one loop under both tile epilogues.
template <class Store>
inline void forEachDequantized(const int32_t* c, int rows, int count, const int32_t* corr, const float* deq,
                               const float* bias, int act, float a, float b, Store store) {
  const __m512 va = _mm512_set1_ps(a), vb = _mm512_set1_ps(b);
  for (int r = 0; r < rows; ++r) {
    const __m512i cr = _mm512_set1_epi32(corr[r]);
    const __m512 dq = _mm512_set1_ps(deq[r]), bs = _mm512_set1_ps(bias[r]);
    for (int h = 0; h < 2; ++h) {
      const __mmask16 m = halfMask(count, h);
      if (!m) break;
      store(r, h, m, dequant16(_mm512_loadu_si512(c + r * kTilePixels + h * 16), cr, dq, bs, act, va, vb));
    }
  }
}
}  // namespace

void q8DequantTileAvx512Vnni(const int32_t* c, int rows, int count, const int32_t* corr, const float* deq, const float* bias,
                             int act, float a, float b, float* y, int64_t ystride) {
  forEachDequantized(c, rows, count, corr, deq, bias, act, a, b, [&](int r, int h, __mmask16 m, __m512 v) {
    _mm512_mask_storeu_ps(y + r * ystride + h * 16, m, v);
  });
}

namespace {
// 16 floats quantized in registers with quantizeRowImpl's steps (x86/q8_rows_impl.h): the
// product, the clamp as max(lo, v) / min(hi, v) (the reference's v < lo ? lo : v and
// v > hi ? hi : v), then trunc(v + copysign(0.49999997, v)); the int32 kept to its low byte like
// the cast. NaN needs no step of its own: MAXPS / MINPS return their second operand, v, when it
// is NaN, and the truncation of NaN is 0x80000000, whose low byte is 0, the reference's
// quantize(NaN).
struct Quantizer16 {
  __m512 vs, vlo, vhi, half, sign;
  Quantizer16(float scale, float lo, float hi)
      : vs(_mm512_set1_ps(scale)), vlo(_mm512_set1_ps(lo)), vhi(_mm512_set1_ps(hi)), half(_mm512_set1_ps(0.49999997f)),
        sign(_mm512_castsi512_ps(_mm512_set1_epi32(static_cast<int>(0x80000000u)))) {}
  __m128i operator()(__m512 y) const {
    __m512 v = _mm512_mul_ps(y, vs);
    v = _mm512_max_ps(vlo, v);
    v = _mm512_min_ps(vhi, v);
    v = _mm512_add_ps(v, _mm512_or_ps(_mm512_and_ps(v, sign), half));
    return _mm512_cvtepi32_epi8(_mm512_cvttps_epi32(v));
  }
};

// Residual fusion (Q8ResidualTileFn): dequantized as above, then `other` (the same layout as y)
// added while the tile is in registers, and ReLU as MAXPS(v, 0) (v > 0 ? v : 0, like the f32
// activation kernels, for NaN and signed zeros too): one pass instead of conv, Eltwise and ReLU.
// With a twin, the sum is also quantized in registers (Quantizer16).
template <bool Twin>
void residualTile(const int32_t* c, int rows, int count, const int32_t* corr, const float* deq, const float* bias, int act,
                  float a, float b, const float* other, int relu, float* y, int64_t ystride, const Q8TwinOut& twin) {
  const __m512 zero = _mm512_setzero_ps();
  const Quantizer16 quantize(twin.scale, twin.lo, twin.hi);
  forEachDequantized(c, rows, count, corr, deq, bias, act, a, b, [&](int r, int h, __mmask16 m, __m512 v) {
    const int64_t at = r * ystride + h * 16;
    v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(m, other + at));
    if (relu) v = _mm512_max_ps(v, zero);
    _mm512_mask_storeu_ps(y + at, m, v);
    if constexpr (Twin) _mm_mask_storeu_epi8(twin.q + at, m, quantize(v));
  });
}
}  // namespace

void q8ResidualTileAvx512Vnni(const int32_t* c, int rows, int count, const int32_t* corr, const float* deq, const float* bias,
                              int act, float a, float b, const float* other, int relu, float* y, int64_t ystride,
                              const Q8TwinOut& twin) {
  if (twin.q) residualTile<true>(c, rows, count, corr, deq, bias, act, a, b, other, relu, y, ystride, twin);
  else residualTile<false>(c, rows, count, corr, deq, bias, act, a, b, other, relu, y, ystride, twin);
}

// The residual row step (Q8ResidualRowFn), for activations the tile epilogue does not fuse.
void q8ResidualRowAvx512Vnni(float* y, const float* other, int64_t n, int relu) {
  const __m512 zero = _mm512_setzero_ps();
  for (int64_t i = 0; i < n; i += 16) {
    const __mmask16 m = n - i >= 16 ? static_cast<__mmask16>(0xffff) : static_cast<__mmask16>((1u << (n - i)) - 1u);
    __m512 v = _mm512_add_ps(_mm512_maskz_loadu_ps(m, y + i), _mm512_maskz_loadu_ps(m, other + i));
    if (relu) v = _mm512_max_ps(v, zero);
    _mm512_mask_storeu_ps(y + i, m, v);
  }
}

// Dequantized as above and requantized in registers (Quantizer16).
void q8RequantTileAvx512Vnni(const int32_t* c, int rows, int count, const int32_t* corr, const float* deq, const float* bias,
                             int act, float a, float b, float scale, float lo, float hi, uint8_t* out, int64_t ostride) {
  const Quantizer16 quantize(scale, lo, hi);
  forEachDequantized(c, rows, count, corr, deq, bias, act, a, b, [&](int r, int h, __mmask16 m, __m512 y) {
    _mm_mask_storeu_epi8(out + r * ostride + h * 16, m, quantize(y));
  });
}

// Fully connected: out[b * 16 + i] = sum over k of x[k] * w, for `blocks` blocks of 16 outputs
// packed [blocks][kGroups][16][4]; x is [kGroups][4] bytes, broadcast 4 at a time as vpdpbusd's
// unsigned operand. Four blocks share each broadcast.
void q8GemvAvx512Vnni(int64_t kGroups, const int8_t* w, int64_t blocks, const uint8_t* x, int32_t* out) {
  int64_t b = 0;
  for (; b + 4 <= blocks; b += 4) {
    __m512i acc0 = _mm512_setzero_si512(), acc1 = acc0, acc2 = acc0, acc3 = acc0;
    const int8_t* w0 = w + b * kGroups * 64;
    for (int64_t g = 0; g < kGroups; ++g) {
      int32_t four;
      std::memcpy(&four, x + g * 4, 4);
      const __m512i xb = _mm512_set1_epi32(four);
      acc0 = _mm512_dpbusd_epi32(acc0, xb, _mm512_loadu_si512(w0 + g * 64));
      acc1 = _mm512_dpbusd_epi32(acc1, xb, _mm512_loadu_si512(w0 + (kGroups + g) * 64));
      acc2 = _mm512_dpbusd_epi32(acc2, xb, _mm512_loadu_si512(w0 + (2 * kGroups + g) * 64));
      acc3 = _mm512_dpbusd_epi32(acc3, xb, _mm512_loadu_si512(w0 + (3 * kGroups + g) * 64));
    }
    _mm512_storeu_si512(out + b * 16, acc0);
    _mm512_storeu_si512(out + b * 16 + 16, acc1);
    _mm512_storeu_si512(out + b * 16 + 32, acc2);
    _mm512_storeu_si512(out + b * 16 + 48, acc3);
  }
  for (; b < blocks; ++b) {
    __m512i acc = _mm512_setzero_si512();
    const int8_t* wb = w + b * kGroups * 64;
    for (int64_t g = 0; g < kGroups; ++g) {
      int32_t four;
      std::memcpy(&four, x + g * 4, 4);
      acc = _mm512_dpbusd_epi32(acc, _mm512_set1_epi32(four), _mm512_loadu_si512(wb + g * 64));
    }
    _mm512_storeu_si512(out + b * 16, acc);
  }
}

}  // namespace eqw::kernels::q8

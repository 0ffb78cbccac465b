// The integer GEMM tiles for SSE4.1 (xmm registers), the level below AVX2. INT7 goes through
// pmaddubsw (u8 x s8 pairs into int16, which cannot saturate for inputs <= 191 and weights <= 63:
// q8GemmTile only picks it then) and pmaddwd with ones; INT8 widens the bytes to int16 and
// multiplies pairs with pmaddwd (exact: 2 * 255 * 127 fits int32), adjacent partials added once at
// the end. The element-wise ends are the shared row loops compiled for this level.
#include <immintrin.h>

#include <cstdint>
#include <cstring>

#include "kernels/int8/q8_kernels.h"
#include "kernels/int8/x86/q8_rows_impl.h"

EQW_Q8_ROW_FUNCTIONS(Sse41)

namespace eqw::kernels::q8 {

namespace {
constexpr int kRows = 12, kPixels = 32;

inline int32_t fourWeights(const int8_t* w) {
  int32_t four;
  std::memcpy(&four, w, 4);
  return four;
}
}  // namespace

// Passes of 4 channels x 8 pixels: 8 accumulators, two input loads, one broadcast.
void q8GemmTileSse41U7(int64_t kGroups, const int8_t* w, const uint8_t* x, int32_t* c) {
  constexpr int kR = 4, kP = 8;
  const __m128i ones = _mm_set1_epi16(1);
  for (int r0 = 0; r0 < kRows; r0 += kR)
    for (int p0 = 0; p0 < kPixels; p0 += kP) {
      __m128i acc[kR][2];
#pragma GCC unroll 4
      for (int r = 0; r < kR; ++r) acc[r][0] = acc[r][1] = _mm_setzero_si128();
      for (int64_t g = 0; g < kGroups; ++g) {
        const uint8_t* xg = x + (g * kPixels + p0) * 4;
        const __m128i x0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(xg));
        const __m128i x1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(xg + 16));
        const int8_t* wg = w + (g * kRows + r0) * 4;
        prefetchWeightStream(wg);
#pragma GCC unroll 4
        for (int r = 0; r < kR; ++r) {
          const __m128i b = _mm_set1_epi32(fourWeights(wg + r * 4));
          acc[r][0] = _mm_add_epi32(acc[r][0], _mm_madd_epi16(_mm_maddubs_epi16(x0, b), ones));
          acc[r][1] = _mm_add_epi32(acc[r][1], _mm_madd_epi16(_mm_maddubs_epi16(x1, b), ones));
        }
      }
#pragma GCC unroll 4
      for (int r = 0; r < kR; ++r) {
        _mm_storeu_si128(reinterpret_cast<__m128i*>(c + (r0 + r) * kPixels + p0), acc[r][0]);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(c + (r0 + r) * kPixels + p0 + 4), acc[r][1]);
      }
    }
}

// Passes of 2 channels x 8 pixels: each int32 lane holds one pixel's k0k1 or k2k3 partial, so a
// channel needs four accumulators; phaddd adds the partials into pixel order at the end.
void q8GemmTileSse41I8(int64_t kGroups, const int8_t* w, const uint8_t* x, int32_t* c) {
  constexpr int kR = 2, kP = 8;
  for (int r0 = 0; r0 < kRows; r0 += kR)
    for (int p0 = 0; p0 < kPixels; p0 += kP) {
      __m128i acc[kR][4];
#pragma GCC unroll 2
      for (int r = 0; r < kR; ++r) acc[r][0] = acc[r][1] = acc[r][2] = acc[r][3] = _mm_setzero_si128();
      for (int64_t g = 0; g < kGroups; ++g) {
        const uint8_t* xg = x + (g * kPixels + p0) * 4;
        __m128i xw[4];  // two pixels x four k each, widened to int16
#pragma GCC unroll 4
        for (int q = 0; q < 4; ++q) xw[q] = _mm_cvtepu8_epi16(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(xg + q * 8)));
        const int8_t* wg = w + (g * kRows + r0) * 4;
        prefetchWeightStream(wg);
#pragma GCC unroll 2
        for (int r = 0; r < kR; ++r) {
          const __m128i b4 = _mm_cvtepi8_epi16(_mm_cvtsi32_si128(fourWeights(wg + r * 4)));
          const __m128i b = _mm_unpacklo_epi64(b4, b4);
#pragma GCC unroll 4
          for (int q = 0; q < 4; ++q) acc[r][q] = _mm_add_epi32(acc[r][q], _mm_madd_epi16(xw[q], b));
        }
      }
#pragma GCC unroll 2
      for (int r = 0; r < kR; ++r) {
        int32_t* out = c + (r0 + r) * kPixels + p0;
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out), _mm_hadd_epi32(acc[r][0], acc[r][1]));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 4), _mm_hadd_epi32(acc[r][2], acc[r][3]));
      }
    }
}

// The residual fusion's row step (Q8ResidualRowFn): y = y + other, then ReLU as MAXPS(v, 0), which
// returns 0 for NaN and both zeros, like the f32 kernels' v > 0 ? v : 0.
void q8ResidualRowSse41(float* y, const float* other, int64_t n, int relu) {
  int64_t i = 0;
  const __m128 zero = _mm_setzero_ps();
  for (; i + 4 <= n; i += 4) {
    __m128 v = _mm_add_ps(_mm_loadu_ps(y + i), _mm_loadu_ps(other + i));
    if (relu) v = _mm_max_ps(v, zero);
    _mm_storeu_ps(y + i, v);
  }
  for (; i < n; ++i) {
    const float v = y[i] + other[i];
    y[i] = relu && !(v > 0.f) ? 0.f : v;
  }
}

}  // namespace eqw::kernels::q8

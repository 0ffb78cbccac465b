// The integer GEMM tile for AVX2 at 7 bits: vpmaddubsw multiplies u8 x s8 and adds pairs into
// int16 with saturation, which never happens for inputs <= 191 (7 bits + 128) and weights <= 63
// (q8GemmTile only picks this tile then); vpmaddwd with ones adds the pairs into int32.
#include "kernels/int8/x86/q8_gemm_ymm.h"

#include "kernels/int8/x86/q8_rows_impl.h"

EQW_Q8_ROW_FUNCTIONS(Avx2)

namespace eqw::kernels::q8 {

namespace {
struct MaddDot {
  static __m256i add(__m256i acc, __m256i u8, __m256i s8) {
    const __m256i pairs = _mm256_maddubs_epi16(u8, s8);
    return _mm256_add_epi32(acc, _mm256_madd_epi16(pairs, _mm256_set1_epi16(1)));
  }
};
}  // namespace

void q8GemmTileAvx2U7(int64_t kGroups, const int8_t* w, const uint8_t* x, int32_t* c) {
  q8GemmTileYmm<MaddDot>(kGroups, w, x, c);
}

// INT8 on AVX2, exact at any width: bytes widened to int16 (inputs zero-extended, weights
// sign-extended) and multiplied in pairs by vpmaddwd into int32, which cannot overflow
// (2 * 255 * 127). Each int32 lane holds one pixel's k0k1 or k2k3 partial sum; adjacent lanes are
// added once at the end. Passes of 6 channels x 8 pixels keep 12 accumulators in registers.
void q8GemmTileAvx2I8(int64_t kGroups, const int8_t* w, const uint8_t* x, int32_t* c) {
  constexpr int kRows = 12, kPixels = 32, kHalfRows = 6;
  for (int rh = 0; rh < kRows; rh += kHalfRows)
    for (int p8 = 0; p8 < kPixels; p8 += 8) {
      __m256i lo[kHalfRows], hi[kHalfRows];  // pixels p8..p8+3 and p8+4..p8+7, two partials each
#pragma GCC unroll 6
      for (int r = 0; r < kHalfRows; ++r) lo[r] = hi[r] = _mm256_setzero_si256();
      for (int64_t g = 0; g < kGroups; ++g) {
        const uint8_t* xg = x + (g * kPixels + p8) * 4;
        const __m256i x0 = _mm256_cvtepu8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(xg)));
        const __m256i x1 = _mm256_cvtepu8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(xg + 16)));
        const int8_t* wg = w + (g * kRows + rh) * 4;
        prefetchWeightStream(wg);
#pragma GCC unroll 6
        for (int r = 0; r < kHalfRows; ++r) {
          int32_t four;
          std::memcpy(&four, wg + r * 4, 4);
          const __m256i b = _mm256_broadcastq_epi64(_mm_cvtepi8_epi16(_mm_cvtsi32_si128(four)));
          lo[r] = _mm256_add_epi32(lo[r], _mm256_madd_epi16(x0, b));
          hi[r] = _mm256_add_epi32(hi[r], _mm256_madd_epi16(x1, b));
        }
      }
#pragma GCC unroll 6
      for (int r = 0; r < kHalfRows; ++r) {
        // hadd gives [p0 p1 p4 p5 | p2 p3 p6 p7]; the permute puts the pixels in order.
        const __m256i sums = _mm256_permute4x64_epi64(_mm256_hadd_epi32(lo[r], hi[r]), 0xD8);
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(c + (rh + r) * kPixels + p8), sums);
      }
    }
}

// The residual fusion's row step (Q8ResidualRowFn): y = y + other, then ReLU as MAXPS(v, 0), which
// returns 0 for NaN and both zeros, like the f32 kernels' v > 0 ? v : 0.
void q8ResidualRowAvx2(float* y, const float* other, int64_t n, int relu) {
  int64_t i = 0;
  const __m256 zero = _mm256_setzero_ps();
  for (; i + 8 <= n; i += 8) {
    __m256 v = _mm256_add_ps(_mm256_loadu_ps(y + i), _mm256_loadu_ps(other + i));
    if (relu) v = _mm256_max_ps(v, zero);
    _mm256_storeu_ps(y + i, v);
  }
  for (; i < n; ++i) {
    const float v = y[i] + other[i];
    y[i] = relu && !(v > 0.f) ? 0.f : v;
  }
}

}  // namespace eqw::kernels::q8

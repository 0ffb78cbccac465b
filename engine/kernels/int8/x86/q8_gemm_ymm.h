// The integer GEMM tile on ymm registers, for the AVX-VNNI and AVX2 files: the 12 x 32 tile in
// four passes of 6 channels x 16 pixels (12 accumulators), `Dot` adding four u8 x s8 products per
// int32 lane. Include from one ISA file only (anonymous namespace: no AVX2 code can leak into a
// weaker file's symbols).
#pragma once

#include <immintrin.h>

#include <cstdint>
#include <cstring>

#include "kernels/int8/q8_kernels.h"

namespace eqw::kernels::q8 {
namespace {

template <typename Dot>
void q8GemmTileYmm(int64_t kGroups, const int8_t* w, const uint8_t* x, int32_t* c) {
  constexpr int kRows = 12, kPixels = 32, kHalfRows = 6;
  for (int rh = 0; rh < kRows; rh += kHalfRows)
    for (int ph = 0; ph < kPixels; ph += 16) {
      __m256i acc[kHalfRows][2];
#pragma GCC unroll 6
      for (int r = 0; r < kHalfRows; ++r) acc[r][0] = acc[r][1] = _mm256_setzero_si256();
      for (int64_t g = 0; g < kGroups; ++g) {
        const uint8_t* xg = x + (g * kPixels + ph) * 4;
        const __m256i x0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(xg));
        const __m256i x1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(xg + 32));
        const int8_t* wg = w + (g * kRows + rh) * 4;
        prefetchWeightStream(wg);
#pragma GCC unroll 6
        for (int r = 0; r < kHalfRows; ++r) {
          int32_t four;
          std::memcpy(&four, wg + r * 4, 4);
          const __m256i b = _mm256_set1_epi32(four);
          acc[r][0] = Dot::add(acc[r][0], x0, b);
          acc[r][1] = Dot::add(acc[r][1], x1, b);
        }
      }
#pragma GCC unroll 6
      for (int r = 0; r < kHalfRows; ++r) {
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(c + (rh + r) * kPixels + ph), acc[r][0]);
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(c + (rh + r) * kPixels + ph + 8), acc[r][1]);
      }
    }
}

}  // namespace
}  // namespace eqw::kernels::q8

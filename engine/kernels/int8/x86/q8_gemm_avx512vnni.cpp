// The integer GEMM tile for AVX-512 VNNI: 12 channels x 32 pixels in 24 zmm accumulators, one
// vpdpbusd (4 u8 x s8 products summed into each int32 lane) per channel and 16 pixels per k group.
#include <immintrin.h>

#include <cstdint>
#include <cstring>

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

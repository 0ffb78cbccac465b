// Strided row loads shared by the AVX-512 convolution and pooling micro-kernels (internal linkage).
#pragma once

#include "kernels/gemm/x86/avx512/f32_epilogue_avx512.h"

#include <immintrin.h>

namespace eqw::kernels::avx512 {
namespace {

// src[0], src[SW], ... src[(lanes - 1) * SW] for SW 1 or 2, lanes <= 16; reads nothing past
// the last element (masked loads do not fault); lanes past `lanes` are zero.
template <int SW>
inline __m512 loadStrided(const float* src, int lanes) {
  if constexpr (SW == 1) {
    return lanes >= 16 ? _mm512_loadu_ps(src) : _mm512_maskz_loadu_ps(tailMask(lanes), src);
  } else {
    const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    const int need = 2 * lanes - 1;
    const __m512 lo = _mm512_maskz_loadu_ps(tailMask(need), src);
    const __m512 hi = _mm512_maskz_loadu_ps(tailMask(need - 16), src + 16);
    return _mm512_permutex2var_ps(lo, even, hi);
  }
}

inline void storeLanes(float* dst, __m512 v, int lanes) {
  if (lanes >= 16) _mm512_storeu_ps(dst, v);
  else _mm512_mask_storeu_ps(dst, tailMask(lanes), v);
}

}  // namespace
}  // namespace eqw::kernels::avx512

// Strided row loads shared by the AVX2 convolution micro-kernels (internal linkage).
#pragma once

#include "kernels/gemm/x86/avx2/f32_epilogue_avx2.h"

#include <immintrin.h>

namespace eqw::kernels::avx2 {
namespace {

// src[0], src[s], ... src[(lanes - 1) * s] for s = SW (1 or 2); lanes <= 8; reads nothing past
// the last element (masked loads do not fault).
template <int SW>
inline __m256 loadStrided(const float* src, int lanes) {
  if constexpr (SW == 1) {
    return lanes >= 8 ? _mm256_loadu_ps(src) : _mm256_maskload_ps(src, tailMask(lanes));
  } else {
    const int need = 2 * lanes - 1;
    const __m256 lo = _mm256_maskload_ps(src, tailMask(need));
    const __m256 hi = _mm256_maskload_ps(src + 8, tailMask(need - 8));
    // [lo0 lo2 hi0 hi2 | lo4 lo6 hi4 hi6] -> [lo0 lo2 lo4 lo6 hi0 hi2 hi4 hi6]
    const __m256 mixed = _mm256_shuffle_ps(lo, hi, _MM_SHUFFLE(2, 0, 2, 0));
    return _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(mixed), _MM_SHUFFLE(3, 1, 2, 0)));
  }
}

inline void storeLanes(float* dst, __m256 v, int lanes) {
  if (lanes >= 8) _mm256_storeu_ps(dst, v);
  else _mm256_maskstore_ps(dst, tailMask(lanes), v);
}

}  // namespace
}  // namespace eqw::kernels::avx2

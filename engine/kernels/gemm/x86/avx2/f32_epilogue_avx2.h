// The micro-kernel epilogue on ymm registers (AVX2 translation units only). Internal linkage:
// every ISA object file gets its own copy.
#pragma once

#include "kernels/gemm/f32_epilogue.h"

#include <immintrin.h>

namespace eqw::kernels::avx2 {
namespace {

// Fully unrolled loops: the caller's accumulator array then never has to live in memory.
template <int N>
inline void applyEpilogue(__m256* v, const F32Epilogue& ep) {
  const __m256 a = _mm256_set1_ps(ep.a);
  const __m256 b = _mm256_set1_ps(ep.b);
  const __m256 zero = _mm256_setzero_ps();
  const __m256 one = _mm256_set1_ps(1.f);
  switch (ep.act) {
    case kF32ActLeaky:
      if (ep.a == 0.f) {
        #pragma GCC unroll 32
        for (int i = 0; i < N; ++i) v[i] = _mm256_max_ps(v[i], zero);
      } else {
        #pragma GCC unroll 32
        for (int i = 0; i < N; ++i) {
          __m256 neg = _mm256_cmp_ps(v[i], zero, _CMP_LT_OQ);
          v[i] = _mm256_blendv_ps(v[i], _mm256_mul_ps(v[i], a), neg);
        }
      }
      break;
    case kF32ActClip:
      #pragma GCC unroll 32
      for (int i = 0; i < N; ++i) v[i] = _mm256_min_ps(_mm256_max_ps(v[i], a), b);
      break;
    case kF32ActHardSigmoid:
      #pragma GCC unroll 32
      for (int i = 0; i < N; ++i) v[i] = _mm256_min_ps(_mm256_max_ps(_mm256_fmadd_ps(v[i], a, b), zero), one);
      break;
    case kF32ActHardSwish:
      #pragma GCC unroll 32
      for (int i = 0; i < N; ++i) {
        __m256 g = _mm256_min_ps(_mm256_max_ps(_mm256_fmadd_ps(v[i], a, b), zero), one);
        v[i] = _mm256_mul_ps(v[i], g);
      }
      break;
    default:
      break;
  }
}

// An integer lane mask for maskload / maskstore: lanes [0, lanes) set.
inline __m256i tailMask(int lanes) {
  const __m256i idx = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(lanes), idx);
}

}  // namespace
}  // namespace eqw::kernels::avx2

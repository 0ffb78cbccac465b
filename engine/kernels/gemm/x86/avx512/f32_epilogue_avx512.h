// The micro-kernel epilogue on zmm registers (AVX-512 translation units only). Internal
// linkage: every ISA object file gets its own copy, so no AVX-512 code can leak into another.
#pragma once

#include "kernels/gemm/f32_epilogue.h"

#include <immintrin.h>

namespace eqw::kernels::avx512 {
namespace {

// Applies ep.act to n registers in place; one switch per tile, not per register. The loops are
// fully unrolled so that the caller's accumulator array never has to live in memory.
template <int N>
inline void applyEpilogue(__m512* v, const F32Epilogue& ep) {
  const __m512 a = _mm512_set1_ps(ep.a);
  const __m512 b = _mm512_set1_ps(ep.b);
  const __m512 zero = _mm512_setzero_ps();
  const __m512 one = _mm512_set1_ps(1.f);
  switch (ep.act) {
    case kF32ActLeaky:
      if (ep.a == 0.f) {
        #pragma GCC unroll 32
        for (int i = 0; i < N; ++i) v[i] = _mm512_max_ps(v[i], zero);
      } else {
        #pragma GCC unroll 32
        for (int i = 0; i < N; ++i) {
          __mmask16 neg = _mm512_cmp_ps_mask(v[i], zero, _CMP_LT_OQ);
          v[i] = _mm512_mask_mul_ps(v[i], neg, v[i], a);
        }
      }
      break;
    case kF32ActClip:
      #pragma GCC unroll 32
      for (int i = 0; i < N; ++i) v[i] = _mm512_min_ps(_mm512_max_ps(v[i], a), b);
      break;
    case kF32ActHardSigmoid:
      #pragma GCC unroll 32
      for (int i = 0; i < N; ++i) v[i] = _mm512_min_ps(_mm512_max_ps(_mm512_fmadd_ps(v[i], a, b), zero), one);
      break;
    case kF32ActHardSwish:
      #pragma GCC unroll 32
      for (int i = 0; i < N; ++i) {
        __m512 g = _mm512_min_ps(_mm512_max_ps(_mm512_fmadd_ps(v[i], a, b), zero), one);
        v[i] = _mm512_mul_ps(v[i], g);
      }
      break;
    default:
      break;
  }
}

inline __mmask16 tailMask(int lanes) {
  return lanes >= 16 ? static_cast<__mmask16>(0xffff)
                     : static_cast<__mmask16>((1u << (lanes > 0 ? lanes : 0)) - 1u);
}

}  // namespace
}  // namespace eqw::kernels::avx512

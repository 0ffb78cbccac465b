// Peak loops in xmm for the SSE4.1 level: mulps + addps chains (one MAC per lane per pair) and
// the pmaddubsw + pmaddwd + paddd INT8 route (16 MACs per pmaddubsw).
#include "kernels/peak/peak_ukernel.h"

#include <smmintrin.h>

namespace eqw::kernels::sse41 {

double peak_f32_mul_add_xmm(int64_t iterations) {
  constexpr int kChains = 12;
  __m128 acc[kChains];
  for (int i = 0; i < kChains; ++i) acc[i] = _mm_set1_ps(0.001f * i);
  __m128 a = _mm_set1_ps(0.999f), b = _mm_set1_ps(1e-4f);
  for (int64_t it = 0; it < iterations; ++it) {
#pragma GCC unroll 12
    for (int i = 0; i < kChains; ++i) acc[i] = _mm_add_ps(_mm_mul_ps(acc[i], a), b);
    __asm__ volatile("" : "+x"(a));
  }
  __m128 s = acc[0];
  for (int i = 1; i < kChains; ++i) s = _mm_add_ps(s, acc[i]);
  volatile float sink = _mm_cvtss_f32(s);
  (void)sink;
  return static_cast<double>(iterations) * kChains * 4;
}

double peak_i8_maddubs_xmm(int64_t iterations) {
  constexpr int kChains = 6;
  __m128i acc[kChains];
  for (int i = 0; i < kChains; ++i) acc[i] = _mm_set1_epi32(i);
  __m128i a = _mm_set1_epi8(3), bs[kChains];
  for (int i = 0; i < kChains; ++i) bs[i] = _mm_set1_epi8(static_cast<char>(-1 - i));
  const __m128i ones = _mm_set1_epi16(1);
  for (int64_t it = 0; it < iterations; ++it) {
#pragma GCC unroll 6
    for (int i = 0; i < kChains; ++i) acc[i] = _mm_add_epi32(acc[i], _mm_madd_epi16(_mm_maddubs_epi16(a, bs[i]), ones));
    // Opaque inputs: no product can be hoisted or shared between chains.
#pragma GCC unroll 6
    for (int i = 0; i < kChains; ++i) __asm__ volatile("" : "+x"(bs[i]));
    __asm__ volatile("" : "+x"(a));
  }
  __m128i s = acc[0];
  for (int i = 1; i < kChains; ++i) s = _mm_add_epi32(s, acc[i]);
  volatile int sink = _mm_cvtsi128_si32(s);
  (void)sink;
  return static_cast<double>(iterations) * kChains * 16;
}

}  // namespace eqw::kernels::sse41

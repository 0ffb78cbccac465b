// Peak loops in zmm: 24 independent FMA chains (FMA latency 4 x 2 pipes needs at least 8), and
// the AVX-512BW vpmaddubsw route for INT8 on CPUs without VNNI.
#include "kernels/peak/peak_ukernel.h"

#include <immintrin.h>

namespace eqw::kernels::avx512 {

double peak_f32_fma_zmm(int64_t iterations) {
  constexpr int kChains = 24;
  __m512 acc[kChains];
  for (int i = 0; i < kChains; ++i) acc[i] = _mm512_set1_ps(0.001f * i);
  __m512 a = _mm512_set1_ps(0.999f), b = _mm512_set1_ps(1e-4f);
  for (int64_t it = 0; it < iterations; ++it) {
#pragma GCC unroll 24
    for (int i = 0; i < kChains; ++i) acc[i] = _mm512_fmadd_ps(acc[i], a, b);
    __asm__ volatile("" : "+v"(a));  // keeps the loop from being folded
  }
  __m512 s = acc[0];
  for (int i = 1; i < kChains; ++i) s = _mm512_add_ps(s, acc[i]);
  volatile float sink = _mm512_reduce_add_ps(s);
  (void)sink;
  return static_cast<double>(iterations) * kChains * 16;
}

double peak_i8_maddubs_zmm(int64_t iterations) {
  constexpr int kChains = 12;
  __m512i acc[kChains];
  for (int i = 0; i < kChains; ++i) acc[i] = _mm512_set1_epi32(i);
  __m512i a = _mm512_set1_epi8(3), bs[kChains];
  for (int i = 0; i < kChains; ++i) bs[i] = _mm512_set1_epi8(static_cast<char>(-1 - i));
  const __m512i ones = _mm512_set1_epi16(1);
  for (int64_t it = 0; it < iterations; ++it) {
#pragma GCC unroll 12
    for (int i = 0; i < kChains; ++i)
      acc[i] = _mm512_add_epi32(acc[i], _mm512_madd_epi16(_mm512_maddubs_epi16(a, bs[i]), ones));
    // Opaque inputs: no product can be hoisted or shared between chains.
#pragma GCC unroll 12
    for (int i = 0; i < kChains; ++i) __asm__ volatile("" : "+v"(bs[i]));
    __asm__ volatile("" : "+v"(a));
  }
  __m512i s = acc[0];
  for (int i = 1; i < kChains; ++i) s = _mm512_add_epi32(s, acc[i]);
  volatile int sink = _mm512_reduce_add_epi32(s);
  (void)sink;
  return static_cast<double>(iterations) * kChains * 64;
}

}  // namespace eqw::kernels::avx512

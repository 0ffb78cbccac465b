// Peak loop for AVX-512 VNNI: 16 independent vpdpbusd zmm chains, 64 u8 x s8 MACs each.
#include "kernels/peak/peak_ukernel.h"

#include <immintrin.h>

namespace eqw::kernels::avx512vnni {

double peak_i8_dpbusd_zmm(int64_t iterations) {
  constexpr int kChains = 16;
  __m512i acc[kChains];
  for (int i = 0; i < kChains; ++i) acc[i] = _mm512_set1_epi32(i);
  __m512i a = _mm512_set1_epi8(3), b = _mm512_set1_epi8(-2);
  for (int64_t it = 0; it < iterations; ++it) {
#pragma GCC unroll 16
    for (int i = 0; i < kChains; ++i) acc[i] = _mm512_dpbusd_epi32(acc[i], a, b);
    __asm__ volatile("" : "+v"(a));
  }
  __m512i s = acc[0];
  for (int i = 1; i < kChains; ++i) s = _mm512_add_epi32(s, acc[i]);
  volatile int sink = _mm512_reduce_add_epi32(s);
  (void)sink;
  return static_cast<double>(iterations) * kChains * 64;
}

}  // namespace eqw::kernels::avx512vnni

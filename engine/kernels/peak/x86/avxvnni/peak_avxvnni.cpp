// Peak loop for AVX-VNNI: 12 independent VEX vpdpbusd ymm chains, 32 u8 x s8 MACs each.
#include "kernels/peak/peak_ukernel.h"

#include <immintrin.h>

namespace eqw::kernels::avxvnni {

double peak_i8_dpbusd_ymm(int64_t iterations) {
  constexpr int kChains = 12;
  __m256i acc[kChains];
  for (int i = 0; i < kChains; ++i) acc[i] = _mm256_set1_epi32(i);
  __m256i a = _mm256_set1_epi8(3), b = _mm256_set1_epi8(-2);
  for (int64_t it = 0; it < iterations; ++it) {
#pragma GCC unroll 12
    for (int i = 0; i < kChains; ++i) acc[i] = _mm256_dpbusd_avx_epi32(acc[i], a, b);
    __asm__ volatile("" : "+x"(a));
  }
  __m256i s = acc[0];
  for (int i = 1; i < kChains; ++i) s = _mm256_add_epi32(s, acc[i]);
  alignas(32) int lanes[8];
  _mm256_store_si256(reinterpret_cast<__m256i*>(lanes), s);
  volatile int sink = lanes[0];
  (void)sink;
  return static_cast<double>(iterations) * kChains * 32;
}

}  // namespace eqw::kernels::avxvnni

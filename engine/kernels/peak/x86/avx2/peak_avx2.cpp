// Peak loops in ymm: 12 independent FMA chains (16 registers, latency 4 x 2 pipes), and the
// INT8 vpmaddubsw + vpmaddwd + vpaddd route (32 MACs per vpmaddubsw).
#include "kernels/peak/peak_ukernel.h"

#include <immintrin.h>

namespace eqw::kernels::avx2 {

double peak_f32_fma_ymm(int64_t iterations) {
  constexpr int kChains = 12;
  __m256 acc[kChains];
  for (int i = 0; i < kChains; ++i) acc[i] = _mm256_set1_ps(0.001f * i);
  __m256 a = _mm256_set1_ps(0.999f), b = _mm256_set1_ps(1e-4f);
  for (int64_t it = 0; it < iterations; ++it) {
#pragma GCC unroll 12
    for (int i = 0; i < kChains; ++i) acc[i] = _mm256_fmadd_ps(acc[i], a, b);
    __asm__ volatile("" : "+x"(a));
  }
  __m256 s = acc[0];
  for (int i = 1; i < kChains; ++i) s = _mm256_add_ps(s, acc[i]);
  alignas(32) float lanes[8];
  _mm256_store_ps(lanes, s);
  volatile float sink = lanes[0];
  (void)sink;
  return static_cast<double>(iterations) * kChains * 8;
}

double peak_i8_maddubs_ymm(int64_t iterations) {
  constexpr int kChains = 6;
  __m256i acc[kChains];
  for (int i = 0; i < kChains; ++i) acc[i] = _mm256_set1_epi32(i);
  __m256i a = _mm256_set1_epi8(3), bs[kChains];
  for (int i = 0; i < kChains; ++i) bs[i] = _mm256_set1_epi8(static_cast<char>(-1 - i));
  const __m256i ones = _mm256_set1_epi16(1);
  for (int64_t it = 0; it < iterations; ++it) {
#pragma GCC unroll 6
    for (int i = 0; i < kChains; ++i)
      acc[i] = _mm256_add_epi32(acc[i], _mm256_madd_epi16(_mm256_maddubs_epi16(a, bs[i]), ones));
    // Opaque inputs: no product can be hoisted or shared between chains.
#pragma GCC unroll 6
    for (int i = 0; i < kChains; ++i) __asm__ volatile("" : "+x"(bs[i]));
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

}  // namespace eqw::kernels::avx2

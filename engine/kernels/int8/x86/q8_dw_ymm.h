// The vector of the integer depthwise kernel on AVX2 (x86/q8_dw_impl.h): 8 channels per ymm;
// Dot adds the int16 pair products (vpdpwssd with AVX-VNNI, vpmaddwd + vpaddd on AVX2). Include
// from one ISA file only (anonymous namespace).
#pragma once

#include <immintrin.h>

#include <cstdint>
#include <cstring>

namespace eqw::kernels::q8 {
namespace {

template <class Dot>
struct DwYmm {
  static constexpr int kLanes = 8;
  static constexpr int kGroup = 4;
  using I = __m256i;
  using F = __m256;

  static I mask(int n) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  }
  static I set1(int32_t v) { return _mm256_set1_epi32(v); }
  static F asF(I v) { return _mm256_castsi256_ps(v); }
  static I asI(F v) { return _mm256_castps_si256(v); }
  static I zero() { return _mm256_setzero_si256(); }
  static F set1f(float v) { return _mm256_set1_ps(v); }
  static I load(const int32_t* p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); }
  static void store(int32_t* p, I v) { _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), v); }
  static F loadf(const float* p) { return _mm256_loadu_ps(p); }
  static F loadf(const float* p, int n) { return n >= 8 ? _mm256_loadu_ps(p) : _mm256_maskload_ps(p, mask(n)); }
  static void storef(float* p, F v, int n) {
    if (n >= 8) _mm256_storeu_ps(p, v);
    else _mm256_maskstore_ps(p, mask(n), v);
  }
  // n bytes (int8 when sgn, else uint8) widened to int32 lanes; the others 0.
  static I loadBytes(const uint8_t* p, int n, bool sgn) {
    __m128i b;
    if (n >= 8) {
      b = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(p));
    } else {
      alignas(16) uint8_t tmp[16] = {};
      std::memcpy(tmp, p, static_cast<size_t>(n));
      b = _mm_load_si128(reinterpret_cast<const __m128i*>(tmp));
    }
    return sgn ? _mm256_cvtepi8_epi32(b) : _mm256_cvtepu8_epi32(b);
  }
  // The low byte of the first n lanes (integers on an 8-bit grid, within int16: the pack is exact).
  static void storeBytes(uint8_t* p, I v, int n) {
    const __m128i w = _mm_packs_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    const __m128i b = _mm_shuffle_epi8(w, _mm_setr_epi8(0, 2, 4, 6, 8, 10, 12, 14, -1, -1, -1, -1, -1, -1, -1, -1));
    if (n >= 8) {
      _mm_storel_epi64(reinterpret_cast<__m128i*>(p), b);
      return;
    }
    alignas(16) uint8_t tmp[16];
    _mm_store_si128(reinterpret_cast<__m128i*>(tmp), b);
    std::memcpy(p, tmp, static_cast<size_t>(n));
  }
  static I dot(I acc, I x, I w) { return Dot::add(acc, x, w); }
  static I pair(I a, I b) { return _mm256_blend_epi16(a, _mm256_slli_epi32(b, 16), 0xAA); }

  // As DwZmm::quantize (the same comparisons, round half away as trunc(v + copysign(0.49999997, v))).
  [[gnu::always_inline]] static I quantize(F x, F scale, F lo, F hi) {
    F v = _mm256_mul_ps(x, scale);
    v = _mm256_and_ps(v, _mm256_cmp_ps(v, v, _CMP_ORD_Q));
    v = _mm256_min_ps(hi, _mm256_max_ps(lo, v));
    const F half = _mm256_or_ps(_mm256_and_ps(v, _mm256_set1_ps(-0.f)), _mm256_set1_ps(0.49999997f));
    return _mm256_cvttps_epi32(_mm256_add_ps(v, half));
  }

  // As DwZmm::dequant.
  [[gnu::always_inline]] static F dequant(I acc, F deq, F bias, int act, F a, F b) {
    const F v = _mm256_fmadd_ps(_mm256_cvtepi32_ps(acc), deq, bias), zero = _mm256_setzero_ps();
    switch (act) {
      case 1: return _mm256_max_ps(v, zero);
      case 2: return _mm256_min_ps(b, _mm256_max_ps(a, v));
      case 3: return _mm256_blendv_ps(_mm256_mul_ps(a, v), v, _mm256_cmp_ps(v, zero, _CMP_GT_OQ));
      case 4: return hardSigmoid(v, a, b);
      case 5: return _mm256_mul_ps(v, hardSigmoid(v, a, b));
      default: return v;
    }
  }
  static F hardSigmoid(F v, F a, F b) {
    const F t = _mm256_add_ps(_mm256_mul_ps(a, v), b);
    return _mm256_min_ps(_mm256_set1_ps(1.f), _mm256_max_ps(_mm256_setzero_ps(), t));
  }

  [[gnu::always_inline]] static void transposef(F* r) {
    F t[8], u[8];
#pragma GCC unroll 4
    for (int i = 0; i < 4; ++i) {
      t[2 * i] = _mm256_unpacklo_ps(r[2 * i], r[2 * i + 1]);
      t[2 * i + 1] = _mm256_unpackhi_ps(r[2 * i], r[2 * i + 1]);
    }
#pragma GCC unroll 2
    for (int i = 0; i < 2; ++i) {
      u[4 * i] = _mm256_shuffle_ps(t[4 * i], t[4 * i + 2], 0x44);
      u[4 * i + 1] = _mm256_shuffle_ps(t[4 * i], t[4 * i + 2], 0xEE);
      u[4 * i + 2] = _mm256_shuffle_ps(t[4 * i + 1], t[4 * i + 3], 0x44);
      u[4 * i + 3] = _mm256_shuffle_ps(t[4 * i + 1], t[4 * i + 3], 0xEE);
    }
#pragma GCC unroll 4
    for (int i = 0; i < 4; ++i) {
      r[i] = _mm256_permute2f128_ps(u[i], u[i + 4], 0x20);
      r[i + 4] = _mm256_permute2f128_ps(u[i], u[i + 4], 0x31);
    }
  }
};

}  // namespace
}  // namespace eqw::kernels::q8

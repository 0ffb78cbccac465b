// The vector of the integer depthwise kernel on AVX-512 (x86/q8_dw_impl.h): 16 channels per
// zmm; Dot adds the int16 pair products (vpdpwssd with VNNI, vpmaddwd + vpaddd without). Include
// from one ISA file only (anonymous namespace).
#pragma once

#include <immintrin.h>

#include <cstdint>

namespace eqw::kernels::q8 {
namespace {

template <class Dot>
struct DwZmm {
  static constexpr int kLanes = 16;
  static constexpr int kGroup = 8;  // accumulators per pass: 8 + up to 15 weight vectors in 32 zmm
  using I = __m512i;
  using F = __m512;

  static __mmask16 mask(int n) { return static_cast<__mmask16>(n >= 16 ? 0xFFFF : (1u << n) - 1u); }
  static I set1(int32_t v) { return _mm512_set1_epi32(v); }
  static F asF(I v) { return _mm512_castsi512_ps(v); }
  static I asI(F v) { return _mm512_castps_si512(v); }
  static I zero() { return _mm512_setzero_si512(); }
  static F set1f(float v) { return _mm512_set1_ps(v); }
  static I load(const int32_t* p) { return _mm512_loadu_si512(p); }
  static void store(int32_t* p, I v) { _mm512_storeu_si512(p, v); }
  static F loadf(const float* p) { return _mm512_loadu_ps(p); }
  static F loadf(const float* p, int n) { return _mm512_maskz_loadu_ps(mask(n), p); }
  static void storef(float* p, F v, int n) {
    if (n >= 16) _mm512_storeu_ps(p, v);
    else _mm512_mask_storeu_ps(p, mask(n), v);
  }
  // n bytes (int8 when sgn, else uint8) widened to int32 lanes; the others 0.
  static I loadBytes(const uint8_t* p, int n, bool sgn) {
    const __m128i b = n >= 16 ? _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)) : _mm_maskz_loadu_epi8(mask(n), p);
    return sgn ? _mm512_cvtepi8_epi32(b) : _mm512_cvtepu8_epi32(b);
  }
  // The low byte of the first n lanes (integers on an 8-bit grid: int8 or uint8 bits).
  static void storeBytes(uint8_t* p, I v, int n) { _mm512_mask_cvtepi32_storeu_epi8(p, mask(n), v); }
  static I dot(I acc, I x, I w) { return Dot::add(acc, x, w); }
  // Low int16 of each lane of a, then the low int16 of b's.
  static I pair(I a, I b) { return _mm512_mask_blend_epi16(0xAAAAAAAAu, a, _mm512_slli_epi32(b, 16)); }

  // q8::quantize as x86/q8_rows_impl.h's quantizeRowImpl: NaN -> 0, then the clamp with the row
  // loop's comparisons (max/min(a, v) are "a > v ? a : v" and "a < v ? a : v"), then round half
  // away from zero as trunc(v + copysign(0.49999997, v)). That is exact for |v| < 2^22 (the clamp
  // keeps |v| <= 255): a half k + 0.5 gives k + 1 - 2^-25, which rounds to k + 1 in float (to the
  // even 1.0 for k = 0); anything below a half stays below k + 1, including 0.49999997, which
  // + 0.5 would round up to 1. Four instructions instead of the row loop's seven.
  [[gnu::always_inline]] static I quantize(F x, F scale, F lo, F hi) {
    F v = _mm512_mul_ps(x, scale);
    v = _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(v, v, _CMP_ORD_Q), v);
    v = _mm512_min_ps(hi, _mm512_max_ps(lo, v));
    // (v & sign) | 0.49999997: copysign in one ternary-logic instruction (A & B | C = 0xEA).
    const __m512i half = _mm512_ternarylogic_epi32(_mm512_castps_si512(v), _mm512_set1_epi32(INT32_MIN),
                                                   _mm512_castps_si512(_mm512_set1_ps(0.49999997f)), 0xEA);
    return _mm512_cvttps_epi32(_mm512_add_ps(v, _mm512_castsi512_ps(half)));
  }

  // fma(acc, deq, bias) rounded once as std::fma, then applyActivation's comparisons and
  // products (act codes in q8_dw_args.h): ReLU "v > 0 ? v : 0", Clip "v < a ? a : v" then
  // "b < v ? b : v", LeakyReLU "v > 0 ? v : a v", HardSigmoid "min(max(a v + b, 0), 1)" with the
  // product and the sum rounded apart (the file is built with -ffp-contract=off), HardSwish v times
  // that.
  [[gnu::always_inline]] static F dequant(I acc, F deq, F bias, int act, F a, F b) {
    const F v = _mm512_fmadd_ps(_mm512_cvtepi32_ps(acc), deq, bias), zero = _mm512_setzero_ps();
    switch (act) {
      case 1: return _mm512_max_ps(v, zero);
      case 2: return _mm512_min_ps(b, _mm512_max_ps(a, v));
      case 3: return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(v, zero, _CMP_GT_OQ), _mm512_mul_ps(a, v), v);
      case 4: return hardSigmoid(v, a, b);
      case 5: return _mm512_mul_ps(v, hardSigmoid(v, a, b));
      default: return v;
    }
  }
  static F hardSigmoid(F v, F a, F b) {
    const F t = _mm512_add_ps(_mm512_mul_ps(a, v), b);
    return _mm512_min_ps(_mm512_set1_ps(1.f), _mm512_max_ps(_mm512_setzero_ps(), t));
  }

  // In place: afterwards r[j] lane i holds what r[i] lane j held.
  [[gnu::always_inline]] static void transposef(F* r) {
    F t[16];
#pragma GCC unroll 8
    for (int i = 0; i < 8; ++i) {
      t[2 * i] = _mm512_unpacklo_ps(r[2 * i], r[2 * i + 1]);
      t[2 * i + 1] = _mm512_unpackhi_ps(r[2 * i], r[2 * i + 1]);
    }
#pragma GCC unroll 4
    for (int i = 0; i < 4; ++i) {
      const __m512d a = _mm512_castps_pd(t[4 * i]), b = _mm512_castps_pd(t[4 * i + 1]);
      const __m512d c = _mm512_castps_pd(t[4 * i + 2]), d = _mm512_castps_pd(t[4 * i + 3]);
      r[4 * i] = _mm512_castpd_ps(_mm512_unpacklo_pd(a, c));
      r[4 * i + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(a, c));
      r[4 * i + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(b, d));
      r[4 * i + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(b, d));
    }
#pragma GCC unroll 4
    for (int k = 0; k < 4; ++k) {
      t[k] = _mm512_shuffle_f32x4(r[k], r[4 + k], 0x88);
      t[k + 4] = _mm512_shuffle_f32x4(r[k], r[4 + k], 0xdd);
      t[k + 8] = _mm512_shuffle_f32x4(r[8 + k], r[12 + k], 0x88);
      t[k + 12] = _mm512_shuffle_f32x4(r[8 + k], r[12 + k], 0xdd);
    }
#pragma GCC unroll 4
    for (int k = 0; k < 4; ++k) {
      r[k] = _mm512_shuffle_f32x4(t[k], t[k + 8], 0x88);
      r[k + 8] = _mm512_shuffle_f32x4(t[k], t[k + 8], 0xdd);
      r[k + 4] = _mm512_shuffle_f32x4(t[k + 4], t[k + 12], 0x88);
      r[k + 12] = _mm512_shuffle_f32x4(t[k + 4], t[k + 12], 0xdd);
    }
  }
};

}  // namespace
}  // namespace eqw::kernels::q8

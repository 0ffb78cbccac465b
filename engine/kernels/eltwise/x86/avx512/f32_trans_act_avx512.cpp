// Sigmoid, Swish, TanH and Mish, AVX-512 (16 floats per step, masked tail). Same math as the
// AVX2 file: Cephes' expf (range reduction by n ln2, degree-6 polynomial, 2^n in the exponent).
#include "kernels/eltwise/f32_eltwise_ukernel.h"
#include "kernels/gemm/x86/avx512/f32_epilogue_avx512.h"

#include <immintrin.h>

namespace eqw::kernels::avx512 {
namespace {

// exp(x) for x <= 88.3 (the callers never pass more); 0 below ln(FLT_MIN), where 2^n would
// leave the normal range. NaN stays NaN: max/min return their second operand on NaN.
inline __m512 expNeg(__m512 x) {
  const __m512 lo = _mm512_set1_ps(-87.33f);
  const __mmask16 normal = _mm512_cmp_ps_mask(x, lo, _CMP_NLT_UQ);
  x = _mm512_max_ps(lo, x);
  const __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
                                        _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
  r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
  __m512 p = _mm512_set1_ps(1.9875691500e-4f);
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
  p = _mm512_fmadd_ps(_mm512_mul_ps(p, r), r, _mm512_add_ps(r, _mm512_set1_ps(1.f)));
  const __m512i e = _mm512_slli_epi32(_mm512_add_epi32(_mm512_cvtps_epi32(n), _mm512_set1_epi32(127)), 23);
  return _mm512_maskz_mul_ps(normal, p, _mm512_castsi512_ps(e));
}

inline __m512 absOf(__m512 x) { return _mm512_andnot_ps(_mm512_set1_ps(-0.f), x); }

// From e = exp(-|x|) <= 1, never overflowing: 1 / (1 + e) for x >= 0, e / (1 + e) below.
inline __m512 sigmoid(__m512 x) {
  const __m512 e = expNeg(_mm512_sub_ps(_mm512_setzero_ps(), absOf(x)));
  const __m512 d = _mm512_add_ps(e, _mm512_set1_ps(1.f));
  const __mmask16 neg = _mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_LT_OQ);
  return _mm512_div_ps(_mm512_mask_blend_ps(neg, _mm512_set1_ps(1.f), e), d);
}

// sign(x) (1 - e) / (1 + e) with e = exp(-2|x|); below |x| = 0.625, where 1 - e cancels,
// Cephes' odd polynomial instead.
inline __m512 tanhOf(__m512 x) {
  const __m512 ax = absOf(x);
  const __m512 e = expNeg(_mm512_mul_ps(ax, _mm512_set1_ps(-2.f)));
  const __m512 one = _mm512_set1_ps(1.f);
  __m512 big = _mm512_div_ps(_mm512_sub_ps(one, e), _mm512_add_ps(one, e));
  big = _mm512_or_ps(big, _mm512_and_ps(x, _mm512_set1_ps(-0.f)));
  const __m512 z = _mm512_mul_ps(x, x);
  __m512 p = _mm512_set1_ps(-5.70498872745e-3f);
  p = _mm512_fmadd_ps(p, z, _mm512_set1_ps(2.06390887954e-2f));
  p = _mm512_fmadd_ps(p, z, _mm512_set1_ps(-5.37397155531e-2f));
  p = _mm512_fmadd_ps(p, z, _mm512_set1_ps(1.33314422036e-1f));
  p = _mm512_fmadd_ps(p, z, _mm512_set1_ps(-3.33332819422e-1f));
  const __m512 small = _mm512_fmadd_ps(_mm512_mul_ps(p, z), x, x);
  return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(ax, _mm512_set1_ps(0.625f), _CMP_LT_OQ), big, small);
}

// tanh(log(1 + u)) = u (u + 2) / (u (u + 2) + 2) with u = exp(x): no cancellation for x < 0.
// Above 20 the factor is 1 in float (and u (u + 2) would overflow), so y = x.
inline __m512 mish(__m512 x) {
  const __m512 cap = _mm512_set1_ps(20.f);
  const __m512 u = expNeg(_mm512_min_ps(cap, x));
  const __m512 w = _mm512_mul_ps(u, _mm512_add_ps(u, _mm512_set1_ps(2.f)));
  const __m512 y = _mm512_mul_ps(x, _mm512_div_ps(w, _mm512_add_ps(w, _mm512_set1_ps(2.f))));
  return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(x, cap, _CMP_GT_OQ), y, x);
}

template <int ACT>
inline __m512 apply(__m512 x) {
  if constexpr (ACT == kF32TActSigmoid) return sigmoid(x);
  if constexpr (ACT == kF32TActSwish) return _mm512_mul_ps(x, sigmoid(x));
  if constexpr (ACT == kF32TActTanH) return tanhOf(x);
  if constexpr (ACT == kF32TActMish) return mish(x);
  return x;
}

template <int ACT>
void loop(const float* x, float* y, int64_t n) {
  int64_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m512 a = apply<ACT>(_mm512_loadu_ps(x + i)), b = apply<ACT>(_mm512_loadu_ps(x + i + 16));
    _mm512_storeu_ps(y + i, a);
    _mm512_storeu_ps(y + i + 16, b);
  }
  for (; i < n; i += 16) {
    const __mmask16 m = tailMask(static_cast<int>(n - i));
    _mm512_mask_storeu_ps(y + i, m, apply<ACT>(_mm512_maskz_loadu_ps(m, x + i)));
  }
}

}  // namespace

void f32_trans_act_avx512(int32_t act, const float* x, float* y, int64_t n) {
  switch (act) {
    case kF32TActSigmoid: return loop<kF32TActSigmoid>(x, y, n);
    case kF32TActSwish: return loop<kF32TActSwish>(x, y, n);
    case kF32TActTanH: return loop<kF32TActTanH>(x, y, n);
    case kF32TActMish: return loop<kF32TActMish>(x, y, n);
    default: return;
  }
}

}  // namespace eqw::kernels::avx512

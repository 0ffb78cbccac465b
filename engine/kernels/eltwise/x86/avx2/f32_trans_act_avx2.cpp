// Sigmoid, Swish, TanH and Mish, AVX2 (8 floats per step, masked tail). exp is Cephes' expf:
// n = round(x / ln2), r = x - n ln2 in two parts, a degree-6 polynomial for exp(r), then 2^n
// put into the exponent bits (relative error ~1e-7 over the normal range).
#include "kernels/eltwise/f32_eltwise_ukernel.h"
#include "kernels/gemm/x86/avx2/f32_epilogue_avx2.h"

#include <immintrin.h>

namespace eqw::kernels::avx2 {
namespace {

// exp(x) for x <= 88.3 (the callers never pass more); 0 below ln(FLT_MIN), where 2^n would
// leave the normal range. NaN stays NaN: max/min return their second operand on NaN.
inline __m256 expNeg(__m256 x) {
  const __m256 lo = _mm256_set1_ps(-87.33f);
  const __m256 under = _mm256_cmp_ps(x, lo, _CMP_LT_OQ);
  x = _mm256_max_ps(lo, x);
  const __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                                   _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
  r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
  __m256 p = _mm256_set1_ps(1.9875691500e-4f);
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
  p = _mm256_fmadd_ps(_mm256_mul_ps(p, r), r, _mm256_add_ps(r, _mm256_set1_ps(1.f)));
  const __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
  return _mm256_andnot_ps(under, _mm256_mul_ps(p, _mm256_castsi256_ps(e)));
}

inline __m256 absOf(__m256 x) { return _mm256_andnot_ps(_mm256_set1_ps(-0.f), x); }

// From e = exp(-|x|) <= 1, never overflowing: 1 / (1 + e) for x >= 0, e / (1 + e) below.
inline __m256 sigmoid(__m256 x) {
  const __m256 e = expNeg(_mm256_sub_ps(_mm256_setzero_ps(), absOf(x)));
  const __m256 d = _mm256_add_ps(e, _mm256_set1_ps(1.f));
  const __m256 neg = _mm256_cmp_ps(x, _mm256_setzero_ps(), _CMP_LT_OQ);
  return _mm256_div_ps(_mm256_blendv_ps(_mm256_set1_ps(1.f), e, neg), d);
}

// sign(x) (1 - e) / (1 + e) with e = exp(-2|x|); below |x| = 0.625, where 1 - e cancels,
// Cephes' odd polynomial instead.
inline __m256 tanhOf(__m256 x) {
  const __m256 ax = absOf(x);
  const __m256 e = expNeg(_mm256_mul_ps(ax, _mm256_set1_ps(-2.f)));
  const __m256 one = _mm256_set1_ps(1.f);
  __m256 big = _mm256_div_ps(_mm256_sub_ps(one, e), _mm256_add_ps(one, e));
  big = _mm256_or_ps(big, _mm256_and_ps(x, _mm256_set1_ps(-0.f)));
  const __m256 z = _mm256_mul_ps(x, x);
  __m256 p = _mm256_set1_ps(-5.70498872745e-3f);
  p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(2.06390887954e-2f));
  p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(-5.37397155531e-2f));
  p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(1.33314422036e-1f));
  p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(-3.33332819422e-1f));
  const __m256 small = _mm256_fmadd_ps(_mm256_mul_ps(p, z), x, x);
  return _mm256_blendv_ps(big, small, _mm256_cmp_ps(ax, _mm256_set1_ps(0.625f), _CMP_LT_OQ));
}

// tanh(log(1 + u)) = u (u + 2) / (u (u + 2) + 2) with u = exp(x): no cancellation for x < 0.
// Above 20 the factor is 1 in float (and u (u + 2) would overflow), so y = x.
inline __m256 mish(__m256 x) {
  const __m256 cap = _mm256_set1_ps(20.f);
  const __m256 u = expNeg(_mm256_min_ps(cap, x));
  const __m256 w = _mm256_mul_ps(u, _mm256_add_ps(u, _mm256_set1_ps(2.f)));
  const __m256 y = _mm256_mul_ps(x, _mm256_div_ps(w, _mm256_add_ps(w, _mm256_set1_ps(2.f))));
  return _mm256_blendv_ps(y, x, _mm256_cmp_ps(x, cap, _CMP_GT_OQ));
}

template <int ACT>
inline __m256 apply(__m256 x) {
  if constexpr (ACT == kF32TActSigmoid) return sigmoid(x);
  if constexpr (ACT == kF32TActSwish) return _mm256_mul_ps(x, sigmoid(x));
  if constexpr (ACT == kF32TActTanH) return tanhOf(x);
  if constexpr (ACT == kF32TActMish) return mish(x);
  return x;
}

template <int ACT>
void loop(const float* x, float* y, int64_t n) {
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m256 a = apply<ACT>(_mm256_loadu_ps(x + i)), b = apply<ACT>(_mm256_loadu_ps(x + i + 8));
    _mm256_storeu_ps(y + i, a);
    _mm256_storeu_ps(y + i + 8, b);
  }
  for (; i < n; i += 8) {
    const __m256i m = tailMask(static_cast<int>(n - i));
    _mm256_maskstore_ps(y + i, m, apply<ACT>(_mm256_maskload_ps(x + i, m)));
  }
}

}  // namespace

void f32_trans_act_avx2(int32_t act, const float* x, float* y, int64_t n) {
  switch (act) {
    case kF32TActSigmoid: return loop<kF32TActSigmoid>(x, y, n);
    case kF32TActSwish: return loop<kF32TActSwish>(x, y, n);
    case kF32TActTanH: return loop<kF32TActTanH>(x, y, n);
    case kF32TActMish: return loop<kF32TActMish>(x, y, n);
    default: return;
  }
}

}  // namespace eqw::kernels::avx2

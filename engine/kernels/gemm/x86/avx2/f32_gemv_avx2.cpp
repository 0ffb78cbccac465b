// Matrix-vector product (InnerProduct), AVX2: four weight rows share each load of x.
#include "kernels/gemm/f32_gemm_ukernel.h"
#include "kernels/gemm/x86/avx2/f32_epilogue_avx2.h"

#include <immintrin.h>

namespace eqw::kernels::avx2 {
namespace {

inline float hsum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
  return _mm_cvtss_f32(s);
}

template <int R>
void dotRows(int64_t k, const float* w, const float* x, float* out) {
  __m256 acc[R];
  for (int r = 0; r < R; ++r) acc[r] = _mm256_setzero_ps();
  int64_t p = 0;
  for (; p + 8 <= k; p += 8) {
    const __m256 xv = _mm256_loadu_ps(x + p);
#pragma GCC unroll 4
    for (int r = 0; r < R; ++r) acc[r] = _mm256_fmadd_ps(_mm256_loadu_ps(w + r * k + p), xv, acc[r]);
  }
  if (p < k) {
    const __m256i m = tailMask(static_cast<int>(k - p));
    const __m256 xv = _mm256_maskload_ps(x + p, m);
    for (int r = 0; r < R; ++r) acc[r] = _mm256_fmadd_ps(_mm256_maskload_ps(w + r * k + p, m), xv, acc[r]);
  }
  for (int r = 0; r < R; ++r) out[r] = hsum(acc[r]);
}

}  // namespace

void f32_gemv_4rows_avx2(int64_t m, int64_t k, const float* w, const float* x, const float* bias, float* y,
                         const F32Epilogue& ep) {
  int64_t i = 0;
  for (; i + 4 <= m; i += 4) dotRows<4>(k, w + i * k, x, y + i);
  for (; i < m; ++i) dotRows<1>(k, w + i * k, x, y + i);
  for (i = 0; i < m; i += 8) {
    const __m256i mk = tailMask(static_cast<int>(m - i));
    __m256 v = _mm256_maskload_ps(y + i, mk);
    if (bias) v = _mm256_add_ps(v, _mm256_maskload_ps(bias + i, mk));
    applyEpilogue<1>(&v, ep);
    _mm256_maskstore_ps(y + i, mk, v);
  }
}

}  // namespace eqw::kernels::avx2

// Matrix-vector product (InnerProduct), AVX-512: four weight rows share each load of x; it is
// bound by streaming the weights, so the point is to keep enough loads in flight.
#include "kernels/gemm/f32_gemm_ukernel.h"
#include "kernels/gemm/x86/avx512/f32_epilogue_avx512.h"

#include <immintrin.h>

namespace eqw::kernels::avx512 {
namespace {

template <int R>
void dotRows(int64_t k, const float* w, const float* x, float* out) {
  __m512 acc[R];
  for (int r = 0; r < R; ++r) acc[r] = _mm512_setzero_ps();
  int64_t p = 0;
  for (; p + 16 <= k; p += 16) {
    const __m512 xv = _mm512_loadu_ps(x + p);
#pragma GCC unroll 4
    for (int r = 0; r < R; ++r) acc[r] = _mm512_fmadd_ps(_mm512_loadu_ps(w + r * k + p), xv, acc[r]);
  }
  if (p < k) {
    const __mmask16 m = tailMask(static_cast<int>(k - p));
    const __m512 xv = _mm512_maskz_loadu_ps(m, x + p);
    for (int r = 0; r < R; ++r) acc[r] = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, w + r * k + p), xv, acc[r]);
  }
  for (int r = 0; r < R; ++r) out[r] = _mm512_reduce_add_ps(acc[r]);
}

}  // namespace

void f32_gemv_4rows_avx512(int64_t m, int64_t k, const float* w, const float* x, const float* bias, float* y,
                           const F32Epilogue& ep) {
  int64_t i = 0;
  for (; i + 4 <= m; i += 4) dotRows<4>(k, w + i * k, x, y + i);
  for (; i < m; ++i) dotRows<1>(k, w + i * k, x, y + i);
  for (i = 0; i < m; i += 16) {
    const __mmask16 mk = tailMask(static_cast<int>(m - i));
    __m512 v = _mm512_maskz_loadu_ps(mk, y + i);
    if (bias) v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(mk, bias + i));
    applyEpilogue<1>(&v, ep);
    _mm512_mask_storeu_ps(y + i, mk, v);
  }
}

}  // namespace eqw::kernels::avx512

// The integer GEMM tile for AVX-VNNI (vpdpbusd on ymm).
#include "kernels/int8/x86/q8_gemm_ymm.h"

#include "kernels/int8/x86/q8_rows_impl.h"

EQW_Q8_ROW_FUNCTIONS(AvxVnni)

namespace eqw::kernels::q8 {

namespace {
struct VnniDot {
  static __m256i add(__m256i acc, __m256i u8, __m256i s8) { return _mm256_dpbusd_avx_epi32(acc, u8, s8); }
};
}  // namespace

void q8GemmTileAvxVnni(int64_t kGroups, const int8_t* w, const uint8_t* x, int32_t* c) {
  q8GemmTileYmm<VnniDot>(kGroups, w, x, c);
}

// The residual fusion's row step (Q8ResidualRowFn): y = y + other, then ReLU as MAXPS(v, 0), which
// returns 0 for NaN and both zeros, like the f32 kernels' v > 0 ? v : 0.
void q8ResidualRowAvxVnni(float* y, const float* other, int64_t n, int relu) {
  int64_t i = 0;
  const __m256 zero = _mm256_setzero_ps();
  for (; i + 8 <= n; i += 8) {
    __m256 v = _mm256_add_ps(_mm256_loadu_ps(y + i), _mm256_loadu_ps(other + i));
    if (relu) v = _mm256_max_ps(v, zero);
    _mm256_storeu_ps(y + i, v);
  }
  for (; i < n; ++i) {
    const float v = y[i] + other[i];
    y[i] = relu && !(v > 0.f) ? 0.f : v;
  }
}

}  // namespace eqw::kernels::q8

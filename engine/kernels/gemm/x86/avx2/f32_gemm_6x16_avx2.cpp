// FP32 GEMM micro-kernels for AVX2 + FMA: tiles of up to 6 rows x 16 columns (12 ymm
// accumulators, two B loads and six A broadcasts per k step) and 6 x 8 for narrow tails.
#include "kernels/gemm/f32_gemm_ukernel.h"
#include "kernels/gemm/x86/avx2/f32_epilogue_avx2.h"

#include <immintrin.h>

namespace eqw::kernels::avx2 {
namespace {

template <int MR, int NV>
void gemmTile(int64_t kc, const float* __restrict a, const float* __restrict b, float* __restrict c, int64_t ldc,
              int nc, const float* __restrict bias, const F32Epilogue& ep) {
  // The output rows are usually cold: fetch them while the k loop runs.
#pragma GCC unroll 8
  for (int i = 0; i < MR; ++i) _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc), _MM_HINT_T0);
  __m256 acc[MR * NV];
#pragma GCC unroll 8
  for (int i = 0; i < MR; ++i) {
    const __m256 init = bias ? _mm256_set1_ps(bias[i]) : _mm256_setzero_ps();
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) acc[i * NV + v] = init;
  }
  for (int64_t p = 0; p < kc; ++p) {
    __m256 bv[NV];
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) bv[v] = _mm256_load_ps(b + 8 * v);
#pragma GCC unroll 8
    for (int i = 0; i < MR; ++i) {
      const __m256 av = _mm256_broadcast_ss(a + i);
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) acc[i * NV + v] = _mm256_fmadd_ps(av, bv[v], acc[i * NV + v]);
    }
    a += MR;
    b += 8 * NV;
  }
  applyEpilogue<MR * NV>(acc, ep);
  if (nc >= 8 * NV) {
#pragma GCC unroll 8
    for (int i = 0; i < MR; ++i) {
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) _mm256_storeu_ps(c + i * ldc + 8 * v, acc[i * NV + v]);
    }
    return;
  }
#pragma GCC unroll 4
  for (int v = 0; v < NV; ++v) {
    const int lanes = nc - 8 * v;
    if (lanes <= 0) break;
    const __m256i m = tailMask(lanes);
#pragma GCC unroll 8
    for (int i = 0; i < MR; ++i) _mm256_maskstore_ps(c + i * ldc + 8 * v, m, acc[i * NV + v]);
  }
}

template <int NV>
void dispatchRows(int64_t kc, const float* a, int mr, const float* b, float* c, int64_t ldc, int nc,
                  const float* bias, const F32Epilogue& ep) {
  switch (mr) {
    case 6: return gemmTile<6, NV>(kc, a, b, c, ldc, nc, bias, ep);
    case 5: return gemmTile<5, NV>(kc, a, b, c, ldc, nc, bias, ep);
    case 4: return gemmTile<4, NV>(kc, a, b, c, ldc, nc, bias, ep);
    case 3: return gemmTile<3, NV>(kc, a, b, c, ldc, nc, bias, ep);
    case 2: return gemmTile<2, NV>(kc, a, b, c, ldc, nc, bias, ep);
    case 1: return gemmTile<1, NV>(kc, a, b, c, ldc, nc, bias, ep);
    default: return;
  }
}

}  // namespace

void f32_gemm_6x16_avx2(int64_t kc, const float* a, int mr, const float* b, float* c, int64_t ldc, int nc,
                        const float* bias, const F32Epilogue& ep) {
  dispatchRows<2>(kc, a, mr, b, c, ldc, nc, bias, ep);
}

void f32_gemm_6x8_avx2(int64_t kc, const float* a, int mr, const float* b, float* c, int64_t ldc, int nc,
                       const float* bias, const F32Epilogue& ep) {
  dispatchRows<1>(kc, a, mr, b, c, ldc, nc, bias, ep);
}

}  // namespace eqw::kernels::avx2

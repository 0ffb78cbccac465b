// FP32 GEMM micro-kernels for AVX-512: tiles of up to 12 rows x 32 columns (24 zmm
// accumulators, two B loads and twelve A broadcasts per k step) and 12 x 16 for narrow tails.
#include "kernels/gemm/f32_gemm_ukernel.h"
#include "kernels/gemm/x86/avx512/f32_epilogue_avx512.h"

#include <immintrin.h>

namespace eqw::kernels::avx512 {
namespace {

template <int MR, int NV>
void gemmTile(int64_t kc, const float* __restrict a, const float* __restrict b, float* __restrict c, int64_t ldc,
              int nc, const float* __restrict bias, const F32Epilogue& ep) {
  // The output rows are usually cold (a fresh activation buffer): fetch them while the k loop
  // runs, so that the final stores do not wait for their lines one by one.
#pragma GCC unroll 16
  for (int i = 0; i < MR; ++i) {
    _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc), _MM_HINT_T0);
    if (NV == 2) _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc + 16), _MM_HINT_T0);
  }
  __m512 acc[MR * NV];
#pragma GCC unroll 16
  for (int i = 0; i < MR; ++i) {
    const __m512 init = bias ? _mm512_set1_ps(bias[i]) : _mm512_setzero_ps();
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) acc[i * NV + v] = init;
  }
  for (int64_t p = 0; p < kc; ++p) {
    __m512 bv[NV];
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) bv[v] = _mm512_load_ps(b + 16 * v);
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i) {
      const __m512 av = _mm512_set1_ps(a[i]);
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) acc[i * NV + v] = _mm512_fmadd_ps(av, bv[v], acc[i * NV + v]);
    }
    a += MR;
    b += 16 * NV;
  }
  applyEpilogue<MR * NV>(acc, ep);
  if (nc >= 16 * NV) {
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i) {
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) _mm512_storeu_ps(c + i * ldc + 16 * v, acc[i * NV + v]);
    }
    return;
  }
#pragma GCC unroll 4
  for (int v = 0; v < NV; ++v) {
    const __mmask16 m = tailMask(nc - 16 * v);
    if (!m) break;
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i) _mm512_mask_storeu_ps(c + i * ldc + 16 * v, m, acc[i * NV + v]);
  }
}

template <int NV>
void dispatchRows(int64_t kc, const float* a, int mr, const float* b, float* c, int64_t ldc, int nc,
                  const float* bias, const F32Epilogue& ep) {
  switch (mr) {
    case 12: return gemmTile<12, NV>(kc, a, b, c, ldc, nc, bias, ep);
    case 11: return gemmTile<11, NV>(kc, a, b, c, ldc, nc, bias, ep);
    case 10: return gemmTile<10, NV>(kc, a, b, c, ldc, nc, bias, ep);
    case 9: return gemmTile<9, NV>(kc, a, b, c, ldc, nc, bias, ep);
    case 8: return gemmTile<8, NV>(kc, a, b, c, ldc, nc, bias, ep);
    case 7: return gemmTile<7, NV>(kc, a, b, c, ldc, nc, bias, ep);
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

void f32_gemm_12x32_avx512(int64_t kc, const float* a, int mr, const float* b, float* c, int64_t ldc, int nc,
                           const float* bias, const F32Epilogue& ep) {
  dispatchRows<2>(kc, a, mr, b, c, ldc, nc, bias, ep);
}

void f32_gemm_12x16_avx512(int64_t kc, const float* a, int mr, const float* b, float* c, int64_t ldc, int nc,
                           const float* bias, const F32Epilogue& ep) {
  dispatchRows<1>(kc, a, mr, b, c, ldc, nc, bias, ep);
}

}  // namespace eqw::kernels::avx512

// FP32 GEMM tile with strided A rows and no epilogue, for AVX-512: the Winograd GEMMs, where A
// is the transformed input (tiles x channels, channels contiguous) read without packing.
#include "kernels/conv/f32_winograd_ukernel.h"
#include "kernels/gemm/x86/avx512/f32_epilogue_avx512.h"

#include <immintrin.h>

namespace eqw::kernels::avx512 {
namespace {

// Strided A rows, plain store, no epilogue (the Winograd GEMMs: a = transformed input rows).
template <int MR, int NV>
void gemmRows(int64_t kc, const float* __restrict a, int64_t lda, const float* __restrict b, float* __restrict c,
              int64_t ldc, int nc) {
  __m512 acc[MR * NV];
#pragma GCC unroll 32
  for (int i = 0; i < MR * NV; ++i) acc[i] = _mm512_setzero_ps();
  for (int64_t p = 0; p < kc; ++p) {
    __m512 bv[NV];
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) bv[v] = _mm512_load_ps(b + 16 * v);
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i) {
      const __m512 av = _mm512_set1_ps(a[i * lda + p]);
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) acc[i * NV + v] = _mm512_fmadd_ps(av, bv[v], acc[i * NV + v]);
    }
    b += 16 * NV;
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
void dispatchRowsStrided(int64_t kc, const float* a, int64_t lda, int mr, const float* b, float* c, int64_t ldc,
                         int nc) {
  switch (mr) {
    case 12: return gemmRows<12, NV>(kc, a, lda, b, c, ldc, nc);
    case 11: return gemmRows<11, NV>(kc, a, lda, b, c, ldc, nc);
    case 10: return gemmRows<10, NV>(kc, a, lda, b, c, ldc, nc);
    case 9: return gemmRows<9, NV>(kc, a, lda, b, c, ldc, nc);
    case 8: return gemmRows<8, NV>(kc, a, lda, b, c, ldc, nc);
    case 7: return gemmRows<7, NV>(kc, a, lda, b, c, ldc, nc);
    case 6: return gemmRows<6, NV>(kc, a, lda, b, c, ldc, nc);
    case 5: return gemmRows<5, NV>(kc, a, lda, b, c, ldc, nc);
    case 4: return gemmRows<4, NV>(kc, a, lda, b, c, ldc, nc);
    case 3: return gemmRows<3, NV>(kc, a, lda, b, c, ldc, nc);
    case 2: return gemmRows<2, NV>(kc, a, lda, b, c, ldc, nc);
    case 1: return gemmRows<1, NV>(kc, a, lda, b, c, ldc, nc);
    default: return;
  }
}

}  // namespace

void f32_gemm_rows_12x32_avx512(int64_t kc, const float* a, int64_t lda, int mr, const float* b, float* c,
                                int64_t ldc, int nc) {
  dispatchRowsStrided<2>(kc, a, lda, mr, b, c, ldc, nc);
}

void f32_gemm_rows_12x16_avx512(int64_t kc, const float* a, int64_t lda, int mr, const float* b, float* c,
                                int64_t ldc, int nc) {
  dispatchRowsStrided<1>(kc, a, lda, mr, b, c, ldc, nc);
}

}  // namespace eqw::kernels::avx512

// The transposed FP32 GEMM tile for AVX-512 (outputs with few pixels): up to 12 pixels broadcast
// against 32 output channels in zmm (24 accumulators), transposed in registers before the store
// so that the output stays NCHW.
#include "kernels/gemm/f32_gemm_ukernel.h"
#include "kernels/gemm/x86/avx512/f32_epilogue_avx512.h"
#include "kernels/gemm/x86/avx512/f32_transpose_avx512.h"

#include <immintrin.h>

namespace eqw::kernels::avx512 {
namespace {

// The transposed tile: rows are output pixels (a = packed activations), columns are output
// channels (b = packed weights, bias per column), and the result is stored transposed so that
// c[j * ldc + i] = element (i, j): vectors run along the channels, the NCHW output is kept.
template <int MR, int NV>
void gemmTileT(int64_t kc, const float* __restrict a, const float* __restrict b, float* __restrict c, int64_t ldc,
               int nc, const float* __restrict bias, const F32Epilogue& ep) {
  for (int j = 0; j < nc; ++j) _mm_prefetch(reinterpret_cast<const char*>(c + j * ldc), _MM_HINT_T0);
  __m512 acc[MR * NV];
#pragma GCC unroll 4
  for (int v = 0; v < NV; ++v) {
    const __m512 init = bias ? _mm512_maskz_loadu_ps(tailMask(nc - 16 * v), bias + 16 * v) : _mm512_setzero_ps();
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i) acc[i * NV + v] = init;
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
  const __mmask16 rows = tailMask(MR);
#pragma GCC unroll 4
  for (int v = 0; v < NV; ++v) {
    const int cols = nc - 16 * v < 16 ? nc - 16 * v : 16;
    if (cols <= 0) break;
    __m512 r[16];
#pragma GCC unroll 16
    for (int i = 0; i < 16; ++i) r[i] = i < MR ? acc[i * NV + v] : _mm512_setzero_ps();
    transpose16x16(r);
    for (int j = 0; j < cols; ++j) _mm512_mask_storeu_ps(c + (16 * v + j) * ldc, rows, r[j]);
  }
}

template <int NV>
void dispatchRowsT(int64_t kc, const float* a, int mr, const float* b, float* c, int64_t ldc, int nc,
                   const float* bias, const F32Epilogue& ep) {
  switch (mr) {
    case 12: return gemmTileT<12, NV>(kc, a, b, c, ldc, nc, bias, ep);
    case 11: return gemmTileT<11, NV>(kc, a, b, c, ldc, nc, bias, ep);
    case 10: return gemmTileT<10, NV>(kc, a, b, c, ldc, nc, bias, ep);
    case 9: return gemmTileT<9, NV>(kc, a, b, c, ldc, nc, bias, ep);
    case 8: return gemmTileT<8, NV>(kc, a, b, c, ldc, nc, bias, ep);
    case 7: return gemmTileT<7, NV>(kc, a, b, c, ldc, nc, bias, ep);
    case 6: return gemmTileT<6, NV>(kc, a, b, c, ldc, nc, bias, ep);
    case 5: return gemmTileT<5, NV>(kc, a, b, c, ldc, nc, bias, ep);
    case 4: return gemmTileT<4, NV>(kc, a, b, c, ldc, nc, bias, ep);
    case 3: return gemmTileT<3, NV>(kc, a, b, c, ldc, nc, bias, ep);
    case 2: return gemmTileT<2, NV>(kc, a, b, c, ldc, nc, bias, ep);
    case 1: return gemmTileT<1, NV>(kc, a, b, c, ldc, nc, bias, ep);
    default: return;
  }
}

}  // namespace

void f32_gemm_t_12x32_avx512(int64_t kc, const float* a, int mr, const float* b, float* c, int64_t ldc, int nc,
                             const float* bias, const F32Epilogue& ep) {
  dispatchRowsT<2>(kc, a, mr, b, c, ldc, nc, bias, ep);
}

void f32_gemm_t_12x16_avx512(int64_t kc, const float* a, int mr, const float* b, float* c, int64_t ldc, int nc,
                             const float* bias, const F32Epilogue& ep) {
  dispatchRowsT<1>(kc, a, mr, b, c, ldc, nc, bias, ep);
}

}  // namespace eqw::kernels::avx512

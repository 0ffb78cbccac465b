// The transposed FP32 GEMM tile for AVX2 + FMA (outputs with few pixels): up to 6 pixels broadcast
// against 16 output channels in ymm, transposed in registers (8x8) before the NCHW store.
#include "kernels/gemm/f32_gemm_ukernel.h"
#include "kernels/gemm/x86/avx2/f32_epilogue_avx2.h"

#include <immintrin.h>

namespace eqw::kernels::avx2 {
namespace {

// Transposes 8 registers in place: afterwards r[j] lane i holds what r[i] lane j held.
inline void transpose8x8(__m256* r) {
  __m256 t[8], u[8];
#pragma GCC unroll 4
  for (int i = 0; i < 4; ++i) {
    t[2 * i] = _mm256_unpacklo_ps(r[2 * i], r[2 * i + 1]);
    t[2 * i + 1] = _mm256_unpackhi_ps(r[2 * i], r[2 * i + 1]);
  }
#pragma GCC unroll 2
  for (int h = 0; h < 2; ++h) {
    u[4 * h] = _mm256_shuffle_ps(t[4 * h], t[4 * h + 2], _MM_SHUFFLE(1, 0, 1, 0));
    u[4 * h + 1] = _mm256_shuffle_ps(t[4 * h], t[4 * h + 2], _MM_SHUFFLE(3, 2, 3, 2));
    u[4 * h + 2] = _mm256_shuffle_ps(t[4 * h + 1], t[4 * h + 3], _MM_SHUFFLE(1, 0, 1, 0));
    u[4 * h + 3] = _mm256_shuffle_ps(t[4 * h + 1], t[4 * h + 3], _MM_SHUFFLE(3, 2, 3, 2));
  }
#pragma GCC unroll 4
  for (int q = 0; q < 4; ++q) {
    r[q] = _mm256_permute2f128_ps(u[q], u[q + 4], 0x20);
    r[q + 4] = _mm256_permute2f128_ps(u[q], u[q + 4], 0x31);
  }
}

// The transposed tile: rows are output pixels (a = packed activations), columns are output
// channels (b = packed weights, bias per column); stored as c[j * ldc + i] = element (i, j).
template <int MR, int NV>
void gemmTileT(int64_t kc, const float* __restrict a, const float* __restrict b, float* __restrict c, int64_t ldc,
               int nc, const float* __restrict bias, const F32Epilogue& ep) {
  for (int j = 0; j < nc; ++j) _mm_prefetch(reinterpret_cast<const char*>(c + j * ldc), _MM_HINT_T0);
  __m256 acc[MR * NV];
#pragma GCC unroll 4
  for (int v = 0; v < NV; ++v) {
    const int lanes = nc - 8 * v;
    const __m256 init = bias && lanes > 0 ? _mm256_maskload_ps(bias + 8 * v, tailMask(lanes)) : _mm256_setzero_ps();
#pragma GCC unroll 8
    for (int i = 0; i < MR; ++i) acc[i * NV + v] = init;
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
  const __m256i rows = tailMask(MR);
#pragma GCC unroll 4
  for (int v = 0; v < NV; ++v) {
    const int cols = nc - 8 * v < 8 ? nc - 8 * v : 8;
    if (cols <= 0) break;
    __m256 r[8];
#pragma GCC unroll 8
    for (int i = 0; i < 8; ++i) r[i] = i < MR ? acc[i * NV + v] : _mm256_setzero_ps();
    transpose8x8(r);
    for (int j = 0; j < cols; ++j) _mm256_maskstore_ps(c + (8 * v + j) * ldc, rows, r[j]);
  }
}

template <int NV>
void dispatchRowsT(int64_t kc, const float* a, int mr, const float* b, float* c, int64_t ldc, int nc,
                   const float* bias, const F32Epilogue& ep) {
  switch (mr) {
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

void f32_gemm_t_6x16_avx2(int64_t kc, const float* a, int mr, const float* b, float* c, int64_t ldc, int nc,
                          const float* bias, const F32Epilogue& ep) {
  dispatchRowsT<2>(kc, a, mr, b, c, ldc, nc, bias, ep);
}

void f32_gemm_t_6x8_avx2(int64_t kc, const float* a, int mr, const float* b, float* c, int64_t ldc, int nc,
                         const float* bias, const F32Epilogue& ep) {
  dispatchRowsT<1>(kc, a, mr, b, c, ldc, nc, bias, ep);
}

}  // namespace eqw::kernels::avx2

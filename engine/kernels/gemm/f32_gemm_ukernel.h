// Packed FP32 GEMM micro-kernels: C (row-major, vectors along its rows) = A * B, with A packed
// in panels of mr rows (a[p * mr + i]) and B in panels of nr columns (b[p * nr + j]).
// Convolutions use it with A = weights (packed once), B = activation columns (packed per call),
// C = the NCHW output (rows = output channels, columns = output pixels).
// Plain data and function pointers only: ISA translation units include this header.
#pragma once

#include "kernels/gemm/f32_epilogue.h"

#include <cstdint>

namespace eqw::kernels {

// c[i * ldc + j] = epilogue(bias[i] + sum_p a[p * mr + i] * b[p * nr + j]) for i < mr, j < nc.
// 1 <= mr <= F32GemmUkernels::mr; nc <= the panel width the function is made for; bias may be
// null (0). Panels are 64-byte aligned; columns of b past nc are zero (their results are not stored).
using F32GemmTileFn = void (*)(int64_t kc, const float* a, int mr, const float* b, float* c, int64_t ldc,
                               int nc, const float* bias, const F32Epilogue& ep);

// The transposed tile (for outputs with few pixels): a holds mr pixels per k (packed
// activations), b nr output channels per k (packed weights); bias is per column (channel), and
// the tile is stored transposed, c[j * ldc + i] = epilogue(bias[j] + sum_p a[p * mr + i] *
// b[p * nr + j]), so vectors run along the channels while the output stays NCHW.
// (Same signature as F32GemmTileFn.)

// Matrix-vector product for InnerProduct: y[i] = epilogue(bias[i] + sum_p w[i * k + p] * x[p])
// for i < m; w row-major (the layout of the node's weights), bias may be null.
using F32GemvFn = void (*)(int64_t m, int64_t k, const float* w, const float* x, const float* bias, float* y,
                           const F32Epilogue& ep);

struct F32GemmUkernels {
  const char* name;           // "f32_gemm_12x32_avx512"
  int mr;                     // rows of an A panel
  int nr;                     // columns of a wide B panel
  int nrNarrow;               // columns of a narrow B panel (tails of at most nrNarrow columns)
  F32GemmTileFn tile;         // for wide panels
  F32GemmTileFn tileNarrow;   // for narrow panels
  F32GemmTileFn tileT;        // transposed tile, wide weight panels
  F32GemmTileFn tileTNarrow;  // transposed tile, narrow weight panels
  F32GemvFn gemv;
};

// The ISA variants (one object library per ISA); fast.cpp assembles the tables.
namespace avx512 {
void f32_gemm_12x32_avx512(int64_t kc, const float* a, int mr, const float* b, float* c, int64_t ldc, int nc,
                           const float* bias, const F32Epilogue& ep);
void f32_gemm_12x16_avx512(int64_t kc, const float* a, int mr, const float* b, float* c, int64_t ldc, int nc,
                           const float* bias, const F32Epilogue& ep);
void f32_gemm_t_12x32_avx512(int64_t kc, const float* a, int mr, const float* b, float* c, int64_t ldc, int nc,
                             const float* bias, const F32Epilogue& ep);
void f32_gemm_t_12x16_avx512(int64_t kc, const float* a, int mr, const float* b, float* c, int64_t ldc, int nc,
                             const float* bias, const F32Epilogue& ep);
void f32_gemv_4rows_avx512(int64_t m, int64_t k, const float* w, const float* x, const float* bias, float* y,
                           const F32Epilogue& ep);
}  // namespace avx512
namespace avx2 {
void f32_gemm_6x16_avx2(int64_t kc, const float* a, int mr, const float* b, float* c, int64_t ldc, int nc,
                        const float* bias, const F32Epilogue& ep);
void f32_gemm_6x8_avx2(int64_t kc, const float* a, int mr, const float* b, float* c, int64_t ldc, int nc,
                       const float* bias, const F32Epilogue& ep);
void f32_gemm_t_6x16_avx2(int64_t kc, const float* a, int mr, const float* b, float* c, int64_t ldc, int nc,
                          const float* bias, const F32Epilogue& ep);
void f32_gemm_t_6x8_avx2(int64_t kc, const float* a, int mr, const float* b, float* c, int64_t ldc, int nc,
                         const float* bias, const F32Epilogue& ep);
void f32_gemv_4rows_avx2(int64_t m, int64_t k, const float* w, const float* x, const float* bias, float* y,
                         const F32Epilogue& ep);
}  // namespace avx2

}  // namespace eqw::kernels

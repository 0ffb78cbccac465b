// Winograd F(4x4, 3x3) micro-kernels (Lavin & Gray's matrices). Internally the data is
// channel-blocked (vectors run along channels, V = floats per register), so the transforms
// need no gathers and use every lane whatever the plane size; the NCHW <-> blocked
// conversions are 16x16 in-register transposes fused into the first and last step.
// Plain data and function declarations only: ISA translation units include this header.
#pragma once

#include "kernels/gemm/f32_epilogue.h"

#include <cstdint>

namespace eqw::kernels {

struct F32WinogradGeom {
  int64_t c = 0, h = 0, w = 0;        // input channels and plane
  int64_t oc = 0, oh = 0, ow = 0;     // output channels and plane
  int64_t cPad = 0, ocPad = 0;        // channels rounded up to the vector width
  int64_t tilesY = 0, tilesX = 0;     // 4x4 output tiles
  int64_t hp = 0, wp = 0;             // blocked input plane: 4 * tiles + 2 (covers every 6x6 window)
  int padTop = 0, padLeft = 0;        // where the input's (0, 0) lands in the blocked plane
};

// Copies rows [y0, y1) of every channel of x (NCHW) into the blocked input xb
// ([cPad / V][hp][wp][V]) at (padTop + y, padLeft + x). The border is left as it is.
using F32WgPackInputFn = void (*)(const F32WinogradGeom& g, const float* x, float* xb, int64_t y0, int64_t y1);

// Transforms tiles [t0, t1) (t = ty * tilesX + tx): v[(xi * T + t) * cPad + c] = (B^T d B)[xi]
// for each channel, xi = 6 * row + column of the 6x6 transform, T = tilesY * tilesX.
using F32WgInputTransformFn = void (*)(const F32WinogradGeom& g, const float* xb, float* v, int64_t t0, int64_t t1);

// For tile rows [ty0, ty1): y = epilogue(bias + A^T m A) into the NCHW output, clipped to the
// plane; m[(xi * T + t) * ocPad + oc] are the GEMM results, bias may be null.
using F32WgOutputTransformFn = void (*)(const F32WinogradGeom& g, const float* m, const float* bias,
                                        const F32Epilogue& ep, float* y, int64_t ty0, int64_t ty1);

// GEMM tile with strided A rows and no epilogue: c[i * ldc + j] = sum_p a[i * lda + p] *
// b[p * nr + j] for i < mr, j < nc (b packed in panels of nr columns as in F32GemmTileFn).
using F32GemmRowsFn = void (*)(int64_t kc, const float* a, int64_t lda, int mr, const float* b, float* c,
                               int64_t ldc, int nc);

namespace avx512 {
void f32_wg43_pack_input_avx512(const F32WinogradGeom& g, const float* x, float* xb, int64_t y0, int64_t y1);
void f32_wg43_input_transform_avx512(const F32WinogradGeom& g, const float* xb, float* v, int64_t t0, int64_t t1);
void f32_wg43_output_transform_avx512(const F32WinogradGeom& g, const float* m, const float* bias,
                                      const F32Epilogue& ep, float* y, int64_t ty0, int64_t ty1);
void f32_gemm_rows_12x32_avx512(int64_t kc, const float* a, int64_t lda, int mr, const float* b, float* c,
                                int64_t ldc, int nc);
void f32_gemm_rows_12x16_avx512(int64_t kc, const float* a, int64_t lda, int mr, const float* b, float* c,
                                int64_t ldc, int nc);
}  // namespace avx512

}  // namespace eqw::kernels

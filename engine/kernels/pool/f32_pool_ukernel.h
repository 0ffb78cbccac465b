// Pooling micro-kernels over a padded plane (the driver fills the padding with -inf for max
// and 0 for average pooling), plus whole-plane reductions for global pooling.
// Plain data and function declarations only: ISA translation units include this header.
#pragma once

#include "kernels/conv/f32_conv_ukernel.h"

#include <cstdint>

namespace eqw::kernels {

// y[oy * ow + ox] = max over the window at (oy * sh, ox * sw) of x (g.dh = g.dw = 1).
using F32MaxPoolPlaneFn = void (*)(const F32ConvGeom& g, const float* x, float* y);
// y[oy * ow + ox] = sum over the window * invCount[oy * ow + ox].
using F32AvgPoolPlaneFn = void (*)(const F32ConvGeom& g, const float* x, const float* invCount, float* y);
// Sum or maximum of x[0, n), n >= 1.
using F32ReduceFn = float (*)(const float* x, int64_t n);

namespace avx512 {
void f32_maxpool_avx512(const F32ConvGeom& g, const float* x, float* y);
void f32_avgpool_avx512(const F32ConvGeom& g, const float* x, const float* invCount, float* y);
float f32_reduce_sum_avx512(const float* x, int64_t n);
float f32_reduce_max_avx512(const float* x, int64_t n);
}  // namespace avx512
namespace avx2 {
void f32_maxpool_avx2(const F32ConvGeom& g, const float* x, float* y);
void f32_avgpool_avx2(const F32ConvGeom& g, const float* x, const float* invCount, float* y);
float f32_reduce_sum_avx2(const float* x, int64_t n);
float f32_reduce_max_avx2(const float* x, int64_t n);
}  // namespace avx2

}  // namespace eqw::kernels

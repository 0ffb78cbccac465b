// Convolution micro-kernels: implicit-im2col packing of GEMM B panels and depthwise planes.
// They read a padded input (the driver pads once per call), so they never test bounds.
// Plain data and function declarations only: ISA translation units include this header.
#pragma once

#include "kernels/gemm/f32_epilogue.h"

#include <cstdint>

namespace eqw::kernels {

// One group's convolution geometry over a padded input.
struct F32ConvGeom {
  int64_t channels = 0;   // input channels of the group (planes of ih * iw floats, back to back)
  int64_t ih = 0, iw = 0; // padded input plane; iw is also the row stride
  int64_t oh = 0, ow = 0; // output plane
  int kh = 1, kw = 1, sh = 1, sw = 1, dh = 1, dw = 1;
};

// Packs columns [n0, n0 + nc) of the implicit im2col matrix of x (row k = (c * kh + ky) * kw + kx,
// column n = oy * ow + ox) into out[k * nw + j]; columns nc <= j < nw are zero. nw <= 64.
using F32Im2colPackFn = void (*)(const F32ConvGeom& g, const float* x, int64_t n0, int nc, int nw, float* out);

// One depthwise output plane: y[oy * ow + ox] = epilogue(bias + sum_{ky,kx} w[ky * kw + kx] *
// x[(oy * sh + ky * dh) * iw + ox * sw + kx * dw]); g.channels is ignored.
using F32DwConvPlaneFn = void (*)(const F32ConvGeom& g, const float* x, const float* w, float bias, float* y,
                                  const F32Epilogue& ep);

// The same plane read straight from the unpadded input (g.ih x g.iw) with zero padding implied
// by masked loads, so no padded copy is made; computes two output rows per pass so that they
// share their input rows. Returns false, doing nothing, for kernels it does not cover (only
// 3x3 and 5x5, stride 1 or 2, dilation 1).
using F32DwConvDirectFn = bool (*)(const F32ConvGeom& g, int padTop, int padLeft, const float* x, const float* w,
                                   float bias, float* y, const F32Epilogue& ep);

// Depthwise convolution of a block of `channels` (<= the vector width) consecutive channels with
// vectors along the channels: the block is transposed into a channel-blocked padded buffer
// (scratch, `scratchFloats` of it given), convolved with aligned loads, and transposed back.
// For small planes (7x7, 14x14), where vectors along a row would leave lanes empty. g is the
// unpadded geometry; x and y point at the block's first plane; w holds kh * kw taps per channel,
// bias one value per channel (or null). Returns false, doing nothing, when the scratch is too small.
using F32DwConvBlockedFn = bool (*)(const F32ConvGeom& g, const int* pads, float padValue, int channels,
                                    const float* x, const float* w, const float* bias, float* y,
                                    const F32Epilogue& ep, float* scratch, int64_t scratchFloats);

namespace avx512 {
bool f32_dwconv_blocked_avx512(const F32ConvGeom& g, const int* pads, float padValue, int channels, const float* x,
                               const float* w, const float* bias, float* y, const F32Epilogue& ep, float* scratch,
                               int64_t scratchFloats);
bool f32_dwconv_direct_avx512(const F32ConvGeom& g, int padTop, int padLeft, const float* x, const float* w,
                              float bias, float* y, const F32Epilogue& ep);
void f32_im2col_pack_avx512(const F32ConvGeom& g, const float* x, int64_t n0, int nc, int nw, float* out);
void f32_dwconv_avx512(const F32ConvGeom& g, const float* x, const float* w, float bias, float* y,
                       const F32Epilogue& ep);
}  // namespace avx512
namespace avx2 {
void f32_im2col_pack_avx2(const F32ConvGeom& g, const float* x, int64_t n0, int nc, int nw, float* out);
void f32_dwconv_avx2(const F32ConvGeom& g, const float* x, const float* w, float bias, float* y,
                     const F32Epilogue& ep);
}  // namespace avx2

}  // namespace eqw::kernels

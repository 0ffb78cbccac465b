// Depthwise convolution of one padded plane, AVX2: vectors run along the output row (8 pixels
// per ymm, two chains per step); kernels 3x3 and 5x5 (dilation 1) are unrolled.
#include "kernels/conv/f32_conv_ukernel.h"
#include "kernels/conv/x86/avx2/f32_conv_load_avx2.h"

#include <immintrin.h>

namespace eqw::kernels::avx2 {
namespace {

inline void storeOut(float* y, __m256 acc, int lanes, const F32Epilogue& ep) {
  applyEpilogue<1>(&acc, ep);
  storeLanes(y, acc, lanes);
}

template <int KH, int KW, int SW>
void dwPlaneFixed(const F32ConvGeom& g, const float* x, const float* w, float bias, float* y, const F32Epilogue& ep) {
  __m256 wv[KH * KW];
  for (int t = 0; t < KH * KW; ++t) wv[t] = _mm256_set1_ps(w[t]);
  const __m256 b = _mm256_set1_ps(bias);
  const int64_t ow = g.ow;
  for (int64_t oy = 0; oy < g.oh; ++oy) {
    const float* row = x + oy * g.sh * g.iw;
    float* out = y + oy * ow;
    int64_t ox = 0;
    for (; ox + 16 <= ow; ox += 16) {
      __m256 acc0 = b, acc1 = b;
#pragma GCC unroll 8
      for (int ky = 0; ky < KH; ++ky) {
        const float* r = row + ky * g.iw + ox * SW;
#pragma GCC unroll 8
        for (int kx = 0; kx < KW; ++kx) {
          acc0 = _mm256_fmadd_ps(wv[ky * KW + kx], loadStrided<SW>(r + kx, 8), acc0);
          acc1 = _mm256_fmadd_ps(wv[ky * KW + kx], loadStrided<SW>(r + kx + 8 * SW, 8), acc1);
        }
      }
      storeOut(out + ox, acc0, 8, ep);
      storeOut(out + ox + 8, acc1, 8, ep);
    }
    for (; ox < ow; ox += 8) {
      const int lanes = static_cast<int>(ow - ox < 8 ? ow - ox : 8);
      __m256 acc = b;
#pragma GCC unroll 8
      for (int ky = 0; ky < KH; ++ky) {
        const float* r = row + ky * g.iw + ox * SW;
#pragma GCC unroll 8
        for (int kx = 0; kx < KW; ++kx) acc = _mm256_fmadd_ps(wv[ky * KW + kx], loadStrided<SW>(r + kx, lanes), acc);
      }
      storeOut(out + ox, acc, lanes, ep);
    }
  }
}

template <int SW>
void dwPlaneGeneric(const F32ConvGeom& g, const float* x, const float* w, float bias, float* y, const F32Epilogue& ep) {
  for (int64_t oy = 0; oy < g.oh; ++oy) {
    const float* row = x + oy * g.sh * g.iw;
    for (int64_t ox = 0; ox < g.ow; ox += 8) {
      const int lanes = static_cast<int>(g.ow - ox < 8 ? g.ow - ox : 8);
      __m256 acc = _mm256_set1_ps(bias);
      for (int ky = 0; ky < g.kh; ++ky) {
        const float* r = row + ky * g.dh * g.iw + ox * SW;
        for (int kx = 0; kx < g.kw; ++kx)
          acc = _mm256_fmadd_ps(_mm256_set1_ps(w[ky * g.kw + kx]), loadStrided<SW>(r + kx * g.dw, lanes), acc);
      }
      storeOut(y + oy * g.ow + ox, acc, lanes, ep);
    }
  }
}

void dwPlaneScalarStride(const F32ConvGeom& g, const float* x, const float* w, float bias, float* y,
                         const F32Epilogue& ep) {
  for (int64_t oy = 0; oy < g.oh; ++oy) {
    for (int64_t ox = 0; ox < g.ow; ox += 8) {
      const int lanes = static_cast<int>(g.ow - ox < 8 ? g.ow - ox : 8);
      alignas(32) float tmp[8] = {};
      for (int l = 0; l < lanes; ++l) {
        float s = bias;
        for (int ky = 0; ky < g.kh; ++ky)
          for (int kx = 0; kx < g.kw; ++kx)
            s += w[ky * g.kw + kx] * x[(oy * g.sh + ky * g.dh) * g.iw + (ox + l) * g.sw + kx * g.dw];
        tmp[l] = s;
      }
      storeOut(y + oy * g.ow + ox, _mm256_load_ps(tmp), lanes, ep);
    }
  }
}

}  // namespace

void f32_dwconv_avx2(const F32ConvGeom& g, const float* x, const float* w, float bias, float* y,
                     const F32Epilogue& ep) {
  const bool dil1 = g.dh == 1 && g.dw == 1;
  if (dil1 && g.kh == 3 && g.kw == 3 && g.sw == 1) return dwPlaneFixed<3, 3, 1>(g, x, w, bias, y, ep);
  if (dil1 && g.kh == 3 && g.kw == 3 && g.sw == 2) return dwPlaneFixed<3, 3, 2>(g, x, w, bias, y, ep);
  if (dil1 && g.kh == 5 && g.kw == 5 && g.sw == 1) return dwPlaneFixed<5, 5, 1>(g, x, w, bias, y, ep);
  if (dil1 && g.kh == 5 && g.kw == 5 && g.sw == 2) return dwPlaneFixed<5, 5, 2>(g, x, w, bias, y, ep);
  if (g.sw == 1) return dwPlaneGeneric<1>(g, x, w, bias, y, ep);
  if (g.sw == 2) return dwPlaneGeneric<2>(g, x, w, bias, y, ep);
  dwPlaneScalarStride(g, x, w, bias, y, ep);
}

}  // namespace eqw::kernels::avx2

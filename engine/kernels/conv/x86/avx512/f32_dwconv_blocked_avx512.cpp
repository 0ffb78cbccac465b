// Depthwise convolution with vectors along 16 channels, for small planes: every lane is used
// whatever the plane width, loads are aligned, and a row of R output pixels shares its input
// vectors across the kernel columns. NCHW <-> blocked by 16x16 in-register transposes.
#include "kernels/conv/f32_conv_ukernel.h"
#include "kernels/gemm/x86/avx512/f32_epilogue_avx512.h"
#include "kernels/gemm/x86/avx512/f32_transpose_avx512.h"

#include <immintrin.h>

namespace eqw::kernels::avx512 {
namespace {

constexpr int kV = 16;

// Fills the blocked padded plane xb ([ih + pads][iw + pads][16]) from `channels` NCHW planes.
void packBlocked(const F32ConvGeom& g, const int* pads, float padValue, int channels, const float* x, float* xb,
                 int64_t bw) {
  const int64_t bh = g.ih + pads[0] + pads[2];
  const __m512 fill = _mm512_set1_ps(padValue);
  for (int64_t i = 0; i < bh * bw; ++i) _mm512_store_ps(xb + i * kV, fill);
  const int64_t plane = g.ih * g.iw;
  for (int64_t yy = 0; yy < g.ih; ++yy) {
    float* dst = xb + ((yy + pads[0]) * bw + pads[1]) * kV;
    for (int64_t x0 = 0; x0 < g.iw; x0 += kV) {
      const int lanes = static_cast<int>(g.iw - x0 < kV ? g.iw - x0 : kV);
      const __mmask16 m = tailMask(lanes);
      __m512 r[16];
#pragma GCC unroll 16
      for (int c = 0; c < 16; ++c)
        r[c] = c < channels ? _mm512_maskz_loadu_ps(m, x + c * plane + yy * g.iw + x0) : _mm512_setzero_ps();
      transpose16x16(r);
      for (int l = 0; l < lanes; ++l) _mm512_store_ps(dst + (x0 + l) * kV, r[l]);
    }
  }
}

// R output pixels of one row (ox0 .. ox0 + R) into px[0 .. R).
template <int K, int S, int R>
inline void rowStep(const float* xb, int64_t bw, int64_t oy, int64_t ox0, const __m512* wv, __m512 bias, __m512* px) {
  __m512 acc[R];
#pragma GCC unroll 16
  for (int r = 0; r < R; ++r) acc[r] = bias;
#pragma GCC unroll 8
  for (int ky = 0; ky < K; ++ky) {
    const float* row = xb + ((oy * S + ky) * bw + ox0 * S) * kV;
    __m512 in[(R - 1) * S + K];
#pragma GCC unroll 32
    for (int i = 0; i < (R - 1) * S + K; ++i) in[i] = _mm512_load_ps(row + i * kV);
#pragma GCC unroll 8
    for (int kx = 0; kx < K; ++kx) {
#pragma GCC unroll 16
      for (int r = 0; r < R; ++r) acc[r] = _mm512_fmadd_ps(wv[ky * K + kx], in[r * S + kx], acc[r]);
    }
  }
#pragma GCC unroll 16
  for (int r = 0; r < R; ++r) px[r] = acc[r];
}

template <int K, int S>
void convolveBlocked(const F32ConvGeom& g, int channels, const float* xb, int64_t bw, const float* w,
                     const float* bias, float* y, const F32Epilogue& ep) {
  __m512 wv[K * K];
  for (int t = 0; t < K * K; ++t) {
    alignas(64) float lanes[16] = {};
    for (int c = 0; c < channels; ++c) lanes[c] = w[c * K * K + t];
    wv[t] = _mm512_load_ps(lanes);
  }
  const __m512 b = bias ? _mm512_maskz_loadu_ps(tailMask(channels), bias) : _mm512_setzero_ps();
  const int64_t plane = g.oh * g.ow;
  for (int64_t oy = 0; oy < g.oh; ++oy) {
    for (int64_t ox0 = 0; ox0 < g.ow; ox0 += 16) {
      const int lanes = static_cast<int>(g.ow - ox0 < 16 ? g.ow - ox0 : 16);
      __m512 px[16];
#pragma GCC unroll 16
      for (int i = 0; i < 16; ++i) px[i] = _mm512_setzero_ps();
      // Steps of 8, 7 (rows of 7 and 14), 4, 2, 1 pixels: wide steps share input vectors.
      int done = 0;
      for (; done + 8 <= lanes; done += 8) rowStep<K, S, 8>(xb, bw, oy, ox0 + done, wv, b, px + done);
      if (done + 7 <= lanes) rowStep<K, S, 7>(xb, bw, oy, ox0 + done, wv, b, px + done), done += 7;
      if (done + 4 <= lanes) rowStep<K, S, 4>(xb, bw, oy, ox0 + done, wv, b, px + done), done += 4;
      if (done + 2 <= lanes) rowStep<K, S, 2>(xb, bw, oy, ox0 + done, wv, b, px + done), done += 2;
      if (done < lanes) rowStep<K, S, 1>(xb, bw, oy, ox0 + done, wv, b, px + done);
      applyEpilogue<16>(px, ep);
      transpose16x16(px);
      const __mmask16 m = tailMask(lanes);
      for (int c = 0; c < channels; ++c) _mm512_mask_storeu_ps(y + c * plane + oy * g.ow + ox0, m, px[c]);
    }
  }
}

}  // namespace

bool f32_dwconv_blocked_avx512(const F32ConvGeom& g, const int* pads, float padValue, int channels, const float* x,
                               const float* w, const float* bias, float* y, const F32Epilogue& ep, float* scratch,
                               int64_t scratchFloats) {
  if (g.dh != 1 || g.dw != 1 || g.kh != g.kw || g.sh != g.sw || channels < 1 || channels > kV) return false;
  if (!(g.kh == 3 || g.kh == 5) || !(g.sw == 1 || g.sw == 2)) return false;
  const int64_t bw = g.iw + pads[1] + pads[3];
  const int64_t bh = g.ih + pads[0] + pads[2];
  if (bh * bw * kV > scratchFloats) return false;
  packBlocked(g, pads, padValue, channels, x, scratch, bw);
  if (g.kh == 3 && g.sw == 1) convolveBlocked<3, 1>(g, channels, scratch, bw, w, bias, y, ep);
  else if (g.kh == 3) convolveBlocked<3, 2>(g, channels, scratch, bw, w, bias, y, ep);
  else if (g.sw == 1) convolveBlocked<5, 1>(g, channels, scratch, bw, w, bias, y, ep);
  else convolveBlocked<5, 2>(g, channels, scratch, bw, w, bias, y, ep);
  return true;
}

}  // namespace eqw::kernels::avx512

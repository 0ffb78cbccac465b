// Winograd F(4x4, 3x3), AVX-512: channel-blocked transforms (16 channels per zmm) and the
// fused NCHW <-> blocked conversions (16x16 in-register transposes).
#include "kernels/conv/f32_winograd_ukernel.h"
#include "kernels/gemm/x86/avx512/f32_epilogue_avx512.h"
#include "kernels/gemm/x86/avx512/f32_transpose_avx512.h"

#include <immintrin.h>

namespace eqw::kernels::avx512 {
namespace {

constexpr int kV = 16;

// t = B^T d for one 6-vector (Lavin & Gray F(4, 3)):
//   t0 = 4 d0 - 5 d2 + d4          t3 = (d4 - d2) + 2 (d3 - d1)
//   t1 = (d3 + d4) - 4 (d1 + d2)   t4 = (d4 - d2) - 2 (d3 - d1)
//   t2 = (d4 - d3) + 4 (d1 - d2)   t5 = 4 d1 - 5 d3 + d5
inline void inputRows(const __m512* d, __m512* t) {
  const __m512 four = _mm512_set1_ps(4.f), five = _mm512_set1_ps(5.f), two = _mm512_set1_ps(2.f);
  t[0] = _mm512_fnmadd_ps(five, d[2], _mm512_fmadd_ps(four, d[0], d[4]));
  t[1] = _mm512_fnmadd_ps(four, _mm512_add_ps(d[1], d[2]), _mm512_add_ps(d[3], d[4]));
  t[2] = _mm512_fmadd_ps(four, _mm512_sub_ps(d[1], d[2]), _mm512_sub_ps(d[4], d[3]));
  const __m512 m42 = _mm512_sub_ps(d[4], d[2]), m31 = _mm512_sub_ps(d[3], d[1]);
  t[3] = _mm512_fmadd_ps(two, m31, m42);
  t[4] = _mm512_fnmadd_ps(two, m31, m42);
  t[5] = _mm512_fnmadd_ps(five, d[3], _mm512_fmadd_ps(four, d[1], d[5]));
}

// y = A^T m for one 6-vector:
//   y0 = m0 + (m1 + m2) + (m3 + m4)    y2 = (m1 + m2) + 4 (m3 + m4)
//   y1 = (m1 - m2) + 2 (m3 - m4)       y3 = (m1 - m2) + 8 (m3 - m4) + m5
inline void outputRows(const __m512* m, __m512* y) {
  const __m512 s12 = _mm512_add_ps(m[1], m[2]), d12 = _mm512_sub_ps(m[1], m[2]);
  const __m512 s34 = _mm512_add_ps(m[3], m[4]), d34 = _mm512_sub_ps(m[3], m[4]);
  y[0] = _mm512_add_ps(_mm512_add_ps(m[0], s12), s34);
  y[1] = _mm512_fmadd_ps(_mm512_set1_ps(2.f), d34, d12);
  y[2] = _mm512_fmadd_ps(_mm512_set1_ps(4.f), s34, s12);
  y[3] = _mm512_add_ps(_mm512_fmadd_ps(_mm512_set1_ps(8.f), d34, d12), m[5]);
}

// One tile, one block of 16 channels: 36 loads, B^T d B, 36 stores (stride `xiStride` floats).
inline void inputTile(const float* d0, int64_t wp, float* out, int64_t xiStride) {
  __m512 rows[6][6];
#pragma GCC unroll 6
  for (int i = 0; i < 6; ++i) {
    __m512 d[6];
#pragma GCC unroll 6
    for (int j = 0; j < 6; ++j) d[j] = _mm512_loadu_ps(d0 + (i * wp + j) * kV);
    inputRows(d, rows[i]);
  }
#pragma GCC unroll 6
  for (int k = 0; k < 6; ++k) {
    __m512 col[6], t[6];
#pragma GCC unroll 6
    for (int i = 0; i < 6; ++i) col[i] = rows[i][k];
    inputRows(col, t);
#pragma GCC unroll 6
    for (int r = 0; r < 6; ++r) _mm512_storeu_ps(out + (r * 6 + k) * xiStride, t[r]);
  }
}

// One tile, one block of 16 output channels: 36 loads, A^T m A, bias, activation; the 16 output
// pixels (4 rows x 4 columns) go to px[i * 4 + j] (vectors over channels).
inline void outputTile(const float* m, int64_t xiStride, __m512 bias, const F32Epilogue& ep, __m512* px) {
  __m512 cols[4][6];
#pragma GCC unroll 6
  for (int j = 0; j < 6; ++j) {
    __m512 v[6], y[4];
#pragma GCC unroll 6
    for (int i = 0; i < 6; ++i) v[i] = _mm512_loadu_ps(m + (i * 6 + j) * xiStride);
    outputRows(v, y);
#pragma GCC unroll 4
    for (int i = 0; i < 4; ++i) cols[i][j] = y[i];
  }
#pragma GCC unroll 4
  for (int i = 0; i < 4; ++i) {
    __m512 y[4];
    outputRows(cols[i], y);
#pragma GCC unroll 4
    for (int j = 0; j < 4; ++j) y[j] = _mm512_add_ps(y[j], bias);
    applyEpilogue<4>(y, ep);
#pragma GCC unroll 4
    for (int j = 0; j < 4; ++j) px[i * 4 + j] = y[j];
  }
}

}  // namespace

void f32_wg43_pack_input_avx512(const F32WinogradGeom& g, const float* x, float* xb, int64_t y0, int64_t y1) {
  const int64_t plane = g.h * g.w, blockPlane = g.hp * g.wp * kV;
  for (int64_t cb = 0; cb < g.cPad / kV; ++cb) {
    const int channels = static_cast<int>(g.c - cb * kV < kV ? g.c - cb * kV : kV);
    for (int64_t y = y0; y < y1; ++y) {
      float* dst = xb + cb * blockPlane + ((y + g.padTop) * g.wp + g.padLeft) * kV;
      const float* src = x + (cb * kV * g.h + y) * g.w;
      for (int64_t x0 = 0; x0 < g.w; x0 += kV) {
        const int lanes = static_cast<int>(g.w - x0 < kV ? g.w - x0 : kV);
        const __mmask16 m = tailMask(lanes);
        __m512 r[16];
#pragma GCC unroll 16
        for (int l = 0; l < 16; ++l) r[l] = l < channels ? _mm512_maskz_loadu_ps(m, src + l * plane + x0) : _mm512_setzero_ps();
        transpose16x16(r);
        for (int l = 0; l < lanes; ++l) _mm512_storeu_ps(dst + (x0 + l) * kV, r[l]);
      }
    }
  }
}

void f32_wg43_input_transform_avx512(const F32WinogradGeom& g, const float* xb, float* v, int64_t t0, int64_t t1) {
  const int64_t tiles = g.tilesY * g.tilesX, xiStride = tiles * g.cPad, blockPlane = g.hp * g.wp * kV;
  for (int64_t t = t0; t < t1; ++t) {
    const int64_t ty = t / g.tilesX, tx = t % g.tilesX;
    for (int64_t cb = 0; cb < g.cPad / kV; ++cb) {
      const float* d0 = xb + cb * blockPlane + (4 * ty * g.wp + 4 * tx) * kV;
      inputTile(d0, g.wp, v + t * g.cPad + cb * kV, xiStride);
    }
  }
}

void f32_wg43_output_transform_avx512(const F32WinogradGeom& g, const float* m, const float* bias,
                                      const F32Epilogue& ep, float* y, int64_t ty0, int64_t ty1) {
  const int64_t tiles = g.tilesY * g.tilesX, xiStride = tiles * g.ocPad, plane = g.oh * g.ow;
  for (int64_t ty = ty0; ty < ty1; ++ty) {
    // Four tiles side by side give 16 output columns: one transpose per output row.
    for (int64_t tx0 = 0; tx0 < g.tilesX; tx0 += 4) {
      const int ntiles = static_cast<int>(g.tilesX - tx0 < 4 ? g.tilesX - tx0 : 4);
      const int cols = static_cast<int>(g.ow - 4 * tx0 < 16 ? g.ow - 4 * tx0 : 16);
      const __mmask16 colMask = tailMask(cols);
      for (int64_t ob = 0; ob < g.ocPad / kV; ++ob) {
        const int channels = static_cast<int>(g.oc - ob * kV < kV ? g.oc - ob * kV : kV);
        const __m512 b = bias ? _mm512_maskz_loadu_ps(tailMask(channels), bias + ob * kV) : _mm512_setzero_ps();
        alignas(64) __m512 px[4 * 16];
        for (int i = 0; i < 4 * 16; ++i) px[i] = _mm512_setzero_ps();
        for (int k = 0; k < ntiles; ++k) {
          const int64_t t = ty * g.tilesX + tx0 + k;
          __m512 tile[16];
          outputTile(m + t * g.ocPad + ob * kV, xiStride, b, ep, tile);
          for (int i = 0; i < 4; ++i)
            for (int j = 0; j < 4; ++j) px[i * 16 + 4 * k + j] = tile[i * 4 + j];
        }
        for (int i = 0; i < 4; ++i) {
          const int64_t oy = 4 * ty + i;
          if (oy >= g.oh) break;
          transpose16x16(px + i * 16);
          float* dst = y + (ob * kV * g.oh + oy) * g.ow + 4 * tx0;
          for (int l = 0; l < channels; ++l) _mm512_mask_storeu_ps(dst + l * plane, colMask, px[i * 16 + l]);
        }
      }
    }
  }
}

}  // namespace eqw::kernels::avx512

// The element-wise ends of the integer convolution — quantizing the input row into shifted bytes
// and dequantizing int32 sums into floats with the fused activation — as plain loops the compiler
// vectorizes for the ISA of the one file that includes this (anonymous namespace: no AVX code
// leaks into weaker files). They compute the bits of q8::quantize and q8::dequantize:
//  - round half away from zero after the clamp equals it before the clamp (the bounds are
//    integers), and once |v| <= qmax trunc(v + copysign(0.49999997, v)) is std::round (the
//    argument in x86/q8_dw_zmm.h); NaN becomes 0;
//  - std::fma rounds once, like the reference; ReLU and Clip use the reference's comparisons, so
//    even the sign of a zero matches.
#pragma once

#include <cmath>
#include <cstdint>

namespace eqw::kernels::q8 {
namespace {

void quantizeRowImpl(const float* x, int64_t n, float scale, float lo, float hi, int32_t shift, uint8_t* out) {
  for (int64_t i = 0; i < n; ++i) {
    float v = x[i] * scale;
    v = v == v ? v : 0.f;
    v = v < lo ? lo : v;
    v = v > hi ? hi : v;
    // Round half away from zero as trunc(v + copysign(0.49999997, v)), exact for |v| < 2^22 (see
    // x86/q8_dw_zmm.h): fewer instructions per element than the integer part plus a test of the
    // fraction, which matters now that the int8 flow requantizes every integer layer's output.
    const int32_t t = static_cast<int32_t>(v + std::copysign(0.49999997f, v));
    out[i] = static_cast<uint8_t>(t + shift);
  }
}

// act: 0 none, 1 ReLU (x > 0 ? x : 0), 2 Clip (min(max(x, a), b) as std::min / std::max).
void dequantRowImpl(const int32_t* acc, int64_t n, int32_t correction, float deq, float bias, int act, float a, float b,
                    float* y) {
  if (act == 1) {
    for (int64_t i = 0; i < n; ++i) {
      const float v = std::fma(static_cast<float>(acc[i] - correction), deq, bias);
      y[i] = v > 0.f ? v : 0.f;
    }
  } else if (act == 2) {
    for (int64_t i = 0; i < n; ++i) {
      float v = std::fma(static_cast<float>(acc[i] - correction), deq, bias);
      v = v < a ? a : v;
      y[i] = b < v ? b : v;
    }
  } else {
    for (int64_t i = 0; i < n; ++i) y[i] = std::fma(static_cast<float>(acc[i] - correction), deq, bias);
  }
}

// One depthwise output plane in integers. planes holds the channel's input as int16 with the pad
// value around it, split by column phase for a horizontal stride sw: phase p (planeSize values,
// wq columns) holds padded columns p, p + sw, p + 2 sw ..., so every tap reads one contiguous run
// of a row. w holds the kh x kw weights; acc is scratch of owPad int32. Each output row is summed
// tap by tap over owPad columns (a multiple of 16, so no scalar remainder runs; the planes are wide
// enough, and the columns past ow are dropped), then its first ow columns are dequantized.
void dwPlaneImpl(const int16_t* planes, int64_t wq, int64_t planeSize, const int8_t* w, int kh, int kw, int sh, int sw,
                 int dh, int dw, int64_t oh, int64_t ow, int32_t* __restrict acc, float deq, float bias, int act, float a,
                 float b, float* y) {
  const int64_t owPad = (ow + 15) / 16 * 16;
  for (int64_t oy = 0; oy < oh; ++oy) {
    for (int64_t ox = 0; ox < owPad; ++ox) acc[ox] = 0;
    for (int ky = 0; ky < kh; ++ky)
      for (int kx = 0; kx < kw; ++kx) {
        const int64_t col = static_cast<int64_t>(kx) * dw;
        const int16_t* __restrict row = planes + (col % sw) * planeSize + (oy * sh + ky * dh) * wq + col / sw;
        const int32_t wv = w[ky * kw + kx];
        for (int64_t ox = 0; ox < owPad; ++ox) acc[ox] += wv * row[ox];
      }
    dequantRowImpl(acc, ow, 0, deq, bias, act, a, b, y + oy * ow);
  }
}

}  // namespace
}  // namespace eqw::kernels::q8

// The exported row functions of one ISA file: q8QuantizeRow<Suffix>, q8DequantRow<Suffix> and
// q8DwPlane<Suffix> (declared for the driver in q8_conv_gemm.cpp).
#define EQW_Q8_ROW_FUNCTIONS(Suffix)                                                                              \
  namespace eqw::kernels::q8 {                                                                                    \
  void q8QuantizeRow##Suffix(const float* x, int64_t n, float scale, float lo, float hi, int32_t shift, uint8_t* out) { \
    quantizeRowImpl(x, n, scale, lo, hi, shift, out);                                                             \
  }                                                                                                               \
  void q8DequantRow##Suffix(const int32_t* acc, int64_t n, int32_t correction, float deq, float bias, int act, float a, \
                            float b, float* y) {                                                                  \
    dequantRowImpl(acc, n, correction, deq, bias, act, a, b, y);                                                  \
  }                                                                                                               \
  void q8DwPlane##Suffix(const int16_t* planes, int64_t wq, int64_t planeSize, const int8_t* w, int kh, int kw, int sh, \
                         int sw, int dh, int dw, int64_t oh, int64_t ow, int32_t* acc, float deq, float bias, int act, \
                         float a, float b, float* y) {                                                            \
    dwPlaneImpl(planes, wq, planeSize, w, kh, kw, sh, sw, dh, dw, oh, ow, acc, deq, bias, act, a, b, y);          \
  }                                                                                                               \
  }

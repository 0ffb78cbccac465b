// The element-wise ends of the integer convolution — quantizing the input row into shifted bytes
// and dequantizing int32 sums into floats with the fused activation — as plain loops the compiler
// vectorizes for the ISA of the one file that includes this (anonymous namespace: no AVX code
// leaks into weaker files). They compute the bits of q8::quantize and q8::dequantize:
//  - round half away from zero after the clamp equals it before the clamp (the bounds are
//    integers), and once |v| <= qmax the integer part plus the half-away rule on the exact
//    fraction is std::round; NaN becomes 0;
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
    const int32_t t = static_cast<int32_t>(v);
    const float f = v - static_cast<float>(t);
    out[i] = static_cast<uint8_t>(t + (f >= 0.5f) - (f <= -0.5f) + shift);
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

}  // namespace
}  // namespace eqw::kernels::q8

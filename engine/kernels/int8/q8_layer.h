// Integer convolution / fully connected layers (NodeQuant, eqw/graph.h), the arithmetic ncnn's
// int8 layers use: the input quantized to a symmetric grid with round half away from zero and a
// clamp to +-qmax, int8 weights, int32 accumulation, dequantization in float, bias, activation.
// Shared by the scalar reference and the SIMD kernels, so they compute the same bits.
#pragma once

#include <eqw/graph.h>
#include <eqw/status.h>

#include <cmath>
#include <cstdint>
#include <vector>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace eqw::kernels::q8 {

// x on the grid: round(x * scale) half away from zero, clamped to [lo, qmax]; NaN gives 0 (an
// integer has no NaN; the fake-quant executor keeps it, which is the one place they differ).
inline int32_t quantize(float x, float scale, float lo, float hi) {
  float q = std::round(x * scale);
  q = q < lo ? lo : q > hi ? hi : q;
  return q == q ? static_cast<int32_t>(q) : 0;
}

// Everything a quantized layer needs, prepared once from the node (weights quantized here).
struct Q8Layer {
  bool conv = true;                 // Convolution (else InnerProduct)
  ConvParams p;                     // conv geometry (resolved pads)
  int64_t c = 0, h = 0, w = 0;      // input planes (InnerProduct: c = K, h = w = 1)
  int64_t oc = 0, oh = 1, ow = 1;   // output
  int64_t k = 0;                    // weights per output channel: (c / group) * kh * kw
  std::vector<int8_t> wq;           // [oc][k]
  std::vector<int32_t> wsum;        // per output channel: sum of wq (the +128 correction)
  std::vector<float> deq;           // 1 / (input_scale * weight_scale[o])
  std::vector<float> bias;          // [oc], zeros without a bias
  Activation act;
  float in_scale = 1.f;
  float in_lo = -127.f, in_hi = 127.f;  // the input grid's integer range
  int32_t pad_q = 0;                // the quantized pad value
  int bits = 8;
  // The int8 flow (NodeQuant::quantized_input, output_scale): the input tensor holds the grid's
  // integers (I8, or U8 on an unsigned grid); the output is written requantized onto the
  // consumers' grid [out_lo, out_hi] as bytes (int8 bits when out_lo < 0).
  bool in_q = false;
  bool out_q = false;
  float out_scale = 1.f, out_lo = -127.f, out_hi = 127.f;
  // Residual fusion (NodeQuant::residual_add): a second float input `other` of the output's
  // shape is added after act, y = res_relu ? relu(y + other) : y + other (the f32 Eltwise sum and
  // ReLU: x > 0 ? x : 0). Float output only.
  bool residual = false;
  bool res_relu = false;
  // The residual output's integer twin (NodeQuant::twin_scale): a second output of bytes,
  // quantize(y, twin_scale, twin_lo, twin_hi) of every float y written (int8 bits when twin_lo < 0).
  bool twin = false;
  float twin_scale = 1.f, twin_lo = -127.f, twin_hi = 127.f;
};

// y + other, then the residual ReLU, as the f32 Eltwise and activation kernels compute them.
inline float addResidual(const Q8Layer& l, float y, float other) {
  const float v = y + other;
  return l.res_relu ? (v > 0.f ? v : 0.f) : v;
}

// Errors name the node: bad scales, weight-scale counts, an op kind that is not quantizable.
Result<Q8Layer> prepareLayer(const Node& resolved, const Shape& in, const Shape& out);

// The quantized weights as panels of `rows` output channels x 4-deep k groups:
// [ceil(oc / rows)][ceil(k / 4)][rows][4], rows past oc and k past K zero (the GEMM and GEMV layout).
std::vector<int8_t> packWeightPanels(const Q8Layer& l, int64_t rows);

// y[o] from an int32 accumulator (no +128 shift left in it): act(acc * deq[o] + bias[o]), the
// multiply-add fused so that every kernel rounds once, as std::fma does.
inline float dequantize(const Q8Layer& l, int64_t o, int32_t acc) {
  return applyActivation(l.act, std::fma(static_cast<float>(acc), l.deq[o], l.bias[o]));
}

// y on the output grid as the consumer's quantize computes it, as the byte the flow stores.
inline uint8_t requantize(const Q8Layer& l, float y) {
  return static_cast<uint8_t>(quantize(y, l.out_scale, l.out_lo, l.out_hi));
}

// The tensor types a kernel of the layer reads and writes.
inline DType inputDType(const Q8Layer& l) { return !l.in_q ? DType::F32 : l.in_lo < 0.f ? DType::I8 : DType::U8; }
inline DType outputDType(const Q8Layer& l) { return !l.out_q ? DType::F32 : l.out_lo < 0.f ? DType::I8 : DType::U8; }
inline DType twinDType(const Q8Layer& l) { return l.twin_lo < 0.f ? DType::I8 : DType::U8; }

// An integer input (in_q) as bytes shifted by `shift` (128 makes a signed grid unsigned, as the
// row quantizer's shift does): out[i] = x[i] + shift, wrapping as the quantizer's bytes do.
// The shift is 0 or 128 (+128 wraps as a flip of the top bit); 16 bytes at a time, since -O2
// leaves byte loops scalar.
inline void shiftInputBytes(const uint8_t* x, int64_t n, int32_t shift, uint8_t* out) {
  const uint8_t s = static_cast<uint8_t>(shift);
  int64_t i = 0;
#if defined(__SSE2__)
  const __m128i v = _mm_set1_epi8(static_cast<char>(s));
  for (; i + 16 <= n; i += 16)
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i),
                     _mm_add_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(x + i)), v));
#endif
  for (; i < n; ++i) out[i] = static_cast<uint8_t>(x[i] + s);
}

// The activation code the SIMD row kernels fuse: 0 none, 1 ReLU, 2 Clip; -1 for the others, which
// the kernels apply after dequantizing (with applyActivation, as the reference does).
inline int rowActivation(const Activation& act) {
  switch (act.kind) {
    case ActKind::None: return 0;
    case ActKind::ReLU: return 1;
    case ActKind::Clip: return 2;
    default: return -1;
  }
}

}  // namespace eqw::kernels::q8

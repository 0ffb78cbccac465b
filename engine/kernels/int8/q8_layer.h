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
};

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

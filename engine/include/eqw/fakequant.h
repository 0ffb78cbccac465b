// The fake-quant model of a quantization spec: the FP32 graph with every quantized layer's
// weights replaced by their quantize-dequantize image and a FakeQuant node on its input. Run
// by the ordinary executor, it is the fast what-if path: what the integer engine will compute,
// to float rounding.
#pragma once

#include <eqw/graph.h>
#include <eqw/quant.h>
#include <eqw/status.h>
#include <eqw/tensor.h>

#include <cmath>

namespace eqw {

// q = clamp(round(x * scale), lo, qmax), x' = q / scale, half away from zero (ALGORITHMS.md §1).
inline float fakeQuantValue(float x, float scale, int qmaxValue, bool isUnsigned = false);

// A layer's weights on its spec's grid: effectiveWeightBits(lq) wide (qmax 31 for ncnn's 6-bit
// Winograd layers), per output channel, per group or per tensor thresholds; the bias stays float
// (as in ncnn). Errors name the layer.
Result<Tensor> fakeQuantWeights(const Node& node, const LayerQuant& lq);

// The input grid of a quantized layer: scale = qmax / threshold.
FakeQuantParams inputGrid(const LayerQuant& lq);

// The fake-quant graph. Value ids of `graph` keep their meaning (new values are appended), so a
// run's values compare with the FP32 run's by id. The spec is validated first. Fp32 layers and
// layers absent from the spec are left as they are; weight-only precisions get no input node.
Result<Graph> fakeQuantGraph(const Graph& graph, const QuantSpec& spec);

inline float fakeQuantValue(float x, float scale, int qmaxValue, bool isUnsigned) {
  const float q = std::round(x * scale);
  const float hi = static_cast<float>(qmaxValue), lo = isUnsigned ? 0.f : -hi;
  return (q < lo ? lo : q > hi ? hi : q) / scale;
}

}  // namespace eqw

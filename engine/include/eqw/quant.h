// The quantization spec: for every quantizable layer, its precision, how its weights are
// grouped, the activation grid it reads, the clipping thresholds and which method (or the user)
// set each of them. Scales are derived from thresholds (ALGORITHMS.md §1: scale = qmax / T), so
// switching bit width never needs new statistics.
#pragma once

#include <eqw/graph.h>
#include <eqw/status.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace eqw {

// Fp32: the layer is not quantized. Int8 / Int7: weights and input activations on a symmetric
// 8- / 7-bit grid (INT7 products fit vpmaddubsw without saturation). W6 / W5 / W4: weight-only
// quantization (the input stays float).
enum class Precision : uint8_t { Fp32, Int8, Int7, W6, W5, W4 };
const char* toString(Precision p);                       // "fp32", "int8", "int7", "w6", "w5", "w4"
std::optional<Precision> parsePrecision(std::string_view text);
int weightBits(Precision p);      // 0 for Fp32
int activationBits(Precision p);  // 0 when the input stays float (Fp32 and the weight-only widths)
// Largest grid value of a symmetric n-bit grid: 2^(n-1) - 1 (127, 63 ...); unsigned grids: 2^n - 1.
int qmax(int bits, bool isUnsigned = false);

enum class Granularity : uint8_t { PerTensor, PerChannel, PerGroup };
const char* toString(Granularity g);  // "per-tensor", "per-channel", "per-group"

// Where a threshold came from: a calibration method's name ("max", "kl", "eq" ...), "manual"
// for a user's override, "table" when read from an existing scale table.
struct Threshold {
  float value = 0.f;  // clipping threshold T > 0
  std::string method;
  bool operator==(const Threshold&) const = default;
};

struct LayerQuant {
  std::string layer;                               // node name: the key of the table lines
  Precision precision = Precision::Int8;
  Granularity weight_granularity = Granularity::PerChannel;
  bool unsigned_input = false;                     // input on [0, 2^n - 1] (it is never negative)
  Threshold input;                                 // the input activation (the layer's first input)
  std::vector<float> weight_thresholds;            // one per output channel, per group, or one
  std::string weight_method;
  // Weight grid width when it differs from the precision's (0: weightBits(precision)). ncnn's
  // int8 Winograd F(4,3) runs 3x3 stride-1 convolutions with 6-bit weights (scale 31 / T), so a
  // spec for an ncnn target marks those layers 6 to evaluate what ncnn will run.
  int weight_bits = 0;
  bool operator==(const LayerQuant&) const = default;
};

// The weight grid width a layer is quantized with: weight_bits when set, else weightBits(precision).
int effectiveWeightBits(const LayerQuant& lq);

struct QuantSpec {
  std::vector<LayerQuant> layers;  // quantizable layers in graph order
  const LayerQuant* find(std::string_view layer) const;
  LayerQuant* find(std::string_view layer);
  bool operator==(const QuantSpec&) const = default;
};

// Layers that ncnn (and our integer engine) quantize: Convolution (depthwise included) and
// InnerProduct. Deconvolution, MatMul and the rest stay float.
bool isQuantizable(const Node& node);

// Number of weight scales a layer has under a granularity: output channels, groups, or 1.
int64_t weightScaleCount(const Node& node, Granularity g);

// ncnn runs the int8 forward of this layer with Winograd F(4,3), which needs 6-bit weights:
// a Convolution with a 3x3 kernel, stride 1, dilation 1 and one group (ncnn2table's rule; it
// writes such layers' weight scales as 31 / T). The one definition: calibration, the table
// writer and the table reader all use it.
bool ncnnRunsWinograd(const Node& node);
inline constexpr int kNcnnWinogradWeightBits = 6;

// The weight_bits an ncnn target gives a layer at `precision`: kNcnnWinogradWeightBits for an
// Int8 layer that ncnnRunsWinograd when `winograd6bit` is on, else 0 (the precision's width).
// INT7 keeps 7-bit weights everywhere: ncnn2table has no 7-bit mode, so there is no INT7
// Winograd rule to follow (INT7 targets runtimes with an INT7 path, e.g. our integer engine).
int ncnnWeightBits(const Node& node, Precision precision, bool winograd6bit);

// The spec with every quantized layer moved to `precision` (FP32 layers stay FP32), each with the
// weight width ncnn gives it there (ncnnWeightBits). Layers for which `keep` says true are left as
// they are (a user's precision override). The one way to view a spec at another width.
QuantSpec withPrecision(const Graph& graph, QuantSpec spec, Precision precision, bool winograd6bit,
                        const std::function<bool(const LayerQuant&)>& keep = {});

// Checks a spec against its graph: every layer exists and is quantizable, thresholds are finite
// and > 0, and weight threshold counts match the granularity. Errors name the layer and value.
Status validateSpec(const Graph& graph, const QuantSpec& spec);

}  // namespace eqw

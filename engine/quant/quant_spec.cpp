// Precision names, grid sizes and the spec's consistency check (eqw/quant.h).
#include <eqw/quant.h>

#include <cmath>

namespace eqw {

const char* toString(Precision p) {
  switch (p) {
    case Precision::Fp32: return "fp32";
    case Precision::Int8: return "int8";
    case Precision::Int7: return "int7";
    case Precision::W6: return "w6";
    case Precision::W5: return "w5";
    case Precision::W4: return "w4";
  }
  return "?";
}

std::optional<Precision> parsePrecision(std::string_view text) {
  for (Precision p : {Precision::Fp32, Precision::Int8, Precision::Int7, Precision::W6, Precision::W5, Precision::W4})
    if (text == toString(p)) return p;
  return std::nullopt;
}

int weightBits(Precision p) {
  switch (p) {
    case Precision::Fp32: return 0;
    case Precision::Int8: return 8;
    case Precision::Int7: return 7;
    case Precision::W6: return 6;
    case Precision::W5: return 5;
    case Precision::W4: return 4;
  }
  return 0;
}

int effectiveWeightBits(const LayerQuant& lq) {
  return lq.weight_bits > 0 && lq.precision != Precision::Fp32 ? lq.weight_bits : weightBits(lq.precision);
}

int activationBits(Precision p) {
  if (p == Precision::Int8) return 8;
  if (p == Precision::Int7) return 7;
  return 0;
}

int qmax(int bits, bool isUnsigned) { return isUnsigned ? (1 << bits) - 1 : (1 << (bits - 1)) - 1; }

const char* toString(Granularity g) {
  switch (g) {
    case Granularity::PerTensor: return "per-tensor";
    case Granularity::PerChannel: return "per-channel";
    case Granularity::PerGroup: return "per-group";
  }
  return "?";
}

const LayerQuant* QuantSpec::find(std::string_view layer) const {
  for (const LayerQuant& l : layers)
    if (l.layer == layer) return &l;
  return nullptr;
}

LayerQuant* QuantSpec::find(std::string_view layer) {
  for (LayerQuant& l : layers)
    if (l.layer == layer) return &l;
  return nullptr;
}

bool isQuantizable(const Node& node) { return node.kind == OpKind::Convolution || node.kind == OpKind::InnerProduct; }

int64_t weightScaleCount(const Node& node, Granularity g) {
  if (g == Granularity::PerTensor) return 1;
  if (node.kind == OpKind::Convolution) {
    const auto& p = node.p<ConvParams>();
    return g == Granularity::PerGroup ? p.group : p.num_output;
  }
  if (node.kind == OpKind::InnerProduct) return g == Granularity::PerGroup ? 1 : node.p<InnerProductParams>().num_output;
  return 0;
}

namespace {

bool goodThreshold(float t) { return std::isfinite(t) && t > 0.f; }

std::string str(float v) {
  if (std::isnan(v)) return "nan";
  return std::to_string(v);
}

}  // namespace

Status validateSpec(const Graph& graph, const QuantSpec& spec) {
  for (const LayerQuant& l : spec.layers) {
    const int id = graph.findNode(l.layer);
    if (id < 0) return Status(StatusCode::InvalidArgument, "quantization spec: layer '" + l.layer + "' is not in the model");
    const Node& node = graph.nodes[static_cast<size_t>(id)];
    if (!isQuantizable(node))
      return Status(StatusCode::InvalidArgument,
                    "quantization spec: layer '" + l.layer + "' (" + toString(node.kind) + ") cannot be quantized");
    if (l.precision == Precision::Fp32) continue;
    if (l.weight_bits != 0 && (l.weight_bits < 2 || l.weight_bits > weightBits(l.precision)))
      return Status(StatusCode::InvalidArgument, "quantization spec: layer '" + l.layer + "': weight width " +
                                                     std::to_string(l.weight_bits) + " bits must be 2.." +
                                                     std::to_string(weightBits(l.precision)) + " for " +
                                                     toString(l.precision));
    if (activationBits(l.precision) > 0 && !goodThreshold(l.input.value))
      return Status(StatusCode::InvalidArgument,
                    "quantization spec: layer '" + l.layer + "': input threshold " + str(l.input.value) + " must be finite and > 0");
    const int64_t want = weightScaleCount(node, l.weight_granularity);
    if (static_cast<int64_t>(l.weight_thresholds.size()) != want)
      return Status(StatusCode::InvalidArgument, "quantization spec: layer '" + l.layer + "' has " +
                                                     std::to_string(l.weight_thresholds.size()) + " weight thresholds, " +
                                                     toString(l.weight_granularity) + " needs " + std::to_string(want));
    for (size_t c = 0; c < l.weight_thresholds.size(); ++c)
      if (!goodThreshold(l.weight_thresholds[c]))
        return Status(StatusCode::InvalidArgument, "quantization spec: layer '" + l.layer + "': weight threshold " +
                                                       std::to_string(c) + " is " + str(l.weight_thresholds[c]) +
                                                       " (must be finite and > 0)");
  }
  return Status::ok();
}

}  // namespace eqw

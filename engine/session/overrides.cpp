#include "session/overrides.h"

#include <cmath>
#include <cstdio>

namespace eqw {
namespace {

std::string floatText(float v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", static_cast<double>(v));
  return buf;
}

bool goodThreshold(float t) { return std::isfinite(t) && t > 0.f; }

Status checkWeightThresholds(const Node& node, const std::vector<float>& w) {
  for (size_t i = 0; i < w.size(); ++i)
    if (!goodThreshold(w[i]))
      return invalidArgument("layer '" + node.name + "': weight threshold " + std::to_string(i) + " is " +
                             floatText(w[i]) + " (must be finite and > 0)");
  const auto n = static_cast<int64_t>(w.size());
  for (Granularity g : {Granularity::PerTensor, Granularity::PerGroup, Granularity::PerChannel})
    if (weightScaleCount(node, g) == n) return Status::ok();
  return invalidArgument("layer '" + node.name + "': " + std::to_string(n) + " weight thresholds fit no granularity (" +
                         std::to_string(weightScaleCount(node, Granularity::PerChannel)) + " per channel, " +
                         std::to_string(weightScaleCount(node, Granularity::PerGroup)) + " per group, 1 per tensor)");
}

}  // namespace

Status checkOverride(const Graph& canonical, const QuantSpec* base, const std::string& layer,
                     const LayerOverride& override, bool winograd6bit) {
  const int id = canonical.findNode(layer);
  if (id < 0) return notFound("layer '" + layer + "' is not in model '" + canonical.name + "'");
  const Node& node = canonical.nodes[static_cast<size_t>(id)];
  if (!isQuantizable(node))
    return invalidArgument("layer '" + layer + "' (" + toString(node.kind) + ") cannot be quantized");
  if (override.input_threshold && !goodThreshold(*override.input_threshold))
    return invalidArgument("layer '" + layer + "': input threshold " + floatText(*override.input_threshold) +
                           " must be finite and > 0");
  if (override.weight_thresholds) EQW_RETURN_IF_ERROR(checkWeightThresholds(node, *override.weight_thresholds));
  const LayerQuant* lq = base ? base->find(layer) : nullptr;
  if (!lq) return Status::ok();
  LayerQuant copy = *lq;
  return applyOverride(canonical, override, winograd6bit, copy);
}

Status applyOverride(const Graph& canonical, const LayerOverride& override, bool winograd6bit, LayerQuant& layer) {
  LayerQuant out = layer;
  const int id = canonical.findNode(layer.layer);
  if (override.precision) {
    out.precision = *override.precision;
    out.weight_bits = id < 0 ? 0 : ncnnWeightBits(canonical.nodes[static_cast<size_t>(id)], out.precision, winograd6bit);
  }
  if (override.input_threshold) out.input = {*override.input_threshold, "manual"};
  if (override.weight_thresholds) {
    out.weight_thresholds = *override.weight_thresholds;
    out.weight_method = "manual";
  }
  // Checked for FP32 layers too: the table writer prints their weight line from these values.
  if (id >= 0 && override.weight_thresholds) {
    const int64_t want = weightScaleCount(canonical.nodes[static_cast<size_t>(id)], out.weight_granularity);
    if (static_cast<int64_t>(out.weight_thresholds.size()) != want)
      return invalidArgument("layer '" + layer.layer + "': " + std::to_string(out.weight_thresholds.size()) +
                             " weight thresholds, but the spec's " + toString(out.weight_granularity) + " needs " +
                             std::to_string(want));
  }
  Status valid = validateSpec(canonical, QuantSpec{{out}});
  if (!valid)
    return invalidArgument("layer '" + layer.layer + "': the override does not fit the spec (" + valid.message() + ")");
  layer = std::move(out);
  return Status::ok();
}

void applyOverrides(const Graph& canonical, const std::map<std::string, LayerOverride>& overrides, bool winograd6bit,
                    QuantSpec& spec, Diagnostics* diags) {
  for (const auto& [name, override] : overrides) {
    LayerQuant* lq = spec.find(name);
    Status st = lq ? applyOverride(canonical, override, winograd6bit, *lq)
                   : notFound("layer '" + name + "' is not in the spec");
    if (!st && diags)
      diags->push_back({Severity::Warning, "manual override skipped: " + st.message(), canonical.findNode(name)});
  }
}

}  // namespace eqw

// Statistics + methods -> QuantSpec (eqw/calibrate.h).
#include <eqw/calibrate.h>

#include <algorithm>
#include <cmath>

namespace eqw {

namespace {

void warn(Diagnostics* diags, const std::string& message, int node = -1) {
  if (diags) diags->push_back({Severity::Warning, message, node});
}

int weightGroups(const Node& node, Granularity g) { return static_cast<int>(weightScaleCount(node, g)); }

// weightThresholds, except that an all-zero group (pruned channels) gets threshold 1 with a
// warning instead of failing the whole layer.
Result<std::vector<float>> layerWeightThresholds(const Node& node, const CalibrateOptions& o, int bits, Diagnostics* diags,
                                                 int nodeIndex) {
  const int groups = weightGroups(node, o.weight_granularity);
  auto t = weightThresholds(node.weights[0], o.weight_method, bits, groups);
  if (t) return t;
  const Tensor& w = node.weights[0];
  const int64_t per = w.numel() / groups;
  std::vector<float> out;
  int zeroGroups = 0;
  for (int g = 0; g < groups; ++g) {
    Tensor slice({per});
    std::copy(w.f32() + g * per, w.f32() + (g + 1) * per, slice.f32());
    auto one = weightThresholds(slice.reshaped({1, per}), o.weight_method, bits, 1);
    bool zero = true;
    for (int64_t k = 0; k < per && zero; ++k) zero = slice.f32()[k] == 0.f;
    if (!one && !zero) return Status(one.status().code(), "layer '" + node.name + "': " + one.status().message());
    out.push_back(one ? (*one)[0] : 1.f);
    zeroGroups += zero;
  }
  warn(diags, "layer '" + node.name + "': " + std::to_string(zeroGroups) + " weight group(s) are all zero (threshold 1)", nodeIndex);
  return out;
}

}  // namespace

Result<QuantSpec> calibrateSpec(const Graph& graph, const StatsSet& stats, const CalibrateOptions& options, Diagnostics* diags) {
  auto method = makeCalibrationMethod(options.method, options.method_options);
  if (!method) return method.status();
  auto maxMethod = makeCalibrationMethod("max");
  if (!maxMethod) return maxMethod.status();
  if (stats.images == 1)
    warn(diags, "the statistics come from a single image: thresholds will not generalise (use a calibration set of 100+ images)");
  const int abits = activationBits(options.precision);

  QuantSpec spec;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const Node& node = graph.nodes[i];
    if (!isQuantizable(node)) continue;
    LayerQuant lq;
    lq.layer = node.name;
    lq.precision = options.precision;
    lq.weight_granularity = options.weight_granularity;
    lq.weight_bits = ncnnWeightBits(node, options.precision, options.ncnn_winograd_6bit);
    if (const int wbits = effectiveWeightBits(lq); wbits > 0) {
      auto w = layerWeightThresholds(node, options, wbits, diags, static_cast<int>(i));
      if (!w) return w.status();
      lq.weight_thresholds = std::move(*w);
      lq.weight_method = toString(options.weight_method);
    }
    if (abits > 0) {
      const int in = node.inputs[0];
      const TensorStats* s = stats.find(in);
      if (!s)
        return Status(StatusCode::NotFound, "layer '" + node.name + "': no statistics for its input '" +
                                                graph.values[static_cast<size_t>(in)].name + "' (collect them with this model)");
      const bool networkInput = std::find(graph.inputs.begin(), graph.inputs.end(), in) != graph.inputs.end();
      const CalibrationMethod& m = networkInput && options.input_by_max ? **maxMethod : **method;
      auto t = m.threshold(*s, abits);
      if (!t) return Status(t.status().code(), "layer '" + node.name + "': " + t.status().message());
      lq.input = {*t, m.name()};
    }
    spec.layers.push_back(std::move(lq));
  }
  if (spec.layers.empty())
    return Status(StatusCode::InvalidArgument, "model '" + graph.name +
                                                   "' has no layer to quantize (Convolution or InnerProduct): nothing to calibrate");
  EQW_RETURN_IF_ERROR(validateSpec(graph, spec));
  return spec;
}

}  // namespace eqw

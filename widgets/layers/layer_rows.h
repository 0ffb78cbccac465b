// A snapshot of the per-layer facts the layer table shows, taken from a Session between jobs
// (the table never reads the Session while a worker thread may be changing it).
#pragma once

#include <eqw/eval.h>
#include <eqw/quant.h>
#include <eqw/session.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace eqw::widgets {

struct LayerRow {
  std::string name;
  std::string type;            // op kind ("Convolution", "InnerProduct")
  std::string output_shape;    // "[1, 16, 14, 14]"
  int64_t macs = 0;
  Precision precision = Precision::Fp32;  // the spec's (overrides included); Fp32 before calibration
  bool precision_overridden = false;      // the user set it
  std::optional<float> input_threshold;   // none for FP32 layers or before calibration
  std::optional<float> input_scale;       // qmax(activation bits) / threshold
  std::string method;                     // where the input threshold came from
  std::optional<float> weight_min, weight_max;  // range of the weight thresholds
  std::optional<ErrorMetrics> isolated, cumulative;  // from an EvalReport variant
  bool worst = false;                     // among the worst layers of that variant
};

// One row per quantizable layer of the canonical graph, in graph order.
std::vector<LayerRow> buildLayerRows(const Session& session);

// Fills the metric columns from a variant of `report` (matching layers by name) and marks the
// `worstCount` layers with the lowest isolated cosine (eqw::worstLayers). A variant index out of
// range clears the metrics.
void applyEvalReport(std::vector<LayerRow>& rows, const EvalReport& report, size_t variant, size_t worstCount);

}  // namespace eqw::widgets

// From statistics to a quantization spec: one calibration method for the activations, one for
// the weights, a bit width and a weight granularity. Instant: it reads cached statistics and
// never runs the model (DESIGN.md: switching method or bit width re-runs nothing).
#pragma once

#include <eqw/calib.h>
#include <eqw/graph.h>
#include <eqw/quant.h>
#include <eqw/status.h>

#include <string>

namespace eqw {

struct CalibrateOptions {
  std::string method = "kl";                         // activation method (calibrationMethodNames())
  MethodOptions method_options;
  Precision precision = Precision::Int8;             // every quantizable layer
  Granularity weight_granularity = Granularity::PerChannel;
  WeightMethod weight_method = WeightMethod::Max;
  // The input trap (ALGORITHMS.md §2): a layer reading the network input is calibrated by max —
  // the input's range is known from the preprocessing, and KL clips the foreground of images with
  // a large uniform background. false: the chosen method everywhere.
  bool input_by_max = true;
  // ncnn's 6-bit Winograd weights (eqw/quant.h ncnnRunsWinograd): Int8 layers that ncnn runs with
  // Winograd F(4,3) get weight_bits 6 and weight thresholds computed for 6 bits (max gives the
  // same T; aciq and mse depend on the width), so evaluating the spec shows what ncnn runs. The
  // default matches an ncnn target (eqw calibrate without --no-winograd-6bit). INT7 is unaffected.
  bool ncnn_winograd_6bit = true;
};

// The spec for every quantizable layer of a canonical graph (canonicalize() first, so weights are
// the folded ones ncnn will quantize). Errors: a layer's input has no statistics, a method fails
// (naming the layer and the tensor). Warnings: statistics from a single image; weight groups that
// are all zero (threshold 1, the layer is otherwise unaffected).
Result<QuantSpec> calibrateSpec(const Graph& graph, const StatsSet& stats, const CalibrateOptions& options,
                                Diagnostics* diags = nullptr);

}  // namespace eqw

// What the weight range plot draws for one layer: the min and max of each output channel's
// weights (from the canonical graph's node) and, when the spec quantizes the layer, the weight
// clipping threshold T that applies to each channel (per channel, per group or per tensor), drawn
// as markers at +-T. Plain data, no widget.
#pragma once

#include <eqw/graph.h>
#include <eqw/quant.h>
#include <eqw/status.h>

#include <string>
#include <vector>

namespace eqw::widgets {

class WeightRangeData {
 public:
  // NotFound for a layer not in the graph; InvalidArgument when it is not a quantizable layer
  // (Convolution / InnerProduct) or its weights are not float [num_output, ...]. `spec` may be null.
  static Result<WeightRangeData> make(const Graph& canonical, const std::string& layer, const QuantSpec* spec);

  const std::string& layer() const { return layer_; }
  int channels() const { return static_cast<int>(mins_.size()); }
  const std::vector<float>& mins() const { return mins_; }
  const std::vector<float>& maxs() const { return maxs_; }
  // T of each channel; empty when the spec has no weight thresholds for the layer (FP32, no spec).
  const std::vector<float>& thresholds() const { return thresholds_; }
  Granularity granularity() const { return granularity_; }
  const std::string& method() const { return method_; }
  int weightBits() const { return bits_; }

 private:
  std::string layer_;
  std::vector<float> mins_, maxs_, thresholds_;
  Granularity granularity_ = Granularity::PerChannel;
  std::string method_;
  int bits_ = 0;
};

}  // namespace eqw::widgets

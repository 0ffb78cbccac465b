#include "histogram/weight_range_data.h"

#include <algorithm>

namespace eqw::widgets {

Result<WeightRangeData> WeightRangeData::make(const Graph& canonical, const std::string& layer, const QuantSpec* spec) {
  const int id = canonical.findNode(layer);
  if (id < 0) return notFound("weights: layer '" + layer + "' is not in the model");
  const Node& node = canonical.nodes[static_cast<size_t>(id)];
  if (!isQuantizable(node) || node.weights.empty())
    return invalidArgument("weights: layer '" + layer + "' has no quantizable weights");
  const Tensor& w = node.weights[0];
  const int64_t out = weightScaleCount(node, Granularity::PerChannel);
  if (w.dtype() != DType::F32 || w.rank() < 1 || out <= 0 || w.dim(0) != out || w.numel() % out != 0)
    return invalidArgument("weights: layer '" + layer + "' has weights of an unexpected shape");
  WeightRangeData d;
  d.layer_ = layer;
  const int64_t per = w.numel() / out;
  for (int64_t o = 0; o < out; ++o) {
    const float* v = w.f32() + o * per;
    const auto [lo, hi] = std::minmax_element(v, v + per);
    d.mins_.push_back(per > 0 ? *lo : 0.f);
    d.maxs_.push_back(per > 0 ? *hi : 0.f);
  }
  const LayerQuant* lq = spec ? spec->find(layer) : nullptr;
  if (!lq || eqw::weightBits(lq->precision) == 0 || lq->weight_thresholds.empty()) return d;
  d.granularity_ = lq->weight_granularity;
  d.method_ = lq->weight_method;
  d.bits_ = effectiveWeightBits(*lq);
  const int64_t scales = static_cast<int64_t>(lq->weight_thresholds.size());
  if (out % scales != 0) return d;  // a spec for another graph: show the ranges alone
  // Per group: output channels are split into `scales` consecutive runs; per tensor: one run.
  for (int64_t o = 0; o < out; ++o) d.thresholds_.push_back(lq->weight_thresholds[static_cast<size_t>(o / (out / scales))]);
  return d;
}

}  // namespace eqw::widgets

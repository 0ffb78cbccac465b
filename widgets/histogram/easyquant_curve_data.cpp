#include "histogram/easyquant_curve_data.h"

#include <eqw/quant.h>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace eqw::widgets {

Result<EasyQuantCurveData> EasyQuantCurveData::make(const EasyQuantResult& result, const std::string& layer) {
  const auto rec = std::find_if(result.layers.begin(), result.layers.end(),
                                [&](const EasyQuantLayer& l) { return l.layer == layer; });
  const LayerQuant* lq = result.spec.find(layer);
  if (rec == result.layers.end() || !lq) return notFound("easyquant: layer '" + layer + "' was not searched");
  const EasyQuantCurve& c = rec->activation_curve;
  if (c.scales.empty() || c.scales.size() != c.objective.size())
    return invalidArgument("easyquant: layer '" + layer + "' has no activation curve");
  EasyQuantCurveData d;
  d.layer_ = layer;
  d.bits_ = rec->bits;
  d.before_ = rec->before;
  d.after_ = rec->after;
  d.rounds_ = rec->rounds;
  std::vector<size_t> order(c.scales.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return c.scales[a] < c.scales[b]; });
  for (size_t i : order) {
    d.scales_.push_back(c.scales[i]);
    d.objective_.push_back(c.objective[i]);
  }
  d.threshold_ = lq->input.value;
  // The same conversion the search made its candidates' scales with.
  d.scale_ = static_cast<float>(qmax(rec->bits, lq->unsigned_input) / static_cast<double>(d.threshold_));
  double best = INFINITY;
  for (size_t i = 0; i < d.scales_.size(); ++i)
    if (std::abs(d.scales_[i] - d.scale_) < best) best = std::abs(d.scales_[i] - d.scale_), d.index_ = static_cast<int>(i);
  return d;
}

}  // namespace eqw::widgets

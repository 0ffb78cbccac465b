// Session: the user's manual per-layer edits (checked, then re-applied to the spec).
#include <eqw/session.h>

#include "session/overrides.h"
#include "session/session_state.h"

namespace eqw {

Status Session::setLayerOverride(const std::string& layer, const LayerOverride& override) {
  EQW_RETURN_IF_ERROR(requireOpen(*s_, "override"));
  if (override.empty()) return clearOverride(layer);
  const std::optional<QuantSpec> base = s_->baseSpec();
  EQW_RETURN_IF_ERROR(checkOverride(s_->canonical, base ? &*base : nullptr, layer, override,
                                    s_->calibrate_options.ncnn_winograd_6bit));
  s_->overrides[layer] = override;
  s_->rebuildSpec(nullptr);
  return Status::ok();
}

Status Session::setLayerPrecision(const std::string& layer, Precision precision) {
  LayerOverride o = layerOverride(layer) ? *layerOverride(layer) : LayerOverride{};
  o.precision = precision;
  return setLayerOverride(layer, o);
}

Status Session::setLayerInputThreshold(const std::string& layer, float threshold) {
  LayerOverride o = layerOverride(layer) ? *layerOverride(layer) : LayerOverride{};
  o.input_threshold = threshold;
  return setLayerOverride(layer, o);
}

Status Session::setLayerWeightThresholds(const std::string& layer, const std::vector<float>& thresholds) {
  LayerOverride o = layerOverride(layer) ? *layerOverride(layer) : LayerOverride{};
  o.weight_thresholds = thresholds;
  return setLayerOverride(layer, o);
}

Status Session::clearOverride(const std::string& layer) {
  EQW_RETURN_IF_ERROR(requireOpen(*s_, "clear override"));
  if (s_->canonical.findNode(layer) < 0)
    return notFound("layer '" + layer + "' is not in model '" + s_->canonical.name + "'");
  if (s_->overrides.erase(layer) > 0) s_->rebuildSpec(nullptr);
  return Status::ok();
}

}  // namespace eqw

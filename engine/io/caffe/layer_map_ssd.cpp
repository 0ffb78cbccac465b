// The SSD head (weiliu89/caffe): Normalize, PriorBox, DetectionOutput.
#include <cfloat>
#include <cmath>

#include "io/caffe/layer_map.h"

namespace eqw::caffe {

// L2 normalisation (caffe eps rule: sqrt(sum x^2 + eps)) then a learned scale, one per channel
// or one shared.
Status mapNormalize(const caffepb::LayerParameter& l, const MapContext& ctx, MappedLayer* out) {
  const auto& p = l.norm_param();
  int64_t c = 1;
  if (!p.channel_shared()) {
    if (!ctx.known(0) || ctx.input_shapes[0].size() < 2)
      return shapeError("the input's channel count is not known here, but the per-channel scale depends on it");
    c = ctx.input_shapes[0][1];
  }
  NormalizeParams q;
  q.across_spatial = p.across_spatial();
  q.channel_shared = p.channel_shared();
  q.eps = p.eps();
  q.eps_mode = 0;
  Node& n = addNode(out, l, OpKind::Normalize, q);
  n.weights = {Tensor(Shape{c})};
  out->blobs.push_back({"scale", {c}});
  return Status::ok();
}

// Caffe builds its aspect-ratio list as [1, r, 1/r (flip), ...] without near-duplicates and
// emits min box, max box, then every ratio except 1. We pass that list with flip already
// applied, so the boxes come out in Caffe's order even for lists with 1 or repeats.
Status mapPriorBox(const caffepb::LayerParameter& l, const MapContext&, MappedLayer* out) {
  const auto& p = l.prior_box_param();
  PriorBoxParams q;
  q.min_sizes.assign(p.min_size().begin(), p.min_size().end());
  q.max_sizes.assign(p.max_size().begin(), p.max_size().end());
  if (q.min_sizes.empty()) return parseError("prior_box_param needs at least one min_size");
  if (!q.max_sizes.empty() && q.max_sizes.size() != q.min_sizes.size())
    return parseError("prior_box_param has " + std::to_string(q.max_sizes.size()) + " max_size for " + std::to_string(q.min_sizes.size()) + " min_size");
  for (size_t i = 0; i < q.min_sizes.size(); ++i) {
    if (!(q.min_sizes[i] > 0.f)) return parseError("prior_box_param min_size must be positive");
    if (!q.max_sizes.empty() && !(q.max_sizes[i] > q.min_sizes[i])) return parseError("prior_box_param max_size must be greater than min_size");
  }
  std::vector<float> ratios{1.f};
  auto addRatio = [&](float r) {
    for (float have : ratios)
      if (std::fabs(r - have) < 1e-6f) return;
    ratios.push_back(r);
  };
  for (float r : p.aspect_ratio()) {
    if (!(r > 0.f)) return parseError("prior_box_param aspect_ratio " + std::to_string(r) + " must be positive");
    addRatio(r);
    if (p.flip()) addRatio(1.f / r);
  }
  q.aspect_ratios.assign(ratios.begin() + 1, ratios.end());
  q.flip = false;
  q.clip = p.clip();
  if (p.variance_size() == 1) {
    for (float& v : q.variances) v = p.variance(0);
  } else if (p.variance_size() == 4) {
    for (int i = 0; i < 4; ++i) q.variances[i] = p.variance(i);
  } else if (p.variance_size() == 0) {
    for (float& v : q.variances) v = 0.1f;
  } else {
    return parseError("prior_box_param has " + std::to_string(p.variance_size()) + " variance values (0, 1 or 4 are allowed)");
  }
  if (p.has_img_size() && (p.has_img_h() || p.has_img_w())) return parseError("prior_box_param gives both img_size and img_h / img_w");
  q.image_h = static_cast<int>(p.has_img_size() ? p.img_size() : p.img_h());
  q.image_w = static_cast<int>(p.has_img_size() ? p.img_size() : p.img_w());
  if (p.has_step() && (p.has_step_h() || p.has_step_w())) return parseError("prior_box_param gives both step and step_h / step_w");
  q.step_h = p.has_step() ? p.step() : p.step_h();
  q.step_w = p.has_step() ? p.step() : p.step_w();
  if (q.image_h < 0 || q.image_w < 0 || q.step_h < 0.f || q.step_w < 0.f) return parseError("prior_box_param image size and step must be >= 0");
  q.offset = p.offset();
  addNode(out, l, OpKind::PriorBox, q);
  return Status::ok();
}

Status mapDetectionOutput(const caffepb::LayerParameter& l, const MapContext&, MappedLayer* out) {
  const auto& p = l.detection_output_param();
  if (p.num_classes() == 0 || p.num_classes() > (1u << 20)) return parseError("detection_output_param num_classes must be positive");
  if (!p.share_location()) return unsupported("detection_output_param share_location: false is not supported");
  if (p.background_label_id() != 0)
    return unsupported("detection_output_param background_label_id " + std::to_string(p.background_label_id()) + " is not supported (0 is)");
  if (p.code_type() != caffepb::PriorBoxParameter::CENTER_SIZE) return unsupported("detection_output_param code_type other than CENTER_SIZE is not supported");
  if (p.variance_encoded_in_target()) return unsupported("detection_output_param variance_encoded_in_target: true is not supported");
  if (p.nms_param().eta() != 1.f) return unsupported("detection_output_param nms_param eta other than 1 (adaptive NMS) is not supported");
  DetectionOutputParams q;
  q.num_class = static_cast<int>(p.num_classes());
  q.nms_threshold = p.nms_param().nms_threshold();
  q.nms_top_k = p.nms_param().has_top_k() ? p.nms_param().top_k() : -1;  // <= 0: all
  q.keep_top_k = p.keep_top_k();
  q.confidence_threshold = p.has_confidence_threshold() ? p.confidence_threshold() : -FLT_MAX;
  addNode(out, l, OpKind::DetectionOutput, q);
  return Status::ok();
}

}  // namespace eqw::caffe

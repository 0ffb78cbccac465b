// The SSD head layers: PriorBox, DetectionOutput, Normalize.
#include "io/ncnn/layer_map.h"
#include "io/ncnn/param_reader.h"

namespace eqw::ncnn {

// PriorBox -23300=min_sizes -23301=max_sizes -23302=aspect_ratios 3..6=variances 7=flip
// 8=clip 9/10=image size (-233: from the image input) 11/12=step (-233: image / feature)
// 13=offset 14=step_mmdetection 15=center_mmdetection.
Status mapPriorBox(const LayerDecl& d, MappedLayer* out) {
  ParamReader r(d.params);
  PriorBoxParams p;
  p.min_sizes = r.floats(0);
  p.max_sizes = r.floats(1);
  p.aspect_ratios = r.floats(2);
  p.variances[0] = r.f(3, 0.1f);
  p.variances[1] = r.f(4, 0.1f);
  p.variances[2] = r.f(5, 0.2f);
  p.variances[3] = r.f(6, 0.2f);
  p.flip = r.i(7, 1) != 0;
  p.clip = r.i(8, 0) != 0;
  int iw = r.i(9, 0), ih = r.i(10, 0);
  float sw = r.f(11, -233.f), sh = r.f(12, -233.f);
  p.offset = r.f(13, 0.f);
  p.step_mmdetection = r.i(14, 0) != 0;
  p.center_mmdetection = r.i(15, 0) != 0;
  r.require(!p.min_sizes.empty(), "min_sizes -23300 is missing");
  r.require(p.max_sizes.empty() || p.max_sizes.size() == p.min_sizes.size(), "max_sizes -23301 must be empty or as long as min_sizes");
  r.require(iw == kUnset || iw >= 0, kv("image_width", 9, iw) + " must be >= 0 or -233");
  r.require(ih == kUnset || ih >= 0, kv("image_height", 10, ih) + " must be >= 0 or -233");
  for (float s : p.min_sizes) r.require(s > 0.f, "min_sizes -23300 must be positive");
  for (float s : p.aspect_ratios) r.require(s > 0.f, "aspect_ratios -23302 must be positive");
  EQW_RETURN_IF_ERROR(r.status());
  p.image_w = iw == kUnset ? 0 : iw;
  p.image_h = ih == kUnset ? 0 : ih;
  p.step_w = sw == -233.f ? 0.f : sw;
  p.step_h = sh == -233.f ? 0.f : sh;
  out->node.kind = OpKind::PriorBox;
  out->node.params = p;
  return Status::ok();
}

// DetectionOutput 0=num_class 1=nms_threshold 2=nms_top_k 3=keep_top_k
// 4=confidence_threshold 5..8=variances.
Status mapDetectionOutput(const LayerDecl& d, MappedLayer* out) {
  ParamReader r(d.params);
  DetectionOutputParams p;
  p.num_class = r.i(0, 0);
  p.nms_threshold = r.f(1, 0.05f);
  p.nms_top_k = r.i(2, 300);
  p.keep_top_k = r.i(3, 100);
  p.confidence_threshold = r.f(4, 0.5f);
  p.variances[0] = r.f(5, 0.1f);
  p.variances[1] = r.f(6, 0.1f);
  p.variances[2] = r.f(7, 0.2f);
  p.variances[3] = r.f(8, 0.2f);
  r.require(p.num_class > 0 && p.num_class <= (1 << 20), kv("num_class", 0, p.num_class) + " must be positive");
  r.require(p.nms_top_k > 0 && p.keep_top_k > 0, "nms_top_k 2= and keep_top_k 3= must be positive");
  EQW_RETURN_IF_ERROR(r.status());
  out->node.kind = OpKind::DetectionOutput;
  out->node.params = p;
  return Status::ok();
}

// Normalize 0=across_spatial 4=across_channel 1=channel_shared 2=eps 3=scale_data_size
// 9=eps_mode; the scale blob is raw float32.
Status mapNormalize(const LayerDecl& d, MappedLayer* out) {
  ParamReader r(d.params);
  NormalizeParams p;
  p.across_spatial = r.i(0, 0) != 0;
  bool acrossChannel = r.i(4, 1) != 0;
  p.channel_shared = r.i(1, 0) != 0;
  p.eps = r.f(2, 0.0001f);
  int n = r.i(3, 0);
  p.eps_mode = r.i(9, 0);
  r.require(n > 0 && n <= (1 << 24), kv("scale_data_size", 3, n) + " must be positive");
  r.require(!p.channel_shared || n == 1, "channel_shared 1=1 needs scale_data_size 3=1");
  r.require(p.eps_mode >= 0 && p.eps_mode <= 2, kv("eps_mode", 9, p.eps_mode) + " must be 0..2");
  r.unsupportedIf(!p.across_spatial && !acrossChannel, "Normalize with neither across_spatial nor across_channel is not supported");
  EQW_RETURN_IF_ERROR(r.status());
  out->node.kind = OpKind::Normalize;
  out->node.params = p;
  out->blobs.push_back({"scale", BlobTarget::Weight, n, false, {n}, 0, 0});
  return Status::ok();
}

}  // namespace eqw::ncnn

// Node -> ncnn layer for the layout, resampling and SSD ops: the inverse of
// layer_map_shape.cpp, layer_map_spatial.cpp (Interp), layer_map_ssd.cpp and the axis-carrying
// layers of layer_map.cpp. Our axis k+1 is ncnn's axis k (ncnn blobs have no batch axis).
#include <algorithm>
#include <climits>

#include "io/ncnn/ncnn_exporter.h"

namespace eqw::ncnn {

namespace {

Status ncnnAxis(int ours, int* out) {
  if (ours == 0) return unsupported("axis 0 is the batch axis, which ncnn blobs do not have");
  *out = ours > 0 ? ours - 1 : ours;
  return Status::ok();
}

const Shape& inShape(const Graph& g, const Node& n) { return g.values[n.inputs[0]].shape; }
const Shape& outShape(const Graph& g, const Node& n) { return g.values[n.outputs[0]].shape; }

Status exportSlice(const Node& node, LayerOut* out) {
  const SliceParams& c = node.p<SliceParams>();
  int axis = 0;
  EQW_RETURN_IF_ERROR(ncnnAxis(c.axis, &axis));
  out->type = "Slice";
  if (!c.sizes.empty()) {
    std::vector<int64_t> slices;
    for (size_t k = 0; k < c.sizes.size(); ++k) {
      if (c.sizes[k] == -1 && k + 1 != c.sizes.size()) return unsupported("a -1 (rest) slice size is only expressible last");
      slices.push_back(c.sizes[k] == -1 ? -233 : c.sizes[k]);
    }
    out->params.ints(0, slices);
  }
  out->params.i(1, axis);
  return Status::ok();
}

// The numpy-style form -23309 starts, -23310 ends (-233: to the end), -23311 axes.
Status exportCrop(const Node& node, LayerOut* out) {
  const CropParams& c = node.p<CropParams>();
  if (c.axes.empty() || c.axes.size() != c.starts.size() || c.ends.size() != c.starts.size())
    return unsupported("Crop needs explicit axes with one start and end each");
  for (int64_t s : c.steps)
    if (s != 1) return unsupported("Crop step " + std::to_string(s) + " has no ncnn form (only 1)");
  std::vector<int64_t> starts, ends, axes;
  for (size_t k = 0; k < c.axes.size(); ++k) {
    int axis = 0;
    EQW_RETURN_IF_ERROR(ncnnAxis(static_cast<int>(c.axes[k]), &axis));
    const int64_t s = c.starts[k], e = c.ends[k];
    if (s == -233 || s < INT_MIN || s > INT_MAX) return unsupported("Crop start " + std::to_string(s) + " has no ncnn form");
    if (e == 0 || e == -233) return unsupported("Crop end " + std::to_string(e) + " means 'to the end' in ncnn");
    axes.push_back(axis);
    starts.push_back(s);
    ends.push_back(e >= INT_MAX ? -233 : std::max<int64_t>(e, INT_MIN + 1));
  }
  out->type = "Crop";
  out->params.ints(9, starts);
  out->params.ints(10, ends);
  out->params.ints(11, axes);
  return Status::ok();
}

// The output shape is known after shape inference: write it whole (ncnn's 0 = copy means the
// input's same-named dimension, ours the same index; explicit sizes avoid the difference).
Status exportReshape(const Graph& graph, const Node& node, LayerOut* out) {
  const Shape& s = outShape(graph, node);
  const int r = static_cast<int>(s.size());
  if (r < 2 || r > 5 || s[0] != 1) return unsupported("reshape to " + toString(s) + " has no ncnn form (batch 1, 1 to 4 dims)");
  ParamText& p = out->params;
  out->type = "Reshape";
  p.i(0, s[r - 1]);
  if (r >= 3) p.i(1, s[r - 2]);
  if (r == 5) p.i(11, s[2]);
  if (r >= 4) p.i(2, s[1]);
  return Status::ok();
}

Status exportPermute(const Node& node, LayerOut* out) {
  const std::vector<int>& perm = node.p<PermuteParams>().perm;
  static const std::vector<int> perms4[6] = {{0, 1, 2, 3}, {0, 1, 3, 2}, {0, 2, 1, 3}, {0, 2, 3, 1}, {0, 3, 1, 2}, {0, 3, 2, 1}};
  int order = -1;
  if (perm.size() == 4) {
    for (int k = 0; k < 6; ++k)
      if (perm == perms4[k]) order = k;
  } else if (perm == std::vector<int>{0, 2, 1}) {
    order = 1;
  } else {
    bool identity = true;
    for (size_t k = 0; k < perm.size(); ++k) identity = identity && perm[k] == static_cast<int>(k);
    if (identity) order = 0;
  }
  if (order < 0) return unsupported("permutation has no ncnn order_type (batch axis must stay first; 2-D and 3-D blobs)");
  out->type = "Permute";
  out->params.i(0, order);
  return Status::ok();
}

// Padding 0=top 1=bottom 2=left 3=right 4=type 5=value 7=front 8=behind.
Status exportPadding(const Node& node, LayerOut* out) {
  const PaddingParams& c = node.p<PaddingParams>();
  const size_t rank = c.pads.size() / 2;
  if (c.pads.size() % 2 != 0 || rank < 2 || rank > 4) return unsupported("Padding of rank " + std::to_string(rank) + " has no ncnn form");
  auto begin = [&](size_t axis) { return c.pads[axis]; };
  auto end = [&](size_t axis) { return c.pads[rank + axis]; };
  if (begin(0) != 0 || end(0) != 0) return unsupported("Padding of the batch axis has no ncnn form");
  for (int64_t v : c.pads)
    if (v < 0) return unsupported("negative Padding (cropping) has no ncnn form");
  ParamText& p = out->params;
  out->type = "Padding";
  p.i(0, rank >= 3 ? begin(rank - 2) : 0);
  p.i(1, rank >= 3 ? end(rank - 2) : 0);
  p.i(2, begin(rank - 1));
  p.i(3, end(rank - 1));
  p.i(4, c.mode == PadKind::Constant ? 0 : c.mode == PadKind::Edge ? 1 : 2);
  p.f(5, c.value);
  if (rank == 4) {
    p.i(7, begin(1));
    p.i(8, end(1));
  }
  return Status::ok();
}

// Interp 0=resize_type 1=height_scale 2=width_scale 3=output_height 4=output_width 6=align_corner.
Status exportInterp(const Node& node, LayerOut* out) {
  const InterpParams& c = node.p<InterpParams>();
  ParamText& p = out->params;
  out->type = "Interp";
  if (c.mode == InterpMode::Nearest) {
    if (c.coord != CoordMode::Asymmetric || c.nearest != NearestRound::Floor)
      return unsupported("nearest resize other than asymmetric + floor has no ncnn form");
    p.i(0, 1);
  } else {
    if (c.coord != CoordMode::HalfPixel && c.coord != CoordMode::AlignCorners)
      return unsupported("resize coordinates other than half-pixel / align-corners have no ncnn form");
    if (c.mode == InterpMode::Bicubic && c.cubic_a != -0.75f) return unsupported("bicubic a other than -0.75 has no ncnn form");
    if (c.mode == InterpMode::Bicubic && c.exclude_outside) return unsupported("bicubic exclude_outside has no ncnn form");
    p.i(0, c.mode == InterpMode::Bilinear ? 2 : 3);
    p.i(6, c.coord == CoordMode::AlignCorners ? 1 : 0);
  }
  p.f(1, c.scale_h);
  p.f(2, c.scale_w);
  p.i(3, c.out_h);
  p.i(4, c.out_w);
  return Status::ok();
}

Status exportLayerNorm(const Graph& graph, const Node& node, LayerOut* out) {
  const LayerNormParams& c = node.p<LayerNormParams>();
  if (node.outputs.size() > 1) return unsupported("ncnn's LayerNorm has no mean / inverse std dev outputs");
  const Shape& s = inShape(graph, node);
  const int r = static_cast<int>(s.size());
  const int axis = c.axis < 0 ? c.axis + r : c.axis;
  if (axis < 1 || axis >= r) return unsupported("LayerNorm axis " + std::to_string(c.axis) + " on " + toString(s) + " has no ncnn form");
  int64_t size = 1;
  for (int k = axis; k < r; ++k) size *= s[k];
  if (c.affine && (node.weights.size() < 2 || node.weights[0].numel() != size || node.weights[1].numel() != size))
    return unsupported("affine LayerNorm needs gamma and beta of " + std::to_string(size) + " values each");
  out->type = "LayerNorm";
  out->params.i(0, size);
  out->params.f(1, c.eps);
  out->params.i(2, c.affine ? 1 : 0);
  for (size_t k = 0; c.affine && k < 2; ++k) out->weights.push_back(WeightOut{node.weights[k].f32(), size, false, {}});
  return Status::ok();
}

Status exportNormalize(const Node& node, LayerOut* out) {
  const NormalizeParams& c = node.p<NormalizeParams>();
  if (node.weights.empty()) return invalidArgument("Normalize has no scale weight");
  ParamText& p = out->params;
  out->type = "Normalize";
  p.i(0, c.across_spatial ? 1 : 0);
  p.i(1, c.channel_shared ? 1 : 0);
  p.f(2, c.eps);
  p.i(3, node.weights[0].numel());
  p.i(9, c.eps_mode);
  out->weights.push_back(WeightOut{node.weights[0].f32(), node.weights[0].numel(), false, {}});
  return Status::ok();
}

Status exportPriorBox(const Node& node, LayerOut* out) {
  const PriorBoxParams& c = node.p<PriorBoxParams>();
  ParamText& p = out->params;
  out->type = "PriorBox";
  p.floats(0, c.min_sizes);
  if (!c.max_sizes.empty()) p.floats(1, c.max_sizes);
  if (!c.aspect_ratios.empty()) p.floats(2, c.aspect_ratios);
  for (int k = 0; k < 4; ++k) p.f(3 + k, c.variances[k]);
  p.i(7, c.flip ? 1 : 0);
  p.i(8, c.clip ? 1 : 0);
  p.i(9, c.image_w == 0 ? -233 : c.image_w);
  p.i(10, c.image_h == 0 ? -233 : c.image_h);
  p.f(11, c.step_w == 0.f ? -233.f : c.step_w);
  p.f(12, c.step_h == 0.f ? -233.f : c.step_h);
  p.f(13, c.offset);
  p.i(14, c.step_mmdetection ? 1 : 0);
  p.i(15, c.center_mmdetection ? 1 : 0);
  return Status::ok();
}

Status exportDetectionOutput(const Node& node, LayerOut* out) {
  const DetectionOutputParams& c = node.p<DetectionOutputParams>();
  ParamText& p = out->params;
  out->type = "DetectionOutput";
  p.i(0, c.num_class);
  p.f(1, c.nms_threshold);
  p.i(2, c.nms_top_k);
  p.i(3, c.keep_top_k);
  p.f(4, c.confidence_threshold);
  for (int k = 0; k < 4; ++k) p.f(5 + k, c.variances[k]);
  return Status::ok();
}

}  // namespace

Status exportShapeLayer(const Graph& graph, const Node& node, LayerOut* out) {
  int axis = 0;
  switch (node.kind) {
    case OpKind::Concat:
      EQW_RETURN_IF_ERROR(ncnnAxis(node.p<ConcatParams>().axis, &axis));
      out->type = "Concat";
      out->params.i(0, axis);
      return Status::ok();
    case OpKind::Softmax:
      EQW_RETURN_IF_ERROR(ncnnAxis(node.p<SoftmaxParams>().axis, &axis));
      out->type = "Softmax";
      out->params.i(0, axis);
      out->params.i(1, 1);  // fixbug: the correct axis rule
      return Status::ok();
    case OpKind::Flatten:
      if (node.p<FlattenParams>().axis != 1) return unsupported("Flatten from an axis other than 1 has no ncnn form");
      out->type = "Flatten";
      return Status::ok();
    case OpKind::ShuffleChannel:
      out->type = "ShuffleChannel";
      out->params.i(0, node.p<ShuffleChannelParams>().group);
      out->params.i(1, node.p<ShuffleChannelParams>().reverse ? 1 : 0);
      return Status::ok();
    case OpKind::LRN: {
      const LRNParams& c = node.p<LRNParams>();
      out->type = "LRN";
      out->params.i(0, c.region == LRNRegion::AcrossChannels ? 0 : 1);
      out->params.i(1, c.local_size);
      out->params.f(2, c.alpha);
      out->params.f(3, c.beta);
      out->params.f(4, c.bias);
      return Status::ok();
    }
    case OpKind::Slice: return exportSlice(node, out);
    case OpKind::Crop: return exportCrop(node, out);
    case OpKind::Reshape: return exportReshape(graph, node, out);
    case OpKind::Permute: return exportPermute(node, out);
    case OpKind::Padding: return exportPadding(node, out);
    case OpKind::Interp: return exportInterp(node, out);
    case OpKind::LayerNorm: return exportLayerNorm(graph, node, out);
    case OpKind::Normalize: return exportNormalize(node, out);
    case OpKind::PriorBox: return exportPriorBox(node, out);
    case OpKind::DetectionOutput: return exportDetectionOutput(node, out);
    default: return unsupported(std::string("op ") + toString(node.kind) + " has no ncnn layer the exporter writes");
  }
}

}  // namespace eqw::ncnn

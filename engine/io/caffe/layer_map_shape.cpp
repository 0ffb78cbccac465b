// Layers that move data around: Flatten, Reshape, Permute, Slice, and the resizing layers of
// the segmentation / YOLO forks (Interp, Upsample).
#include <algorithm>

#include "io/caffe/layer_map.h"

namespace eqw::caffe {

namespace {

constexpr int64_t kMaxDim = int64_t{1} << 31;

Status needShape(const MapContext& ctx, const char* why) {
  if (!ctx.known(0)) return shapeError(std::string("the input shape could not be inferred, but ") + why + " depends on it");
  return Status::ok();
}

void reshapeTo(const caffepb::LayerParameter& l, MappedLayer* out, Shape shape) {
  addNode(out, l, OpKind::Reshape, ReshapeParams{std::move(shape)});
}

}  // namespace

// Flatten axis..end_axis into one dimension. The default (1..-1) is our Flatten; other ranges
// become a Reshape computed from the input shape.
Status mapFlatten(const caffepb::LayerParameter& l, const MapContext& ctx, MappedLayer* out) {
  const auto& p = l.flatten_param();
  if (p.axis() == 1 && p.end_axis() == -1) {
    addNode(out, l, OpKind::Flatten, FlattenParams{1});
    return Status::ok();
  }
  EQW_RETURN_IF_ERROR(needShape(ctx, "a Flatten with axis / end_axis"));
  const Shape& in = ctx.input_shapes[0];
  const int rank = static_cast<int>(in.size());
  const int a = normalizeAxis(p.axis(), rank), e = normalizeAxis(p.end_axis(), rank);
  if (a < 0 || e < 0 || e < a)
    return parseError("flatten_param axis " + std::to_string(p.axis()) + " end_axis " + std::to_string(p.end_axis()) + " do not fit input " + toString(in));
  Shape s(in.begin(), in.begin() + a);
  int64_t merged = 1;
  for (int i = a; i <= e; ++i) merged *= in[i];
  s.push_back(merged);
  s.insert(s.end(), in.begin() + e + 1, in.end());
  reshapeTo(l, out, s);
  return Status::ok();
}

// reshape_param: `shape` replaces input axes [axis, axis + num_axes); 0 copies the input's dim
// at that position, -1 is inferred. axis 0 / num_axes -1 is ONNX Reshape as is.
Status mapReshape(const caffepb::LayerParameter& l, const MapContext& ctx, MappedLayer* out) {
  const auto& p = l.reshape_param();
  Shape dims(p.shape().dim().begin(), p.shape().dim().end());
  int inferred = 0;
  for (int64_t d : dims) {
    if (d < -1 || d > kMaxDim) return parseError("reshape_param dim " + std::to_string(d) + " is out of range");
    inferred += d == -1;
  }
  if (inferred > 1) return parseError("reshape_param has more than one -1 dim");
  if (p.axis() == 0 && p.num_axes() == -1) {
    reshapeTo(l, out, dims);
    return Status::ok();
  }
  EQW_RETURN_IF_ERROR(needShape(ctx, "a Reshape with axis / num_axes"));
  const Shape& in = ctx.input_shapes[0];
  const int rank = static_cast<int>(in.size());
  const int start = p.axis() < 0 ? p.axis() + rank + 1 : p.axis();
  const int end = p.num_axes() == -1 ? rank : start + p.num_axes();
  if (start < 0 || start > rank || p.num_axes() < -1 || end > rank)
    return parseError("reshape_param axis " + std::to_string(p.axis()) + " num_axes " + std::to_string(p.num_axes()) + " do not fit input " + toString(in));
  Shape s(in.begin(), in.begin() + start);
  for (size_t i = 0; i < dims.size(); ++i) {
    if (dims[i] == 0 && start + static_cast<int>(i) >= rank) return parseError("reshape_param dim 0 at position " + std::to_string(i) + " has no input dim to copy");
    s.push_back(dims[i] == 0 ? in[start + i] : dims[i]);
  }
  s.insert(s.end(), in.begin() + end, in.end());
  reshapeTo(l, out, s);
  return Status::ok();
}

// Caffe's Permute appends the axes the order leaves out, in their original order.
Status mapPermute(const caffepb::LayerParameter& l, const MapContext& ctx, MappedLayer* out) {
  const auto& order = l.permute_param().order();
  const int rank = ctx.known(0) ? static_cast<int>(ctx.input_shapes[0].size()) : order.size();
  std::vector<int> perm;
  for (uint32_t o : order) {
    if (static_cast<int64_t>(o) >= rank) return parseError("permute_param order " + std::to_string(o) + " is not below the input rank " + std::to_string(rank));
    if (std::find(perm.begin(), perm.end(), static_cast<int>(o)) != perm.end())
      return parseError("permute_param order repeats axis " + std::to_string(o));
    perm.push_back(static_cast<int>(o));
  }
  for (int i = 0; i < rank; ++i)
    if (std::find(perm.begin(), perm.end(), i) == perm.end()) perm.push_back(i);
  bool identity = true;
  for (int i = 0; i < rank; ++i) identity = identity && perm[i] == i;
  if (identity) addNode(out, l, OpKind::Identity, IdentityParams{});
  else addNode(out, l, OpKind::Permute, PermuteParams{perm});
  return Status::ok();
}

// slice_point lists the cut positions; without them the axis is split evenly.
Status mapSlice(const caffepb::LayerParameter& l, const MapContext&, MappedLayer* out) {
  const auto& p = l.slice_param();
  SliceParams s;
  s.axis = !p.has_axis() && p.has_slice_dim() ? static_cast<int>(p.slice_dim()) : p.axis();
  if (p.slice_point_size() > 0) {
    if (p.slice_point_size() != l.top_size() - 1)
      return parseError("slice_param has " + std::to_string(p.slice_point_size()) + " slice_point for " + std::to_string(l.top_size()) +
                        " tops (needs one fewer than the tops)");
    int64_t prev = 0;
    for (uint32_t point : p.slice_point()) {
      if (static_cast<int64_t>(point) <= prev)
        return parseError("slice_param slice_point " + std::to_string(point) + " must be greater than the previous one (" + std::to_string(prev) + ")");
      s.sizes.push_back(point - prev);
      prev = point;
    }
    s.sizes.push_back(-1);
  }
  addNode(out, l, OpKind::Slice, s);
  return Status::ok();
}

// PSPNet's Interp: bilinear with aligned corners to a size from height/width, zoom_factor or
// shrink_factor (Caffe's order of precedence).
Status mapInterp(const caffepb::LayerParameter& l, const MapContext& ctx, MappedLayer* out) {
  const auto& p = l.interp_param();
  if (p.pad_beg() != 0 || p.pad_end() != 0) return unsupported("interp_param pad_beg / pad_end other than 0 is not supported");
  EQW_RETURN_IF_ERROR(needShape(ctx, "the Interp output size"));
  const Shape& in = ctx.input_shapes[0];
  if (in.size() != 4) return shapeError("Interp needs a 4-D input, got " + toString(in));
  int64_t h = in[2], w = in[3];
  const bool zoom = p.has_zoom_factor(), shrink = p.has_shrink_factor();
  if (shrink) {
    if (p.shrink_factor() < 1) return parseError("interp_param shrink_factor must be >= 1");
    h = (h - 1) / p.shrink_factor() + 1;
    w = (w - 1) / p.shrink_factor() + 1;
  }
  if (zoom) {
    if (p.zoom_factor() < 1) return parseError("interp_param zoom_factor must be >= 1");
    h = h + (h - 1) * (p.zoom_factor() - 1);
    w = w + (w - 1) * (p.zoom_factor() - 1);
  }
  if (!zoom && !shrink) {
    if (p.height() <= 0 || p.width() <= 0) return parseError("interp_param needs height and width, zoom_factor or shrink_factor");
    h = p.height();
    w = p.width();
  }
  if (h <= 0 || w <= 0 || h > kMaxDim || w > kMaxDim) return parseError("Interp output size " + std::to_string(h) + "x" + std::to_string(w) + " is out of range");
  InterpParams q;
  q.mode = InterpMode::Bilinear;
  q.coord = CoordMode::AlignCorners;
  q.out_h = static_cast<int>(h);
  q.out_w = static_cast<int>(w);
  addNode(out, l, OpKind::Interp, q);
  return Status::ok();
}

// The YOLO forks' Upsample: nearest neighbour by an integer factor.
Status mapUpsample(const caffepb::LayerParameter& l, const MapContext&, MappedLayer* out) {
  const uint32_t s = l.upsample_param().scale();
  if (s == 0 || s > 1024) return parseError("upsample_param scale " + std::to_string(s) + " must be positive");
  InterpParams q;
  q.mode = InterpMode::Nearest;
  q.coord = CoordMode::Asymmetric;
  q.nearest = NearestRound::Floor;
  q.scale_h = q.scale_w = static_cast<float>(s);
  addNode(out, l, OpKind::Interp, q);
  return Status::ok();
}

}  // namespace eqw::caffe

// Layers whose meaning depends on the rank of their input (ncnn names dimensions w, h, d, c
// and counts them per blob): Reshape, Permute, Crop, Padding, LayerNorm; and Slice.
#include <cstdint>
#include <limits>

#include "io/ncnn/layer_map.h"
#include "io/ncnn/param_reader.h"

namespace eqw::ncnn {

namespace {

// The input's ncnn-named dimension (w, h, d, c) from our shape; 1 when the blob lacks it.
int64_t namedDim(const Shape& s, char name) {
  const int r = static_cast<int>(s.size());
  switch (name) {
    case 'w': return r >= 2 ? s[r - 1] : 1;
    case 'h': return r >= 3 ? s[r - 2] : 1;
    case 'd': return r == 5 ? s[2] : 1;
    case 'c': return r >= 4 ? s[1] : 1;
  }
  return 1;
}

// Our rank for input 0, assuming a 3-D ncnn blob (rank 4 with the batch) when nothing is known.
int rankOrAssume(const MapContext& ctx, MappedLayer* out, const char* why) {
  int r = ctx.rank(0);
  if (r > 0) return r;
  out->notes.push_back(std::string("input shape unknown at import; assumed a 3-D ncnn blob (c, h, w) for ") + why);
  return 4;
}

}  // namespace

// Reshape 0=w 1=h 11=d 2=c (-233 unset, -1 inferred, 0 copied from the input's same-named
// dimension), 3=permute (unsupported).
Status mapReshape(const LayerDecl& d, const MapContext& ctx, MappedLayer* out) {
  ParamReader r(d.params);
  int w = r.i(0, kUnset), h = r.i(1, kUnset), dd = r.i(11, kUnset), c = r.i(2, kUnset);
  int permute = r.i(3, 0);
  EQW_RETURN_IF_ERROR(r.status());
  if (permute != 0) return unsupported("permute 3=1 (channel-last reshape) is not supported");
  int dims = 4;
  if (dd == kUnset) dims = 3;
  if (c == kUnset) dims = 2;
  if (h == kUnset) dims = 1;
  const std::pair<char, int> named[] = {{'c', c}, {'d', dd}, {'h', h}, {'w', w}};
  // Target dims in our order for each ncnn rank.
  std::vector<std::pair<char, int>> order;
  if (dims == 1) order = {named[3]};
  if (dims == 2) order = {named[2], named[3]};
  if (dims == 3) order = {named[0], named[2], named[3]};
  if (dims == 4) order = {named[0], named[1], named[2], named[3]};
  ReshapeParams p;
  p.shape.push_back(1);
  int inferred = 0;
  const bool known = ctx.rank(0) > 0;
  for (auto [name, v] : order) {
    if (v == kUnset) return parseError(std::string("dimension '") + name + "' is unset (-233) while a later one is set");
    if (v < -1) return parseError(std::string("dimension '") + name + "'=" + std::to_string(v) + " must be positive, 0 (copy) or -1 (infer)");
    if (v == -1 && ++inferred > 1) return parseError("more than one dimension is -1 (inferred)");
    if (v == 0 && known) {
      p.shape.push_back(namedDim(ctx.input_shapes[0], name));
    } else {
      if (v == 0 && static_cast<int>(order.size()) + 1 != ctx.rank(0))
        out->notes.push_back(std::string("dimension '") + name + "'=0 copies the input's dimension at the same position (input shape unknown at import)");
      p.shape.push_back(v);
    }
  }
  out->node.kind = OpKind::Reshape;
  out->node.params = p;
  return Status::ok();
}

// Permute 0=order_type: ncnn's named orders, e.g. for a 3-D blob 3 = "c w h": the output's
// (w, h, c) are the input's (c, w, h) -- NCHW to NHWC.
Status mapPermute(const LayerDecl& d, const MapContext& ctx, MappedLayer* out) {
  ParamReader r(d.params);
  int order = r.i(0, 0);
  EQW_RETURN_IF_ERROR(r.status());
  const int rank = rankOrAssume(ctx, out, "Permute");
  PermuteParams p;
  if (rank == 3) {
    if (order < 0 || order > 1) return parseError(kv("order_type", 0, order) + " must be 0 or 1 for a 2-D blob");
    p.perm = order == 0 ? std::vector<int>{0, 1, 2} : std::vector<int>{0, 2, 1};
  } else if (rank == 4) {
    static const std::vector<int> perms[6] = {{0, 1, 2, 3}, {0, 1, 3, 2}, {0, 2, 1, 3}, {0, 2, 3, 1}, {0, 3, 1, 2}, {0, 3, 2, 1}};
    if (order < 0 || order > 5) return parseError(kv("order_type", 0, order) + " must be 0..5 for a 3-D blob");
    p.perm = perms[order];
  } else if (order == 0) {
    for (int i = 0; i < rank; ++i) p.perm.push_back(i);
  } else {
    return unsupported(kv("order_type", 0, order) + " on a blob of rank " + std::to_string(rank) + " is not supported (2-D and 3-D blobs are)");
  }
  out->node.kind = OpKind::Permute;
  out->node.params = p;
  return Status::ok();
}

// Slice -23300=slices (-233: an equal share of what is left), -23302=indices, 1=axis.
Status mapSlice(const LayerDecl& d, MappedLayer* out) {
  ParamReader r(d.params);
  std::vector<int> slices = r.ints(0);
  std::vector<int> indices = r.ints(2);
  int axis = r.i(1, 0);
  EQW_RETURN_IF_ERROR(r.status());
  const size_t n = d.outputs.size();
  SliceParams p;
  p.axis = ourAxis(axis);
  if (!slices.empty()) {
    if (slices.size() != n)
      return parseError("slices -23300 has " + std::to_string(slices.size()) + " values for " + std::to_string(n) + " outputs");
    size_t unset = 0;
    for (int s : slices) {
      if (s == kUnset) ++unset;
      else if (s <= 0) return parseError("slice size " + std::to_string(s) + " must be positive or -233");
    }
    if (unset == n) {
      // all -233: even split, our empty sizes
    } else if (unset == 0 || (unset == 1 && slices.back() == kUnset)) {
      for (int s : slices) p.sizes.push_back(s == kUnset ? -1 : s);
    } else {
      return unsupported("slices -23300 mixes -233 (equal share of the rest) with fixed sizes other than a single trailing -233");
    }
  } else if (!indices.empty()) {
    if (indices.size() + 1 != n)
      return parseError("indices -23302 has " + std::to_string(indices.size()) + " values for " + std::to_string(n) + " outputs (needs outputs - 1)");
    int prev = 0;
    for (int idx : indices) {
      if (idx <= prev) return parseError("indices -23302 must be positive and increasing, got " + std::to_string(idx) + " after " + std::to_string(prev));
      p.sizes.push_back(idx - prev);
      prev = idx;
    }
    p.sizes.push_back(-1);
  }
  // Neither given: ncnn splits evenly, which is our empty sizes.
  out->node.kind = OpKind::Slice;
  out->node.params = p;
  return Status::ok();
}

// Crop: the numpy-style form -23309=starts -23310=ends -23311=axes (what onnx2ncnn writes;
// end -233 or 0 means "to the end"), or Caffe-style offsets 0/1/2 with sizes 3/4/5 given.
Status mapCrop(const LayerDecl& d, const MapContext& ctx, MappedLayer* out) {
  ParamReader r(d.params);
  std::vector<int> starts = r.ints(9), ends = r.ints(10), axes = r.ints(11);
  int woff = r.i(0, 0), hoff = r.i(1, 0), coff = r.i(2, 0);
  int outw = r.i(3, 0), outh = r.i(4, 0), outc = r.i(5, 0);
  int woff2 = r.i(6, 0), hoff2 = r.i(7, 0), coff2 = r.i(8, 0);
  EQW_RETURN_IF_ERROR(r.status());
  CropParams p;
  constexpr int64_t kEnd = std::numeric_limits<int64_t>::max();
  if (!starts.empty() && !ends.empty()) {
    if (starts.size() != ends.size() || (!axes.empty() && axes.size() != starts.size()))
      return parseError("starts -23309, ends -23310 and axes -23311 have different lengths");
    if (axes.empty()) {
      const int rank = ctx.rank(0);
      if (rank == 0) return unsupported("Crop without axes needs the input rank, which is unknown at import");
      for (int a = 1; a < rank && p.axes.size() < starts.size(); ++a) p.axes.push_back(a);
    } else {
      for (int a : axes) p.axes.push_back(ourAxis(a));
    }
    for (size_t i = 0; i < starts.size(); ++i) {
      p.starts.push_back(starts[i] == kUnset ? 0 : starts[i]);
      p.ends.push_back(ends[i] == kUnset || ends[i] == 0 ? kEnd : ends[i]);
    }
  } else {
    if (woff2 || hoff2 || coff2) return unsupported("Crop with trailing offsets 6= 7= 8= is not supported");
    if (woff < 0 || hoff < 0 || coff < 0) return unsupported("Crop with negative or -233 offsets is not supported");
    const int rank = rankOrAssume(ctx, out, "Crop");
    std::vector<std::pair<int, int>> dimsOut;  // (offset, size) in our axis order after the batch
    if (rank == 2) dimsOut = {{woff, outw}};
    else if (rank == 3) dimsOut = {{hoff, outh}, {woff, outw}};
    else if (rank == 4) dimsOut = {{coff, outc}, {hoff, outh}, {woff, outw}};
    else return unsupported("Crop offsets on a blob of rank " + std::to_string(rank) + " are not supported");
    for (size_t i = 0; i < dimsOut.size(); ++i) {
      auto [off, size] = dimsOut[i];
      if (size <= 0 && size != kUnset)
        return unsupported("Crop without an output size (3= 4= 5=) crops to a reference blob; only explicit sizes are supported");
      p.axes.push_back(static_cast<int>(i) + 1);
      p.starts.push_back(off);
      p.ends.push_back(size == kUnset ? kEnd : int64_t{off} + size);
    }
  }
  out->node.kind = OpKind::Crop;
  out->node.params = p;
  return Status::ok();
}

// Padding 0=top 1=bottom 2=left 3=right 4=type (0 constant, 1 replicate, 2 reflect) 5=value
// 6=per_channel_pad_data_size 7=front 8=behind (channels for a 3-D blob).
Status mapPadding(const LayerDecl& d, const MapContext& ctx, MappedLayer* out) {
  ParamReader r(d.params);
  int top = r.i(0, 0), bottom = r.i(1, 0), left = r.i(2, 0), right = r.i(3, 0);
  int type = r.i(4, 0);
  float value = r.f(5, 0.f);
  int perChannel = r.i(6, 0);
  int front = r.i(7, 0), behind = r.i(8, 0);
  r.require(top >= 0 && bottom >= 0 && left >= 0 && right >= 0 && front >= 0 && behind >= 0, "padding amounts must be >= 0");
  r.require(type >= 0 && type <= 2, kv("type", 4, type) + " must be 0 (constant), 1 (replicate) or 2 (reflect)");
  r.unsupportedIf(perChannel > 0, "per-channel pad values 6= are not supported");
  EQW_RETURN_IF_ERROR(r.status());
  PaddingParams p;
  p.mode = type == 0 ? PadKind::Constant : type == 1 ? PadKind::Edge : PadKind::Reflect;
  p.value = value;
  const int rank = rankOrAssume(ctx, out, "Padding");
  if (rank == 2) p.pads = {0, left, 0, right};
  else if (rank == 3) p.pads = {0, top, left, 0, bottom, right};
  else if (rank == 4) p.pads = {0, front, top, left, 0, behind, bottom, right};
  else return unsupported("Padding on a blob of rank " + std::to_string(rank) + " is not supported");
  if (rank < 4 && (front || behind)) return parseError("front 7= / behind 8= need a 3-D blob");
  if (rank < 3 && (top || bottom)) return parseError("top 0= / bottom 1= need a 2-D or 3-D blob");
  out->node.kind = OpKind::Padding;
  out->node.params = p;
  return Status::ok();
}

// LayerNorm 0=affine_size 1=eps 2=affine: normalises the innermost dimensions whose product
// is affine_size (w, or w*h).
Status mapLayerNorm(const LayerDecl& d, const MapContext& ctx, MappedLayer* out) {
  ParamReader r(d.params);
  int size = r.i(0, 0);
  float eps = r.f(1, 0.001f);
  bool affine = r.i(2, 1) != 0;
  r.require(size > 0 && size <= (1 << 26), kv("affine_size", 0, size) + " must be positive");
  EQW_RETURN_IF_ERROR(r.status());
  LayerNormParams p;
  p.eps = eps;
  p.affine = affine;
  p.axis = -1;
  if (ctx.rank(0) > 0) {
    const Shape& s = ctx.input_shapes[0];
    int64_t prod = 1;
    int axis = 0;
    for (int i = static_cast<int>(s.size()) - 1; i >= 1 && prod < size; --i, --axis) prod *= s[i];
    if (prod != size) return unsupported(kv("affine_size", 0, size) + " does not match the product of the innermost dimensions of " + toString(s));
    p.axis = axis;
  } else {
    out->notes.push_back("input shape unknown at import; LayerNorm assumed over the last dimension");
  }
  out->node.kind = OpKind::LayerNorm;
  out->node.params = p;
  if (affine) {
    out->blobs.push_back({"gamma", BlobTarget::Weight, size, false, {size}, 0, 0});
    out->blobs.push_back({"beta", BlobTarget::Weight, size, false, {size}, 1, 0});
  }
  return Status::ok();
}

}  // namespace eqw::ncnn

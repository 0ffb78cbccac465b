// Conv and ConvTranspose (2-D; 1-D ones are lifted to 2-D first, see ops_lift1d.cpp).
#include <algorithm>
#include <limits>

#include "io/onnx/converters.h"

namespace eqw::onnximport {

namespace {

bool fitsInt(int64_t v) { return v >= 0 && v <= std::numeric_limits<int>::max(); }

// A 2-element attribute (strides, dilations, output_padding) with every value >= minValue.
Status pair(ImportContext& ctx, const OnnxNode& n, const char* name, int64_t minValue, int& h, int& w) {
  std::vector<int64_t> v = n.attrs.ints(name, {h, w});
  if (v.size() != 2 || v[0] < minValue || v[1] < minValue || !fitsInt(v[0]) || !fitsInt(v[1]))
    return ctx.invalid(n, std::string(name) + "=" + listToString(v) + " must be two values >= " + std::to_string(minValue));
  h = static_cast<int>(v[0]);
  w = static_cast<int>(v[1]);
  return Status::ok();
}

// Attributes Conv and ConvTranspose share. The kernel size comes from W (dims 2 and 3).
Status readCommon(ImportContext& ctx, const OnnxNode& n, const ConstTensor& w, ConvParams& p) {
  if (w.dims.size() != 4)
    return ctx.unsupportedOp(n, "kernel rank=" + std::to_string(static_cast<int>(w.dims.size()) - 2) + "; only 2-D kernels");
  for (int64_t d : w.dims)
    if (d <= 0 || !fitsInt(d)) return ctx.invalid(n, "weight dims " + toString(w.dims) + " are not positive");
  std::vector<int64_t> ks = n.attrs.ints("kernel_shape");
  if (!ks.empty() && (ks.size() != 2 || ks[0] != w.dims[2] || ks[1] != w.dims[3]))
    return ctx.invalid(n, "kernel_shape=" + listToString(ks) + " does not match the weights " + toString(w.dims));
  p.kernel_h = static_cast<int>(w.dims[2]);
  p.kernel_w = static_cast<int>(w.dims[3]);
  EQW_RETURN_IF_ERROR(pair(ctx, n, "strides", 1, p.stride_h, p.stride_w));
  EQW_RETURN_IF_ERROR(pair(ctx, n, "dilations", 1, p.dilation_h, p.dilation_w));
  int64_t group = n.attrs.i("group", 1);
  if (group < 1 || !fitsInt(group)) return ctx.invalid(n, "group=" + std::to_string(group) + " must be >= 1");
  p.group = static_cast<int>(group);
  std::vector<int64_t> pads = n.attrs.ints("pads", {0, 0, 0, 0});
  if (pads.size() != 4) return ctx.invalid(n, "pads=" + listToString(pads) + " must have 4 values for a 2-D kernel");
  for (int64_t v : pads)
    if (!fitsInt(v)) return ctx.unsupportedOp(n, "pads=" + listToString(pads));
  // ONNX order: begin of H, begin of W, end of H, end of W.
  p.pads = Pads2d{static_cast<int>(pads[0]), static_cast<int>(pads[1]), static_cast<int>(pads[2]), static_cast<int>(pads[3])};
  std::string autoPad = n.attrs.s("auto_pad", "NOTSET");
  if (autoPad == "NOTSET") p.pad_mode = PadMode::Explicit;
  else if (autoPad == "SAME_UPPER") p.pad_mode = PadMode::SameUpper;
  else if (autoPad == "SAME_LOWER") p.pad_mode = PadMode::SameLower;
  else if (autoPad == "VALID") {
    p.pad_mode = PadMode::Valid;
    p.pads = Pads2d{};
  } else {
    return ctx.unsupportedOp(n, "auto_pad=" + autoPad);
  }
  return attrStatus(n);
}

Status readBias(ImportContext& ctx, const OnnxNode& n, Node& node, ConvParams& p) {
  auto b = ctx.optionalConstInput(n, 2, "bias");
  if (!b) return b.status();
  if (*b) {
    if ((*b)->numel() != p.num_output)
      return ctx.invalid(n, "bias has " + std::to_string((*b)->numel()) + " values for " + std::to_string(p.num_output) + " outputs");
    p.bias = true;
    node.weights.push_back((*b)->toTensor().reshaped({p.num_output}));
  }
  return Status::ok();
}

// ONNX's rule for an explicit output_shape: total padding = natural size - wanted size, split
// with the odd pixel at the end (at the start for SAME_UPPER). A negative end pad (the output is
// larger than the natural size) is the same thing as output padding.
Status padsForOutputShape(ImportContext& ctx, const OnnxNode& n, int x, ConvParams& p) {
  std::vector<int64_t> want = n.attrs.ints("output_shape");
  auto shape = ctx.shapeOf(x);
  if (!shape || shape->size() != 4) return ctx.unsupportedOp(n, "output_shape=" + listToString(want) + " with an unknown input shape");
  if (want.size() == 4) want.erase(want.begin(), want.begin() + 2);
  if (want.size() != 2) return ctx.invalid(n, "output_shape=" + listToString(want) + " must give H and W");
  const bool upper = p.pad_mode == PadMode::SameUpper;
  auto solve = [&](int64_t in, int stride, int outPad, int kernel, int dilation, int64_t out, int& begin, int& end, int& extra) {
    const int64_t total = stride * (in - 1) + outPad + (kernel - 1) * dilation + 1 - out;
    const int64_t half = total >= 0 ? total / 2 : -((-total + 1) / 2);  // floor division, as ONNX's reference
    const int64_t b = upper ? half : total - half, e = total - b;
    if (b < 0 || e < -stride || out < 1) return false;
    begin = static_cast<int>(b);
    end = static_cast<int>(std::max<int64_t>(e, 0));
    extra = outPad + static_cast<int>(std::max<int64_t>(-e, 0));
    return extra < std::max(stride, dilation);
  };
  Pads2d pads;
  if (!solve((*shape)[2], p.stride_h, p.output_pad_h, p.kernel_h, p.dilation_h, want[0], pads.top, pads.bottom, p.output_pad_h) ||
      !solve((*shape)[3], p.stride_w, p.output_pad_w, p.kernel_w, p.dilation_w, want[1], pads.left, pads.right, p.output_pad_w))
    return ctx.unsupportedOp(n, "output_shape=" + listToString(want) + " is not reachable from input " + toString(*shape));
  p.pads = pads;
  p.pad_mode = PadMode::Explicit;
  return Status::ok();
}

}  // namespace

Status convertConv(ImportContext& ctx, const OnnxNode& n) {
  if (isOneDimensional(ctx, n)) return convertLifted1d(ctx, n, convertConv);
  auto x = ctx.dataInput(n, 0);
  if (!x) return x.status();
  auto w = ctx.constInput(n, 1, "weights");
  if (!w) return w.status();
  ConvParams p;
  EQW_RETURN_IF_ERROR(readCommon(ctx, n, **w, p));
  p.num_output = static_cast<int>((*w)->dims[0]);
  if (p.num_output % p.group != 0)
    return ctx.invalid(n, "group=" + std::to_string(p.group) + " does not divide the " + std::to_string(p.num_output) + " outputs");
  if (auto shape = ctx.shapeOf(*x); shape && shape->size() == 4 && (*shape)[1] != (*w)->dims[1] * p.group)
    return ctx.invalid(n, "input has " + std::to_string((*shape)[1]) + " channels, weights " + toString((*w)->dims) +
                              " with group=" + std::to_string(p.group) + " expect " + std::to_string((*w)->dims[1] * p.group));
  Node node = ctx.makeNode(n, OpKind::Convolution, {});
  node.weights.push_back((*w)->toTensor());
  EQW_RETURN_IF_ERROR(readBias(ctx, n, node, p));
  node.params = p;
  node.inputs = {*x};
  node.outputs = {ctx.output(n)};
  ctx.emit(std::move(node));
  return Status::ok();
}

Status convertConvTranspose(ImportContext& ctx, const OnnxNode& n) {
  if (isOneDimensional(ctx, n)) return convertLifted1d(ctx, n, convertConvTranspose);
  auto x = ctx.dataInput(n, 0);
  if (!x) return x.status();
  auto w = ctx.constInput(n, 1, "weights");
  if (!w) return w.status();
  ConvParams p;
  EQW_RETURN_IF_ERROR(readCommon(ctx, n, **w, p));
  EQW_RETURN_IF_ERROR(pair(ctx, n, "output_padding", 0, p.output_pad_h, p.output_pad_w));
  if (n.attrs.has("output_shape")) EQW_RETURN_IF_ERROR(padsForOutputShape(ctx, n, *x, p));
  if (p.output_pad_h >= std::max(p.stride_h, p.dilation_h) || p.output_pad_w >= std::max(p.stride_w, p.dilation_w))
    return ctx.invalid(n, "output_padding must be smaller than the stride or the dilation");
  // Weights are [in_channels, out_channels / group, kh, kw].
  p.num_output = static_cast<int>((*w)->dims[1] * p.group);
  if (auto shape = ctx.shapeOf(*x); shape && shape->size() == 4 && (*shape)[1] != (*w)->dims[0])
    return ctx.invalid(n, "input has " + std::to_string((*shape)[1]) + " channels, weights " + toString((*w)->dims) +
                              " expect " + std::to_string((*w)->dims[0]));
  // Same* pads (output = input * stride) are resolved by shape inference.
  Node node = ctx.makeNode(n, OpKind::Deconvolution, {});
  node.weights.push_back((*w)->toTensor());
  EQW_RETURN_IF_ERROR(readBias(ctx, n, node, p));
  node.params = p;
  node.inputs = {*x};
  node.outputs = {ctx.output(n)};
  ctx.emit(std::move(node));
  return Status::ok();
}

}  // namespace eqw::onnximport

// Pad, Softmax and the Reduce* family.
#include <algorithm>
#include <map>

#include "io/onnx/converters.h"

namespace eqw::onnximport {

Status convertPad(ImportContext& ctx, const OnnxNode& n) {
  auto x = ctx.dataInput(n, 0);
  if (!x) return x.status();
  PaddingParams p;
  std::string mode = n.attrs.s("mode", "constant");
  if (mode == "constant") p.mode = PadKind::Constant;
  else if (mode == "reflect") p.mode = PadKind::Reflect;
  else if (mode == "edge") p.mode = PadKind::Edge;
  else return ctx.unsupportedOp(n, "mode=" + mode);
  if (ctx.opset() < 11) {
    p.pads = n.attrs.ints(ctx.opset() < 2 ? "paddings" : "pads");
    p.value = n.attrs.f("value", 0.f);
  } else {
    auto pads = ctx.constInput(n, 1, "pads");
    if (!pads) return pads.status();
    p.pads = (*pads)->asInts();
    auto value = ctx.optionalConstInput(n, 2, "constant_value");
    if (!value) return value.status();
    if (*value) p.value = static_cast<float>((*value)->get(0));
    if (n.hasInput(3)) return ctx.unsupportedOp(n, "axes input");
  }
  EQW_RETURN_IF_ERROR(attrStatus(n));
  if (std::any_of(p.pads.begin(), p.pads.end(), [](int64_t v) { return v < 0; }))
    return ctx.unsupportedOp(n, "pads=" + listToString(p.pads) + " (negative pads crop)");
  if (auto shape = ctx.shapeOf(*x); shape && p.pads.size() != 2 * shape->size())
    return ctx.invalid(n, "pads=" + listToString(p.pads) + " does not have 2 values per axis of " + toString(*shape));
  Node node = ctx.makeNode(n, OpKind::Padding, p);
  node.inputs = {*x};
  node.outputs = {ctx.output(n)};
  ctx.emit(std::move(node));
  return Status::ok();
}

// Before opset 13 Softmax works on the input coerced to 2-D at `axis`: equal to a per-axis
// softmax only when axis is the last one; otherwise Flatten -> Softmax -> Reshape back.
Status convertSoftmax(ImportContext& ctx, const OnnxNode& n) {
  const bool legacy = ctx.opset() < 13;
  int64_t axis = n.attrs.i("axis", legacy ? 1 : -1);
  EQW_RETURN_IF_ERROR(attrStatus(n));
  auto x = ctx.dataInput(n, 0);
  if (!x) return x.status();
  auto shape = ctx.shapeOf(*x);
  if (shape) {
    if (!normalizeAxis(axis, static_cast<int64_t>(shape->size())))
      return ctx.invalid(n, "axis=" + std::to_string(axis) + " is out of range for shape " + toString(*shape));
  } else if (legacy && axis != -1) {
    return ctx.unsupportedOp(n, "opset " + std::to_string(ctx.opset()) + " axis=" + std::to_string(axis) + " on an input of unknown shape");
  }
  const bool lastAxis = !shape || axis == static_cast<int64_t>(shape->size()) - 1;
  if (!legacy || lastAxis) {
    Node node = ctx.makeNode(n, OpKind::Softmax, SoftmaxParams{static_cast<int>(axis)});
    return emitSequence(ctx, {std::move(node)}, *x, ctx.output(n));
  }
  Node flatten = ctx.makeNode(n, OpKind::Flatten, FlattenParams{static_cast<int>(axis)});
  flatten.name = n.name + "/flatten";
  Node softmax = ctx.makeNode(n, OpKind::Softmax, SoftmaxParams{1});
  softmax.name = n.name + "/softmax";
  Node reshape = ctx.makeNode(n, OpKind::Reshape, ReshapeParams{*shape});
  std::vector<Node> seq;
  seq.push_back(std::move(flatten));
  seq.push_back(std::move(softmax));
  seq.push_back(std::move(reshape));
  return emitSequence(ctx, std::move(seq), *x, ctx.output(n));
}

Status convertReduce(ImportContext& ctx, const OnnxNode& n) {
  static const std::map<std::string, ReduceOp> ops = {
      {"ReduceMean", ReduceOp::Mean}, {"ReduceSum", ReduceOp::Sum},         {"ReduceMax", ReduceOp::Max},
      {"ReduceMin", ReduceOp::Min},   {"ReduceProd", ReduceOp::Prod},       {"ReduceSumSquare", ReduceOp::SumSquare},
      {"ReduceL1", ReduceOp::L1},     {"ReduceL2", ReduceOp::L2}};
  auto it = ops.find(n.op);
  if (it == ops.end()) return ctx.unsupportedOp(n);
  ReduceParams p;
  p.op = it->second;
  p.keep_dims = n.attrs.i("keepdims", 1) != 0;
  std::vector<int64_t> axes;
  // ReduceSum takes axes as an input from opset 13 (the others from 18).
  const bool axesInput = n.op == "ReduceSum" && ctx.opset() >= 13;
  if (axesInput) {
    auto c = ctx.optionalConstInput(n, 1, "axes");
    if (!c) return c.status();
    if (*c) axes = (*c)->asInts();
  } else {
    axes = n.attrs.ints("axes");
  }
  const bool noop = axesInput && n.attrs.i("noop_with_empty_axes", 0) != 0 && axes.empty();
  EQW_RETURN_IF_ERROR(attrStatus(n));
  auto x = ctx.dataInput(n, 0);
  if (!x) return x.status();
  if (noop) {
    Node node = ctx.makeNode(n, OpKind::Identity, IdentityParams{});
    return emitSequence(ctx, {std::move(node)}, *x, ctx.output(n));
  }
  auto shape = ctx.shapeOf(*x);
  for (int64_t a : axes) {
    if (shape && !normalizeAxis(a, static_cast<int64_t>(shape->size())))
      return ctx.invalid(n, "axes=" + listToString(axes) + " are out of range for shape " + toString(*shape));
    if (std::find(p.axes.begin(), p.axes.end(), static_cast<int>(a)) != p.axes.end())
      return ctx.invalid(n, "axes=" + listToString(axes) + " repeat an axis");
    p.axes.push_back(static_cast<int>(a));
  }
  Node node = ctx.makeNode(n, OpKind::Reduce, p);
  return emitSequence(ctx, {std::move(node)}, *x, ctx.output(n));
}

}  // namespace eqw::onnximport

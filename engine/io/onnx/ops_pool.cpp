// MaxPool, AveragePool (2-D windows; 1-D ones are lifted, see ops_lift1d.cpp) and the global pools.
#include <limits>

#include "io/onnx/converters.h"

namespace eqw::onnximport {

namespace {

bool fitsInt(int64_t v) { return v >= 0 && v <= std::numeric_limits<int>::max(); }

Status readWindow(ImportContext& ctx, const OnnxNode& n, PoolParams& p) {
  std::vector<int64_t> ks = n.attrs.ints("kernel_shape");
  if (ks.size() != 2)
    return ctx.unsupportedOp(n, "kernel_shape=" + listToString(ks) + "; only 2-D windows");
  std::vector<int64_t> strides = n.attrs.ints("strides", {1, 1});
  std::vector<int64_t> pads = n.attrs.ints("pads", {0, 0, 0, 0});
  std::vector<int64_t> dil = n.attrs.ints("dilations", {1, 1});
  if (ks[0] < 1 || ks[1] < 1 || !fitsInt(ks[0]) || !fitsInt(ks[1]))
    return ctx.invalid(n, "kernel_shape=" + listToString(ks) + " must be positive");
  if (strides.size() != 2 || strides[0] < 1 || strides[1] < 1 || !fitsInt(strides[0]) || !fitsInt(strides[1]))
    return ctx.invalid(n, "strides=" + listToString(strides) + " must be two values >= 1");
  if (pads.size() != 4) return ctx.invalid(n, "pads=" + listToString(pads) + " must have 4 values");
  for (int64_t v : pads)
    if (!fitsInt(v)) return ctx.invalid(n, "pads=" + listToString(pads) + " must be >= 0");
  if (dil != std::vector<int64_t>{1, 1}) return ctx.unsupportedOp(n, "dilations=" + listToString(dil));
  p.kernel_h = static_cast<int>(ks[0]);
  p.kernel_w = static_cast<int>(ks[1]);
  p.stride_h = static_cast<int>(strides[0]);
  p.stride_w = static_cast<int>(strides[1]);
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
  p.ceil_mode = n.attrs.i("ceil_mode", 0) != 0;
  return attrStatus(n);
}

}  // namespace

Status convertPool(ImportContext& ctx, const OnnxNode& n) {
  if (isOneDimensional(ctx, n)) return convertLifted1d(ctx, n, convertPool);
  PoolParams p;
  p.type = n.op == "MaxPool" ? PoolType::Max : PoolType::Avg;
  if (p.type == PoolType::Max && n.hasOutput(1)) return ctx.unsupportedOp(n, "Indices output '" + n.out(1) + "' is used");
  EQW_RETURN_IF_ERROR(readWindow(ctx, n, p));
  if (p.type == PoolType::Avg) p.count_include_pad = n.attrs.i("count_include_pad", 0) != 0;
  EQW_RETURN_IF_ERROR(attrStatus(n));
  auto x = ctx.dataInput(n, 0);
  if (!x) return x.status();
  if (auto shape = ctx.shapeOf(*x); shape && shape->size() != 4)
    return ctx.unsupportedOp(n, "input rank=" + std::to_string(shape->size()) + "; only NCHW");
  Node node = ctx.makeNode(n, OpKind::Pooling, p);
  node.inputs = {*x};
  node.outputs = {ctx.output(n)};
  ctx.emit(std::move(node));
  return Status::ok();
}

Status convertGlobalPool(ImportContext& ctx, const OnnxNode& n) {
  PoolParams p;
  p.type = n.op == "GlobalMaxPool" ? PoolType::Max : PoolType::Avg;
  p.global = true;
  p.keep_dims = true;
  auto x = ctx.dataInput(n, 0);
  if (!x) return x.status();
  if (auto shape = ctx.shapeOf(*x); shape && shape->size() != 4)
    return ctx.unsupportedOp(n, "input rank=" + std::to_string(shape->size()) + "; only NCHW");
  Node node = ctx.makeNode(n, OpKind::Pooling, p);
  node.inputs = {*x};
  node.outputs = {ctx.output(n)};
  ctx.emit(std::move(node));
  return Status::ok();
}

}  // namespace eqw::onnximport

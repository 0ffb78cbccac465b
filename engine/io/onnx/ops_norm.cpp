// BatchNormalization, LRN and LayerNormalization.
#include "io/onnx/converters.h"

#include <algorithm>

namespace eqw::onnximport {

namespace {

// A per-channel vector: [C], or [C, 1, ...] as some exporters write it.
bool perChannel(const ConstTensor& t, int64_t c) {
  if (t.numel() != c || t.dims.empty()) return false;
  return t.dims[0] == c;
}

}  // namespace

Status convertBatchNorm(ImportContext& ctx, const OnnxNode& n) {
  if (n.attrs.i("training_mode", 0) != 0) return ctx.unsupportedOp(n, "training_mode=1");
  if (ctx.opset() < 9 && n.attrs.i("spatial", 1) == 0) return ctx.unsupportedOp(n, "spatial=0");
  for (int k = 1; k < n.outputCount(); ++k)
    if (n.hasOutput(k)) return ctx.unsupportedOp(n, "training output '" + n.out(k) + "' is used");
  BatchNormParams p;
  p.eps = n.attrs.f("epsilon", 1e-5f);
  EQW_RETURN_IF_ERROR(attrStatus(n));
  auto x = ctx.dataInput(n, 0);
  if (!x) return x.status();
  const char* roles[4] = {"scale", "bias", "mean", "var"};
  const ConstTensor* in[4];
  for (int k = 0; k < 4; ++k) {
    auto c = ctx.constInput(n, k + 1, roles[k]);
    if (!c) return c.status();
    in[k] = *c;
  }
  const int64_t channels = in[0]->numel();
  for (int k = 0; k < 4; ++k)
    if (!perChannel(*in[k], channels))
      return ctx.invalid(n, std::string(roles[k]) + " has dims " + toString(in[k]->dims) + ", expected [" +
                                std::to_string(channels) + "]");
  if (auto shape = ctx.shapeOf(*x); shape && (shape->size() < 2 || (*shape)[1] != channels))
    return ctx.invalid(n, "input shape " + toString(*shape) + " does not have " + std::to_string(channels) + " channels");
  Node node = ctx.makeNode(n, OpKind::BatchNorm, p);
  // Engine order: slope, mean, var, bias.
  for (int k : {0, 2, 3, 1}) node.weights.push_back(in[k]->toTensor().reshaped({channels}));
  node.inputs = {*x};
  node.outputs = {ctx.output(n)};
  ctx.emit(std::move(node));
  return Status::ok();
}

Status convertLRN(ImportContext& ctx, const OnnxNode& n) {
  LRNParams p;
  int64_t size = n.attrs.i("size", 0);
  if (size < 1 || size > 1 << 20) return ctx.invalid(n, "size=" + std::to_string(size) + " must be >= 1");
  p.local_size = static_cast<int>(size);
  p.alpha = n.attrs.f("alpha", 1e-4f);
  p.beta = n.attrs.f("beta", 0.75f);
  p.bias = n.attrs.f("bias", 1.f);
  EQW_RETURN_IF_ERROR(attrStatus(n));
  auto x = ctx.dataInput(n, 0);
  if (!x) return x.status();
  Node node = ctx.makeNode(n, OpKind::LRN, p);
  node.inputs = {*x};
  node.outputs = {ctx.output(n)};
  ctx.emit(std::move(node));
  return Status::ok();
}

Status convertLayerNorm(ImportContext& ctx, const OnnxNode& n) {
  LayerNormParams p;
  int64_t axis = n.attrs.i("axis", -1);
  p.eps = n.attrs.f("epsilon", 1e-5f);
  EQW_RETURN_IF_ERROR(attrStatus(n));
  auto x = ctx.dataInput(n, 0);
  if (!x) return x.status();
  if (auto shape = ctx.shapeOf(*x)) {
    if (!normalizeAxis(axis, static_cast<int64_t>(shape->size())))
      return ctx.invalid(n, "axis=" + std::to_string(axis) + " is out of range for shape " + toString(*shape));
  }
  p.axis = static_cast<int>(axis);
  auto scale = ctx.constInput(n, 1, "scale");
  if (!scale) return scale.status();
  auto bias = ctx.optionalConstInput(n, 2, "bias");
  if (!bias) return bias.status();
  p.affine = true;
  Node node = ctx.makeNode(n, OpKind::LayerNorm, p);
  node.weights.push_back((*scale)->toTensor());
  if (*bias) node.weights.push_back((*bias)->toTensor());
  node.inputs = {*x};
  // Mean and InvStdDev: an unused one before a used one still needs a value to write to.
  int lastUsed = 0;
  for (int k = 1; k < std::min(n.outputCount(), 3); ++k)
    if (n.hasOutput(k)) lastUsed = k;
  for (int k = 0; k <= lastUsed; ++k)
    node.outputs.push_back(n.hasOutput(k) ? ctx.output(n, k) : ctx.freshValue(n.name + (k == 1 ? "_mean" : "_inv_std")));
  ctx.emit(std::move(node));
  return Status::ok();
}

}  // namespace eqw::onnximport

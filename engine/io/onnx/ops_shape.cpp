// Ops that only rearrange or relabel data: Flatten, Reshape, Transpose, Squeeze, Unsqueeze,
// Identity, Dropout and Cast to float.
#include <algorithm>

#include "io/onnx/converters.h"

namespace eqw::onnximport {

namespace {

Status emitSingle(ImportContext& ctx, const OnnxNode& n, OpKind kind, OpParams params, int x) {
  Node node = ctx.makeNode(n, kind, std::move(params));
  node.inputs = {x};
  node.outputs = {ctx.output(n)};
  ctx.emit(std::move(node));
  return Status::ok();
}

// Squeeze / Unsqueeze axes: an attribute before opset 13, an input from 13 on.
Result<std::vector<int64_t>> readAxes(ImportContext& ctx, const OnnxNode& n, bool required) {
  if (ctx.opset() < 13) {
    if (required && !n.attrs.has("axes")) return ctx.invalid(n, "attribute 'axes' is missing");
    std::vector<int64_t> axes = n.attrs.ints("axes");
    EQW_RETURN_IF_ERROR(attrStatus(n));
    return axes;
  }
  auto c = required ? ctx.constInput(n, 1, "axes") : ctx.optionalConstInput(n, 1, "axes");
  if (!c) return c.status();
  return *c ? (*c)->asInts() : std::vector<int64_t>{};
}

}  // namespace

Status convertFlatten(ImportContext& ctx, const OnnxNode& n) {
  int64_t axis = n.attrs.i("axis", 1);
  EQW_RETURN_IF_ERROR(attrStatus(n));
  auto x = ctx.dataInput(n, 0);
  if (!x) return x.status();
  if (auto shape = ctx.shapeOf(*x)) {
    const int64_t rank = static_cast<int64_t>(shape->size());
    if (axis < -rank || axis > rank)
      return ctx.invalid(n, "axis=" + std::to_string(axis) + " is out of range for shape " + toString(*shape));
    if (axis < 0) axis += rank;
  } else if (axis < 0) {
    return ctx.unsupportedOp(n, "axis=" + std::to_string(axis) + " on an input of unknown rank");
  }
  return emitSingle(ctx, n, OpKind::Flatten, FlattenParams{static_cast<int>(axis)}, *x);
}

Status convertReshape(ImportContext& ctx, const OnnxNode& n) {
  auto x = ctx.dataInput(n, 0);
  if (!x) return x.status();
  std::vector<int64_t> shape;
  if (ctx.opset() < 5) {
    shape = n.attrs.ints("shape");
  } else {
    auto c = ctx.constInput(n, 1, "shape");
    if (!c) return c.status();
    shape = (*c)->asInts();
  }
  const bool allowZero = n.attrs.i("allowzero", 0) != 0;
  EQW_RETURN_IF_ERROR(attrStatus(n));
  if (allowZero && std::count(shape.begin(), shape.end(), 0) > 0)
    return ctx.unsupportedOp(n, "allowzero=1 with a 0 in shape " + listToString(shape) + " (an empty tensor)");
  if (std::count(shape.begin(), shape.end(), -1) > 1 ||
      std::any_of(shape.begin(), shape.end(), [](int64_t d) { return d < -1; }))
    return ctx.invalid(n, "shape " + listToString(shape) + " has a dim below -1 or more than one -1");
  return emitSingle(ctx, n, OpKind::Reshape, ReshapeParams{shape}, *x);
}

Status convertTranspose(ImportContext& ctx, const OnnxNode& n) {
  auto x = ctx.dataInput(n, 0);
  if (!x) return x.status();
  std::vector<int64_t> perm = n.attrs.ints("perm");
  EQW_RETURN_IF_ERROR(attrStatus(n));
  auto shape = ctx.shapeOf(*x);
  if (perm.empty()) {
    if (!shape) return ctx.unsupportedOp(n, "no perm and an input of unknown rank");
    for (int64_t k = static_cast<int64_t>(shape->size()) - 1; k >= 0; --k) perm.push_back(k);
  }
  std::vector<int64_t> sorted = perm;
  std::sort(sorted.begin(), sorted.end());
  for (size_t k = 0; k < sorted.size(); ++k)
    if (sorted[k] != static_cast<int64_t>(k)) return ctx.invalid(n, "perm=" + listToString(perm) + " is not a permutation");
  if (shape && shape->size() != perm.size())
    return ctx.invalid(n, "perm=" + listToString(perm) + " does not match the input shape " + toString(*shape));
  PermuteParams p;
  for (int64_t v : perm) p.perm.push_back(static_cast<int>(v));
  return emitSingle(ctx, n, OpKind::Permute, p, *x);
}

// Squeeze and Unsqueeze become a Reshape to the resulting static shape.
Status convertSqueeze(ImportContext& ctx, const OnnxNode& n) {
  const bool squeeze = n.op == "Squeeze";
  auto x = ctx.dataInput(n, 0);
  if (!x) return x.status();
  auto axes = readAxes(ctx, n, !squeeze);
  if (!axes) return axes.status();
  auto shape = ctx.shapeOf(*x);
  if (!shape) return ctx.unsupportedOp(n, "input of unknown shape");
  const int64_t inRank = static_cast<int64_t>(shape->size());
  const int64_t outRank = squeeze ? inRank : inRank + static_cast<int64_t>(axes->size());
  std::vector<char> marked(static_cast<size_t>(outRank), 0);
  for (int64_t a : *axes) {
    int64_t axis = a;
    if (!normalizeAxis(axis, squeeze ? inRank : outRank) || marked[axis])
      return ctx.invalid(n, "axes=" + listToString(*axes) + " are out of range or repeated for shape " + toString(*shape));
    marked[axis] = 1;
  }
  Shape target;
  if (squeeze) {
    for (int64_t k = 0; k < inRank; ++k) {
      const bool drop = axes->empty() ? (*shape)[k] == 1 : marked[k] != 0;
      if (drop && (*shape)[k] != 1)
        return ctx.invalid(n, "axis " + std::to_string(k) + " of shape " + toString(*shape) + " is not 1");
      if (!drop) target.push_back((*shape)[k]);
    }
  } else {
    for (int64_t k = 0, src = 0; k < outRank; ++k) target.push_back(marked[k] ? 1 : (*shape)[src++]);
  }
  return emitSingle(ctx, n, OpKind::Reshape, ReshapeParams{target}, *x);
}

Status convertIdentity(ImportContext& ctx, const OnnxNode& n) {
  if (n.op == "Dropout") {
    if (n.hasOutput(1)) return ctx.unsupportedOp(n, "mask output '" + n.out(1) + "' is used");
    if (n.hasInput(2)) {
      const ConstTensor* t = ctx.constant(n.in(2));
      if (!t || t->numel() != 1 || t->get(0) != 0.0) return ctx.unsupportedOp(n, "training_mode is not a constant false");
    }
  } else if (n.op == "Cast") {
    int64_t to = n.attrs.i("to", 0);
    if (to != onnx::TensorProto::FLOAT) return ctx.unsupportedOp(n, std::string("to=") + dataTypeName(static_cast<int32_t>(to)));
  }
  EQW_RETURN_IF_ERROR(attrStatus(n));
  auto x = ctx.dataInput(n, 0);
  if (!x) return x.status();
  return emitSingle(ctx, n, OpKind::Identity, IdentityParams{}, *x);
}

}  // namespace eqw::onnximport

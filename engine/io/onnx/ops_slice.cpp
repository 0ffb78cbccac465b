// Ops that cut or join along an axis: Concat, Split (-> Slice), Slice (-> Crop), and Gather
// with constant indices that pick one index or an evenly spaced run (-> Crop).
#include <algorithm>

#include "core/shape_rules.h"
#include "io/onnx/converters.h"

namespace eqw::onnximport {

Status convertConcat(ImportContext& ctx, const OnnxNode& n) {
  if (ctx.opset() >= 4 && !n.attrs.has("axis")) return ctx.invalid(n, "attribute 'axis' is missing");
  int64_t axis = n.attrs.i("axis", 1);
  EQW_RETURN_IF_ERROR(attrStatus(n));
  if (n.inputCount() == 0) return ctx.invalid(n, "has no inputs");
  Node node = ctx.makeNode(n, OpKind::Concat, {});
  for (int k = 0; k < n.inputCount(); ++k) {
    auto v = ctx.dataInput(n, k);
    if (!v) return v.status();
    node.inputs.push_back(*v);
  }
  if (auto shape = ctx.shapeOf(node.inputs[0])) {
    if (!normalizeAxis(axis, static_cast<int64_t>(shape->size())))
      return ctx.invalid(n, "axis=" + std::to_string(axis) + " is out of range for shape " + toString(*shape));
  }
  node.params = ConcatParams{static_cast<int>(axis)};
  node.outputs = {ctx.output(n)};
  ctx.emit(std::move(node));
  return Status::ok();
}

Status convertSplit(ImportContext& ctx, const OnnxNode& n) {
  int64_t axis = n.attrs.i("axis", 0);
  std::vector<int64_t> sizes;
  if (ctx.opset() < 13) {
    sizes = n.attrs.ints("split");
  } else {
    auto c = ctx.optionalConstInput(n, 1, "split");
    if (!c) return c.status();
    if (*c) sizes = (*c)->asInts();
  }
  EQW_RETURN_IF_ERROR(attrStatus(n));
  auto x = ctx.dataInput(n, 0);
  if (!x) return x.status();
  const int outputs = n.outputCount();
  if (outputs < 1) return ctx.invalid(n, "has no outputs");
  if (!sizes.empty() && static_cast<int>(sizes.size()) != outputs)
    return ctx.invalid(n, "split=" + listToString(sizes) + " does not give one size per output (" + std::to_string(outputs) + ")");
  if (std::any_of(sizes.begin(), sizes.end(), [](int64_t s) { return s <= 0; }))
    return ctx.unsupportedOp(n, "split=" + listToString(sizes) + " (empty pieces)");
  if (auto shape = ctx.shapeOf(*x)) {
    if (!normalizeAxis(axis, static_cast<int64_t>(shape->size())))
      return ctx.invalid(n, "axis=" + std::to_string(axis) + " is out of range for shape " + toString(*shape));
    const int64_t dim = (*shape)[axis];
    int64_t total = 0;
    for (int64_t s : sizes) total += s;
    if (!sizes.empty() && total != dim)
      return ctx.invalid(n, "split=" + listToString(sizes) + " does not add up to dim " + std::to_string(dim));
    if (sizes.empty() && dim % outputs != 0)
      return ctx.unsupportedOp(n, "axis of " + std::to_string(dim) + " does not split evenly into " + std::to_string(outputs));
  }
  Node node = ctx.makeNode(n, OpKind::Slice, SliceParams{static_cast<int>(axis), sizes});
  node.inputs = {*x};
  for (int k = 0; k < outputs; ++k)
    node.outputs.push_back(n.hasOutput(k) ? ctx.value(n.out(k)) : ctx.freshValue(n.name + "/unused"));
  ctx.emit(std::move(node));
  return Status::ok();
}

Status convertSlice(ImportContext& ctx, const OnnxNode& n) {
  auto x = ctx.dataInput(n, 0);
  if (!x) return x.status();
  CropParams p;
  if (ctx.opset() < 10) {
    p.starts = n.attrs.ints("starts");
    p.ends = n.attrs.ints("ends");
    p.axes = n.attrs.ints("axes");
    EQW_RETURN_IF_ERROR(attrStatus(n));
  } else {
    auto starts = ctx.constInput(n, 1, "starts");
    if (!starts) return starts.status();
    auto ends = ctx.constInput(n, 2, "ends");
    if (!ends) return ends.status();
    auto axes = ctx.optionalConstInput(n, 3, "axes");
    if (!axes) return axes.status();
    auto steps = ctx.optionalConstInput(n, 4, "steps");
    if (!steps) return steps.status();
    p.starts = (*starts)->asInts();
    p.ends = (*ends)->asInts();
    if (*axes) p.axes = (*axes)->asInts();
    if (*steps) p.steps = (*steps)->asInts();
  }
  const size_t count = p.starts.size();
  if (p.axes.empty())
    for (size_t k = 0; k < count; ++k) p.axes.push_back(static_cast<int64_t>(k));
  if (p.steps.empty()) p.steps.assign(count, 1);
  if (p.ends.size() != count || p.axes.size() != count || p.steps.size() != count)
    return ctx.invalid(n, "starts, ends, axes and steps differ in length");
  if (std::count(p.steps.begin(), p.steps.end(), 0) > 0) return ctx.invalid(n, "steps=" + listToString(p.steps) + " has a 0");
  if (auto shape = ctx.shapeOf(*x)) {
    for (int64_t& a : p.axes)
      if (!normalizeAxis(a, static_cast<int64_t>(shape->size())))
        return ctx.invalid(n, "axes out of range for shape " + toString(*shape));
    // The engine has no empty tensors: a slice that selects nothing is refused here, by name.
    auto ranges = shape_rules::resolveCrop(p, *shape);
    if (!ranges) return ctx.unsupportedOp(n, ranges.status().message());
  }
  Node node = ctx.makeNode(n, OpKind::Crop, p);
  node.inputs = {*x};
  node.outputs = {ctx.output(n)};
  ctx.emit(std::move(node));
  return Status::ok();
}

namespace {

// Maximal runs k0, k0+s, ... (s >= 1) of the index list, each one strided Crop.
std::vector<CropParams> indexRuns(const std::vector<int64_t>& ind, int64_t axis) {
  std::vector<CropParams> runs;
  for (size_t k = 0; k < ind.size();) {
    size_t end = k + 1;
    const int64_t step = end < ind.size() ? ind[end] - ind[k] : 1;
    if (step >= 1)
      while (end < ind.size() && ind[end] - ind[end - 1] == step) ++end;
    CropParams c;
    c.starts = {ind[k]};
    c.ends = {ind[end - 1] + 1};
    c.axes = {axis};
    c.steps = {end - k > 1 ? step : 1};
    runs.push_back(std::move(c));
    k = end;
  }
  return runs;
}

}  // namespace

// Gather on computed data with constant indices: each evenly spaced run of indices is a strided
// Crop, several runs are concatenated along the axis, and a final Reshape gives the indices' own
// dims their place (a scalar index removes the axis).
Status convertGather(ImportContext& ctx, const OnnxNode& n) {
  auto x = ctx.dataInput(n, 0);
  if (!x) return x.status();
  auto idx = ctx.constInput(n, 1, "indices");
  if (!idx) return idx.status();
  int64_t axis = n.attrs.i("axis", 0);
  EQW_RETURN_IF_ERROR(attrStatus(n));
  auto shape = ctx.shapeOf(*x);
  if (!shape) return ctx.unsupportedOp(n, "data of unknown shape");
  if (!normalizeAxis(axis, static_cast<int64_t>(shape->size())))
    return ctx.invalid(n, "axis=" + std::to_string(axis) + " is out of range for shape " + toString(*shape));
  const int64_t dim = (*shape)[axis];
  std::vector<int64_t> ind = (*idx)->asInts();
  for (int64_t& v : ind) {
    if (v < -dim || v >= dim) return ctx.invalid(n, "index " + std::to_string(v) + " is out of range for dim " + std::to_string(dim));
    if (v < 0) v += dim;
  }
  if (ind.empty()) return ctx.unsupportedOp(n, "empty indices (the engine has no empty tensors)");
  const Shape& idxDims = (*idx)->dims;
  // The result's shape: data dims before the axis, the indices' dims, data dims after the axis.
  Shape target(shape->begin(), shape->begin() + axis);
  target.insert(target.end(), idxDims.begin(), idxDims.end());
  target.insert(target.end(), shape->begin() + axis + 1, shape->end());
  const bool needReshape = idxDims.size() != 1;

  std::vector<CropParams> runs = indexRuns(ind, axis);
  const std::string base = ctx.graph().values[static_cast<size_t>(ctx.output(n))].name;
  const bool needConcat = runs.size() > 1;
  const int gathered = needReshape ? ctx.freshValue(base + "/gathered") : ctx.output(n);
  std::vector<int> pieces;
  for (size_t k = 0; k < runs.size(); ++k) {
    Node crop = ctx.makeNode(n, OpKind::Crop, runs[k]);
    if (needConcat || needReshape) crop.name = n.name + "/crop" + (needConcat ? std::to_string(k) : "");
    crop.inputs = {*x};
    crop.outputs = {needConcat ? ctx.freshValue(base + "/" + std::to_string(k)) : gathered};
    pieces.push_back(crop.outputs[0]);
    ctx.emit(std::move(crop));
  }
  if (needConcat) {
    Node concat = ctx.makeNode(n, OpKind::Concat, ConcatParams{static_cast<int>(axis)});
    if (needReshape) concat.name = n.name + "/concat";
    concat.inputs = pieces;
    concat.outputs = {gathered};
    ctx.emit(std::move(concat));
  }
  if (needReshape) {
    Node reshape = ctx.makeNode(n, OpKind::Reshape, ReshapeParams{target});
    reshape.inputs = {gathered};
    reshape.outputs = {ctx.output(n)};
    ctx.emit(std::move(reshape));
  }
  return Status::ok();
}

}  // namespace eqw::onnximport

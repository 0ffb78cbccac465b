#include "io/onnx/const_fold.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "io/onnx/converters.h"
#include "io/onnx/fold_math.h"

namespace eqw::onnximport {

namespace {

using fold::BinOp;

Result<ConstTensor> constantValue(ImportContext& ctx, const OnnxNode& n) {
  const Attributes& a = n.attrs;
  if (const onnx::TensorProto* t = a.t("value")) return decodeTensor(*t, ctx.where(n));
  if (a.has("value_float")) return ConstTensor::floats({}, {a.f("value_float", 0.f)});
  if (a.has("value_floats")) {
    std::vector<float> v = a.floats("value_floats");
    return ConstTensor::floats({static_cast<int64_t>(v.size())}, v);
  }
  if (a.has("value_int")) return ConstTensor::ints({}, {a.i("value_int", 0)});
  if (a.has("value_ints")) {
    std::vector<int64_t> v = a.ints("value_ints");
    return ConstTensor::ints({static_cast<int64_t>(v.size())}, v);
  }
  if (a.has("sparse_value")) return ctx.unsupportedOp(n, "sparse_value");
  if (a.has("value_string") || a.has("value_strings")) return ctx.unsupportedOp(n, "string constant");
  return ctx.invalid(n, "has no value attribute");
}

// Shape (opset 15 adds start / end, clamped like Slice) and Size of a value of known shape.
std::optional<ConstTensor> shapeOf(ImportContext& ctx, const OnnxNode& n) {
  auto shape = ctx.shapeOf(n.in(0));
  if (!shape) return std::nullopt;
  if (n.op == "Size") {
    int64_t total = 1;
    for (int64_t d : *shape) total *= d;
    return ConstTensor::ints({}, {total});
  }
  const int64_t rank = static_cast<int64_t>(shape->size());
  int64_t start = n.attrs.i("start", 0), end = n.attrs.i("end", rank);
  if (start < 0) start += rank;
  if (end < 0) end += rank;
  start = std::clamp<int64_t>(start, 0, rank);
  end = std::clamp<int64_t>(end, 0, rank);
  std::vector<int64_t> dims(shape->begin() + start, shape->begin() + std::max(start, end));
  return ConstTensor::ints({static_cast<int64_t>(dims.size())}, dims);
}

// Squeeze / Unsqueeze of a constant: only the dims change.
std::optional<ConstTensor> squeeze(ImportContext& ctx, const OnnxNode& n, const ConstTensor& x) {
  std::vector<int64_t> axes;
  if (ctx.opset() < 13) axes = n.attrs.ints("axes");
  else if (n.hasInput(1)) axes = ctx.constant(n.in(1))->asInts();
  const bool sq = n.op == "Squeeze";
  const int64_t inRank = static_cast<int64_t>(x.dims.size());
  const int64_t outRank = sq ? inRank : inRank + static_cast<int64_t>(axes.size());
  std::vector<char> marked(static_cast<size_t>(outRank), 0);
  for (int64_t a : axes) {
    if (!normalizeAxis(a, outRank) || marked[a]) return std::nullopt;
    marked[a] = 1;
  }
  ConstTensor c = x;
  c.dims.clear();
  if (sq) {
    for (int64_t k = 0; k < inRank; ++k) {
      const bool drop = axes.empty() ? x.dims[k] == 1 : marked[k] != 0;
      if (drop && x.dims[k] != 1) return std::nullopt;
      if (!drop) c.dims.push_back(x.dims[k]);
    }
  } else {
    for (int64_t k = 0, src = 0; k < outRank; ++k) c.dims.push_back(marked[k] ? 1 : x.dims[src++]);
  }
  return c;
}

std::optional<ConstTensor> sliceOf(ImportContext& ctx, const OnnxNode& n, const ConstTensor& x) {
  std::vector<int64_t> starts, ends, axes, steps;
  if (ctx.opset() < 10) {
    starts = n.attrs.ints("starts");
    ends = n.attrs.ints("ends");
    axes = n.attrs.ints("axes");
  } else {
    if (!n.hasInput(1) || !n.hasInput(2)) return std::nullopt;
    starts = ctx.constant(n.in(1))->asInts();
    ends = ctx.constant(n.in(2))->asInts();
    if (n.hasInput(3)) axes = ctx.constant(n.in(3))->asInts();
    if (n.hasInput(4)) steps = ctx.constant(n.in(4))->asInts();
  }
  if (axes.empty())
    for (size_t k = 0; k < starts.size(); ++k) axes.push_back(static_cast<int64_t>(k));
  if (steps.empty()) steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() || steps.size() != starts.size()) return std::nullopt;
  for (int64_t& a : axes)
    if (!normalizeAxis(a, static_cast<int64_t>(x.dims.size()))) return std::nullopt;
  return fold::slice(x, starts, ends, axes, steps);
}

std::optional<ConstTensor> range(const ConstTensor& start, const ConstTensor& limit, const ConstTensor& delta) {
  const double s = start.get(0), l = limit.get(0), d = delta.get(0);
  if (d == 0.0) return std::nullopt;
  const double n = std::ceil((l - s) / d);
  if (!(n < static_cast<double>(fold::kMaxFoldElements))) return std::nullopt;
  const int64_t count = n > 0 ? static_cast<int64_t>(n) : 0;
  ConstTensor c;
  c.dtype = start.dtype;
  c.dims = {count};
  for (int64_t k = 0; k < count; ++k) {
    if (start.isFloat()) c.f.push_back(static_cast<float>(s + static_cast<double>(k) * d));
    else c.i.push_back(start.i[0] + k * delta.i[0]);
  }
  return c;
}

std::optional<ConstTensor> constantOfShape(ImportContext& ctx, const OnnxNode& n, const ConstTensor& shape) {
  ConstTensor value = ConstTensor::floats({1}, {0.f});
  if (const onnx::TensorProto* t = n.attrs.t("value")) {
    auto v = decodeTensor(*t, ctx.where(n));
    if (!v || v->numel() != 1) return std::nullopt;
    value = *v;
  }
  Shape dims = shape.asInts();
  int64_t total = 1;
  for (int64_t d : dims) {
    if (d < 0 || (d > 0 && total > fold::kMaxFoldElements / d)) return std::nullopt;
    total *= d;
  }
  ConstTensor c = value;
  c.dims = dims;
  if (c.isFloat()) c.f.assign(static_cast<size_t>(total), value.f[0]);
  else c.i.assign(static_cast<size_t>(total), value.i[0]);
  return c;
}

// Ops folded when every present input is a constant.
std::optional<ConstTensor> foldAllConst(ImportContext& ctx, const OnnxNode& n) {
  static const std::map<std::string, BinOp> binops = {{"Add", BinOp::Add}, {"Sub", BinOp::Sub}, {"Mul", BinOp::Mul},
                                                      {"Div", BinOp::Div}, {"Pow", BinOp::Pow}, {"Max", BinOp::Max},
                                                      {"Min", BinOp::Min}, {"Equal", BinOp::Equal}};
  auto in = [&](int k) { return ctx.constant(n.in(k)); };
  const std::string& op = n.op;
  if (auto it = binops.find(op); it != binops.end() && n.inputCount() == 2) return fold::binary(it->second, *in(0), *in(1));
  if (op == "Identity" || (op == "Dropout" && !n.hasOutput(1))) return *in(0);
  if (op == "Cast") return fold::cast(*in(0), static_cast<int32_t>(n.attrs.i("to", onnx::TensorProto::FLOAT)));
  if (op == "Neg" || op == "Abs" || op == "Floor" || op == "Ceil" || op == "Sqrt" || op == "Reciprocal")
    return fold::unary(op, *in(0));
  if (op == "Gather" && n.inputCount() == 2) return fold::gather(*in(0), *in(1), n.attrs.i("axis", 0));
  if (op == "Squeeze" || op == "Unsqueeze") return squeeze(ctx, n, *in(0));
  if (op == "Slice") return sliceOf(ctx, n, *in(0));
  if (op == "Concat") {
    std::vector<const ConstTensor*> parts;
    for (int k = 0; k < n.inputCount(); ++k) parts.push_back(in(k));
    return fold::concat(parts, n.attrs.i("axis", 1));
  }
  if (op == "Reshape" && ctx.opset() >= 5 && n.inputCount() == 2) {
    auto dims = fold::reshapeTarget(in(0)->dims, in(1)->asInts(), n.attrs.i("allowzero", 0) != 0);
    if (!dims) return std::nullopt;
    ConstTensor c = *in(0);
    c.dims = *dims;
    return c;
  }
  if (op == "Flatten") {
    ConstTensor c = *in(0);
    int64_t axis = n.attrs.i("axis", 1), rank = static_cast<int64_t>(c.dims.size());
    if (axis < 0) axis += rank;
    if (axis < 0 || axis > rank) return std::nullopt;
    int64_t outer = 1;
    for (int64_t k = 0; k < axis; ++k) outer *= c.dims[k];
    c.dims = {outer, outer ? c.numel() / outer : 0};
    return c;
  }
  if (op == "Transpose") {
    std::vector<int64_t> perm = n.attrs.ints("perm");
    if (perm.empty())
      for (int64_t k = static_cast<int64_t>(in(0)->dims.size()) - 1; k >= 0; --k) perm.push_back(k);
    return fold::transpose(*in(0), perm);
  }
  if (op == "Range" && n.inputCount() == 3) return range(*in(0), *in(1), *in(2));
  if (op == "ConstantOfShape") return constantOfShape(ctx, n, *in(0));
  return std::nullopt;
}

bool foldable(const std::string& op) {
  static const char* ops[] = {"Add",   "Sub",     "Mul",     "Div",       "Pow",   "Max",        "Min",
                              "Equal", "Identity", "Dropout", "Cast",     "Neg",   "Abs",        "Floor",
                              "Ceil",  "Sqrt",    "Reciprocal", "Gather", "Squeeze", "Unsqueeze", "Slice",
                              "Concat", "Reshape", "Flatten", "Transpose", "Range", "ConstantOfShape"};
  for (const char* o : ops)
    if (op == o) return true;
  return false;
}

}  // namespace

Result<bool> tryFold(ImportContext& ctx, const OnnxNode& n) {
  std::optional<ConstTensor> result;
  if (n.op == "Constant") {
    auto c = constantValue(ctx, n);
    if (!c) return c.status();
    EQW_RETURN_IF_ERROR(attrStatus(n));
    result = std::move(c.value());
  } else if (n.op == "Shape" || n.op == "Size") {
    if (!n.hasInput(0)) return ctx.invalid(n, "input is missing");
    result = shapeOf(ctx, n);
    if (!result) return ctx.unsupportedOp(n, "the shape of '" + n.in(0) + "' is not known at import");
  } else {
    if (!foldable(n.op) || n.inputCount() == 0 || !n.hasInput(0)) return false;
    if ((n.op == "Max" || n.op == "Min") && n.inputCount() != 2) return false;
    for (int k = 0; k < n.inputCount(); ++k)
      if (n.hasInput(k) && !ctx.isConst(n.in(k))) return false;
    result = foldAllConst(ctx, n);
    EQW_RETURN_IF_ERROR(attrStatus(n));
    if (!result) return ctx.invalid(n, "its constant inputs do not fit together (or the result is too large to fold)");
  }
  if (!n.hasOutput(0)) return ctx.invalid(n, "has no output");
  ctx.setConstant(n.out(0), std::move(*result));
  return true;
}

}  // namespace eqw::onnximport

// Elementwise ops: binary (Add Sub Mul Div Pow Max Min, numpy broadcasting), variadic
// (Sum Max Min Mean) and unary math (Abs Neg Sqrt Exp ...).
#include <map>

#include "io/onnx/converters.h"

namespace eqw::onnximport {

namespace {

bool commutative(BinaryOpKind op) {
  return op == BinaryOpKind::Add || op == BinaryOpKind::Mul || op == BinaryOpKind::Max || op == BinaryOpKind::Min;
}

// out = a op b. A constant b goes to the scalar (one element) or weights[0]; a constant a is
// swapped into b's place (RSub / RDiv for the ops that do not commute).
Status emitBinary(ImportContext& ctx, const OnnxNode& n, BinaryOpKind op, const std::string& a, const std::string& b,
                  int out, const std::string& nodeName) {
  const ConstTensor* ca = ctx.constant(a);
  const ConstTensor* cb = ctx.constant(b);
  if (ca && cb) return ctx.unsupportedOp(n, "both operands are constants");
  BinaryParams p;
  p.op = op;
  std::string x = a;
  if (ca) {
    if (op == BinaryOpKind::Sub) p.op = BinaryOpKind::RSub;
    else if (op == BinaryOpKind::Div) p.op = BinaryOpKind::RDiv;
    else if (!commutative(op)) return ctx.unsupportedOp(n, "constant first operand '" + a + "'");
    x = b;
    cb = ca;
  }
  Node node = ctx.makeNode(n, OpKind::Binary, {});
  node.name = nodeName;
  node.inputs = {ctx.value(x)};
  if (cb && cb->numel() == 1) {
    p.with_scalar = true;
    p.scalar = static_cast<float>(cb->get(0));
  } else if (cb) {
    node.weights.push_back(cb->toTensor());
  } else {
    node.inputs.push_back(ctx.value(b));
  }
  node.params = p;
  node.outputs = {out};
  ctx.emit(std::move(node));
  return Status::ok();
}

bool binaryKind(const std::string& op, BinaryOpKind& kind) {
  static const std::map<std::string, BinaryOpKind> table = {
      {"Add", BinaryOpKind::Add}, {"Sub", BinaryOpKind::Sub}, {"Mul", BinaryOpKind::Mul}, {"Div", BinaryOpKind::Div},
      {"Pow", BinaryOpKind::Pow}, {"Max", BinaryOpKind::Max}, {"Min", BinaryOpKind::Min}, {"Sum", BinaryOpKind::Add},
      {"Mean", BinaryOpKind::Add}};
  auto it = table.find(op);
  if (it == table.end()) return false;
  kind = it->second;
  return true;
}

// Sum / Max of same-shape dynamic inputs: one Eltwise node instead of a chain.
bool eltwiseFits(ImportContext& ctx, const OnnxNode& n) {
  if (n.op != "Sum" && n.op != "Max") return false;
  std::optional<Shape> first;
  for (int k = 0; k < n.inputCount(); ++k) {
    if (!n.hasInput(k) || ctx.isConst(n.in(k))) return false;
    auto s = ctx.shapeOf(n.in(k));
    if (!s || (first && *s != *first)) return false;
    first = s;
  }
  return true;
}

}  // namespace

Status convertBinary(ImportContext& ctx, const OnnxNode& n) {
  BinaryOpKind op;
  if (!binaryKind(n.op, op)) return ctx.unsupportedOp(n);
  // Before opset 7, broadcasting was opt-in with an explicit axis (not numpy's rule).
  if (ctx.opset() < 7 && n.attrs.i("broadcast", 0) != 0 && n.attrs.has("axis"))
    return ctx.unsupportedOp(n, "broadcast=1 with axis=" + std::to_string(n.attrs.i("axis", 0)));
  EQW_RETURN_IF_ERROR(attrStatus(n));
  if (!n.hasInput(0) || !n.hasInput(1)) return ctx.invalid(n, "needs two inputs");
  return emitBinary(ctx, n, op, n.in(0), n.in(1), ctx.output(n), n.name);
}

Status convertVariadic(ImportContext& ctx, const OnnxNode& n) {
  BinaryOpKind op;
  if (!binaryKind(n.op, op)) return ctx.unsupportedOp(n);
  const int count = n.inputCount();
  for (int k = 0; k < count; ++k)
    if (!n.hasInput(k)) return ctx.invalid(n, "input " + std::to_string(k) + " is empty");
  if (count == 0) return ctx.invalid(n, "has no inputs");
  const int out = ctx.output(n);
  const bool mean = n.op == "Mean";
  if (count == 1) {
    auto x = ctx.dataInput(n, 0);
    if (!x) return x.status();
    Node node = ctx.makeNode(n, OpKind::Identity, IdentityParams{});
    node.inputs = {*x};
    node.outputs = {out};
    ctx.emit(std::move(node));
    return Status::ok();
  }
  int acc = -1;
  if (eltwiseFits(ctx, n)) {
    EltwiseParams p;
    p.op = n.op == "Sum" ? EltwiseOp::Sum : EltwiseOp::Max;
    Node node = ctx.makeNode(n, OpKind::Eltwise, p);
    if (mean) node.name = n.name + "/sum";
    for (int k = 0; k < count; ++k) node.inputs.push_back(ctx.value(n.in(k)));
    acc = ctx.freshValue(n.out(0) + "/sum");
    node.outputs = {acc};
    if (!mean) node.outputs = {out};
    ctx.emit(std::move(node));
    if (!mean) return Status::ok();
  } else {
    std::string a = n.in(0);
    for (int k = 1; k < count; ++k) {
      const bool last = k == count - 1 && !mean;
      const int target = last ? out : ctx.freshValue(n.out(0) + "/" + std::to_string(k));
      EQW_RETURN_IF_ERROR(emitBinary(ctx, n, op, a, n.in(k), target, last ? n.name : n.name + "/" + std::to_string(k)));
      a = ctx.graph().values[target].name;
      acc = target;
    }
    if (!mean) return Status::ok();
  }
  BinaryParams scale;
  scale.op = BinaryOpKind::Mul;
  scale.with_scalar = true;
  scale.scalar = 1.f / static_cast<float>(count);
  Node node = ctx.makeNode(n, OpKind::Binary, scale);
  node.inputs = {acc};
  node.outputs = {out};
  ctx.emit(std::move(node));
  return Status::ok();
}

Status convertUnary(ImportContext& ctx, const OnnxNode& n) {
  static const std::map<std::string, UnaryOpKind> table = {
      {"Abs", UnaryOpKind::Abs},   {"Neg", UnaryOpKind::Neg}, {"Floor", UnaryOpKind::Floor},
      {"Ceil", UnaryOpKind::Ceil}, {"Sqrt", UnaryOpKind::Sqrt}, {"Exp", UnaryOpKind::Exp},
      {"Log", UnaryOpKind::Log},   {"Sin", UnaryOpKind::Sin}, {"Cos", UnaryOpKind::Cos},
      {"Tan", UnaryOpKind::Tan},   {"Reciprocal", UnaryOpKind::Reciprocal}, {"Erf", UnaryOpKind::Erf}};
  auto it = table.find(n.op);
  if (it == table.end()) return ctx.unsupportedOp(n);
  auto x = ctx.dataInput(n, 0);
  if (!x) return x.status();
  Node node = ctx.makeNode(n, OpKind::Unary, UnaryParams{it->second});
  node.inputs = {*x};
  node.outputs = {ctx.output(n)};
  ctx.emit(std::move(node));
  return Status::ok();
}

}  // namespace eqw::onnximport

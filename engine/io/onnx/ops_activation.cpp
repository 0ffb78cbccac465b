// Pointwise activations with parameters: Relu, LeakyRelu, Sigmoid, HardSigmoid, HardSwish,
// Tanh, Clip and PRelu.
#include <limits>

#include "io/onnx/converters.h"

namespace eqw::onnximport {

namespace {

Status emitActivation(ImportContext& ctx, const OnnxNode& n, Activation act) {
  EQW_RETURN_IF_ERROR(attrStatus(n));
  auto x = ctx.dataInput(n, 0);
  if (!x) return x.status();
  Node node = ctx.makeNode(n, OpKind::Activation, ActivationParams{act});
  node.inputs = {*x};
  node.outputs = {ctx.output(n)};
  ctx.emit(std::move(node));
  return Status::ok();
}

// Clip's bound from an input (opset >= 11): a one-element constant, or the default.
Status clipBound(ImportContext& ctx, const OnnxNode& n, int i, const char* role, float& v) {
  auto c = ctx.optionalConstInput(n, i, role);
  if (!c) return c.status();
  if (!*c) return Status::ok();
  if ((*c)->numel() != 1) return ctx.invalid(n, std::string(role) + " must be a scalar, has dims " + toString((*c)->dims));
  v = static_cast<float>((*c)->get(0));
  return Status::ok();
}

}  // namespace

Status convertActivation(ImportContext& ctx, const OnnxNode& n) {
  Activation act;
  if (n.op == "Relu") {
    act.kind = ActKind::ReLU;
  } else if (n.op == "LeakyRelu") {
    act.kind = ActKind::LeakyReLU;
    act.a = n.attrs.f("alpha", 0.01f);
  } else if (n.op == "Sigmoid") {
    act.kind = ActKind::Sigmoid;
  } else if (n.op == "HardSigmoid") {
    act.kind = ActKind::HardSigmoid;
    act.a = n.attrs.f("alpha", 0.2f);
    act.b = n.attrs.f("beta", 0.5f);
  } else if (n.op == "HardSwish") {
    act.kind = ActKind::HardSwish;
    act.a = 1.f / 6.f;
    act.b = 0.5f;
  } else if (n.op == "Tanh") {
    act.kind = ActKind::TanH;
  } else {
    return ctx.unsupportedOp(n);
  }
  return emitActivation(ctx, n, act);
}

Status convertClip(ImportContext& ctx, const OnnxNode& n) {
  Activation act;
  act.kind = ActKind::Clip;
  // ONNX's defaults are the float range's ends.
  act.a = std::numeric_limits<float>::lowest();
  act.b = std::numeric_limits<float>::max();
  if (ctx.opset() < 11) {
    act.a = n.attrs.f("min", act.a);
    act.b = n.attrs.f("max", act.b);
  } else {
    EQW_RETURN_IF_ERROR(clipBound(ctx, n, 1, "min", act.a));
    EQW_RETURN_IF_ERROR(clipBound(ctx, n, 2, "max", act.b));
  }
  return emitActivation(ctx, n, act);
}

Status convertPRelu(ImportContext& ctx, const OnnxNode& n) {
  auto x = ctx.dataInput(n, 0);
  if (!x) return x.status();
  auto slope = ctx.constInput(n, 1, "slope");
  if (!slope) return slope.status();
  const ConstTensor& s = **slope;
  // The engine's PReLU is per channel (axis 1). From opset 7 ONNX broadcasts slope numpy-style,
  // so it is per channel only when it is one value or shaped [C, 1, ..., 1] against the
  // rank-(k+1) input; before opset 7 a slope of C values was per channel by definition.
  bool ok = s.numel() == 1;
  auto shape = ctx.shapeOf(*x);
  if (!ok && ctx.opset() < 7 && shape && shape->size() >= 2) ok = s.numel() == (*shape)[1];
  if (!ok && shape && shape->size() >= 2) {
    Shape dims = s.dims;
    while (!dims.empty() && dims.front() == 1 && static_cast<int64_t>(dims.size()) > static_cast<int64_t>(shape->size()) - 1)
      dims.erase(dims.begin());
    ok = static_cast<int64_t>(dims.size()) == static_cast<int64_t>(shape->size()) - 1 && dims[0] == (*shape)[1];
    for (size_t k = 1; ok && k < dims.size(); ++k) ok = dims[k] == 1;
  }
  if (!ok)
    return ctx.unsupportedOp(n, "slope dims " + toString(s.dims) + " against input " + (shape ? toString(*shape) : "of unknown shape") +
                                    " are not per channel");
  Node node = ctx.makeNode(n, OpKind::PReLU, PReLUParams{});
  node.weights.push_back(s.toTensor().reshaped({s.numel()}));
  node.inputs = {*x};
  node.outputs = {ctx.output(n)};
  ctx.emit(std::move(node));
  return Status::ok();
}

}  // namespace eqw::onnximport

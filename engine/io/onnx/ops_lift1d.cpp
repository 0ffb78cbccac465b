// 1-D Conv, ConvTranspose, MaxPool and AveragePool ([N, C, L] data) run as their 2-D forms on
// [N, C, 1, L]: the 2-D converter sees a copy of the node whose window attributes and weights
// gained a leading unit dimension, between two Reshapes. The engine's kernels stay 2-D only.
#include "io/onnx/converters.h"

namespace eqw::onnximport {

namespace {

// The attributes that list one value per spatial axis, and pads (begins, then ends).
void liftAttributes(onnx::NodeProto& proto) {
  for (onnx::AttributeProto& a : *proto.mutable_attribute()) {
    const std::string& name = a.name();
    if (a.type() != onnx::AttributeProto::INTS) continue;
    auto* v = a.mutable_ints();
    if (name == "pads" && v->size() == 2) {
      const int64_t begin = v->Get(0), end = v->Get(1);
      v->Clear();
      for (int64_t x : {int64_t{0}, begin, int64_t{0}, end}) v->Add(x);
    } else if (v->size() == 1 && (name == "kernel_shape" || name == "strides" || name == "dilations" ||
                                  name == "output_padding" || name == "output_shape")) {
      const int64_t x = v->Get(0);
      v->Clear();
      // A unit kernel, stride and dilation; no output padding; an output height of 1.
      v->Add(name == "output_padding" ? 0 : 1);
      v->Add(x);
    }
  }
}

std::string valueName(ImportContext& ctx, int id) { return ctx.graph().values[static_cast<size_t>(id)].name; }

int emitReshape(ImportContext& ctx, const OnnxNode& n, const std::string& tag, int in, int out, std::vector<int64_t> shape) {
  Node r;
  r.name = ctx.uniqueNodeName(n.name + tag);
  r.source_type = n.op;
  r.kind = OpKind::Reshape;
  r.params = ReshapeParams{std::move(shape)};
  r.inputs = {in};
  r.outputs = {out};
  return ctx.emit(std::move(r));
}

}  // namespace

bool isOneDimensional(const ImportContext& ctx, const OnnxNode& n) {
  if (n.op == "Conv" || n.op == "ConvTranspose") {
    const ConstTensor* w = n.hasInput(1) ? ctx.constant(n.in(1)) : nullptr;
    return w != nullptr && w->dims.size() == 3;
  }
  return n.attrs.ints("kernel_shape").size() == 1;
}

Status convertLifted1d(ImportContext& ctx, const OnnxNode& n, ConvertFn convert2d) {
  auto x = ctx.dataInput(n, 0);
  if (!x) return x.status();
  if (auto shape = ctx.shapeOf(*x); shape && shape->size() != 3)
    return ctx.invalid(n, "a 1-D window needs [N, C, L] input, got " + toString(*shape));
  onnx::NodeProto lifted = n.proto;
  liftAttributes(lifted);

  const int x2d = ctx.freshValue(n.in(0) + "_2d");
  emitReshape(ctx, n, "_to_2d", *x, x2d, {0, 0, 1, -1});
  lifted.set_input(0, valueName(ctx, x2d));
  if (n.op == "Conv" || n.op == "ConvTranspose") {
    ConstTensor w = *ctx.constant(n.in(1));
    w.dims.insert(w.dims.begin() + 2, 1);
    const std::string wName = n.in(1) + "_2d_" + n.name;
    ctx.setConstant(wName, std::move(w));
    lifted.set_input(1, wName);
  }
  const int y2d = ctx.freshValue(n.out(0) + "_2d");
  lifted.set_output(0, valueName(ctx, y2d));

  EQW_RETURN_IF_ERROR(convert2d(ctx, OnnxNode(lifted, n.name, ctx.file())));
  emitReshape(ctx, n, "_to_1d", y2d, ctx.output(n), {0, 0, -1});
  return Status::ok();
}

}  // namespace eqw::onnximport

// Node -> ncnn layer for the weighted and element-wise ops: keys and defaults mirror
// layer_map.cpp / layer_map_conv.cpp / layer_map_spatial.cpp so the importer reads back the
// same node.
#include <charconv>
#include <climits>
#include <cmath>

#include "io/ncnn/ncnn_exporter.h"

namespace eqw::ncnn {

Status exportShapeLayer(const Graph& graph, const Node& node, LayerOut* out);  // ncnn_export_shape.cpp

std::string ParamText::number(float v, int key) {
  if (!std::isfinite(v)) {
    if (bad_.empty()) bad_ = "key " + std::to_string(key) + " has a non-finite value";
    return "0.0";
  }
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v);  // shortest form that reads back exactly
  std::string s(buf, res.ptr);
  if (s.find_first_of(".e") == std::string::npos) s += ".0";  // ncnn: a float needs '.' or 'e'
  return s;
}

std::string ParamText::number(int64_t v, int key) {
  if (v < INT_MIN || v > INT_MAX) {
    if (bad_.empty()) bad_ = "key " + std::to_string(key) + " value " + std::to_string(v) + " is out of ncnn's int range";
    return "0";
  }
  return std::to_string(v);
}

void ParamText::i(int key, int64_t v) { text_ += " " + std::to_string(key) + "=" + number(v, key); }
void ParamText::f(int key, float v) { text_ += " " + std::to_string(key) + "=" + number(v, key); }

void ParamText::ints(int id, const std::vector<int64_t>& v) {
  const int key = -23300 - id;
  text_ += " " + std::to_string(key) + "=" + std::to_string(v.size());
  for (int64_t x : v) text_ += "," + number(x, key);
}

void ParamText::floats(int id, const std::vector<float>& v) {
  const int key = -23300 - id;
  text_ += " " + std::to_string(key) + "=" + std::to_string(v.size());
  for (float x : v) text_ += "," + number(x, key);
}

namespace {

void addWeight(LayerOut* out, const Tensor& t, bool tagged) {
  WeightOut w;
  w.data = t.f32();
  w.count = t.numel();
  w.tagged = tagged;
  out->weights.push_back(std::move(w));
}

Status needWeights(const Node& node, size_t n) {
  if (node.weights.size() < n)
    return invalidArgument("has " + std::to_string(node.weights.size()) + " weight tensor(s), needs " + std::to_string(n));
  for (size_t k = 0; k < n; ++k)
    if (node.weights[k].dtype() != DType::F32) return unsupported("weight " + std::to_string(k) + " is not float32");
  return Status::ok();
}

// 9= activation_type, -23310 activation_params (layer_map_conv.cpp readActivation).
Status fusedActivation(const Activation& a, ParamText* p) {
  switch (a.kind) {
    case ActKind::None: return Status::ok();
    case ActKind::ReLU: p->i(9, 1); return Status::ok();
    case ActKind::LeakyReLU: p->i(9, 2); p->floats(10, {a.a}); return Status::ok();
    case ActKind::Clip: p->i(9, 3); p->floats(10, {a.a, a.b}); return Status::ok();
    case ActKind::Sigmoid: p->i(9, 4); return Status::ok();
    case ActKind::Mish: p->i(9, 5); return Status::ok();
    case ActKind::HardSwish: p->i(9, 6); p->floats(10, {a.a, a.b}); return Status::ok();
    default: return unsupported(std::string("fused activation ") + toString(a.kind) + " has no ncnn activation_type");
  }
}

void convGeometry(const ConvParams& c, int64_t weightCount, ParamText* p) {
  p->i(0, c.num_output);
  p->i(1, c.kernel_w);
  p->i(11, c.kernel_h);
  p->i(2, c.dilation_w);
  p->i(12, c.dilation_h);
  p->i(3, c.stride_w);
  p->i(13, c.stride_h);
  p->i(5, c.bias ? 1 : 0);
  p->i(6, weightCount);
  if (c.group != 1) p->i(7, c.group);
}

Status convPads(const ConvParams& c, ParamText* p) {
  if (c.pad_mode == PadMode::SameUpper || c.pad_mode == PadMode::SameLower) {
    const int v = c.pad_mode == PadMode::SameUpper ? -233 : -234;
    for (int key : {4, 15, 14, 16}) p->i(key, v);
    return Status::ok();
  }
  const Pads2d& q = c.pad_mode == PadMode::Valid ? Pads2d{} : c.pads;
  p->i(4, q.left);
  p->i(15, q.right);
  p->i(14, q.top);
  p->i(16, q.bottom);
  return Status::ok();
}

Status exportConvolution(const Node& node, LayerOut* out) {
  const ConvParams& c = node.p<ConvParams>();
  EQW_RETURN_IF_ERROR(needWeights(node, c.bias ? 2 : 1));
  out->type = c.group == 1 ? "Convolution" : "ConvolutionDepthWise";
  convGeometry(c, node.weights[0].numel(), &out->params);
  EQW_RETURN_IF_ERROR(convPads(c, &out->params));
  if (c.pad_value != 0.f) out->params.f(18, c.pad_value);
  EQW_RETURN_IF_ERROR(fusedActivation(c.act, &out->params));
  addWeight(out, node.weights[0], true);
  if (c.bias) addWeight(out, node.weights[1], false);
  return Status::ok();
}

// Ours [in][out/g][kh][kw] (ONNX) back to ncnn's per-group [out/g][in/g][kh][kw].
Status exportDeconvolution(const Node& node, LayerOut* out) {
  const ConvParams& c = node.p<ConvParams>();
  EQW_RETURN_IF_ERROR(needWeights(node, c.bias ? 2 : 1));
  if (c.pad_mode == PadMode::SameUpper || c.pad_mode == PadMode::SameLower)
    return unsupported("SAME padding on Deconvolution has no ncnn form the importer reads");
  const Tensor& w = node.weights[0];
  if (w.shape().size() != 4 || c.group <= 0 || w.shape()[0] % c.group != 0)
    return invalidArgument("deconvolution weight shape " + toString(w.shape()) + " does not fit group " + std::to_string(c.group));
  out->type = c.group == 1 ? "Deconvolution" : "DeconvolutionDepthWise";
  convGeometry(c, w.numel(), &out->params);
  EQW_RETURN_IF_ERROR(convPads(c, &out->params));
  out->params.i(18, c.output_pad_w);
  out->params.i(19, c.output_pad_h);
  EQW_RETURN_IF_ERROR(fusedActivation(c.act, &out->params));
  const int64_t group = c.group, inPerGroup = w.shape()[0] / group, outPerGroup = w.shape()[1];
  const int64_t maxk = w.shape()[2] * w.shape()[3];
  WeightOut wo;
  wo.owned.resize(static_cast<size_t>(w.numel()));
  const float* src = w.f32();
  for (int64_t g = 0; g < group; ++g)
    for (int64_t o = 0; o < outPerGroup; ++o)
      for (int64_t i = 0; i < inPerGroup; ++i)
        for (int64_t k = 0; k < maxk; ++k)
          wo.owned[((g * outPerGroup + o) * inPerGroup + i) * maxk + k] = src[((g * inPerGroup + i) * outPerGroup + o) * maxk + k];
  wo.data = wo.owned.data();
  wo.count = w.numel();
  wo.tagged = true;
  out->weights.push_back(std::move(wo));
  if (c.bias) addWeight(out, node.weights[1], false);
  return Status::ok();
}

Status exportInnerProduct(const Node& node, LayerOut* out) {
  const InnerProductParams& c = node.p<InnerProductParams>();
  EQW_RETURN_IF_ERROR(needWeights(node, c.bias ? 2 : 1));
  out->type = "InnerProduct";
  out->params.i(0, c.num_output);
  out->params.i(1, c.bias ? 1 : 0);
  out->params.i(2, node.weights[0].numel());
  EQW_RETURN_IF_ERROR(fusedActivation(c.act, &out->params));
  addWeight(out, node.weights[0], true);
  if (c.bias) addWeight(out, node.weights[1], false);
  return Status::ok();
}

// pad_mode 5=: 0 explicit + ceil, 1 explicit + floor, 2 SAME_UPPER, 3 SAME_LOWER.
Status exportPooling(const Node& node, LayerOut* out) {
  const PoolParams& c = node.p<PoolParams>();
  ParamText& p = out->params;
  out->type = "Pooling";
  p.i(0, c.type == PoolType::Max ? 0 : 1);
  if (c.global) {
    if (c.keep_dims) {
      p.i(7, 1);  // adaptive 1x1 keeps the 3-D blob
      p.i(8, 1);
      p.i(18, 1);
    } else {
      p.i(4, 1);
    }
    p.i(6, c.count_include_pad ? 1 : 0);
    return Status::ok();
  }
  p.i(1, c.kernel_w);
  p.i(11, c.kernel_h);
  p.i(2, c.stride_w);
  p.i(12, c.stride_h);
  const Pads2d q = c.pad_mode == PadMode::Explicit ? c.pads : Pads2d{};
  p.i(3, q.left);
  p.i(14, q.right);
  p.i(13, q.top);
  p.i(15, q.bottom);
  int mode = c.ceil_mode ? 0 : 1;
  if (c.pad_mode == PadMode::SameUpper) mode = 2;
  if (c.pad_mode == PadMode::SameLower) mode = 3;
  if (c.ceil_mode && (mode == 2 || mode == 3)) return unsupported("ceil_mode with SAME padding has no ncnn pad_mode");
  p.i(5, mode);
  p.i(6, c.count_include_pad ? 1 : 0);
  return Status::ok();
}

Status exportActivation(const Node& node, LayerOut* out) {
  const Activation& a = node.p<ActivationParams>().act;
  ParamText& p = out->params;
  switch (a.kind) {
    case ActKind::None: out->type = "Noop"; break;
    case ActKind::ReLU: out->type = "ReLU"; break;
    case ActKind::LeakyReLU: out->type = "ReLU"; p.f(0, a.a); break;
    case ActKind::Clip: out->type = "Clip"; p.f(0, a.a); p.f(1, a.b); break;
    case ActKind::Sigmoid: out->type = "Sigmoid"; break;
    case ActKind::HardSigmoid: out->type = "HardSigmoid"; p.f(0, a.a); p.f(1, a.b); break;
    case ActKind::HardSwish: out->type = "HardSwish"; p.f(0, a.a); p.f(1, a.b); break;
    case ActKind::Swish: out->type = "Swish"; break;
    case ActKind::Mish: out->type = "Mish"; break;
    case ActKind::TanH: out->type = "TanH"; break;
  }
  return Status::ok();
}

Status exportBinary(const Graph& graph, const Node& node, LayerOut* out) {
  const BinaryParams& c = node.p<BinaryParams>();
  out->type = "BinaryOp";
  out->params.i(0, static_cast<int>(c.op));  // same order as ncnn's op_type
  if (c.with_scalar) {
    out->params.i(1, 1);
    out->params.f(2, c.scalar);
    return Status::ok();
  }
  if (node.inputs.size() != 2) return unsupported("BinaryOp with a constant operand (no second input) needs an ncnn MemoryData layer, which is not supported");
  // The importer reads two-input BinaryOps with ncnn's broadcasting; numpy broadcasting of
  // different shapes may mean something else there.
  const Shape& a = graph.values[node.inputs[0]].shape;
  const Shape& b = graph.values[node.inputs[1]].shape;
  // One numpy case means the same to ncnn: b holds one value per channel of a ([1,C,1,1] against
  // [1,C,H,W], squeeze-and-excitation blocks).
  const bool perChannel = a.size() == 4 && b == Shape{1, a[1], 1, 1};
  if (!c.ncnn_broadcast && a != b && !perChannel)
    return unsupported("numpy broadcasting of " + toString(a) + " and " + toString(b) + " is not guaranteed to match ncnn's rules");
  return Status::ok();
}

Status exportUnary(const Node& node, LayerOut* out) {
  // ncnn op_type: 0 abs 1 neg 2 floor 3 ceil 4 square 5 sqrt 6 rsqrt 7 exp 8 log 9 sin 10 cos 11 tan 15 reciprocal 16 tanh
  const UnaryOpKind k = node.p<UnaryParams>().op;
  int op = -1;
  if (k == UnaryOpKind::Reciprocal) op = 15;
  else if (k == UnaryOpKind::Tanh) op = 16;
  else if (k != UnaryOpKind::Erf) op = static_cast<int>(k);  // Abs..Tan share ncnn's numbering
  if (op < 0) return unsupported("unary Erf has no ncnn UnaryOp");
  out->type = "UnaryOp";
  out->params.i(0, op);
  return Status::ok();
}

Status exportWeighted(const Node& node, LayerOut* out) {
  ParamText& p = out->params;
  switch (node.kind) {
    case OpKind::PReLU:
      EQW_RETURN_IF_ERROR(needWeights(node, 1));
      out->type = "PReLU";
      p.i(0, node.weights[0].numel());
      addWeight(out, node.weights[0], false);
      return Status::ok();
    case OpKind::BatchNorm:
      EQW_RETURN_IF_ERROR(needWeights(node, 4));
      out->type = "BatchNorm";
      p.i(0, node.weights[0].numel());
      p.f(1, node.p<BatchNormParams>().eps);
      for (int k = 0; k < 4; ++k) {
        if (node.weights[k].numel() != node.weights[0].numel()) return invalidArgument("BatchNorm weights differ in size");
        addWeight(out, node.weights[k], false);
      }
      return Status::ok();
    case OpKind::Scale: {
      const bool bias = node.p<ScaleParams>().bias;
      EQW_RETURN_IF_ERROR(needWeights(node, bias ? 2 : 1));
      out->type = "Scale";
      p.i(0, node.weights[0].numel());
      p.i(1, bias ? 1 : 0);
      addWeight(out, node.weights[0], false);
      if (bias) addWeight(out, node.weights[1], false);
      return Status::ok();
    }
    default: return internalError("not a weighted op");
  }
}

}  // namespace

Status exportLayer(const Graph& graph, const Node& node, LayerOut* out) {
  if (!node.imported_quant.weight_scales.empty())
    return unsupported("its weights carry imported int8 scales (quantized values); the FP32 export cannot write them");
  switch (node.kind) {
    case OpKind::Convolution: return exportConvolution(node, out);
    case OpKind::Deconvolution: return exportDeconvolution(node, out);
    case OpKind::InnerProduct: return exportInnerProduct(node, out);
    case OpKind::Pooling: return exportPooling(node, out);
    case OpKind::Activation: return exportActivation(node, out);
    case OpKind::PReLU:
    case OpKind::BatchNorm:
    case OpKind::Scale: return exportWeighted(node, out);
    case OpKind::Binary: return exportBinary(graph, node, out);
    case OpKind::Unary: return exportUnary(node, out);
    case OpKind::Split: out->type = "Split"; return Status::ok();
    case OpKind::Identity: out->type = "Noop"; return Status::ok();
    case OpKind::Eltwise: {
      const EltwiseParams& c = node.p<EltwiseParams>();
      out->type = "Eltwise";
      out->params.i(0, static_cast<int>(c.op));  // 0 prod 1 sum 2 max, as ncnn
      if (c.op == EltwiseOp::Sum && !c.coeffs.empty()) out->params.floats(1, c.coeffs);
      return Status::ok();
    }
    default: return exportShapeLayer(graph, node, out);
  }
}

}  // namespace eqw::ncnn

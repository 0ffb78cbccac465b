// The explicit list of ncnn layer types the importer reads (STYLE.md 3) and the mappers of the
// element-wise / simple layers. Parameter keys and defaults follow ncnn's load_param().
#include "io/ncnn/layer_map.h"

#include <cfloat>

#include "io/ncnn/param_reader.h"

namespace eqw::ncnn {

namespace {

using MapFn = Status (*)(const LayerDecl&, const MapContext&, MappedLayer*);

struct LayerType {
  const char* type;
  int min_in, max_in;            // blob counts the layer accepts; -1 = any
  int min_out, max_out;
  MapFn map;
};

Status setActivation(MappedLayer* out, ActKind kind, float a = 0.f, float b = 0.f) {
  out->node.kind = OpKind::Activation;
  out->node.params = ActivationParams{Activation{kind, a, b}};
  return Status::ok();
}

Status mapInput(const LayerDecl&, const MapContext&, MappedLayer* out) {
  out->node.kind = OpKind::Input;  // the importer sets the shape (0=w 1=h 2=c, options, hint)
  out->node.params = InputParams{};
  return Status::ok();
}

Status mapIdentity(const LayerDecl&, const MapContext&, MappedLayer* out) {
  out->node.kind = OpKind::Identity;
  out->node.params = IdentityParams{};
  return Status::ok();
}

Status mapSplit(const LayerDecl&, const MapContext&, MappedLayer* out) {
  out->node.kind = OpKind::Split;
  out->node.params = SplitParams{};
  return Status::ok();
}

// Dropout 0=scale: inference multiplies by scale (1 = identity).
Status mapDropout(const LayerDecl& d, const MapContext& ctx, MappedLayer* out) {
  ParamReader r(d.params);
  float scale = r.f(0, 1.f);
  EQW_RETURN_IF_ERROR(r.status());
  if (scale == 1.f) return mapIdentity(d, ctx, out);
  out->node.kind = OpKind::Binary;
  out->node.params = BinaryParams{BinaryOpKind::Mul, true, scale, false, {}};
  return Status::ok();
}

Status mapReLU(const LayerDecl& d, const MapContext&, MappedLayer* out) {
  ParamReader r(d.params);
  float slope = r.f(0, 0.f);
  EQW_RETURN_IF_ERROR(r.status());
  return slope == 0.f ? setActivation(out, ActKind::ReLU) : setActivation(out, ActKind::LeakyReLU, slope);
}

Status mapClip(const LayerDecl& d, const MapContext&, MappedLayer* out) {
  ParamReader r(d.params);
  float lo = r.f(0, -FLT_MAX), hi = r.f(1, FLT_MAX);
  r.require(lo <= hi, "Clip min 0=" + std::to_string(lo) + " is above max 1=" + std::to_string(hi));
  EQW_RETURN_IF_ERROR(r.status());
  return setActivation(out, ActKind::Clip, lo, hi);
}

// ncnn's defaults are alpha 0.2, beta 0.5 for both (PyTorch's HardSwish is 1/6, 0.5 and is
// written out explicitly by the converters).
Status mapHardSigmoid(const LayerDecl& d, const MapContext&, MappedLayer* out) {
  ParamReader r(d.params);
  float a = r.f(0, 0.2f), b = r.f(1, 0.5f);
  EQW_RETURN_IF_ERROR(r.status());
  return setActivation(out, ActKind::HardSigmoid, a, b);
}

Status mapHardSwish(const LayerDecl& d, const MapContext&, MappedLayer* out) {
  ParamReader r(d.params);
  float a = r.f(0, 0.2f), b = r.f(1, 0.5f);
  r.require(a != 0.f, "HardSwish alpha 0=0 is degenerate");
  EQW_RETURN_IF_ERROR(r.status());
  return setActivation(out, ActKind::HardSwish, a, b);
}

Status mapSigmoid(const LayerDecl&, const MapContext&, MappedLayer* out) { return setActivation(out, ActKind::Sigmoid); }
Status mapTanH(const LayerDecl&, const MapContext&, MappedLayer* out) { return setActivation(out, ActKind::TanH); }
Status mapSwish(const LayerDecl&, const MapContext&, MappedLayer* out) { return setActivation(out, ActKind::Swish); }
Status mapMish(const LayerDecl&, const MapContext&, MappedLayer* out) { return setActivation(out, ActKind::Mish); }

Status mapAbsVal(const LayerDecl&, const MapContext&, MappedLayer* out) {
  out->node.kind = OpKind::Unary;
  out->node.params = UnaryParams{UnaryOpKind::Abs};
  return Status::ok();
}

Status mapUnaryOp(const LayerDecl& d, const MapContext&, MappedLayer* out) {
  ParamReader r(d.params);
  int op = r.i(0, 0);
  EQW_RETURN_IF_ERROR(r.status());
  // ncnn: 0 abs 1 neg 2 floor 3 ceil 4 square 5 sqrt 6 rsqrt 7 exp 8 log 9 sin 10 cos 11 tan
  // 12 asin 13 acos 14 atan 15 reciprocal 16 tanh 17 log10 18 round 19 trunc
  static const UnaryOpKind kinds[] = {UnaryOpKind::Abs,   UnaryOpKind::Neg,  UnaryOpKind::Floor, UnaryOpKind::Ceil,
                                      UnaryOpKind::Square, UnaryOpKind::Sqrt, UnaryOpKind::Rsqrt, UnaryOpKind::Exp,
                                      UnaryOpKind::Log,   UnaryOpKind::Sin,  UnaryOpKind::Cos,   UnaryOpKind::Tan};
  UnaryOpKind kind;
  if (op >= 0 && op <= 11) kind = kinds[op];
  else if (op == 15) kind = UnaryOpKind::Reciprocal;
  else if (op == 16) kind = UnaryOpKind::Tanh;
  else return unsupported(kv("op_type", 0, op) + " is not supported (0..11, 15, 16 are)");
  out->node.kind = OpKind::Unary;
  out->node.params = UnaryParams{kind};
  return Status::ok();
}

// BinaryOp 0=op_type 1=with_scalar 2=b. Two-input forms broadcast by ncnn's rules.
Status mapBinaryOp(const LayerDecl& d, const MapContext&, MappedLayer* out) {
  ParamReader r(d.params);
  int op = r.i(0, 0);
  bool withScalar = r.i(1, 0) != 0;
  float b = r.f(2, 0.f);
  EQW_RETURN_IF_ERROR(r.status());
  if (op < 0 || op > 8) return unsupported(kv("op_type", 0, op) + " is not supported (0..8: add sub mul div max min pow rsub rdiv)");
  const size_t want = withScalar ? 1 : 2;
  if (d.inputs.size() != want)
    return parseError(std::string(withScalar ? "with_scalar 1=1 takes 1 input" : "without with_scalar BinaryOp takes 2 inputs") +
                      ", got " + std::to_string(d.inputs.size()));
  BinaryParams p;
  p.op = static_cast<BinaryOpKind>(op);  // same order as ncnn's op_type
  p.with_scalar = withScalar;
  p.scalar = b;
  p.ncnn_broadcast = !withScalar;
  out->node.kind = OpKind::Binary;
  out->node.params = p;
  return Status::ok();
}

// Eltwise 0=op (0 prod 1 sum 2 max), -23301 coeffs (sum only).
Status mapEltwise(const LayerDecl& d, const MapContext&, MappedLayer* out) {
  ParamReader r(d.params);
  int op = r.i(0, 0);
  std::vector<float> coeffs = r.floats(1);
  r.require(op >= 0 && op <= 2, kv("op_type", 0, op) + " must be 0 (prod), 1 (sum) or 2 (max)");
  r.require(coeffs.empty() || coeffs.size() == d.inputs.size(),
            "coeffs -23301 has " + std::to_string(coeffs.size()) + " values for " + std::to_string(d.inputs.size()) + " inputs");
  EQW_RETURN_IF_ERROR(r.status());
  EltwiseParams p;
  p.op = static_cast<EltwiseOp>(op);
  if (p.op == EltwiseOp::Sum) p.coeffs = coeffs;
  out->node.kind = OpKind::Eltwise;
  out->node.params = p;
  return Status::ok();
}

Status mapConcat(const LayerDecl& d, const MapContext&, MappedLayer* out) {
  ParamReader r(d.params);
  int axis = r.i(0, 0);
  EQW_RETURN_IF_ERROR(r.status());
  out->node.kind = OpKind::Concat;
  out->node.params = ConcatParams{ourAxis(axis)};
  return Status::ok();
}

// Softmax 0=axis 1=fixbug. ncnn refuses a non-zero axis without fixbug (old, wrong semantics).
Status mapSoftmax(const LayerDecl& d, const MapContext&, MappedLayer* out) {
  ParamReader r(d.params);
  int axis = r.i(0, 0);
  int fixbug = r.i(1, 0);
  EQW_RETURN_IF_ERROR(r.status());
  if (axis != 0 && fixbug == 0)
    return unsupported(kv("axis", 0, axis) + " without fixbug 1=1 uses ncnn's old, wrong axis rule; regenerate the param");
  out->node.kind = OpKind::Softmax;
  out->node.params = SoftmaxParams{ourAxis(axis)};
  return Status::ok();
}

Status mapFlatten(const LayerDecl&, const MapContext&, MappedLayer* out) {
  out->node.kind = OpKind::Flatten;
  out->node.params = FlattenParams{1};
  return Status::ok();
}

Status mapPReLU(const LayerDecl& d, const MapContext&, MappedLayer* out) {
  ParamReader r(d.params);
  int n = r.i(0, 0);
  r.require(n > 0 && n <= (1 << 24), kv("num_slope", 0, n) + " must be positive");
  EQW_RETURN_IF_ERROR(r.status());
  out->node.kind = OpKind::PReLU;
  out->node.params = PReLUParams{};
  out->blobs.push_back({"slope", BlobTarget::Weight, n, false, {n}, 0, 0});
  return Status::ok();
}

// BatchNorm 0=channels 1=eps (ncnn default 0); blobs slope, mean, var, bias (raw).
Status mapBatchNorm(const LayerDecl& d, const MapContext&, MappedLayer* out) {
  ParamReader r(d.params);
  int c = r.i(0, 0);
  float eps = r.f(1, 0.f);
  r.require(c > 0 && c <= (1 << 24), kv("channels", 0, c) + " must be positive");
  r.require(eps >= 0.f, "eps 1= must be >= 0");
  EQW_RETURN_IF_ERROR(r.status());
  out->node.kind = OpKind::BatchNorm;
  out->node.params = BatchNormParams{eps};
  const char* names[] = {"slope", "mean", "var", "bias"};
  for (int i = 0; i < 4; ++i) out->blobs.push_back({names[i], BlobTarget::Weight, c, false, {c}, i, 0});
  return Status::ok();
}

// Scale 0=scale_data_size (-233: the scale is the second input) 1=bias_term.
Status mapScale(const LayerDecl& d, const MapContext&, MappedLayer* out) {
  ParamReader r(d.params);
  int n = r.i(0, 0);
  bool bias = r.i(1, 0) != 0;
  EQW_RETURN_IF_ERROR(r.status());
  if (n == kUnset) {
    if (d.inputs.size() != 2) return parseError("scale_data_size 0=-233 needs the scale as a second input, got " + std::to_string(d.inputs.size()) + " input(s)");
    if (bias) return unsupported("bias_term 1=1 with a scale input (0=-233) is not supported");
    out->node.kind = OpKind::Binary;
    out->node.params = BinaryParams{BinaryOpKind::Mul, false, 0.f, true, {}};
    return Status::ok();
  }
  if (d.inputs.size() != 1) return parseError("a Scale with its own weights takes 1 input, got " + std::to_string(d.inputs.size()));
  if (n <= 0 || n > (1 << 24)) return parseError(kv("scale_data_size", 0, n) + " must be positive or -233");
  out->node.kind = OpKind::Scale;
  out->node.params = ScaleParams{bias};
  out->blobs.push_back({"scale", BlobTarget::Weight, n, false, {n}, 0, 0});
  if (bias) out->blobs.push_back({"bias", BlobTarget::Weight, n, false, {n}, 1, 0});
  return Status::ok();
}

// LRN 0=region (0 across channels, 1 within) 1=local_size 2=alpha 3=beta 4=bias.
Status mapLRN(const LayerDecl& d, const MapContext&, MappedLayer* out) {
  ParamReader r(d.params);
  LRNParams p;
  int region = r.i(0, 0);
  p.local_size = r.i(1, 5);
  p.alpha = r.f(2, 1.f);
  p.beta = r.f(3, 0.75f);
  p.bias = r.f(4, 1.f);
  r.require(region == 0 || region == 1, kv("region_type", 0, region) + " must be 0 or 1");
  r.require(p.local_size > 0 && p.local_size <= 4096, kv("local_size", 1, p.local_size) + " must be positive");
  EQW_RETURN_IF_ERROR(r.status());
  p.region = region == 0 ? LRNRegion::AcrossChannels : LRNRegion::WithinChannel;
  out->node.kind = OpKind::LRN;
  out->node.params = p;
  return Status::ok();
}

Status mapShuffleChannel(const LayerDecl& d, const MapContext&, MappedLayer* out) {
  ParamReader r(d.params);
  int group = r.i(0, 1);
  bool reverse = r.i(1, 0) != 0;
  r.require(group > 0, kv("group", 0, group) + " must be positive");
  EQW_RETURN_IF_ERROR(r.status());
  out->node.kind = OpKind::ShuffleChannel;
  out->node.params = ShuffleChannelParams{group, reverse};
  return Status::ok();
}

Status mapConvolutionL(const LayerDecl& d, const MapContext&, MappedLayer* o) { return mapConvolution(d, o, false); }
Status mapConvolutionDW(const LayerDecl& d, const MapContext&, MappedLayer* o) { return mapConvolution(d, o, true); }
Status mapDeconvolutionL(const LayerDecl& d, const MapContext&, MappedLayer* o) { return mapDeconvolution(d, o, false); }
Status mapDeconvolutionDW(const LayerDecl& d, const MapContext&, MappedLayer* o) { return mapDeconvolution(d, o, true); }
Status mapInnerProductL(const LayerDecl& d, const MapContext&, MappedLayer* o) { return mapInnerProduct(d, o); }
Status mapPoolingL(const LayerDecl& d, const MapContext&, MappedLayer* o) { return mapPooling(d, o); }
Status mapSliceL(const LayerDecl& d, const MapContext&, MappedLayer* o) { return mapSlice(d, o); }
Status mapInterpL(const LayerDecl& d, const MapContext&, MappedLayer* o) { return mapInterp(d, o); }
Status mapPriorBoxL(const LayerDecl& d, const MapContext&, MappedLayer* o) { return mapPriorBox(d, o); }
Status mapDetectionOutputL(const LayerDecl& d, const MapContext&, MappedLayer* o) { return mapDetectionOutput(d, o); }
Status mapNormalizeL(const LayerDecl& d, const MapContext&, MappedLayer* o) { return mapNormalize(d, o); }

constexpr int kAny = -1;

const LayerType kLayerTypes[] = {
    {"AbsVal", 1, 1, 1, 1, mapAbsVal},
    {"BatchNorm", 1, 1, 1, 1, mapBatchNorm},
    {"BinaryOp", 1, 2, 1, 1, mapBinaryOp},
    {"Clip", 1, 1, 1, 1, mapClip},
    {"Concat", 1, kAny, 1, 1, mapConcat},
    {"Convolution", 1, 1, 1, 1, mapConvolutionL},
    {"ConvolutionDepthWise", 1, 1, 1, 1, mapConvolutionDW},
    {"Crop", 1, 1, 1, 1, mapCrop},
    {"Deconvolution", 1, 1, 1, 1, mapDeconvolutionL},
    {"DeconvolutionDepthWise", 1, 1, 1, 1, mapDeconvolutionDW},
    {"DetectionOutput", 3, 3, 1, 1, mapDetectionOutputL},
    {"Dropout", 1, 1, 1, 1, mapDropout},
    {"Eltwise", 1, kAny, 1, 1, mapEltwise},
    {"Flatten", 1, 1, 1, 1, mapFlatten},
    {"HardSigmoid", 1, 1, 1, 1, mapHardSigmoid},
    {"HardSwish", 1, 1, 1, 1, mapHardSwish},
    {"InnerProduct", 1, 1, 1, 1, mapInnerProductL},
    {"Input", 0, 0, 1, 1, mapInput},
    {"Interp", 1, 1, 1, 1, mapInterpL},
    {"LayerNorm", 1, 1, 1, 1, mapLayerNorm},
    {"LRN", 1, 1, 1, 1, mapLRN},
    {"Mish", 1, 1, 1, 1, mapMish},
    {"Noop", 1, 1, 1, 1, mapIdentity},
    {"Normalize", 1, 1, 1, 1, mapNormalizeL},
    {"Padding", 1, 1, 1, 1, mapPadding},
    {"Permute", 1, 1, 1, 1, mapPermute},
    {"Pooling", 1, 1, 1, 1, mapPoolingL},
    {"PReLU", 1, 1, 1, 1, mapPReLU},
    {"PriorBox", 2, 2, 1, 1, mapPriorBoxL},
    {"ReLU", 1, 1, 1, 1, mapReLU},
    {"Reshape", 1, 1, 1, 1, mapReshape},
    {"Scale", 1, 2, 1, 1, mapScale},
    {"ShuffleChannel", 1, 1, 1, 1, mapShuffleChannel},
    {"Sigmoid", 1, 1, 1, 1, mapSigmoid},
    {"Slice", 1, 1, 1, kAny, mapSliceL},
    {"Softmax", 1, 1, 1, 1, mapSoftmax},
    {"Split", 1, 1, 1, kAny, mapSplit},
    {"Swish", 1, 1, 1, 1, mapSwish},
    {"TanH", 1, 1, 1, 1, mapTanH},
    {"UnaryOp", 1, 1, 1, 1, mapUnaryOp},
};

std::string countRange(int lo, int hi) {
  if (hi == kAny) return "at least " + std::to_string(lo);
  if (lo == hi) return std::to_string(lo);
  return std::to_string(lo) + " to " + std::to_string(hi);
}

}  // namespace

Shape shapeFromNcnn(int dims, int w, int h, int d, int c) {
  switch (dims) {
    case 1: return {1, w};
    case 2: return {1, h, w};
    case 3: return {1, c, h, w};
    case 4: return {1, c, d, h, w};
    default: return {};
  }
}

const std::vector<std::string>& supportedLayerTypes() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const LayerType& t : kLayerTypes) v.push_back(t.type);
    return v;
  }();
  return names;
}

Status mapLayer(const LayerDecl& decl, const MapContext& ctx, MappedLayer* out) {
  const LayerType* type = nullptr;
  for (const LayerType& t : kLayerTypes)
    if (decl.type == t.type) type = &t;
  if (!type) return unsupported("layer type '" + decl.type + "' is not supported by the ncnn importer");
  const int nIn = static_cast<int>(decl.inputs.size()), nOut = static_cast<int>(decl.outputs.size());
  if (nIn < type->min_in || (type->max_in != kAny && nIn > type->max_in))
    return parseError("expects " + countRange(type->min_in, type->max_in) + " input blob(s), has " + std::to_string(nIn));
  if (nOut < type->min_out || (type->max_out != kAny && nOut > type->max_out))
    return parseError("expects " + countRange(type->min_out, type->max_out) + " output blob(s), has " + std::to_string(nOut));
  out->node.name = decl.name;
  out->node.source_type = decl.type;
  return type->map(decl, ctx, out);
}

}  // namespace eqw::ncnn

// The explicit list of Caffe layer types the importer maps (STYLE.md 3) and the mappers of the
// element-wise and normalisation layers. Defaults follow upstream caffe.proto.
#include "io/caffe/layer_map.h"

#include <cmath>

namespace eqw::caffe {

namespace {

using MapFn = Status (*)(const caffepb::LayerParameter&, const MapContext&, MappedLayer*);

struct LayerType {
  const char* type;
  int min_in, max_in;            // bottom counts the layer accepts; -1 = any
  int min_out, max_out;          // top counts
  MapFn map;
};

constexpr int kAny = -1;
constexpr int64_t kMaxChannels = int64_t{1} << 24;

Status needChannels(const MapContext& ctx, int64_t* c) {
  if (!ctx.known(0) || ctx.input_shapes[0].size() < 2)
    return shapeError("the input's channel count is not known here (its shape could not be inferred), but the layer's weights depend on it");
  *c = ctx.input_shapes[0][1];
  if (*c <= 0 || *c > kMaxChannels) return shapeError("input channel count " + std::to_string(*c) + " is out of range");
  return Status::ok();
}

Status activation(const caffepb::LayerParameter& l, MappedLayer* out, ActKind kind, float a = 0.f, float b = 0.f) {
  addNode(out, l, OpKind::Activation, ActivationParams{Activation{kind, a, b}});
  return Status::ok();
}

Status mapReLU(const caffepb::LayerParameter& l, const MapContext&, MappedLayer* out) {
  const float slope = l.relu_param().negative_slope();
  return slope == 0.f ? activation(l, out, ActKind::ReLU) : activation(l, out, ActKind::LeakyReLU, slope);
}

// ReLU6 (MobileNet forks): min(max(x, 0), 6).
Status mapReLU6(const caffepb::LayerParameter& l, const MapContext&, MappedLayer* out) { return activation(l, out, ActKind::Clip, 0.f, 6.f); }

Status mapClip(const caffepb::LayerParameter& l, const MapContext&, MappedLayer* out) {
  const auto& p = l.clip_param();
  if (!p.has_min() || !p.has_max()) return parseError("clip_param needs both min and max");
  if (p.min() > p.max()) return parseError("clip_param min " + std::to_string(p.min()) + " is above max " + std::to_string(p.max()));
  return activation(l, out, ActKind::Clip, p.min(), p.max());
}

Status mapSigmoid(const caffepb::LayerParameter& l, const MapContext&, MappedLayer* out) { return activation(l, out, ActKind::Sigmoid); }
Status mapTanH(const caffepb::LayerParameter& l, const MapContext&, MappedLayer* out) { return activation(l, out, ActKind::TanH); }

Status mapAbsVal(const caffepb::LayerParameter& l, const MapContext&, MappedLayer* out) {
  addNode(out, l, OpKind::Unary, UnaryParams{UnaryOpKind::Abs});
  return Status::ok();
}

// Dropout only scales during training in Caffe (inverted dropout): identity at inference.
Status mapIdentity(const caffepb::LayerParameter& l, const MapContext&, MappedLayer* out) {
  addNode(out, l, OpKind::Identity, IdentityParams{});
  return Status::ok();
}

Status mapSplit(const caffepb::LayerParameter& l, const MapContext&, MappedLayer* out) {
  addNode(out, l, OpKind::Split, SplitParams{});
  return Status::ok();
}

Status mapPReLU(const caffepb::LayerParameter& l, const MapContext& ctx, MappedLayer* out) {
  int64_t c = 1;
  if (!l.prelu_param().channel_shared()) EQW_RETURN_IF_ERROR(needChannels(ctx, &c));
  Node& n = addNode(out, l, OpKind::PReLU, PReLUParams{});
  n.weights = {Tensor(Shape{c})};
  out->blobs.push_back({"slope", {c}});
  return Status::ok();
}

// Caffe's BatchNorm stores mean, variance and a moving-average scale factor s: the statistics
// are mean / s and var / s (0 when s is 0). The affine part lives in a following Scale layer.
Status mapBatchNorm(const caffepb::LayerParameter& l, const MapContext& ctx, MappedLayer* out) {
  int64_t c = 0;
  EQW_RETURN_IF_ERROR(needChannels(ctx, &c));
  const float eps = l.batch_norm_param().eps();
  if (!(eps >= 0.f)) return parseError("batch_norm_param eps " + std::to_string(eps) + " must be >= 0");
  Node& n = addNode(out, l, OpKind::BatchNorm, BatchNormParams{eps});
  n.weights = {Tensor(Shape{c}), Tensor(Shape{c}), Tensor(Shape{c}), Tensor(Shape{c})};
  out->blobs = {{"mean", {c}}, {"variance", {c}}, {"scale_factor", {1}}};
  out->assign = [c](const std::vector<Tensor>& b, MappedLayer& m) {
    const float s = b[2].f32()[0];
    const float factor = s == 0.f ? 0.f : 1.f / s;
    Node& bn = m.nodes[0];
    bn.weights[0].fill(1.f);
    bn.weights[3].fill(0.f);
    for (int64_t i = 0; i < c; ++i) {
      bn.weights[1].f32()[i] = b[0].f32()[i] * factor;
      bn.weights[2].f32()[i] = b[1].f32()[i] * factor;
    }
  };
  return Status::ok();
}

// Scale with a second bottom: the multiplier's dims line up with bottom 0 from `axis` on.
Status mapScaleByInput(const caffepb::LayerParameter& l, const MapContext& ctx, MappedLayer* out) {
  const auto& p = l.scale_param();
  if (p.bias_term()) return unsupported("Scale with a second bottom and bias_term: true is not supported");
  if (!ctx.known(0) || !ctx.known(1)) return shapeError("Scale with a second bottom needs both input shapes, which could not be inferred");
  const Shape& a = ctx.input_shapes[0];
  const Shape& s = ctx.input_shapes[1];
  const int rank = static_cast<int>(a.size());
  const int axis = normalizeAxis(p.axis(), rank);
  if (axis < 0 || axis + static_cast<int>(s.size()) > rank) return shapeError("scale_param axis " + std::to_string(p.axis()) + " does not fit the inputs");
  Shape view(static_cast<size_t>(rank), 1);
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != a[axis + i])
      return shapeError("second bottom " + toString(s) + " does not match input " + toString(a) + " from axis " + std::to_string(axis));
    view[axis + i] = s[i];
  }
  BinaryParams b;
  b.op = BinaryOpKind::Mul;
  b.b_view = view;
  addNode(out, l, OpKind::Binary, b);
  return Status::ok();
}

Status mapScale(const caffepb::LayerParameter& l, const MapContext& ctx, MappedLayer* out) {
  if (l.bottom_size() == 2) return mapScaleByInput(l, ctx, out);
  const auto& p = l.scale_param();
  const bool bias = p.bias_term();
  if (p.num_axes() == 0) {  // one learned scalar (and bias)
    addNode(out, l, OpKind::Binary, BinaryParams{BinaryOpKind::Mul, true, 1.f, false, {}});
    out->blobs.push_back({"scale", {}});
    if (bias) {
      addNode(out, l, OpKind::Binary, BinaryParams{BinaryOpKind::Add, true, 0.f, false, {}});
      out->blobs.push_back({"bias", {}});
    }
    out->assign = [](const std::vector<Tensor>& b, MappedLayer& m) {
      for (size_t i = 0; i < b.size(); ++i) m.nodes[i].p<BinaryParams>().scalar = b[i].f32()[0];
    };
    return Status::ok();
  }
  const int rank = ctx.known(0) ? static_cast<int>(ctx.input_shapes[0].size()) : 4;
  if (normalizeAxis(p.axis(), rank) != 1 || p.num_axes() != 1)
    return unsupported("scale_param axis " + std::to_string(p.axis()) + " num_axes " + std::to_string(p.num_axes()) +
                       " is not supported (per-channel axis 1 num_axes 1, or num_axes 0, are)");
  int64_t c = 0;
  EQW_RETURN_IF_ERROR(needChannels(ctx, &c));
  Node& n = addNode(out, l, OpKind::Scale, ScaleParams{bias});
  n.weights = {Tensor(Shape{c})};
  out->blobs.push_back({"scale", {c}});
  if (bias) {
    n.weights.push_back(Tensor(Shape{c}));
    out->blobs.push_back({"bias", {c}});
  }
  return Status::ok();
}

Status mapEltwise(const caffepb::LayerParameter& l, const MapContext&, MappedLayer* out) {
  const auto& p = l.eltwise_param();
  EltwiseParams e;
  switch (p.operation()) {
    case caffepb::EltwiseParameter::PROD: e.op = EltwiseOp::Prod; break;
    case caffepb::EltwiseParameter::MAX: e.op = EltwiseOp::Max; break;
    default: e.op = EltwiseOp::Sum; break;
  }
  if (p.coeff_size() > 0) {
    if (e.op != EltwiseOp::Sum) return parseError("eltwise_param coeff is only allowed with operation SUM");
    if (p.coeff_size() != l.bottom_size())
      return parseError("eltwise_param has " + std::to_string(p.coeff_size()) + " coeff for " + std::to_string(l.bottom_size()) + " bottoms");
    e.coeffs.assign(p.coeff().begin(), p.coeff().end());
  }
  addNode(out, l, OpKind::Eltwise, e);
  return Status::ok();
}

// `axis` wins; the deprecated `concat_dim` only when axis is absent.
Status mapConcat(const caffepb::LayerParameter& l, const MapContext&, MappedLayer* out) {
  const auto& p = l.concat_param();
  const int axis = !p.has_axis() && p.has_concat_dim() ? static_cast<int>(p.concat_dim()) : p.axis();
  addNode(out, l, OpKind::Concat, ConcatParams{axis});
  return Status::ok();
}

Status mapSoftmax(const caffepb::LayerParameter& l, const MapContext&, MappedLayer* out) {
  addNode(out, l, OpKind::Softmax, SoftmaxParams{l.softmax_param().axis()});
  return Status::ok();
}

// Caffe: ACROSS_CHANNELS divides by (k + alpha / n * sum x^2)^beta; WITHIN_CHANNEL by
// (1 + alpha / n^2 * sum over an n x n window)^beta and ignores k.
Status mapLRN(const caffepb::LayerParameter& l, const MapContext&, MappedLayer* out) {
  const auto& p = l.lrn_param();
  if (p.local_size() == 0 || p.local_size() > 4096 || p.local_size() % 2 == 0)
    return parseError("lrn_param local_size " + std::to_string(p.local_size()) + " must be odd and positive");
  LRNParams r;
  r.local_size = static_cast<int>(p.local_size());
  r.alpha = p.alpha();
  r.beta = p.beta();
  const bool within = p.norm_region() == caffepb::LRNParameter::WITHIN_CHANNEL;
  r.region = within ? LRNRegion::WithinChannel : LRNRegion::AcrossChannels;
  r.bias = within ? 1.f : p.k();
  addNode(out, l, OpKind::LRN, r);
  return Status::ok();
}

// y = (shift + scale * x) ^ power, as a chain of the scalar steps that are not identities.
Status mapPower(const caffepb::LayerParameter& l, const MapContext& ctx, MappedLayer* out) {
  const auto& p = l.power_param();
  if (p.scale() != 1.f) addNode(out, l, OpKind::Binary, BinaryParams{BinaryOpKind::Mul, true, p.scale(), false, {}});
  if (p.shift() != 0.f) addNode(out, l, OpKind::Binary, BinaryParams{BinaryOpKind::Add, true, p.shift(), false, {}});
  if (p.power() != 1.f) addNode(out, l, OpKind::Binary, BinaryParams{BinaryOpKind::Pow, true, p.power(), false, {}});
  if (out->nodes.empty()) return mapIdentity(l, ctx, out);
  return Status::ok();
}


const LayerType kLayerTypes[] = {
    {"AbsVal", 1, 1, 1, 1, mapAbsVal},
    {"BatchNorm", 1, 1, 1, 1, mapBatchNorm},
    {"Clip", 1, 1, 1, 1, mapClip},
    {"Concat", 1, kAny, 1, 1, mapConcat},
    {"Convolution", 1, 1, 1, 1, mapConvolution},
    {"ConvolutionDepthwise", 1, 1, 1, 1, mapConvolution},   // MobileNet forks: a grouped Convolution
    {"DepthwiseConvolution", 1, 1, 1, 1, mapConvolution},
    {"Deconvolution", 1, 1, 1, 1, mapDeconvolution},
    {"DetectionOutput", 3, 3, 1, 1, mapDetectionOutput},
    {"Dropout", 1, 1, 1, 1, mapIdentity},
    {"Eltwise", 2, kAny, 1, 1, mapEltwise},
    {"Flatten", 1, 1, 1, 1, mapFlatten},
    {"InnerProduct", 1, 1, 1, 1, mapInnerProduct},
    {"Interp", 1, 1, 1, 1, mapInterp},
    {"LRN", 1, 1, 1, 1, mapLRN},
    {"Normalize", 1, 1, 1, 1, mapNormalize},
    {"Permute", 1, 1, 1, 1, mapPermute},
    {"Pooling", 1, 1, 1, 1, mapPooling},
    {"Power", 1, 1, 1, 1, mapPower},
    {"PReLU", 1, 1, 1, 1, mapPReLU},
    {"PriorBox", 2, 2, 1, 1, mapPriorBox},
    {"ReLU", 1, 1, 1, 1, mapReLU},
    {"ReLU6", 1, 1, 1, 1, mapReLU6},
    {"Reshape", 1, 1, 1, 1, mapReshape},
    {"Scale", 1, 2, 1, 1, mapScale},
    {"Sigmoid", 1, 1, 1, 1, mapSigmoid},
    {"Slice", 1, 1, 1, kAny, mapSlice},
    {"Softmax", 1, 1, 1, 1, mapSoftmax},
    {"Split", 1, 1, 1, kAny, mapSplit},
    {"TanH", 1, 1, 1, 1, mapTanH},
    {"Upsample", 1, 1, 1, 1, mapUpsample},
};

std::string countRange(int lo, int hi) {
  if (hi == kAny) return "at least " + std::to_string(lo);
  if (lo == hi) return std::to_string(lo);
  return std::to_string(lo) + " to " + std::to_string(hi);
}

}  // namespace

Node& addNode(MappedLayer* out, const caffepb::LayerParameter& l, OpKind kind, OpParams params) {
  Node n;
  n.name = l.name();  // a chain's earlier nodes are renamed by finishChain()
  n.source_type = l.type();
  n.kind = kind;
  n.params = std::move(params);
  out->nodes.push_back(std::move(n));
  return out->nodes.back();
}

void finishChain(MappedLayer* out) {
  const size_t n = out->nodes.size();
  for (size_t k = 0; k + 1 < n; ++k) out->nodes[k].name += "/step" + std::to_string(k);
}

int normalizeAxis(int axis, int rank) {
  const int a = axis < 0 ? axis + rank : axis;
  return a >= 0 && a < rank ? a : -1;
}

bool isTrainingOnlyType(const std::string& type) {
  static const char* const kTypes[] = {"Accuracy", "SoftmaxWithLoss", "EuclideanLoss", "SigmoidCrossEntropyLoss", "HingeLoss",
                                       "InfogainLoss", "MultinomialLogisticLoss", "ContrastiveLoss", "MultiBoxLoss", "Silence",
                                       "HDF5Output", "SmoothL1Loss"};
  for (const char* t : kTypes)
    if (type == t) return true;
  return false;
}

bool isDataType(const std::string& type) {
  static const char* const kTypes[] = {"Data", "ImageData", "MemoryData", "HDF5Data", "DummyData", "WindowData", "AnnotatedData",
                                       "VideoData"};
  for (const char* t : kTypes)
    if (type == t) return true;
  return false;
}

const std::vector<std::string>& supportedLayerTypes() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v{"Input"};
    for (const LayerType& t : kLayerTypes) v.push_back(t.type);
    return v;
  }();
  return names;
}

Status mapLayer(const caffepb::LayerParameter& layer, const MapContext& ctx, MappedLayer* out) {
  const LayerType* type = nullptr;
  for (const LayerType& t : kLayerTypes)
    if (layer.type() == t.type) type = &t;
  if (!type) return unsupported("layer type '" + layer.type() + "' is not supported by the Caffe importer");
  const int nIn = layer.bottom_size(), nOut = layer.top_size();
  if (nIn < type->min_in || (type->max_in != kAny && nIn > type->max_in))
    return parseError("expects " + countRange(type->min_in, type->max_in) + " bottom(s), has " + std::to_string(nIn));
  if (nOut < type->min_out || (type->max_out != kAny && nOut > type->max_out))
    return parseError("expects " + countRange(type->min_out, type->max_out) + " top(s), has " + std::to_string(nOut));
  EQW_RETURN_IF_ERROR(type->map(layer, ctx, out));
  finishChain(out);
  return Status::ok();
}

}  // namespace eqw::caffe

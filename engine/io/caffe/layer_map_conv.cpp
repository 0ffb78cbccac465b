// Convolution, Deconvolution, InnerProduct and Pooling: Caffe's geometry fields (a single value,
// a per-dimension list, or the *_h / *_w forms) and weight layouts.
#include "io/caffe/layer_map.h"

namespace eqw::caffe {

namespace {

constexpr int64_t kMaxChannels = int64_t{1} << 24;
constexpr int kMaxKernel = 1 << 12;
// Weight tensors are allocated before a caffemodel is read: reject hostile sizes first
// (vgg16's fc6, the largest real one, has 103 M values).
constexpr int64_t kMaxWeightValues = int64_t{1} << 30;

Status checkWeightSize(const Shape& s) {
  int64_t n = 1;
  for (int64_t d : s) {
    if (d <= 0 || n > kMaxWeightValues / d) return parseError("weight shape " + toString(s) + " is empty or too large");
    n *= d;
  }
  return Status::ok();
}

// kernel / stride / pad / dilation: `hw` (the *_h, *_w fields) when either is set, else the
// repeated field with 0 (default), 1 (both) or 2 (h, w) values.
Status pair(const char* name, const google::protobuf::RepeatedField<uint32_t>& list, bool hasH, uint32_t h, bool hasW, uint32_t w,
            int fallback, int* outH, int* outW) {
  if (hasH || hasW) {
    if (!list.empty()) return parseError(std::string(name) + " and " + name + "_h / " + name + "_w are both given");
    *outH = hasH ? static_cast<int>(h) : fallback;
    *outW = hasW ? static_cast<int>(w) : fallback;
  } else if (list.empty()) {
    *outH = *outW = fallback;
  } else if (list.size() <= 2) {
    *outH = static_cast<int>(list.Get(0));
    *outW = static_cast<int>(list.Get(list.size() - 1));
  } else {
    return unsupported(std::string(name) + " has " + std::to_string(list.size()) + " values: only 2-D layers are supported");
  }
  if (*outH < 0 || *outW < 0 || *outH > kMaxKernel || *outW > kMaxKernel)
    return parseError(std::string(name) + " " + std::to_string(*outH) + "x" + std::to_string(*outW) + " is out of range");
  return Status::ok();
}

Status convGeometry(const caffepb::ConvolutionParameter& p, ConvParams* c) {
  int padH = 0, padW = 0;
  EQW_RETURN_IF_ERROR(pair("kernel_size", p.kernel_size(), p.has_kernel_h(), p.kernel_h(), p.has_kernel_w(), p.kernel_w(), 0, &c->kernel_h, &c->kernel_w));
  EQW_RETURN_IF_ERROR(pair("stride", p.stride(), p.has_stride_h(), p.stride_h(), p.has_stride_w(), p.stride_w(), 1, &c->stride_h, &c->stride_w));
  EQW_RETURN_IF_ERROR(pair("pad", p.pad(), p.has_pad_h(), p.pad_h(), p.has_pad_w(), p.pad_w(), 0, &padH, &padW));
  EQW_RETURN_IF_ERROR(pair("dilation", p.dilation(), false, 0, false, 0, 1, &c->dilation_h, &c->dilation_w));
  c->pads = Pads2d{padH, padW, padH, padW};
  if (c->kernel_h <= 0 || c->kernel_w <= 0) return parseError("kernel size " + std::to_string(c->kernel_h) + "x" + std::to_string(c->kernel_w) + " must be positive");
  if (c->stride_h <= 0 || c->stride_w <= 0) return parseError("stride must be positive");
  if (c->dilation_h <= 0 || c->dilation_w <= 0) return parseError("dilation must be positive");
  c->num_output = static_cast<int>(p.num_output());
  if (p.num_output() == 0 || p.num_output() > kMaxChannels) return parseError("num_output " + std::to_string(p.num_output()) + " must be positive");
  c->group = static_cast<int>(p.group());
  if (p.group() == 0 || p.num_output() % p.group() != 0)
    return parseError("group " + std::to_string(p.group()) + " must be positive and divide num_output " + std::to_string(p.num_output()));
  c->bias = p.bias_term();
  return Status::ok();
}

// Channels of a 4-D NCHW input with axis 1 (the only layout we run).
Status convInputChannels(const caffepb::ConvolutionParameter& p, const MapContext& ctx, int group, int64_t* c) {
  if (!ctx.known(0)) return shapeError("the input shape could not be inferred, but the weights' shape depends on it");
  const Shape& in = ctx.input_shapes[0];
  if (in.size() != 4) return unsupported("input " + toString(in) + ": only 4-D (2-D spatial) convolution is supported");
  if (normalizeAxis(p.axis(), 4) != 1) return unsupported("convolution_param axis " + std::to_string(p.axis()) + " is not supported (1 is)");
  *c = in[1];
  if (*c <= 0 || *c % group != 0) return shapeError("input channels " + std::to_string(*c) + " are not divisible by group " + std::to_string(group));
  return Status::ok();
}

Status mapConvLike(const caffepb::LayerParameter& l, const MapContext& ctx, MappedLayer* out, bool deconv) {
  const auto& p = l.convolution_param();
  ConvParams c;
  EQW_RETURN_IF_ERROR(convGeometry(p, &c));
  int64_t in = 0;
  EQW_RETURN_IF_ERROR(convInputChannels(p, ctx, c.group, &in));
  // Convolution [O, C/g, kh, kw]; Deconvolution [C, O/g, kh, kw] — both also ours.
  const Shape w = deconv ? Shape{in, c.num_output / c.group, c.kernel_h, c.kernel_w} : Shape{c.num_output, in / c.group, c.kernel_h, c.kernel_w};
  EQW_RETURN_IF_ERROR(checkWeightSize(w));
  Node& n = addNode(out, l, deconv ? OpKind::Deconvolution : OpKind::Convolution, c);
  n.weights = {Tensor(w)};
  out->blobs.push_back({"weight", w});
  if (c.bias) {
    n.weights.push_back(Tensor(Shape{c.num_output}));
    out->blobs.push_back({"bias", {c.num_output}});
  }
  return Status::ok();
}

// Transposes a [rows, cols] matrix.
Tensor transposed(const Tensor& t, int64_t rows, int64_t cols) {
  Tensor r(Shape{cols, rows});
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j) r.f32()[j * rows + i] = t.f32()[i * cols + j];
  return r;
}

}  // namespace

Status mapConvolution(const caffepb::LayerParameter& l, const MapContext& ctx, MappedLayer* out) { return mapConvLike(l, ctx, out, false); }
Status mapDeconvolution(const caffepb::LayerParameter& l, const MapContext& ctx, MappedLayer* out) { return mapConvLike(l, ctx, out, true); }

// Caffe flattens the input from `axis` into K. axis 1 is our InnerProduct; the last axis of a
// higher-rank input is a MatMul with a [K, N] weight. The blob is [N, K], or [K, N] with transpose.
Status mapInnerProduct(const caffepb::LayerParameter& l, const MapContext& ctx, MappedLayer* out) {
  const auto& p = l.inner_product_param();
  const int64_t n = p.num_output();
  if (n <= 0 || n > kMaxChannels) return parseError("num_output " + std::to_string(n) + " must be positive");
  if (!ctx.known(0)) return shapeError("the input shape could not be inferred, but the weights' shape depends on it");
  const Shape& in = ctx.input_shapes[0];
  const int rank = static_cast<int>(in.size());
  const int axis = normalizeAxis(p.axis(), rank);
  if (axis < 1) return unsupported("inner_product_param axis " + std::to_string(p.axis()) + " on input " + toString(in) + " is not supported");
  int64_t k = 1;
  for (int i = axis; i < rank; ++i) k *= in[i];
  const bool transpose = p.transpose();
  const bool bias = p.bias_term();
  const Shape blob = transpose ? Shape{k, n} : Shape{n, k};
  EQW_RETURN_IF_ERROR(checkWeightSize(blob));
  out->blobs.push_back({"weight", blob});
  if (bias) out->blobs.push_back({"bias", {n}});
  if (axis == 1) {
    Node& node = addNode(out, l, OpKind::InnerProduct, InnerProductParams{static_cast<int>(n), bias, {}});
    node.weights = {Tensor(Shape{n, k})};
    if (bias) node.weights.push_back(Tensor(Shape{n}));
    out->assign = [n, k, transpose, bias](const std::vector<Tensor>& b, MappedLayer& m) {
      Node& ip = m.nodes[0];
      ip.weights[0] = transpose ? transposed(b[0], k, n) : b[0].reshaped({n, k});
      if (bias) ip.weights[1] = b[1].reshaped({n});
    };
  } else if (axis == rank - 1) {
    Node& node = addNode(out, l, OpKind::MatMul, MatMulParams{bias});
    node.weights = {Tensor(Shape{k, n})};
    if (bias) node.weights.push_back(Tensor(Shape{n}));
    out->assign = [n, k, transpose, bias](const std::vector<Tensor>& b, MappedLayer& m) {
      Node& mm = m.nodes[0];
      mm.weights[0] = transpose ? b[0].reshaped({k, n}) : transposed(b[0], n, k);
      if (bias) mm.weights[1] = b[1].reshaped({n});
    };
  } else {
    return unsupported("inner_product_param axis " + std::to_string(p.axis()) + " on input " + toString(in) +
                       " is not supported (axis 1 or the last axis are)");
  }
  return Status::ok();
}

// Caffe pooling rounds the output size up (unless round_mode: FLOOR) and drops a last window
// that would start inside the bottom padding; AVE divides by the window clipped to the padded
// input. PoolParams ceil_mode + count_include_pad express exactly that.
Status mapPooling(const caffepb::LayerParameter& l, const MapContext&, MappedLayer* out) {
  const auto& p = l.pooling_param();
  PoolParams q;
  if (p.pool() == caffepb::PoolingParameter::STOCHASTIC) return unsupported("pooling_param pool: STOCHASTIC is not supported");
  q.type = p.pool() == caffepb::PoolingParameter::AVE ? PoolType::Avg : PoolType::Max;
  q.count_include_pad = q.type == PoolType::Avg;
  q.ceil_mode = p.round_mode() == caffepb::PoolingParameter::CEIL;
  if (p.global_pooling()) {
    q.global = true;
    q.keep_dims = true;  // Caffe keeps [N, C, 1, 1]
    addNode(out, l, OpKind::Pooling, q);
    return Status::ok();
  }
  const bool hasK = p.has_kernel_size(), hasKhw = p.has_kernel_h() || p.has_kernel_w();
  if (hasK == hasKhw) return parseError("pooling_param needs kernel_size or kernel_h and kernel_w (exactly one form)");
  if (hasKhw && !(p.has_kernel_h() && p.has_kernel_w())) return parseError("pooling_param needs both kernel_h and kernel_w");
  q.kernel_h = static_cast<int>(hasK ? p.kernel_size() : p.kernel_h());
  q.kernel_w = static_cast<int>(hasK ? p.kernel_size() : p.kernel_w());
  const bool hasShw = p.has_stride_h() || p.has_stride_w();
  q.stride_h = static_cast<int>(hasShw ? p.stride_h() : p.stride());
  q.stride_w = static_cast<int>(hasShw ? p.stride_w() : p.stride());
  const bool hasPhw = p.has_pad_h() || p.has_pad_w();
  const int padH = static_cast<int>(hasPhw ? p.pad_h() : p.pad()), padW = static_cast<int>(hasPhw ? p.pad_w() : p.pad());
  for (int v : {q.kernel_h, q.kernel_w, q.stride_h, q.stride_w})
    if (v <= 0 || v > kMaxKernel) return parseError("kernel and stride must be in 1.." + std::to_string(kMaxKernel) + ", got " + std::to_string(v));
  if (padH < 0 || padW < 0 || padH >= q.kernel_h || padW >= q.kernel_w)
    return parseError("pad " + std::to_string(padH) + "x" + std::to_string(padW) + " must be smaller than the kernel " + std::to_string(q.kernel_h) +
                      "x" + std::to_string(q.kernel_w));
  q.pads = Pads2d{padH, padW, padH, padW};
  addNode(out, l, OpKind::Pooling, q);
  return Status::ok();
}

}  // namespace eqw::caffe

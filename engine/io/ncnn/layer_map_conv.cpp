// Convolution, ConvolutionDepthWise, Deconvolution(DepthWise) and InnerProduct: parameters,
// fused activation, weight blobs and the int8 scale blobs of *_int8.param files.
#include <cfloat>

#include "io/ncnn/layer_map.h"
#include "io/ncnn/param_reader.h"

namespace eqw::ncnn {

namespace {

// Hostile sizes are rejected before anything is allocated; real layers stay far below.
constexpr int kMaxChannels = 1 << 20;
constexpr int kMaxKernel = 1 << 12;
constexpr int64_t kMaxWeightElements = int64_t{1} << 31;

// 9= activation_type, 10= activation_params (ncnn's fused activation).
Status readActivation(ParamReader& r, Activation* act) {
  int type = r.i(9, 0);
  std::vector<float> p = r.floats(10);
  auto need = [&](size_t n) {
    r.require(p.size() >= n, "activation_type 9=" + std::to_string(type) + " needs " + std::to_string(n) +
                                 " value(s) in activation_params -23310, got " + std::to_string(p.size()));
    return p.size() >= n;
  };
  switch (type) {
    case 0: act->kind = ActKind::None; break;
    case 1: act->kind = ActKind::ReLU; break;
    case 2: act->kind = ActKind::LeakyReLU; if (need(1)) act->a = p[0]; break;
    case 3: act->kind = ActKind::Clip; if (need(2)) { act->a = p[0]; act->b = p[1]; } break;
    case 4: act->kind = ActKind::Sigmoid; break;
    case 5: act->kind = ActKind::Mish; break;
    case 6: act->kind = ActKind::HardSwish; if (need(2)) { act->a = p[0]; act->b = p[1]; } break;
    default: r.unsupportedIf(true, "activation_type 9=" + std::to_string(type) + " is not supported (0..6 are)");
  }
  return r.status();
}

// ncnn pads: 4 left, 15 right (= left), 14 top (= left), 16 bottom (= top); -233 / -234 on all
// four mean SAME_UPPER / SAME_LOWER.
void readConvPads(ParamReader& r, ConvParams* p) {
  int left = r.i(4, 0);
  int right = r.i(15, left), top = r.i(14, left);
  int bottom = r.i(16, top);
  if (left == kUnset && right == kUnset && top == kUnset && bottom == kUnset) {
    p->pad_mode = PadMode::SameUpper;
  } else if (left == -234 && right == -234 && top == -234 && bottom == -234) {
    p->pad_mode = PadMode::SameLower;
  } else {
    r.require(left >= 0 && right >= 0 && top >= 0 && bottom >= 0,
              "pads (4=" + std::to_string(left) + " 15=" + std::to_string(right) + " 14=" + std::to_string(top) + " 16=" +
                  std::to_string(bottom) + ") must be >= 0, or all -233 / all -234");
    p->pads = Pads2d{top, left, bottom, right};
  }
}

// Shared geometry of convolution and deconvolution: 0 num_output, 1/11 kernel, 2/12 dilation,
// 3/13 stride, 5 bias_term, 6 weight_data_size, 7 group.
void readConvGeometry(ParamReader& r, bool grouped, ConvParams* p, int* weightDataSize) {
  p->num_output = r.i(0, 0);
  p->kernel_w = r.i(1, 0);
  p->kernel_h = r.i(11, p->kernel_w);
  p->dilation_w = r.i(2, 1);
  p->dilation_h = r.i(12, p->dilation_w);
  p->stride_w = r.i(3, 1);
  p->stride_h = r.i(13, p->stride_w);
  p->bias = r.i(5, 0) != 0;
  *weightDataSize = r.i(6, 0);
  p->group = grouped ? r.i(7, 1) : 1;
  r.require(p->num_output > 0 && p->num_output <= kMaxChannels, kv("num_output", 0, p->num_output) + " must be in 1.." + std::to_string(kMaxChannels));
  r.require(p->kernel_w > 0 && p->kernel_w <= kMaxKernel, kv("kernel_w", 1, p->kernel_w) + " must be in 1.." + std::to_string(kMaxKernel));
  r.require(p->kernel_h > 0 && p->kernel_h <= kMaxKernel, kv("kernel_h", 11, p->kernel_h) + " must be in 1.." + std::to_string(kMaxKernel));
  r.require(p->dilation_w > 0 && p->dilation_w <= kMaxKernel, kv("dilation_w", 2, p->dilation_w) + " must be positive");
  r.require(p->dilation_h > 0 && p->dilation_h <= kMaxKernel, kv("dilation_h", 12, p->dilation_h) + " must be positive");
  r.require(p->stride_w > 0 && p->stride_w <= kMaxKernel, kv("stride_w", 3, p->stride_w) + " must be positive");
  r.require(p->stride_h > 0 && p->stride_h <= kMaxKernel, kv("stride_h", 13, p->stride_h) + " must be positive");
  r.require(p->group > 0 && p->num_output > 0 && p->num_output % p->group == 0,
            kv("group", 7, p->group) + " must be positive and divide num_output " + std::to_string(p->num_output));
  r.require(*weightDataSize > 0, kv("weight_data_size", 6, *weightDataSize) + " must be positive");
}

// Input channels per group from weight_data_size = num_output * (in / group) * kh * kw.
int64_t inputsPerGroup(ParamReader& r, const ConvParams& p, int weightDataSize) {
  if (!r.status().isOk()) return 0;
  const int64_t perIn = int64_t{p.num_output} * p.kernel_h * p.kernel_w;
  r.require(weightDataSize % perIn == 0, kv("weight_data_size", 6, weightDataSize) + " is not a multiple of num_output*kernel_h*kernel_w = " +
                                             std::to_string(perIn));
  r.require(weightDataSize <= kMaxWeightElements, kv("weight_data_size", 6, weightDataSize) + " is too large");
  return r.status().isOk() ? weightDataSize / perIn : 0;
}

void addBias(const ConvParams& p, MappedLayer* out) {
  if (p.bias) out->blobs.push_back({"bias", BlobTarget::Weight, p.num_output, false, {p.num_output}, 1, 0});
}

// 8= int8_scale_term: weight scales, the input scale, and (> 100) the fused output scale.
void addInt8Scales(int term, int64_t weightScales, int64_t expandTo, MappedLayer* out) {
  if (term == 0) return;
  out->blobs.push_back({"weight scales", BlobTarget::WeightScales, weightScales, false, {}, 0, expandTo});
  out->blobs.push_back({"input scale", BlobTarget::InputScale, 1, false, {}, 0, 0});
  if (term > 100) out->blobs.push_back({"output scale", BlobTarget::OutputScale, 1, false, {}, 0, 0});
}

}  // namespace

Status mapConvolution(const LayerDecl& d, MappedLayer* out, bool depthwise) {
  ParamReader r(d.params);
  ConvParams p;
  int wds = 0;
  readConvGeometry(r, depthwise, &p, &wds);
  readConvPads(r, &p);
  p.pad_value = r.f(18, 0.f);
  const int term = r.i(8, 0);
  r.unsupportedIf(r.i(19, 0) != 0, "dynamic_weight 19=1 (weights from a second input) is not supported");
  EQW_RETURN_IF_ERROR(readActivation(r, &p.act));
  const int64_t inPerGroup = inputsPerGroup(r, p, wds);
  EQW_RETURN_IF_ERROR(r.status());

  out->node.kind = OpKind::Convolution;
  out->blobs.push_back({"weight", BlobTarget::Weight, wds, true, {p.num_output, inPerGroup, p.kernel_h, p.kernel_w}, 0, 0});
  addBias(p, out);
  // ncnn: Convolution stores one scale per output channel; ConvolutionDepthWise one per group
  // (term 1 / 101) or a single one (term 2 / 102) that applies to every group.
  if (!depthwise) addInt8Scales(term, p.num_output, 0, out);
  else if (term == 1 || term == 101) addInt8Scales(term, p.group, 0, out);
  else if (term == 2 || term == 102) addInt8Scales(term, 1, p.group, out);
  else if (term != 0) return unsupported(kv("int8_scale_term", 8, term) + " is not a value ncnn defines for ConvolutionDepthWise");
  out->node.params = p;
  return Status::ok();
}

Status mapDeconvolution(const LayerDecl& d, MappedLayer* out, bool depthwise) {
  ParamReader r(d.params);
  ConvParams p;
  int wds = 0;
  readConvGeometry(r, depthwise, &p, &wds);
  readConvPads(r, &p);
  r.unsupportedIf(p.pad_mode != PadMode::Explicit, "SAME padding (-233 / -234) on Deconvolution is not supported");
  p.output_pad_w = r.i(18, 0);
  p.output_pad_h = r.i(19, p.output_pad_w);
  r.require(p.output_pad_w >= 0 && p.output_pad_h >= 0, "output pads 18= / 19= must be >= 0");
  r.unsupportedIf(r.i(20, 0) > 0 || r.i(21, 0) > 0, "explicit output size 20= / 21= on Deconvolution is not supported");
  r.unsupportedIf(r.i(28, 0) != 0, "dynamic_weight 28=1 (weights from a second input) is not supported");
  EQW_RETURN_IF_ERROR(readActivation(r, &p.act));
  const int64_t inPerGroup = inputsPerGroup(r, p, wds);
  EQW_RETURN_IF_ERROR(r.status());

  out->node.kind = OpKind::Deconvolution;
  const int64_t outPerGroup = p.num_output / p.group;
  const int64_t maxk = int64_t{p.kernel_h} * p.kernel_w;
  out->blobs.push_back({"weight", BlobTarget::Weight, wds, true, {inPerGroup * p.group, outPerGroup, p.kernel_h, p.kernel_w}, 0, 0});
  addBias(p, out);
  // ncnn stores each group as [out/g][in/g][kh][kw]; ours is [in][out/g][kh][kw] (ONNX).
  const int group = p.group;
  out->finish = [group, inPerGroup, outPerGroup, maxk](Node& node) {
    Tensor& w = node.weights[0];
    Tensor t(w.shape());
    const float* src = w.f32();
    float* dst = t.f32();
    for (int64_t g = 0; g < group; ++g)
      for (int64_t o = 0; o < outPerGroup; ++o)
        for (int64_t i = 0; i < inPerGroup; ++i)
          for (int64_t k = 0; k < maxk; ++k)
            dst[((g * inPerGroup + i) * outPerGroup + o) * maxk + k] = src[((g * outPerGroup + o) * inPerGroup + i) * maxk + k];
    w = t;
  };
  out->node.params = p;
  return Status::ok();
}

Status mapInnerProduct(const LayerDecl& d, MappedLayer* out) {
  ParamReader r(d.params);
  InnerProductParams p;
  p.num_output = r.i(0, 0);
  p.bias = r.i(1, 0) != 0;
  const int wds = r.i(2, 0);
  const int term = r.i(8, 0);
  EQW_RETURN_IF_ERROR(readActivation(r, &p.act));
  r.require(p.num_output > 0 && p.num_output <= kMaxChannels, kv("num_output", 0, p.num_output) + " must be in 1.." + std::to_string(kMaxChannels));
  r.require(wds > 0, kv("weight_data_size", 2, wds) + " must be positive");
  r.require(p.num_output <= 0 || wds % p.num_output == 0,
            kv("weight_data_size", 2, wds) + " is not a multiple of num_output " + std::to_string(p.num_output));
  EQW_RETURN_IF_ERROR(r.status());

  out->node.kind = OpKind::InnerProduct;
  out->blobs.push_back({"weight", BlobTarget::Weight, wds, true, {p.num_output, wds / p.num_output}, 0, 0});
  if (p.bias) out->blobs.push_back({"bias", BlobTarget::Weight, p.num_output, false, {p.num_output}, 1, 0});
  if (term != 0) {
    // InnerProduct never fuses the requantize step: no output scale.
    out->blobs.push_back({"weight scales", BlobTarget::WeightScales, p.num_output, false, {}, 0, 0});
    out->blobs.push_back({"input scale", BlobTarget::InputScale, 1, false, {}, 0, 0});
  }
  out->node.params = p;
  return Status::ok();
}

}  // namespace eqw::ncnn

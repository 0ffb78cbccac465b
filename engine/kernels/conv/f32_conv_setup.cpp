#include "kernels/conv/f32_conv_setup.h"

#include <algorithm>
#include <cstring>

namespace eqw::kernels {

std::string nodeLabel(const Node& node) {
  return "node '" + node.name + "' (" + toString(node.kind) + ")";
}

bool toF32Epilogue(const Activation& act, F32Epilogue* ep) {
  *ep = F32Epilogue{};
  switch (act.kind) {
    case ActKind::None: return true;
    case ActKind::ReLU: ep->act = kF32ActLeaky; return true;
    case ActKind::LeakyReLU: ep->act = kF32ActLeaky; ep->a = act.a; return true;
    case ActKind::Clip: ep->act = kF32ActClip; ep->a = act.a; ep->b = act.b; return true;
    case ActKind::HardSigmoid: ep->act = kF32ActHardSigmoid; ep->a = act.a; ep->b = act.b; return true;
    case ActKind::HardSwish: ep->act = kF32ActHardSwish; ep->a = act.a; ep->b = act.b; return true;
    default: return false;
  }
}

void padPlane(const float* x, int64_t h, int64_t w, int pt, int pl, int pb, int pr, float value, float* dst) {
  const int64_t iw = w + pl + pr;
  std::fill(dst, dst + pt * iw, value);
  float* row = dst + pt * iw;
  for (int64_t y = 0; y < h; ++y, row += iw) {
    std::fill(row, row + pl, value);
    std::memcpy(row + pl, x + y * w, static_cast<size_t>(w) * sizeof(float));
    std::fill(row + pl + w, row + iw, value);
  }
  std::fill(row, row + pb * iw, value);
}

void F32PaddedInput::init(const F32ConvSetup& s) {
  s_ = s;
  if (!s.needsPad) return;
  padded_ = Tensor({s.c, s.geom.ih, s.geom.iw});
  padded_.fill(s.p.pad_value);
}

const float* F32PaddedInput::apply(const float* x, const ThreadPool* pool) {
  if (!s_.needsPad) return x;
  const Pads2d& pd = s_.p.pads;
  const int64_t iw = s_.geom.iw, plane = s_.geom.ih * iw, h = s_.h, w = s_.w;
  float* dst = padded_.f32();
  parallelFor(pool, s_.c, std::max<int64_t>(1, 16384 / std::max<int64_t>(1, h * w)), [&](int64_t b, int64_t e) {
    for (int64_t c = b; c < e; ++c) {
      float* row = dst + c * plane + pd.top * iw + pd.left;
      for (int64_t y = 0; y < h; ++y) std::memcpy(row + y * iw, x + (c * h + y) * w, static_cast<size_t>(w) * sizeof(float));
    }
  });
  return dst;
}

namespace {

bool positive(std::initializer_list<int> values) {
  return std::all_of(values.begin(), values.end(), [](int v) { return v > 0; });
}

}  // namespace

Status setupF32Conv(const Node& node, const std::vector<Shape>& in, const std::vector<Shape>& out,
                    F32ConvSetup* s, bool* supported) {
  *supported = false;
  if (node.kind != OpKind::Convolution || !std::holds_alternative<ConvParams>(node.params)) return Status::ok();
  if (in.size() != 1 || out.size() != 1 || in[0].size() != 4 || out[0].size() != 4) return Status::ok();
  if (in[0][0] != 1 || out[0][0] != 1) return Status::ok();
  const ConvParams& p = node.p<ConvParams>();
  if (!positive({p.kernel_h, p.kernel_w, p.stride_h, p.stride_w, p.dilation_h, p.dilation_w, p.group, p.num_output}))
    return Status::ok();
  if (p.pads.top < 0 || p.pads.left < 0 || p.pads.bottom < 0 || p.pads.right < 0) return Status::ok();
  s->p = p;
  s->c = in[0][1], s->h = in[0][2], s->w = in[0][3];
  s->oc = out[0][1], s->oh = out[0][2], s->ow = out[0][3];
  s->group = p.group;
  if (s->oc != p.num_output || s->c % s->group || s->oc % s->group) return Status::ok();
  const int64_t ekh = int64_t(p.kernel_h - 1) * p.dilation_h + 1, ekw = int64_t(p.kernel_w - 1) * p.dilation_w + 1;
  const int64_t ih = s->h + p.pads.top + p.pads.bottom, iw = s->w + p.pads.left + p.pads.right;
  if (ih < ekh || iw < ekw) return Status::ok();
  if (s->oh != (ih - ekh) / p.stride_h + 1 || s->ow != (iw - ekw) / p.stride_w + 1) return Status::ok();
  if (s->oh <= 0 || s->ow <= 0 || s->c <= 0) return Status::ok();

  const int64_t cg = s->c / s->group;
  s->kGroup = cg * p.kernel_h * p.kernel_w;
  if (node.weights.empty() || node.weights[0].numel() != s->oc * s->kGroup || node.weights[0].dtype() != DType::F32)
    return invalidArgument(nodeLabel(node) + ": weight tensor has " +
                           (node.weights.empty() ? std::string("no data") : toString(node.weights[0].shape())) +
                           ", expected " + std::to_string(s->oc * s->kGroup) + " floats [" + std::to_string(s->oc) +
                           ", " + std::to_string(cg) + ", " + std::to_string(p.kernel_h) + ", " +
                           std::to_string(p.kernel_w) + "]");
  s->weights = node.weights[0].f32();
  s->bias = nullptr;
  if (p.bias) {
    if (node.weights.size() < 2 || node.weights[1].numel() != s->oc || node.weights[1].dtype() != DType::F32)
      return invalidArgument(nodeLabel(node) + ": bias has " +
                             (node.weights.size() < 2 ? std::string("no data") : toString(node.weights[1].shape())) +
                             ", expected [" + std::to_string(s->oc) + "]");
    s->bias = node.weights[1].f32();
  }
  s->geom = F32ConvGeom{cg, ih, iw, s->oh, s->ow, p.kernel_h, p.kernel_w, p.stride_h, p.stride_w, p.dilation_h, p.dilation_w};
  s->needsPad = p.pads.top || p.pads.left || p.pads.bottom || p.pads.right;
  s->postAct = !toF32Epilogue(p.act, &s->ep);
  *supported = true;
  return Status::ok();
}

}  // namespace eqw::kernels

// Normalisations that divide by a local or global energy: LRN (Caffe / ONNX), SSD's Normalize
// (L2 over channels or over everything, then a learned scale) and LayerNorm.
#include <algorithm>
#include <cmath>

#include "core/shape_rules.h"
#include "kernels/reference/ref_kernel.h"

namespace eqw::kernels::ref {

namespace {

// Across channels: y = x / (bias + alpha / size * sum over channels [c - (size-1)/2, c + size/2] of x^2)^beta.
// Within channel: the sum runs over a size x size window (zero outside) and alpha / size^2 (Caffe, ncnn).
class LRNRef final : public RefKernel {
 public:
  LRNRef(const LRNParams& p, const Shapes& in, const Shapes& out) : RefKernel("f32_lrn_ref", in, out), p_(p) {}

 protected:
  Status compute(const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out, const ExecContext&) override {
    const Shape& s = in_[0];
    const int64_t batch = s[0], channels = s[1], inner = product(s, 2, s.size());
    const float* x = in[0]->f32();
    float* y = out[0]->f32();
    const int64_t before = (p_.local_size - 1) / 2, after = p_.local_size / 2;
    for (int64_t n = 0; n < batch; ++n) {
      const float* xn = x + n * channels * inner;
      float* yn = y + n * channels * inner;
      for (int64_t c = 0; c < channels; ++c)
        for (int64_t i = 0; i < inner; ++i) {
          const double sum = p_.region == LRNRegion::AcrossChannels ? acrossSum(xn, c, i, before, after, channels, inner)
                                                                     : withinSum(xn + c * inner, i, before, after);
          const double area = p_.region == LRNRegion::AcrossChannels ? p_.local_size : double(p_.local_size) * p_.local_size;
          const double scale = p_.bias + p_.alpha / area * sum;
          yn[c * inner + i] = static_cast<float>(xn[c * inner + i] / std::pow(scale, static_cast<double>(p_.beta)));
        }
    }
    return Status::ok();
  }

 private:
  static double acrossSum(const float* x, int64_t c, int64_t i, int64_t before, int64_t after, int64_t channels, int64_t inner) {
    double sum = 0.0;
    for (int64_t k = std::max<int64_t>(c - before, 0); k <= std::min(c + after, channels - 1); ++k)
      sum += static_cast<double>(x[k * inner + i]) * x[k * inner + i];
    return sum;
  }

  double withinSum(const float* plane, int64_t i, int64_t before, int64_t after) const {
    const int64_t h = in_[0][2], w = in_[0][3], py = i / w, px = i % w;
    double sum = 0.0;
    for (int64_t yy = std::max<int64_t>(py - before, 0); yy <= std::min(py + after, h - 1); ++yy)
      for (int64_t xx = std::max<int64_t>(px - before, 0); xx <= std::min(px + after, w - 1); ++xx)
        sum += static_cast<double>(plane[yy * w + xx]) * plane[yy * w + xx];
    return sum;
  }

  LRNParams p_;
};

// y = x / norm * scale[c]; norm over the channels at each position, or over the whole tensor.
class NormalizeRef final : public RefKernel {
 public:
  NormalizeRef(const NormalizeParams& p, Tensor scale, const Shapes& in, const Shapes& out)
      : RefKernel("f32_normalize_ref", in, out), p_(p), scale_(std::move(scale)) {}

 protected:
  Status compute(const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out, const ExecContext&) override {
    const Shape& s = in_[0];
    const int64_t batch = s[0], channels = s[1], inner = product(s, 2, s.size());
    const bool shared = p_.channel_shared || scale_.numel() == 1;
    for (int64_t n = 0; n < batch; ++n) {
      const float* x = in[0]->f32() + n * channels * inner;
      float* y = out[0]->f32() + n * channels * inner;
      double total = 0.0;
      if (p_.across_spatial)
        for (int64_t i = 0; i < channels * inner; ++i) total += static_cast<double>(x[i]) * x[i];
      for (int64_t i = 0; i < inner; ++i) {
        double sum = total;
        if (!p_.across_spatial)
          for (int64_t c = 0; c < channels; ++c) sum += static_cast<double>(x[c * inner + i]) * x[c * inner + i];
        const double inv = 1.0 / norm(sum);
        for (int64_t c = 0; c < channels; ++c)
          y[c * inner + i] = static_cast<float>(x[c * inner + i] * inv * scale_.f32()[shared ? 0 : c]);
      }
    }
    return Status::ok();
  }

 private:
  double norm(double sumSquares) const {
    switch (p_.eps_mode) {
      case 1: return std::max(std::sqrt(sumSquares), static_cast<double>(p_.eps));  // PyTorch
      case 2: return std::sqrt(std::max(sumSquares, static_cast<double>(p_.eps)));   // TensorFlow
      default: return std::sqrt(sumSquares + p_.eps);                               // Caffe
    }
  }

  NormalizeParams p_;
  Tensor scale_;
};

// Normalises over the axes from `axis` on: y = (x - mean) / sqrt(var + eps) * gamma + beta; outputs 1
// and 2, when present, receive each row's mean and 1 / sqrt(var + eps).
class LayerNormRef final : public RefKernel {
 public:
  LayerNormRef(const LayerNormParams& p, int axis, Tensor gamma, Tensor beta, const Shapes& in, const Shapes& out)
      : RefKernel("f32_layernorm_ref", in, out), eps_(p.eps), axis_(axis), gamma_(std::move(gamma)), beta_(std::move(beta)) {}

 protected:
  Status compute(const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out, const ExecContext&) override {
    const Shape& s = in_[0];
    const int64_t outer = product(s, 0, axis_), inner = product(s, axis_, s.size());
    for (int64_t o = 0; o < outer; ++o) {
      const float* x = in[0]->f32() + o * inner;
      float* y = out[0]->f32() + o * inner;
      double mean = 0.0, var = 0.0;
      for (int64_t i = 0; i < inner; ++i) mean += x[i];
      mean /= static_cast<double>(inner);
      for (int64_t i = 0; i < inner; ++i) var += (x[i] - mean) * (x[i] - mean);
      var /= static_cast<double>(inner);
      const double inv = 1.0 / std::sqrt(var + eps_);
      // Optional outputs (ONNX LayerNormalization): the mean and 1 / sqrt(var + eps) per row.
      if (out.size() > 1) out[1]->f32()[o] = static_cast<float>(mean);
      if (out.size() > 2) out[2]->f32()[o] = static_cast<float>(inv);
      for (int64_t i = 0; i < inner; ++i) {
        double v = (x[i] - mean) * inv;
        if (!gamma_.empty()) v *= gamma_.f32()[i];
        if (!beta_.empty()) v += beta_.f32()[i];
        y[i] = static_cast<float>(v);
      }
    }
    return Status::ok();
  }

 private:
  float eps_;
  int axis_;
  Tensor gamma_, beta_;
};

}  // namespace

Result<KernelPtr> makeLRN(const Node& node, const Shapes& inShapes, const Shapes& outShapes) {
  return KernelPtr(new LRNRef(node.p<LRNParams>(), inShapes, outShapes));
}

Result<KernelPtr> makeNormalize(const Node& node, const Shapes& inShapes, const Shapes& outShapes) {
  EQW_RETURN_IF_ERROR(requireWeights(node, 1));
  return KernelPtr(new NormalizeRef(node.p<NormalizeParams>(), node.weights[0], inShapes, outShapes));
}

Result<KernelPtr> makeLayerNorm(const Node& node, const Shapes& inShapes, const Shapes& outShapes) {
  const auto& p = node.p<LayerNormParams>();
  const int axis = shape_rules::normalizeAxis(p.axis, static_cast<int>(inShapes[0].size()));
  Tensor gamma, beta;
  if (p.affine) {
    EQW_RETURN_IF_ERROR(requireWeights(node, 1));
    gamma = node.weights[0];
    if (node.weights.size() >= 2) beta = node.weights[1];
  }
  return KernelPtr(new LayerNormRef(p, axis, gamma, beta, inShapes, outShapes));
}

}  // namespace eqw::kernels::ref

// Per-channel affine ops on axis 1: BatchNorm (inference form) and Scale.
#include <cmath>

#include "kernels/reference/ref_kernel.h"

namespace eqw::kernels::ref {

namespace {

// y = x * a[c] + b[c]; a shared a / b (one element) applies to every channel.
class ChannelAffineRef final : public RefKernel {
 public:
  ChannelAffineRef(std::string name, std::vector<float> a, std::vector<float> b, const Shapes& in, const Shapes& out)
      : RefKernel(std::move(name), in, out), a_(std::move(a)), b_(std::move(b)) {}

 protected:
  Status compute(const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out, const ExecContext&) override {
    const Shape& s = in_[0];
    const int64_t outer = s[0], channels = s[1], inner = product(s, 2, s.size());
    const float* x = in[0]->f32();
    float* y = out[0]->f32();
    for (int64_t n = 0; n < outer; ++n)
      for (int64_t c = 0; c < channels; ++c) {
        const float a = a_[a_.size() == 1 ? 0 : c], b = b_[b_.size() == 1 ? 0 : c];
        const int64_t base = (n * channels + c) * inner;
        for (int64_t i = 0; i < inner; ++i) y[base + i] = x[base + i] * a + b;
      }
    return Status::ok();
  }

 private:
  std::vector<float> a_, b_;
};

std::vector<float> values(const Tensor& t) { return std::vector<float>(t.f32(), t.f32() + t.numel()); }

}  // namespace

Result<KernelPtr> makeBatchNorm(const Node& node, const Shapes& inShapes, const Shapes& outShapes) {
  EQW_RETURN_IF_ERROR(requireWeights(node, 4));
  const float eps = node.p<BatchNormParams>().eps;
  const int64_t c = node.weights[0].numel();
  std::vector<float> a(c), b(c);
  for (int64_t i = 0; i < c; ++i) {
    const double slope = node.weights[0].f32()[i], mean = node.weights[1].f32()[i];
    const double var = node.weights[2].f32()[i], bias = node.weights[3].f32()[i];
    const double inv = slope / std::sqrt(var + eps);
    a[i] = static_cast<float>(inv);
    b[i] = static_cast<float>(bias - mean * inv);
  }
  return KernelPtr(new ChannelAffineRef("f32_batchnorm_ref", std::move(a), std::move(b), inShapes, outShapes));
}

Result<KernelPtr> makeScale(const Node& node, const Shapes& inShapes, const Shapes& outShapes) {
  const bool bias = node.p<ScaleParams>().bias;
  EQW_RETURN_IF_ERROR(requireWeights(node, bias ? 2 : 1));
  std::vector<float> b = bias ? values(node.weights[1]) : std::vector<float>{0.f};
  return KernelPtr(new ChannelAffineRef("f32_scale_ref", values(node.weights[0]), std::move(b), inShapes, outShapes));
}

}  // namespace eqw::kernels::ref

// Element-wise activations (ops.h applyActivation) and PReLU (a slope per channel, axis 1).
#include "kernels/reference/ref_kernel.h"

namespace eqw::kernels::ref {

namespace {

class ActivationRef final : public RefKernel {
 public:
  ActivationRef(const Activation& act, const Shapes& in, const Shapes& out) : RefKernel("f32_activation_ref", in, out), act_(act) {}

 protected:
  Status compute(const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out, const ExecContext&) override {
    const float* x = in[0]->f32();
    float* y = out[0]->f32();
    const int64_t n = product(in_[0]);
    for (int64_t i = 0; i < n; ++i) y[i] = applyActivation(act_, x[i]);
    return Status::ok();
  }

 private:
  Activation act_;
};

class PReLURef final : public RefKernel {
 public:
  PReLURef(Tensor slope, const Shapes& in, const Shapes& out) : RefKernel("f32_prelu_ref", in, out), slope_(std::move(slope)) {}

 protected:
  Status compute(const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out, const ExecContext&) override {
    const Shape& s = in_[0];
    const int64_t outer = s[0], channels = s[1], inner = product(s, 2, s.size());
    const bool shared = slope_.numel() == 1;
    const float* x = in[0]->f32();
    float* y = out[0]->f32();
    for (int64_t n = 0; n < outer; ++n)
      for (int64_t c = 0; c < channels; ++c) {
        const float a = slope_.f32()[shared ? 0 : c];
        const int64_t base = (n * channels + c) * inner;
        for (int64_t i = 0; i < inner; ++i) y[base + i] = x[base + i] > 0.f ? x[base + i] : a * x[base + i];
      }
    return Status::ok();
  }

 private:
  Tensor slope_;
};

}  // namespace

Result<KernelPtr> makeActivation(const Node& node, const Shapes& inShapes, const Shapes& outShapes) {
  return KernelPtr(new ActivationRef(node.p<ActivationParams>().act, inShapes, outShapes));
}

Result<KernelPtr> makePReLU(const Node& node, const Shapes& inShapes, const Shapes& outShapes) {
  EQW_RETURN_IF_ERROR(requireWeights(node, 1));
  return KernelPtr(new PReLURef(node.weights[0], inShapes, outShapes));
}

}  // namespace eqw::kernels::ref

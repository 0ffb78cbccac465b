// Activation, BatchNorm, Scale and PReLU as one kernel: y = act(x * s[c] + t[c]) per channel
// plane, with s, t (and the PReLU slope as a per-channel LeakyReLU) folded at creation.
#include "kernels/conv/f32_conv_setup.h"
#include "kernels/eltwise/f32_eltwise.h"

#include "core/parallel.h"
#include "kernels/fast_kernel.h"

#include <algorithm>
#include <cmath>

namespace eqw::kernels {
namespace {

class F32ChannelAffine final : public FastKernel {
 public:
  // s, t, slope: one value per channel, or one value for every channel (size 1).
  F32ChannelAffine(const char* what, std::vector<float> s, std::vector<float> t, F32Epilogue ep,
                   std::vector<float> slope, const Shape& shape, const FastUkernels& uk)
      : FastKernel(std::string("f32_") + what + "_" + uk.isaName, {shape}, {shape}),
        s_(std::move(s)), t_(std::move(t)), slope_(std::move(slope)), ep_(ep), uk_(uk) {}

 protected:
  Status compute(const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out, const ExecContext& ctx) override {
    const Shape& shape = in_[0];
    const int64_t c = shape.size() >= 2 ? shape[1] : 1, n = numel(shape);
    const int64_t outer = shape.empty() ? 1 : shape[0], plane = n / std::max<int64_t>(1, outer * c);
    const float* x = in[0]->f32();
    float* y = out[0]->f32();
    // Flat blocks when every channel is the same (plain activations), planes otherwise.
    const bool uniform = s_.size() == 1 && t_.size() == 1 && slope_.size() <= 1;
    const int64_t block = uniform ? 16384 : plane, tasks = uniform ? (n + block - 1) / block : outer * c;
    parallelFor(ctx.pool, tasks, std::max<int64_t>(1, 16384 / std::max<int64_t>(1, block)), [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) {
        const int64_t i0 = i * block, len = std::min(n, i0 + block) - i0;
        const size_t ch = uniform ? 0 : static_cast<size_t>(i % c);
        F32Epilogue ep = ep_;
        if (!slope_.empty()) ep.a = slope_[slope_.size() == 1 ? 0 : ch];
        uk_.affine(x + i0, s_[s_.size() == 1 ? 0 : ch], t_[t_.size() == 1 ? 0 : ch], y + i0, len, ep);
      }
    });
    return Status::ok();
  }

 private:
  std::vector<float> s_, t_, slope_;
  F32Epilogue ep_;
  const FastUkernels& uk_;
};

// Weight tensor k as floats when it has exactly 1 or c elements.
bool perChannel(const Node& node, size_t k, int64_t c, std::vector<float>* v) {
  if (node.weights.size() <= k || node.weights[k].dtype() != DType::F32) return false;
  const Tensor& t = node.weights[k];
  if (t.numel() != 1 && t.numel() != c) return false;
  v->assign(t.f32(), t.f32() + t.numel());
  return true;
}

}  // namespace

Result<KernelPtr> makeF32ChannelAffine(const Node& node, const std::vector<Shape>& in, const std::vector<Shape>& out,
                                       const FastUkernels& uk) {
  if (in.size() != 1 || out.size() != 1 || in[0] != out[0] || numel(in[0]) <= 0) return KernelPtr{};
  const int64_t c = in[0].size() >= 2 ? in[0][1] : 1;
  F32Epilogue ep;
  std::vector<float> s{1.f}, t{0.f}, slope;
  switch (node.kind) {
    case OpKind::Activation: {
      // Sigmoid, Swish, TanH, Mish have no epilogue code: their own vector loop runs them.
      const Activation& act = node.p<ActivationParams>().act;
      if (!toF32Epilogue(act, &ep)) return makeF32TransAct(act, in[0], uk);
      return KernelPtr(std::make_unique<F32ChannelAffine>("activation", s, t, ep, slope, in[0], uk));
    }
    case OpKind::PReLU:
      if (!perChannel(node, 0, c, &slope)) return KernelPtr{};
      ep.act = kF32ActLeaky;
      return KernelPtr(std::make_unique<F32ChannelAffine>("prelu", s, t, ep, slope, in[0], uk));
    case OpKind::Scale: {
      const bool bias = node.p<ScaleParams>().bias;
      if (!perChannel(node, 0, c, &s) || (bias && !perChannel(node, 1, c, &t))) return KernelPtr{};
      if (bias && t.size() != s.size()) return KernelPtr{};
      return KernelPtr(std::make_unique<F32ChannelAffine>("scale", s, t, ep, slope, in[0], uk));
    }
    case OpKind::BatchNorm: {
      std::vector<float> gamma, mean, var, beta;
      if (!perChannel(node, 0, c, &gamma) || !perChannel(node, 1, c, &mean) || !perChannel(node, 2, c, &var) ||
          !perChannel(node, 3, c, &beta))
        return KernelPtr{};
      if (gamma.size() != static_cast<size_t>(c) || mean.size() != gamma.size() || var.size() != gamma.size() ||
          beta.size() != gamma.size())
        return KernelPtr{};
      const float eps = node.p<BatchNormParams>().eps;
      s.resize(gamma.size());
      t.resize(gamma.size());
      for (size_t i = 0; i < gamma.size(); ++i) {
        s[i] = gamma[i] / std::sqrt(var[i] + eps);
        t[i] = beta[i] - mean[i] * s[i];
      }
      return KernelPtr(std::make_unique<F32ChannelAffine>("batchnorm", s, t, ep, slope, in[0], uk));
    }
    default:
      return KernelPtr{};
  }
}

}  // namespace eqw::kernels

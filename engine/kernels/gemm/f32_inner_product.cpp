#include "kernels/gemm/f32_inner_product.h"

#include "core/parallel.h"
#include "kernels/conv/f32_conv_setup.h"
#include "kernels/fast_kernel.h"

#include <algorithm>

namespace eqw::kernels {
namespace {

class F32InnerProduct final : public FastKernel {
 public:
  // postAct: the activation is not one the epilogue applies; run applyActivation afterwards.
  F32InnerProduct(const InnerProductParams& p, Tensor w, Tensor b, F32Epilogue ep, bool postAct, const Shape& in,
                  const Shape& out, const FastUkernels& uk)
      : FastKernel(std::string("f32_inner_product_") + uk.isaName, {in}, {out}),
        p_(p), w_(std::move(w)), b_(std::move(b)), ep_(ep), postAct_(postAct), uk_(uk) {}

 protected:
  Status compute(const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out, const ExecContext& ctx) override {
    const int64_t m = p_.num_output, k = numel(in_[0]);
    const float* x = in[0]->f32();
    float* y = out[0]->f32();
    const float* bias = b_.empty() ? nullptr : b_.f32();
    // Row blocks of at least ~256 KiB of weights per task.
    const int64_t rows = std::max<int64_t>(4, (65536 / std::max<int64_t>(1, k) + 3) / 4 * 4);
    parallelFor(ctx.pool, (m + rows - 1) / rows, 1, [&](int64_t b, int64_t e) {
      const int64_t r0 = b * rows, r1 = std::min(m, e * rows);
      uk_.gemm.gemv(r1 - r0, k, w_.f32() + r0 * k, x, bias ? bias + r0 : nullptr, y + r0, ep_);
      if (postAct_)
        for (int64_t i = r0; i < r1; ++i) y[i] = applyActivation(p_.act, y[i]);
    });
    return Status::ok();
  }

 private:
  InnerProductParams p_;
  Tensor w_, b_;  // shared with the node's weights (no copy)
  F32Epilogue ep_;
  bool postAct_;
  const FastUkernels& uk_;
};

}  // namespace

Result<KernelPtr> makeF32InnerProduct(const Node& node, const std::vector<Shape>& in, const std::vector<Shape>& out,
                                      const FastUkernels& uk) {
  const InnerProductParams& p = node.p<InnerProductParams>();
  if (in.size() != 1 || out.size() != 1 || in[0].empty() || in[0][0] != 1) return KernelPtr{};
  const int64_t k = numel(in[0]);
  if (p.num_output <= 0 || numel(out[0]) != p.num_output || k <= 0) return KernelPtr{};
  if (node.weights.empty() || node.weights[0].dtype() != DType::F32 || node.weights[0].numel() != p.num_output * k)
    return invalidArgument(nodeLabel(node) + ": weight tensor has " +
                           (node.weights.empty() ? std::string("no data") : toString(node.weights[0].shape())) +
                           ", expected [" + std::to_string(p.num_output) + ", " + std::to_string(k) + "]");
  Tensor bias;
  if (p.bias) {
    if (node.weights.size() < 2 || node.weights[1].dtype() != DType::F32 || node.weights[1].numel() != p.num_output)
      return invalidArgument(nodeLabel(node) + ": bias has " +
                             (node.weights.size() < 2 ? std::string("no data") : toString(node.weights[1].shape())) +
                             ", expected [" + std::to_string(p.num_output) + "]");
    bias = node.weights[1];
  }
  F32Epilogue ep;
  const bool postAct = !toF32Epilogue(p.act, &ep);
  return KernelPtr(std::make_unique<F32InnerProduct>(p, node.weights[0], bias, ep, postAct, in[0], out[0], uk));
}

}  // namespace eqw::kernels

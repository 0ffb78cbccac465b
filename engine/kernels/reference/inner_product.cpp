// Fully connected layer: y[n, o] = act(sum_k W[o, k] * x[n, k] + b[o]), x flattened from axis 1.
#include "kernels/reference/ref_kernel.h"

namespace eqw::kernels::ref {

namespace {

class InnerProductRef final : public RefKernel {
 public:
  InnerProductRef(const InnerProductParams& p, Tensor w, Tensor b, const Shapes& in, const Shapes& out)
      : RefKernel("f32_innerproduct_ref", in, out), p_(p), w_(std::move(w)), b_(std::move(b)) {}

 protected:
  Status compute(const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out, const ExecContext& ctx) override {
    const int64_t rows = out_[0][0], outputs = out_[0][1];
    const int64_t k = product(in_[0]) / rows;
    const float* x = in[0]->f32();
    float* y = out[0]->f32();
    parallelFor(ctx.pool, rows * outputs, 16, [&](int64_t i0, int64_t i1) {
      for (int64_t i = i0; i < i1; ++i) {
        const int64_t n = i / outputs, o = i % outputs;
        const float* wo = w_.f32() + o * k;
        const float* xn = x + n * k;
        double acc = b_.empty() ? 0.0 : b_.f32()[o];
        for (int64_t j = 0; j < k; ++j) acc += static_cast<double>(wo[j]) * xn[j];
        y[i] = applyActivation(p_.act, static_cast<float>(acc));
      }
    });
    return Status::ok();
  }

 private:
  InnerProductParams p_;
  Tensor w_, b_;
};

}  // namespace

Result<KernelPtr> makeInnerProduct(const Node& node, const Shapes& inShapes, const Shapes& outShapes) {
  const auto& p = node.p<InnerProductParams>();
  EQW_RETURN_IF_ERROR(requireWeights(node, p.bias ? 2 : 1));
  return KernelPtr(new InnerProductRef(p, node.weights[0], p.bias ? node.weights[1] : Tensor(), inShapes, outShapes));
}

}  // namespace eqw::kernels::ref

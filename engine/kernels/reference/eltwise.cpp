// Same-shape n-ary Eltwise: product, (weighted) sum or maximum of all inputs.
#include <algorithm>

#include "kernels/reference/ref_kernel.h"

namespace eqw::kernels::ref {

namespace {

class EltwiseRef final : public RefKernel {
 public:
  EltwiseRef(const EltwiseParams& p, const Shapes& in, const Shapes& out) : RefKernel("f32_eltwise_ref", in, out), p_(p) {}

 protected:
  Status compute(const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out, const ExecContext&) override {
    const int64_t n = product(out_[0]);
    float* y = out[0]->f32();
    for (int64_t i = 0; i < n; ++i) {
      double acc = coeff(0) * in[0]->f32()[i];
      for (size_t k = 1; k < in.size(); ++k) {
        const float v = in[k]->f32()[i];
        switch (p_.op) {
          case EltwiseOp::Sum: acc += coeff(k) * v; break;
          case EltwiseOp::Prod: acc *= v; break;
          case EltwiseOp::Max: acc = std::max(acc, static_cast<double>(v)); break;
        }
      }
      y[i] = static_cast<float>(acc);
    }
    return Status::ok();
  }

 private:
  double coeff(size_t k) const { return p_.op == EltwiseOp::Sum && !p_.coeffs.empty() ? p_.coeffs[k] : 1.0; }

  EltwiseParams p_;
};

}  // namespace

Result<KernelPtr> makeEltwise(const Node& node, const Shapes& inShapes, const Shapes& outShapes) {
  return KernelPtr(new EltwiseRef(node.p<EltwiseParams>(), inShapes, outShapes));
}

}  // namespace eqw::kernels::ref

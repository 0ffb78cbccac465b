// Element-wise unary math functions.
#include <cmath>

#include "kernels/reference/ref_kernel.h"

namespace eqw::kernels::ref {

namespace {

float apply(UnaryOpKind op, float x) {
  switch (op) {
    case UnaryOpKind::Abs: return std::fabs(x);
    case UnaryOpKind::Neg: return -x;
    case UnaryOpKind::Floor: return std::floor(x);
    case UnaryOpKind::Ceil: return std::ceil(x);
    case UnaryOpKind::Square: return x * x;
    case UnaryOpKind::Sqrt: return std::sqrt(x);
    case UnaryOpKind::Rsqrt: return 1.f / std::sqrt(x);
    case UnaryOpKind::Exp: return std::exp(x);
    case UnaryOpKind::Log: return std::log(x);
    case UnaryOpKind::Sin: return std::sin(x);
    case UnaryOpKind::Cos: return std::cos(x);
    case UnaryOpKind::Tan: return std::tan(x);
    case UnaryOpKind::Reciprocal: return 1.f / x;
    case UnaryOpKind::Tanh: return std::tanh(x);
    case UnaryOpKind::Erf: return std::erf(x);
  }
  return x;
}

class UnaryRef final : public RefKernel {
 public:
  UnaryRef(UnaryOpKind op, const Shapes& in, const Shapes& out) : RefKernel("f32_unary_ref", in, out), op_(op) {}

 protected:
  Status compute(const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out, const ExecContext&) override {
    const int64_t n = product(in_[0]);
    for (int64_t i = 0; i < n; ++i) out[0]->f32()[i] = apply(op_, in[0]->f32()[i]);
    return Status::ok();
  }

 private:
  UnaryOpKind op_;
};

}  // namespace

Result<KernelPtr> makeUnary(const Node& node, const Shapes& inShapes, const Shapes& outShapes) {
  return KernelPtr(new UnaryRef(node.p<UnaryParams>().op, inShapes, outShapes));
}

}  // namespace eqw::kernels::ref

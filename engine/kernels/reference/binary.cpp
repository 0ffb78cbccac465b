// Binary ops with numpy broadcasting. b is the scalar, the second input or weights[0], read
// with b_view when set; with ncnn_broadcast a lower-rank a is read by ncnn's rule as well
// (core/shape_rules.h), so that the kernel reads exactly what shape inference assumed.
#include <algorithm>
#include <cmath>

#include "core/shape_rules.h"
#include "kernels/reference/ref_kernel.h"

namespace eqw::kernels::ref {

namespace {

float apply(BinaryOpKind op, float a, float b) {
  switch (op) {
    case BinaryOpKind::Add: return a + b;
    case BinaryOpKind::Sub: return a - b;
    case BinaryOpKind::Mul: return a * b;
    case BinaryOpKind::Div: return a / b;
    case BinaryOpKind::Max: return std::max(a, b);
    case BinaryOpKind::Min: return std::min(a, b);
    case BinaryOpKind::Pow: return std::pow(a, b);
    case BinaryOpKind::RSub: return b - a;
    case BinaryOpKind::RDiv: return b / a;
  }
  return a;
}

class BinaryRef final : public RefKernel {
 public:
  BinaryRef(const BinaryParams& p, Tensor constB, const Shape& aView, const Shape& bView, const Shapes& in, const Shapes& out)
      : RefKernel("f32_binary_ref", in, out), p_(p), constB_(std::move(constB)) {
    if (!p_.with_scalar) {
      if (aView != out[0]) offA_ = broadcastOffsets(aView, out[0]);
      if (bView != out[0]) offB_ = broadcastOffsets(bView, out[0]);
    }
  }

 protected:
  Status compute(const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out, const ExecContext&) override {
    const int64_t n = product(out_[0]);
    const float* a = in[0]->f32();
    float* y = out[0]->f32();
    if (p_.with_scalar) {
      for (int64_t i = 0; i < n; ++i) y[i] = apply(p_.op, a[i], p_.scalar);
      return Status::ok();
    }
    const float* b = in.size() == 2 ? in[1]->f32() : constB_.f32();
    for (int64_t i = 0; i < n; ++i) {
      const float av = a[offA_.empty() ? i : offA_[i]];
      const float bv = b[offB_.empty() ? i : offB_[i]];
      y[i] = apply(p_.op, av, bv);
    }
    return Status::ok();
  }

 private:
  BinaryParams p_;
  Tensor constB_;
  std::vector<int64_t> offA_, offB_;  // empty: same shape as the output
};

}  // namespace

Result<KernelPtr> makeBinary(const Node& node, const Shapes& inShapes, const Shapes& outShapes) {
  const auto& p = node.p<BinaryParams>();
  Tensor constB;
  Shape aView = inShapes[0], bView;
  if (!p.with_scalar) {
    if (inShapes.size() < 2) {
      EQW_RETURN_IF_ERROR(requireWeights(node, 1));
      constB = node.weights[0];
    }
    const Shape b = inShapes.size() == 2 ? inShapes[1] : constB.shape();
    bView = p.b_view.empty() ? b : p.b_view;
    if (p.ncnn_broadcast) aView = shape_rules::ncnnBroadcastView(inShapes[0], b);
  }
  return KernelPtr(new BinaryRef(p, constB, aView, bView, inShapes, outShapes));
}

}  // namespace eqw::kernels::ref

// Eltwise and Binary: flat loops split into cache-sized blocks across threads.
#include "kernels/eltwise/f32_eltwise.h"

#include "core/parallel.h"
#include "kernels/fast_kernel.h"

#include <algorithm>

namespace eqw::kernels {
namespace {

constexpr int64_t kBlock = 16384;  // floats per task: big enough to amortise, small enough to balance

class F32EltwiseKernel final : public FastKernel {
 public:
  F32EltwiseKernel(const EltwiseParams& p, const std::vector<Shape>& in, const std::vector<Shape>& out,
                   const FastUkernels& uk)
      : FastKernel(std::string("f32_eltwise_") + uk.isaName, in, out), p_(p), uk_(uk) {}

 protected:
  Status compute(const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out, const ExecContext& ctx) override {
    const int64_t n = numel(out_[0]);
    float* y = out[0]->f32();
    parallelFor(ctx.pool, (n + kBlock - 1) / kBlock, 1, [&](int64_t b, int64_t e) {
      const int64_t i0 = b * kBlock, len = std::min(n, e * kBlock) - i0;
      runBlock(in, y, i0, len);
    });
    return Status::ok();
  }

 private:
  void runBlock(const std::vector<const Tensor*>& in, float* y, int64_t i0, int64_t len) const {
    auto src = [&](size_t k) { return in[k]->f32() + i0; };
    float* dst = y + i0;
    if (p_.op == EltwiseOp::Sum && !p_.coeffs.empty()) {
      uk_.axpby(p_.coeffs[0], src(0), p_.coeffs[1], src(1), dst, len);
      for (size_t k = 2; k < in.size(); ++k) uk_.axpby(1.f, dst, p_.coeffs[k], src(k), dst, len);
      return;
    }
    const int32_t op = p_.op == EltwiseOp::Sum ? kF32Add : p_.op == EltwiseOp::Prod ? kF32Mul : kF32Max;
    uk_.binary(op, src(0), src(1), dst, len);
    for (size_t k = 2; k < in.size(); ++k) uk_.binary(op, dst, src(k), dst, len);
  }

  EltwiseParams p_;
  const FastUkernels& uk_;
};

// How b is read against a (which has the output's shape).
enum class BMode { Scalar, Same, PerChannel };

class F32BinaryKernel final : public FastKernel {
 public:
  // useParam: b is `scalar` (BinaryParams::with_scalar), not a tensor.
  F32BinaryKernel(int32_t op, BMode mode, Tensor constB, bool useParam, float scalar, const std::vector<Shape>& in,
                  const std::vector<Shape>& out, const FastUkernels& uk)
      : FastKernel(std::string("f32_binary_") + uk.isaName, in, out),
        op_(op), mode_(mode), constB_(std::move(constB)), useParam_(useParam), scalar_(scalar), uk_(uk) {}

 protected:
  Status compute(const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out, const ExecContext& ctx) override {
    const float* a = in[0]->f32();
    const float* b = in.size() == 2 ? in[1]->f32() : constB_.empty() ? nullptr : constB_.f32();
    float* y = out[0]->f32();
    const Shape& s = out_[0];
    if (mode_ == BMode::PerChannel) {
      const int64_t c = s[1], plane = numel(s) / s[1];
      parallelFor(ctx.pool, c, std::max<int64_t>(1, kBlock / std::max<int64_t>(1, plane)), [&](int64_t b0, int64_t e) {
        for (int64_t i = b0; i < e; ++i) uk_.binaryScalar(op_, a + i * plane, b[i], y + i * plane, plane);
      });
      return Status::ok();
    }
    const int64_t n = numel(s);
    const float bs = mode_ != BMode::Scalar ? 0.f : useParam_ ? scalar_ : b[0];
    parallelFor(ctx.pool, (n + kBlock - 1) / kBlock, 1, [&](int64_t b0, int64_t e) {
      const int64_t i0 = b0 * kBlock, len = std::min(n, e * kBlock) - i0;
      if (mode_ == BMode::Scalar) uk_.binaryScalar(op_, a + i0, bs, y + i0, len);
      else uk_.binary(op_, a + i0, b + i0, y + i0, len);
    });
    return Status::ok();
  }

 private:
  int32_t op_;
  BMode mode_;
  Tensor constB_;
  bool useParam_;
  float scalar_;
  const FastUkernels& uk_;
};

bool binaryCode(BinaryOpKind op, int32_t* code) {
  switch (op) {
    case BinaryOpKind::Add: *code = kF32Add; return true;
    case BinaryOpKind::Sub: *code = kF32Sub; return true;
    case BinaryOpKind::Mul: *code = kF32Mul; return true;
    case BinaryOpKind::Div: *code = kF32Div; return true;
    case BinaryOpKind::Max: *code = kF32Max; return true;
    case BinaryOpKind::Min: *code = kF32Min; return true;
    case BinaryOpKind::RSub: *code = kF32RSub; return true;
    case BinaryOpKind::RDiv: *code = kF32RDiv; return true;
    case BinaryOpKind::Pow: return false;
  }
  return false;
}

// b's view aligned to the output's rank (leading 1s), or empty when it has more dims.
Shape alignedView(const Shape& view, size_t rank) {
  if (view.size() > rank) return {};
  Shape s(rank - view.size(), 1);
  s.insert(s.end(), view.begin(), view.end());
  return s;
}

bool isPerChannel(const Shape& b, const Shape& out) {
  // The kernel walks one batch: a per-channel b over a batch > 1 goes to the reference.
  if (out.size() < 2 || out[0] != 1 || b.size() != out.size() || b[1] != out[1]) return false;
  for (size_t d = 0; d < b.size(); ++d)
    if (d != 1 && b[d] != 1) return false;
  return true;
}

}  // namespace

Result<KernelPtr> makeF32Eltwise(const Node& node, const std::vector<Shape>& in, const std::vector<Shape>& out,
                                 const FastUkernels& uk) {
  const EltwiseParams& p = node.p<EltwiseParams>();
  if (in.size() < 2 || out.size() != 1) return KernelPtr{};
  for (const Shape& s : in)
    if (s != out[0]) return KernelPtr{};
  if (p.op == EltwiseOp::Sum && !p.coeffs.empty() && p.coeffs.size() != in.size()) return KernelPtr{};
  return KernelPtr(std::make_unique<F32EltwiseKernel>(p, in, out, uk));
}

Result<KernelPtr> makeF32Binary(const Node& node, const std::vector<Shape>& in, const std::vector<Shape>& out,
                                const FastUkernels& uk) {
  const BinaryParams& p = node.p<BinaryParams>();
  int32_t op = 0;
  if (!binaryCode(p.op, &op) || in.empty() || in.size() > 2 || out.size() != 1 || in[0] != out[0]) return KernelPtr{};
  if (p.ncnn_broadcast && in[0] != out[0]) return KernelPtr{};
  if (p.with_scalar) return KernelPtr(std::make_unique<F32BinaryKernel>(op, BMode::Scalar, Tensor{}, true, p.scalar, in, out, uk));
  Tensor constB;
  Shape b;
  if (in.size() == 2) {
    b = in[1];
  } else {
    if (node.weights.empty() || node.weights[0].dtype() != DType::F32) return KernelPtr{};
    constB = node.weights[0];
    b = constB.shape();
  }
  const Shape view = p.b_view.empty() ? b : p.b_view;
  if (numel(view) != numel(b)) return KernelPtr{};
  const Shape aligned = alignedView(view, out[0].size());
  BMode mode;
  if (numel(view) == 1) mode = BMode::Scalar;
  else if (aligned == out[0]) mode = BMode::Same;
  else if (isPerChannel(aligned, out[0])) mode = BMode::PerChannel;
  else return KernelPtr{};
  return KernelPtr(std::make_unique<F32BinaryKernel>(op, mode, constB, false, 0.f, in, out, uk));
}

}  // namespace eqw::kernels

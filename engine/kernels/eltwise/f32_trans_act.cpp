// Standalone Sigmoid, Swish, TanH and Mish: the vector loop of the ISA over flat blocks, split
// across threads (the piecewise-linear activations run as channel affine maps instead).
#include "kernels/eltwise/f32_eltwise.h"

#include "core/parallel.h"
#include "kernels/fast_kernel.h"

#include <algorithm>

namespace eqw::kernels {
namespace {

constexpr int64_t kBlock = 8192;  // floats per task: transcendental, so fewer than a plain copy

class F32TransAct final : public FastKernel {
 public:
  F32TransAct(int32_t act, const Shape& shape, const FastUkernels& uk)
      : FastKernel(std::string("f32_activation_") + uk.isaName, {shape}, {shape}), act_(act), uk_(uk) {}

 protected:
  Status compute(const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out, const ExecContext& ctx) override {
    const int64_t n = numel(in_[0]);
    const float* x = in[0]->f32();
    float* y = out[0]->f32();
    parallelFor(ctx.pool, (n + kBlock - 1) / kBlock, 1, [&](int64_t b, int64_t e) {
      const int64_t i0 = b * kBlock;
      uk_.transAct(act_, x + i0, y + i0, std::min(n, e * kBlock) - i0);
    });
    return Status::ok();
  }

 private:
  int32_t act_;
  const FastUkernels& uk_;
};

bool transActCode(ActKind kind, int32_t* code) {
  switch (kind) {
    case ActKind::Sigmoid: *code = kF32TActSigmoid; return true;
    case ActKind::Swish: *code = kF32TActSwish; return true;
    case ActKind::TanH: *code = kF32TActTanH; return true;
    case ActKind::Mish: *code = kF32TActMish; return true;
    default: return false;
  }
}

}  // namespace

Result<KernelPtr> makeF32TransAct(const Activation& act, const Shape& shape, const FastUkernels& uk) {
  int32_t code = 0;
  if (!uk.transAct || !transActCode(act.kind, &code) || numel(shape) <= 0) return KernelPtr{};
  return KernelPtr(std::make_unique<F32TransAct>(code, shape, uk));
}

}  // namespace eqw::kernels

// Quantize-dequantize (FakeQuantParams): the fake-quant executor's view of an integer grid.
#include <cmath>

#include "kernels/reference/ref_kernel.h"

namespace eqw::kernels::ref {

namespace {

class FakeQuantRef final : public RefKernel {
 public:
  FakeQuantRef(const FakeQuantParams& p, const Shapes& in, const Shapes& out) : RefKernel("f32_fakequant_ref", in, out), p_(p) {}

 protected:
  Status compute(const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out, const ExecContext& ctx) override {
    const float* x = in[0]->f32();
    float* y = out[0]->f32();
    const float scale = p_.scale, hi = static_cast<float>(p_.qmax), lo = p_.is_unsigned ? 0.f : -hi;
    parallelFor(ctx.pool, product(in_[0]), 4096, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) {
        // std::round rounds half away from zero, as ncnn's float2int8 does. NaN stays NaN.
        const float q = std::round(x[i] * scale);
        y[i] = (q < lo ? lo : q > hi ? hi : q) / scale;
      }
    });
    return Status::ok();
  }

 private:
  FakeQuantParams p_;
};

}  // namespace

Result<KernelPtr> makeFakeQuant(const Node& node, const Shapes& inShapes, const Shapes& outShapes) {
  const auto& p = node.p<FakeQuantParams>();
  if (!(std::isfinite(p.scale) && p.scale > 0.f) || p.qmax < 1)
    return Status(StatusCode::InvalidArgument, nodeLabel(node) + ": fake-quant scale " + std::to_string(p.scale) + " / qmax " +
                                                   std::to_string(p.qmax) + " must be finite and > 0");
  return KernelPtr(new FakeQuantRef(p, inShapes, outShapes));
}

}  // namespace eqw::kernels::ref

// Softmax along any axis, numerically stable (the maximum is subtracted before exp).
#include <algorithm>
#include <cmath>

#include "core/shape_rules.h"
#include "kernels/reference/ref_kernel.h"

namespace eqw::kernels::ref {

namespace {

class SoftmaxRef final : public RefKernel {
 public:
  SoftmaxRef(int axis, const Shapes& in, const Shapes& out) : RefKernel("f32_softmax_ref", in, out), axis_(axis) {}

 protected:
  Status compute(const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out, const ExecContext&) override {
    const Shape& s = in_[0];
    const int64_t outer = product(s, 0, axis_), dim = s[axis_], inner = product(s, axis_ + 1, s.size());
    const float* x = in[0]->f32();
    float* y = out[0]->f32();
    for (int64_t o = 0; o < outer; ++o) {
      for (int64_t i = 0; i < inner; ++i) {
        const int64_t base = o * dim * inner + i;
        float mx = x[base];
        for (int64_t d = 1; d < dim; ++d) mx = std::max(mx, x[base + d * inner]);
        double sum = 0.0;
        for (int64_t d = 0; d < dim; ++d) sum += std::exp(static_cast<double>(x[base + d * inner]) - mx);
        for (int64_t d = 0; d < dim; ++d)
          y[base + d * inner] = static_cast<float>(std::exp(static_cast<double>(x[base + d * inner]) - mx) / sum);
      }
    }
    return Status::ok();
  }

 private:
  int axis_;
};

}  // namespace

Result<KernelPtr> makeSoftmax(const Node& node, const Shapes& inShapes, const Shapes& outShapes) {
  const int axis = shape_rules::normalizeAxis(node.p<SoftmaxParams>().axis, static_cast<int>(inShapes[0].size()));
  return KernelPtr(new SoftmaxRef(axis, inShapes, outShapes));
}

}  // namespace eqw::kernels::ref

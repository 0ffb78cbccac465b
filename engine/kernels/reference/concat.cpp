// Concat along one axis and Slice (its inverse: consecutive pieces of one axis). Both copy
// contiguous blocks: for every outer index, each piece's run of dim * inner elements.
#include <algorithm>

#include "core/shape_rules.h"
#include "kernels/reference/ref_kernel.h"

namespace eqw::kernels::ref {

namespace {

class ConcatRef final : public RefKernel {
 public:
  ConcatRef(int axis, const Shapes& in, const Shapes& out) : RefKernel("f32_concat_ref", in, out), axis_(axis) {}

 protected:
  Status compute(const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out, const ExecContext&) override {
    const Shape& ys = out_[0];
    const int64_t outer = product(ys, 0, axis_), inner = product(ys, axis_ + 1, ys.size());
    float* y = out[0]->f32();
    for (int64_t o = 0; o < outer; ++o) {
      for (size_t k = 0; k < in.size(); ++k) {
        const int64_t run = in_[k][axis_] * inner;
        y = std::copy_n(in[k]->f32() + o * run, run, y);
      }
    }
    return Status::ok();
  }

 private:
  int axis_;
};

class SliceRef final : public RefKernel {
 public:
  SliceRef(int axis, const Shapes& in, const Shapes& out) : RefKernel("f32_slice_ref", in, out), axis_(axis) {}

 protected:
  Status compute(const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out, const ExecContext&) override {
    const Shape& xs = in_[0];
    const int64_t outer = product(xs, 0, axis_), inner = product(xs, axis_ + 1, xs.size());
    const float* x = in[0]->f32();
    for (int64_t o = 0; o < outer; ++o) {
      const float* row = x + o * xs[axis_] * inner;
      for (size_t k = 0; k < out.size(); ++k) {
        const int64_t run = out_[k][axis_] * inner;
        std::copy_n(row, run, out[k]->f32() + o * run);
        row += run;
      }
    }
    return Status::ok();
  }

 private:
  int axis_;
};

}  // namespace

Result<KernelPtr> makeConcat(const Node& node, const Shapes& inShapes, const Shapes& outShapes) {
  const int axis = shape_rules::normalizeAxis(node.p<ConcatParams>().axis, static_cast<int>(outShapes[0].size()));
  return KernelPtr(new ConcatRef(axis, inShapes, outShapes));
}

Result<KernelPtr> makeSlice(const Node& node, const Shapes& inShapes, const Shapes& outShapes) {
  const int axis = shape_rules::normalizeAxis(node.p<SliceParams>().axis, static_cast<int>(inShapes[0].size()));
  return KernelPtr(new SliceRef(axis, inShapes, outShapes));
}

}  // namespace eqw::kernels::ref

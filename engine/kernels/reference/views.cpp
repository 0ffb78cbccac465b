// Ops that move no data: the output shares the input's storage (Input, Identity, Flatten,
// Reshape, Split). The executor allocates nothing for them.
#include "kernels/reference/ref_kernel.h"

namespace eqw::kernels::ref {

namespace {

// Every output i is input 0 read with out_[i].
class ViewRef final : public RefKernel {
 public:
  using RefKernel::RefKernel;
  bool isView() const override { return true; }

 protected:
  Status compute(const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out, const ExecContext&) override {
    for (size_t i = 0; i < out.size(); ++i) *out[i] = in[0]->shape() == out_[i] ? *in[0] : in[0]->reshaped(out_[i]);
    return Status::ok();
  }
};

// Graph inputs are set by the executor; nothing to do.
class InputRef final : public RefKernel {
 public:
  using RefKernel::RefKernel;
  bool isView() const override { return true; }

 protected:
  Status compute(const std::vector<const Tensor*>&, const std::vector<Tensor*>&, const ExecContext&) override {
    return Status::ok();
  }
};

}  // namespace

Result<KernelPtr> makeInput(const Node&, const Shapes& inShapes, const Shapes& outShapes) {
  return KernelPtr(new InputRef("f32_input_ref", inShapes, outShapes));
}
Result<KernelPtr> makeIdentity(const Node&, const Shapes& inShapes, const Shapes& outShapes) {
  return KernelPtr(new ViewRef("f32_identity_ref", inShapes, outShapes));
}
Result<KernelPtr> makeFlatten(const Node&, const Shapes& inShapes, const Shapes& outShapes) {
  return KernelPtr(new ViewRef("f32_flatten_ref", inShapes, outShapes));
}
Result<KernelPtr> makeReshape(const Node&, const Shapes& inShapes, const Shapes& outShapes) {
  return KernelPtr(new ViewRef("f32_reshape_ref", inShapes, outShapes));
}
Result<KernelPtr> makeSplit(const Node&, const Shapes& inShapes, const Shapes& outShapes) {
  return KernelPtr(new ViewRef("f32_split_ref", inShapes, outShapes));
}

}  // namespace eqw::kernels::ref

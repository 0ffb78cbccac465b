// Shared pieces of the scalar reference kernels (internal to engine/kernels): the base class
// that checks what the executor hands in, small index helpers, and one factory per op kind.
// The factories receive a node whose shapes were inferred again by makeReferenceKernel, so
// params are resolved (explicit pads, b_view) and weight sizes already checked.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/parallel.h"
#include "kernels/kernel.h"

namespace eqw::kernels::ref {

class RefKernel : public OpKernel {
 public:
  RefKernel(std::string name, std::vector<Shape> inShapes, std::vector<Shape> outShapes)
      : name_(std::move(name)), in_(std::move(inShapes)), out_(std::move(outShapes)) {}
  const char* name() const override { return name_.c_str(); }
  // Checks tensor counts, dtypes and element counts against the shapes the kernel was built
  // for, then calls compute(). Never throws.
  Status run(const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out, const ExecContext& ctx) final;

 protected:
  virtual Status compute(const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out, const ExecContext& ctx) = 0;
  // False for kernels that replace *out[i] instead of writing into a preallocated buffer.
  virtual bool writesIntoOutputs() const { return !isView(); }

  const std::string name_;
  const std::vector<Shape> in_, out_;  // shapes the kernel was built for
};

// Product of dims [b, e) of s.
int64_t product(const Shape& s, size_t b, size_t e);
inline int64_t product(const Shape& s) { return product(s, 0, s.size()); }

// Row-major strides of a shape.
std::vector<int64_t> stridesOf(const Shape& s);

// For every element of `dst` in row-major order, the offset of the element of `src` that
// numpy broadcasting reads (src aligned at the innermost axis, size-1 axes repeated).
std::vector<int64_t> broadcastOffsets(const Shape& src, const Shape& dst);

// Walks the multi-indices of a shape in row-major order.
class NdIndex {
 public:
  explicit NdIndex(Shape shape) : shape_(std::move(shape)), idx_(shape_.size(), 0) {}
  const std::vector<int64_t>& index() const { return idx_; }
  void next() {
    for (size_t d = shape_.size(); d-- > 0;) {
      if (++idx_[d] < shape_[d]) return;
      idx_[d] = 0;
    }
  }

 private:
  Shape shape_;
  std::vector<int64_t> idx_;
};

// "node 'conv1' (Convolution)"
std::string nodeLabel(const Node& node);
// An error when the node has fewer than `count` weight tensors.
Status requireWeights(const Node& node, size_t count);

using Shapes = std::vector<Shape>;
#define EQW_REF_FACTORY(fn) Result<KernelPtr> fn(const Node& node, const Shapes& inShapes, const Shapes& outShapes)
EQW_REF_FACTORY(makeInput);
EQW_REF_FACTORY(makeIdentity);
EQW_REF_FACTORY(makeFakeQuant);
EQW_REF_FACTORY(makeFlatten);
EQW_REF_FACTORY(makeReshape);
EQW_REF_FACTORY(makeSplit);
EQW_REF_FACTORY(makeConvolution);
EQW_REF_FACTORY(makeDeconvolution);
EQW_REF_FACTORY(makeInnerProduct);
EQW_REF_FACTORY(makeMatMul);
EQW_REF_FACTORY(makePooling);
EQW_REF_FACTORY(makeActivation);
EQW_REF_FACTORY(makePReLU);
EQW_REF_FACTORY(makeBatchNorm);
EQW_REF_FACTORY(makeScale);
EQW_REF_FACTORY(makeEltwise);
EQW_REF_FACTORY(makeBinary);
EQW_REF_FACTORY(makeUnary);
EQW_REF_FACTORY(makeConcat);
EQW_REF_FACTORY(makeSlice);
EQW_REF_FACTORY(makeCrop);
EQW_REF_FACTORY(makeSoftmax);
EQW_REF_FACTORY(makePermute);
EQW_REF_FACTORY(makePadding);
EQW_REF_FACTORY(makeShuffleChannel);
EQW_REF_FACTORY(makeInterp);
EQW_REF_FACTORY(makeLRN);
EQW_REF_FACTORY(makeNormalize);
EQW_REF_FACTORY(makePriorBox);
EQW_REF_FACTORY(makeDetectionOutput);
EQW_REF_FACTORY(makeReduce);
EQW_REF_FACTORY(makeLayerNorm);
#undef EQW_REF_FACTORY

}  // namespace eqw::kernels::ref

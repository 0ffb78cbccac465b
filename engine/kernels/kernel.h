// The interface between the executors and the kernels. One OpKernel per graph node, made once
// per plan (weights are packed then) and run many times.
#pragma once

#include <eqw/cpu.h>
#include <eqw/graph.h>
#include <eqw/status.h>
#include <eqw/tensor.h>

#include <memory>
#include <vector>

namespace eqw {
class ThreadPool;
}

namespace eqw::kernels {

struct ExecContext {
  const ThreadPool* pool = nullptr;   // null: run serially
};

class OpKernel {
 public:
  virtual ~OpKernel() = default;
  // What runs, in XNNPACK style: "f32_conv2d_gemm_avx512", "f32_pool_max_ref".
  virtual const char* name() const = 0;
  // View kernels (Reshape, Flatten, Split, Identity...) do not write into *out: they set
  // *out[i] to a tensor sharing the input's storage, so the executor allocates nothing for them.
  virtual bool isView() const { return false; }
  // The input whose buffer *out[0] may be (the memory plan puts the output there when that input
  // is read by no later node), -1 for none. A kernel that says so reads each input element
  // before it writes the output element at the same index, and nothing else of that input later.
  virtual int inPlaceInput() const { return -1; }
  // in: the node's inputs (weights are not here: the kernel took them at creation).
  // out: preallocated with the inferred shapes (except for view kernels).
  virtual Status run(const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out,
                     const ExecContext& ctx) = 0;
};

using KernelPtr = std::unique_ptr<OpKernel>;

// A copy of the node with shapes inferred again from inShapes (weights are shared, not copied):
// kernels then read resolved params (explicit pads, b_view) and checked weight sizes whoever
// built the node, and shapes the node cannot produce are a ShapeError, not an out-of-bounds kernel.
Result<Node> resolveNode(const Node& node, const std::vector<Shape>& inShapes, const std::vector<Shape>& outShapes);

// The scalar reference implementation of any node (every op kind has one). inShapes/outShapes
// are the node's inferred shapes. Never returns null without an error status.
Result<KernelPtr> makeReferenceKernel(const Node& node, const std::vector<Shape>& inShapes,
                                      const std::vector<Shape>& outShapes);

// The fastest kernel for the node at the given ISA level; falls back to the reference.
Result<KernelPtr> makeKernel(const Node& node, const std::vector<Shape>& inShapes,
                             const std::vector<Shape>& outShapes, Isa isa);

}  // namespace eqw::kernels

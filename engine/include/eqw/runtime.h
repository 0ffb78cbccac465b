// FP32 execution of a graph: kernels chosen once per executor (weights packed then), buffers
// allocated once and reused by every run.
#pragma once

#include <eqw/cpu.h>
#include <eqw/graph.h>
#include <eqw/status.h>
#include <eqw/tensor.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace eqw {

struct ExecutorOptions {
  int threads = 1;               // <= 0: all hardware threads
  bool reference = false;        // scalar reference kernels only (the oracle for fast paths)
  Isa isa = Isa::Avx512Vnni;     // highest level to use; lowered to what the CPU and EQW_MAX_ISA allow
  bool profile = false;          // record per-node wall time in every run
  // Keep every intermediate value readable after run() (each gets its own buffer). Otherwise a
  // value's buffer is reused once its last reader has run, and after run() only graph outputs
  // are valid (observers still see every node's outputs during the run). It also runs an
  // integer graph's int8 flow (eqw/integer.h) as floats, so that every value reads as F32.
  bool keep_values = false;
  // On an integer graph with the int8 flow (not keep_values): a float-output integer convolution
  // whose only reader is an Eltwise sum with another input already computed (and the ReLU after
  // it, if that is the sum's only reader) runs as one kernel that adds the other input while each
  // tile is hot; the Eltwise and ReLU nodes then run a no-op kernel named "fused into <conv>".
  // Bit-identical to the unfused run. The conv's and the sum's own outputs are then never written
  // (observers see empty tensors for them).
  bool fuse_residual = true;
  // With fuse_residual: a fused convolution whose output the next integer layers read on one
  // grid (resnet50's block outputs) also writes that grid's integers, in the same epilogue, and
  // those layers read them instead of quantizing the floats again (NodeQuant::twin_scale).
  // Bit-identical to running without.
  bool residual_twin = true;
};

// How many Eltwise sums an Executor with `options` fuses into their convolution on `graph`
// (ExecutorOptions::fuse_residual), without building one.
int residualFusionCount(const Graph& graph, const ExecutorOptions& options);
// How many of those fused convolutions also write their output's integer twin
// (ExecutorOptions::residual_twin).
int residualTwinCount(const Graph& graph, const ExecutorOptions& options);

// Called after each node runs, with the node index and its outputs. Used by observers
// (statistics, per-layer metrics). Must not keep the pointers past the call. On an integer graph
// with the int8 flow, values between integer layers are I8 / U8 tensors (check dtype()).
using NodeObserver = std::function<void(int node, const std::vector<const Tensor*>& outputs)>;

class Executor {
 public:
  // The graph must be validated and shape-inferred (loadModel does both) and must outlive the executor.
  static Result<std::unique_ptr<Executor>> create(const Graph& graph, const ExecutorOptions& options = {});
  ~Executor();

  // inputs: one tensor per graph input (graph.inputs order) with the inferred shape.
  Status run(const std::vector<Tensor>& inputs, const NodeObserver& observer = {});

  // After run(): graph outputs in graph.outputs order, or any value by id (intermediate values
  // only with ExecutorOptions::keep_values).
  const Tensor& output(size_t i) const;
  const Tensor& value(int valueId) const;
  size_t outputCount() const;

  const Graph& graph() const;
  int threads() const;
  Isa isa() const;                              // level the kernels were chosen for
  const std::string& kernelName(int node) const;
  // Wall time of each node in the last profiled run, in nanoseconds.
  const std::vector<int64_t>& nodeTimesNs() const;
  // Bytes of activation buffers this executor allocated.
  size_t activationBytes() const;
  // Fused convolutions that also write their output's integer twin (ExecutorOptions::residual_twin).
  int residualTwins() const;

 private:
  Executor();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace eqw

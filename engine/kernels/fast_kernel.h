// The base of every fast kernel: run() checks what the executor hands in against the shapes
// the kernel was made for (counts, dtypes, element counts) and only then calls compute(), so a
// wrong tensor is an error status, never an out-of-bounds access.
#pragma once

#include "kernels/kernel.h"

#include <string>
#include <vector>

namespace eqw::kernels {

class FastKernel : public OpKernel {
 public:
  FastKernel(std::string name, std::vector<Shape> inShapes, std::vector<Shape> outShapes)
      : name_(std::move(name)), in_(std::move(inShapes)), out_(std::move(outShapes)) {}
  const char* name() const override { return name_.c_str(); }
  Status run(const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out, const ExecContext& ctx) final;

 protected:
  virtual Status compute(const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out,
                         const ExecContext& ctx) = 0;

  const std::string name_;
  const std::vector<Shape> in_, out_;
};

// Grain for parallelFor over `tasks` equal tasks: about `chunksPerThread` chunks per thread, so
// that thousands of micro-tasks (Winograd GEMM tiles) do not each pay the scheduler.
int64_t taskGrain(const ExecContext& ctx, int64_t tasks, int64_t chunksPerThread = 8);

}  // namespace eqw::kernels

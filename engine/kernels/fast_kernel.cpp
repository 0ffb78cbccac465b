#include "kernels/fast_kernel.h"

#include "core/parallel.h"

#include <algorithm>

namespace eqw::kernels {
namespace {

Status checkTensor(const std::string& kernel, const char* role, size_t i, const Tensor* t, const Shape& want) {
  if (!t || t->empty())
    return invalidArgument(kernel + ": " + role + " " + std::to_string(i) + " is missing");
  if (t->dtype() != DType::F32)
    return invalidArgument(kernel + ": " + role + " " + std::to_string(i) + " is " + toString(t->dtype()) + ", expected f32");
  if (t->numel() != numel(want))
    return shapeError(kernel + ": " + role + " " + std::to_string(i) + " has shape " + toString(t->shape()) +
                      ", the kernel was made for " + toString(want));
  return Status::ok();
}

}  // namespace

int64_t taskGrain(const ExecContext& ctx, int64_t tasks, int64_t chunksPerThread) {
  const int64_t threads = ctx.pool ? ctx.pool->threads() : 1;
  return std::max<int64_t>(1, tasks / std::max<int64_t>(1, threads * chunksPerThread));
}

Status FastKernel::run(const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out, const ExecContext& ctx) {
  if (in.size() != in_.size() || out.size() != out_.size())
    return invalidArgument(name_ + ": got " + std::to_string(in.size()) + " inputs and " + std::to_string(out.size()) +
                           " outputs, expected " + std::to_string(in_.size()) + " and " + std::to_string(out_.size()));
  for (size_t i = 0; i < in.size(); ++i) EQW_RETURN_IF_ERROR(checkTensor(name_, "input", i, in[i], in_[i]));
  for (size_t i = 0; i < out.size(); ++i) EQW_RETURN_IF_ERROR(checkTensor(name_, "output", i, out[i], out_[i]));
  return compute(in, out, ctx);
}

}  // namespace eqw::kernels

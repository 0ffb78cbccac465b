// Fast InnerProduct (batch 1): a matrix-vector product over the node's row-major weights,
// split by output rows across threads.
#pragma once

#include "kernels/fast_ukernels.h"
#include "kernels/kernel.h"

namespace eqw::kernels {

Result<KernelPtr> makeF32InnerProduct(const Node& node, const std::vector<Shape>& in, const std::vector<Shape>& out,
                                      const FastUkernels& uk);

}  // namespace eqw::kernels

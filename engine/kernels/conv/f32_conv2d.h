// The fast FP32 convolution: picks the algorithm for a node (depthwise, packed GEMM).
#pragma once

#include "kernels/fast_ukernels.h"
#include "kernels/kernel.h"

namespace eqw::kernels {

// A null KernelPtr when no fast algorithm covers the node (the reference runs it).
Result<KernelPtr> makeF32Conv2d(const Node& node, const std::vector<Shape>& in, const std::vector<Shape>& out,
                                const FastUkernels& uk);

}  // namespace eqw::kernels

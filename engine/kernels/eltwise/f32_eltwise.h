// Fast element-wise kernels: Eltwise, Binary (same shape, scalar, per channel), Activation,
// BatchNorm, Scale and PReLU. Each returns a null KernelPtr for the cases it leaves to the
// reference (other broadcasts, Pow).
#pragma once

#include "kernels/fast_ukernels.h"
#include "kernels/kernel.h"

namespace eqw::kernels {

Result<KernelPtr> makeF32Eltwise(const Node& node, const std::vector<Shape>& in, const std::vector<Shape>& out,
                                 const FastUkernels& uk);
Result<KernelPtr> makeF32Binary(const Node& node, const std::vector<Shape>& in, const std::vector<Shape>& out,
                                const FastUkernels& uk);
// Activation, BatchNorm, Scale and PReLU: y = act(x * s[c] + t[c]) per channel.
Result<KernelPtr> makeF32ChannelAffine(const Node& node, const std::vector<Shape>& in, const std::vector<Shape>& out,
                                       const FastUkernels& uk);
// Sigmoid, Swish, TanH and Mish as one flat vector loop; null for other kinds.
Result<KernelPtr> makeF32TransAct(const Activation& act, const Shape& shape, const FastUkernels& uk);

}  // namespace eqw::kernels

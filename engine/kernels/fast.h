// SIMD kernels (AVX2/FMA, AVX-512) chosen by ISA level. The registry asks here first and falls
// back to the reference when this returns a null kernel.
#pragma once

#include "kernels/kernel.h"

namespace eqw::kernels {

// A fast kernel for the node at `isa`, or a null KernelPtr (not an error) when there is none
// for this op / shape / ISA. An error status only for a genuine failure (bad weights).
Result<KernelPtr> makeFastKernel(const Node& node, const std::vector<Shape>& inShapes,
                                 const std::vector<Shape>& outShapes, Isa isa);
// The same for a node resolveNode() has already resolved against these shapes.
Result<KernelPtr> makeFastKernelResolved(const Node& resolved, const std::vector<Shape>& inShapes,
                                         const std::vector<Shape>& outShapes, Isa isa);

}  // namespace eqw::kernels

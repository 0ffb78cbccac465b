// Fast max / average pooling (windowed and global) over NCHW planes.
#pragma once

#include "kernels/fast_ukernels.h"
#include "kernels/kernel.h"

namespace eqw::kernels {

// A null KernelPtr for cases the reference keeps (windows lying wholly in padding, rank != 4).
Result<KernelPtr> makeF32Pool(const Node& node, const std::vector<Shape>& in, const std::vector<Shape>& out,
                              const FastUkernels& uk);

}  // namespace eqw::kernels

// Fast local response normalisation across channels (Caffe / ONNX LRN).
#pragma once

#include "kernels/fast_ukernels.h"
#include "kernels/kernel.h"

namespace eqw::kernels {

// A null KernelPtr for what the reference keeps (LRN within a channel, rank < 3).
Result<KernelPtr> makeF32LRN(const Node& node, const std::vector<Shape>& in, const std::vector<Shape>& out,
                             const FastUkernels& uk);

}  // namespace eqw::kernels

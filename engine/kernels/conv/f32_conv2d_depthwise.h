// Depthwise convolution (group == input channels == output channels): one padded plane per
// task, padded into per-thread scratch right before use so it is still in cache.
#pragma once

#include "kernels/conv/f32_conv_setup.h"
#include "kernels/fast_ukernels.h"
#include "kernels/kernel.h"

namespace eqw::kernels {

bool isDepthwise(const F32ConvSetup& setup);
Result<KernelPtr> makeF32Conv2dDepthwise(const Node& node, const F32ConvSetup& setup, const FastUkernels& uk);

}  // namespace eqw::kernels

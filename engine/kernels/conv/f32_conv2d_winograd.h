// Winograd F(4x4, 3x3) convolution for 3x3, stride 1, dilation 1, one group: 36 GEMMs over the
// transformed tiles replace the direct 3x3 products (2.25 instead of 9 multiplies per output),
// with the input and output transforms on channel-blocked data (f32_winograd_ukernel.h).
#pragma once

#include "kernels/conv/f32_conv_setup.h"
#include "kernels/fast_ukernels.h"
#include "kernels/kernel.h"

namespace eqw::kernels {

// Whether Winograd applies to the convolution and should beat the direct GEMM: enough tiles
// to reuse the 4x larger transformed weights, and transforms small next to the GEMMs.
bool preferF32Winograd(const F32ConvSetup& setup, const FastUkernels& uk);

Result<KernelPtr> makeF32Conv2dWinograd(const Node& node, const F32ConvSetup& setup, const FastUkernels& uk);

}  // namespace eqw::kernels

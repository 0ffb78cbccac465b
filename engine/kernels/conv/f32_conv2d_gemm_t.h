// Convolution as the transposed GEMM, for outputs with few pixels (7x7, 14x14): output
// channels run along the vector registers and pixels are broadcast, so a 49-pixel plane wastes
// nothing (the plain GEMM pads it to 64 columns). The micro-kernel transposes each tile in
// registers before storing, so the output stays NCHW.
#pragma once

#include "kernels/conv/f32_conv_setup.h"
#include "kernels/fast_ukernels.h"
#include "kernels/kernel.h"

namespace eqw::kernels {

// Relative cost of the transposed GEMM against the plain one for this convolution (< 1: the
// transposed one should be faster), from the padding each wastes and the transposes.
double f32ConvTransposedCostRatio(const F32ConvSetup& setup, const FastUkernels& uk);

Result<KernelPtr> makeF32Conv2dGemmT(const Node& node, const F32ConvSetup& setup, const FastUkernels& uk);

}  // namespace eqw::kernels

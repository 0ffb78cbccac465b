// Convolution as a packed GEMM per group: C[oc, oy*ow+ox] = W[oc, k] * im2col(x)[k, n]. Weights
// are packed into micro-kernel panels once; activation panels are packed per task (implicit
// im2col, never materialised whole), so each panel is hot in cache while every weight tile
// sweeps over it. 1x1 stride-1 convolutions pack rows straight from the input.
#pragma once

#include "kernels/conv/f32_conv_setup.h"
#include "kernels/fast_ukernels.h"
#include "kernels/kernel.h"

namespace eqw::kernels {

Result<KernelPtr> makeF32Conv2dGemm(const Node& node, const F32ConvSetup& setup, const FastUkernels& uk);

}  // namespace eqw::kernels

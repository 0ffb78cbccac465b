// The channel-blocked integer depthwise convolution (q8_dw_blocked.cpp, inner loops in
// x86/q8_dw_impl.h): L channels per vector (16 on AVX-512, 8 on AVX2), the input quantized
// straight from the float NCHW tensor into channel-blocked rows, int16 tap pairs summed in int32.
#pragma once

#include "kernels/int8/q8_kernels.h"

namespace eqw::kernels::q8 {

// For depthwise nodes with a k x k kernel, k in {3, 5}, equal strides 1 or 2 and no dilation, at
// the strongest level `isa` allows from AVX2 up ("q8_dwconv_c16_avx512vnni"...); null (not an
// error) for any other geometry or level.
Result<KernelPtr> makeQ8DwBlocked(const Node& resolved, const std::vector<Shape>& in, const std::vector<Shape>& out,
                                  Isa isa);

}  // namespace eqw::kernels::q8

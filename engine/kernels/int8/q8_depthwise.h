// The integer depthwise convolution (q8_depthwise.cpp) and fully connected layer.
#pragma once

#include "kernels/int8/q8_kernels.h"

namespace eqw::kernels::q8 {

// Convolution with one input and one output channel per group (group == channels == outputs).
bool isDepthwise(const Node& node, const std::vector<Shape>& in);
// The channel-blocked kernel (q8_dw_blocked.h) for the geometries it covers, else the per-channel
// one; null (not an error) when the ISA has no integer row kernels or the node is not depthwise.
Result<KernelPtr> makeQ8Depthwise(const Node& resolved, const std::vector<Shape>& in, const std::vector<Shape>& out,
                                  Isa isa);

// The integer fully connected layer (q8_inner_product.cpp): AVX-512 VNNI only for now; null
// otherwise (the reference runs).
Result<KernelPtr> makeQ8InnerProduct(const Node& resolved, const std::vector<Shape>& in, const std::vector<Shape>& out,
                                     Isa isa);

}  // namespace eqw::kernels::q8

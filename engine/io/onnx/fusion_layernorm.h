// LayerNorm as exporters spell it in primitives (PaddlePaddle's paddle2onnx, older PyTorch):
//   m = ReduceMean(x, last axis, keepdims)    d = x - m
//   v = ReduceMean(d ^ 2, last axis, keepdims) y = d / Sqrt(v + eps)  [* gamma]  [+ beta]
// fused into one LayerNorm node (axis -1) when the pattern is exact: both means over the last
// axis only with keepdims, eps a non-negative scalar constant, the exponent exactly 2, gamma and
// beta constants with one value per element of the last axis, and every intermediate value read
// only inside the pattern (d by the Pow and the Div, the others once) and not a graph output.
#pragma once

#include "io/onnx/context.h"

namespace eqw::onnximport {

void fuseLayerNorms(ImportContext& ctx);

}  // namespace eqw::onnximport

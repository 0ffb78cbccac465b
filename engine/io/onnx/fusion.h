// Exact activation patterns exporters spell out with elementwise ops, fused into one
// Activation node at import:
//   Clip(Relu(x), lo, hi)          -> Clip(x, max(lo, 0), hi)   (PyTorch's relu6)
//   Clip(x + c, 0, m) / m          -> HardSigmoid(1/m, c/m)     (also * (1/m))
//   Clip(x * a + b, 0, 1)          -> HardSigmoid(a, b)         (also x / d)
//   x * HardSigmoid(x)             -> HardSwish(a, b)
//   x * Clip(x + c, 0, m) / m      -> HardSwish(1/m, c/m)       (PyTorch's hardswish before opset 14)
// Intermediate values must have no other reader and must not be graph outputs.
#pragma once

#include <eqw/graph.h>

#include "io/onnx/context.h"

namespace eqw::onnximport {

void fuseActivations(ImportContext& ctx);

}  // namespace eqw::onnximport

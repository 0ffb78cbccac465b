// The fused epilogue every FP32 micro-kernel applies to its accumulators before storing:
// y = act(acc + bias[row]). Plain data, no STL: ISA translation units include it.
#pragma once

#include <cstdint>

namespace eqw::kernels {

// Activations the micro-kernels apply in registers. Others (sigmoid, swish, mish, tanh) are
// applied by the driver afterwards with applyActivation, on the tile it just wrote.
enum F32ActCode : int32_t {
  kF32ActNone = 0,
  kF32ActLeaky = 1,        // x > 0 ? x : a * x   (ReLU: a = 0)
  kF32ActClip = 2,         // min(max(x, a), b)
  kF32ActHardSigmoid = 3,  // clamp(a * x + b, 0, 1)
  kF32ActHardSwish = 4,    // x * clamp(a * x + b, 0, 1)
};

struct F32Epilogue {
  int32_t act = kF32ActNone;
  float a = 0.f;
  float b = 0.f;
};

}  // namespace eqw::kernels

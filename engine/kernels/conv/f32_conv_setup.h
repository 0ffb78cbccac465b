// What every fast convolution kernel checks and derives from a node before packing weights:
// shapes, weights, resolved pads, the padded geometry and the fused activation.
#pragma once

#include "kernels/conv/f32_conv_ukernel.h"

#include "core/parallel.h"

#include <eqw/graph.h>
#include <eqw/status.h>
#include <eqw/tensor.h>

#include <string>
#include <vector>

namespace eqw::kernels {

struct F32ConvSetup {
  ConvParams p;
  int64_t c = 0, h = 0, w = 0;      // input channels and plane
  int64_t oc = 0, oh = 0, ow = 0;   // output channels and plane
  int64_t group = 1;
  int64_t kGroup = 0;               // GEMM depth of one group: c / group * kh * kw
  F32ConvGeom geom;                 // one group over the padded input
  bool needsPad = false;            // some pad is non-zero
  F32Epilogue ep;                   // the activation when micro-kernels can apply it
  bool postAct = false;             // otherwise: applyActivation after the tile is written
  const float* weights = nullptr;   // [oc, c / group, kh, kw]
  const float* bias = nullptr;      // [oc] or null
};

// Fills *s for a Convolution node. Returns an error for inconsistent weights; sets *supported to
// false (and returns ok) for shapes the fast kernels leave to the reference (batch != 1,
// rank != 4, an output shape that does not follow from the parameters).
Status setupF32Conv(const Node& node, const std::vector<Shape>& in, const std::vector<Shape>& out,
                    F32ConvSetup* s, bool* supported);

// The micro-kernel epilogue for act; false when the driver must apply it afterwards.
bool toF32Epilogue(const Activation& act, F32Epilogue* ep);

// Copies one h x w plane into the interior of a (h + pt + pb) x (w + pl + pr) plane and fills
// the border with value.
void padPlane(const float* x, int64_t h, int64_t w, int pt, int pl, int pb, int pr, float value, float* dst);

// The padded copy of a convolution input: the border is filled once with pad_value, run() copies
// only the interior (in parallel over channels). Without pads it hands the input back.
class F32PaddedInput {
 public:
  void init(const F32ConvSetup& s);   // may throw std::bad_alloc
  const float* apply(const float* x, const ThreadPool* pool);

 private:
  F32ConvSetup s_;
  Tensor padded_;
};

// "node 'conv1' (Convolution)": the prefix of every message about a node.
std::string nodeLabel(const Node& node);

}  // namespace eqw::kernels

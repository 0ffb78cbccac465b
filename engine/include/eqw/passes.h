// Graph passes that turn an imported graph into the form the quantizer and the integer engine
// see — the form ncnnoptimize gives a model: BatchNorm and Scale folded into the convolution or
// fully connected layer before them, and the activation after them fused into it. Quantizing
// the folded weights is what every deployment runtime does, so thresholds and metrics are
// computed on that form.
#pragma once

#include <eqw/graph.h>
#include <eqw/status.h>

namespace eqw {

struct CanonicalizeOptions {
  bool fold_batchnorm = true;     // Conv / InnerProduct -> BatchNorm, and -> Scale
  bool fuse_activations = true;   // Conv / InnerProduct -> ReLU, LeakyReLU, Clip, Sigmoid, HardSwish ...
};

struct CanonicalizeReport {
  int folded_batchnorm = 0;
  int folded_scale = 0;
  int fused_activations = 0;
};

// Rewrites a validated, shape-inferred graph in place and re-validates it. A layer is only
// absorbed when its input has no other reader and is not a graph output; the convolution keeps
// its name and takes over the absorbed layer's output value, so the layers after it are unchanged.
Result<CanonicalizeReport> canonicalize(Graph& graph, const CanonicalizeOptions& options = {});

}  // namespace eqw

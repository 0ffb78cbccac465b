// Layer-sequential unit-variance scaling of generated weights (Mishkin & Matas 2016, "All you
// need is a good init"). He scaling keeps a plain ReLU chain's variance, but not residual sums,
// swish / hardswish gates or squeeze-excite products: resnet50's logits reach the thousands and
// mobilenet_v3's fade to 1e-3. One pass over a seeded, image-like input rescales each conv / fc so
// its output has unit RMS, which keeps every activation O(1) like a trained network's.
#pragma once

#include <eqw/graph.h>
#include <eqw/status.h>

#include <cstdint>

namespace eqw::ncnn {

// Scales the weights (and biases) of Convolution, Deconvolution and InnerProduct nodes in
// place. Layers ending in a bounded activation (sigmoid, clip...) are left as generated. The
// graph need not be validated yet; a copy is validated and shape-inferred. An error (a missing
// kernel, bad shapes) leaves the remaining layers with their He scaling; the caller warns.
Status normalizeGeneratedWeights(const Graph& graph, uint64_t seed);

}  // namespace eqw::ncnn

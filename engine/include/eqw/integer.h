// The integer executor's graph: real INT8 / INT7 arithmetic (ALGORITHMS.md §1, §4) through the
// same Executor as FP32 — quantized layers carry a NodeQuant and get integer kernels.
#pragma once

#include <eqw/graph.h>
#include <eqw/quant.h>
#include <eqw/status.h>

namespace eqw {

// A copy of a canonical graph (canonicalize() first) in which every Int8 / Int7 layer of the spec
// carries NodeQuant: input scale qmax / T, weight scales qmax(effectiveWeightBits) / T per output
// channel (per-tensor and per-group thresholds repeated over their channels). Weight-only
// precisions (W6 / W5 / W4) keep a float input and get their weights on the grid, as in the
// fake-quant graph; Fp32 layers and layers absent from the spec are left as they are. Value ids
// keep their meaning. The spec is validated first.
Result<Graph> integerGraph(const Graph& graph, const QuantSpec& spec);

}  // namespace eqw

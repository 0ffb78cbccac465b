// The integer executor's graph: real INT8 / INT7 arithmetic (ALGORITHMS.md §1, §4) through the
// same Executor as FP32 — quantized layers carry a NodeQuant and get integer kernels.
#pragma once

#include <eqw/graph.h>
#include <eqw/quant.h>
#include <eqw/status.h>
#include <eqw/tensor.h>

namespace eqw {

struct IntegerGraphOptions {
  // Values between consecutive integer layers stay int8 (planInt8Flow). Callers that read
  // intermediate values as floats (observers, per-layer comparisons) turn it off; an Executor with
  // keep_values runs every value as float anyway.
  bool int8_flow = true;
};

// A copy of a canonical graph (canonicalize() first) in which every Int8 / Int7 layer of the spec
// carries NodeQuant: input scale qmax / T, weight scales qmax(effectiveWeightBits) / T per output
// channel (per-tensor and per-group thresholds repeated over their channels). Weight-only
// precisions (W6 / W5 / W4) keep a float input and get their weights on the grid, as in the
// fake-quant graph; Fp32 layers and layers absent from the spec are left as they are. Value ids
// keep their meaning. The spec is validated first. With options.int8_flow (the default),
// planInt8Flow() runs on the result.
Result<Graph> integerGraph(const Graph& graph, const QuantSpec& spec);
Result<Graph> integerGraph(const Graph& graph, const QuantSpec& spec, const IntegerGraphOptions& options);

// The int8 flow decisions: a value produced by an integer layer, read only by integer layers (as
// their first input) that all quantize it on the identical grid (bits, unsigned_input, bit-equal
// input_scale), and not a graph output, is written requantized by its producer (NodeQuant::
// output_scale ...) and read as integers by its consumers (NodeQuant::quantized_input). Results
// are bit-identical to the float round trip: the producer applies the consumers' quantize to the
// float it would have written. Returns the number of values that became integers.
int planInt8Flow(Graph& graph);

// Clears every node's flow fields (quantized_input, output_scale ...): all values float again.
void clearInt8Flow(Graph& graph);

// Whether two integer layers quantize their input on the identical grid (bits, unsigned_input,
// bit-equal input_scale): the int8 flow's condition for consumers sharing one integer value.
bool sameInputGrid(const NodeQuant& a, const NodeQuant& b);

// How the executor holds value v: I8 / U8 when its producer writes integers, else F32.
DType valueDType(const Graph& graph, int value);

// The flow fields agree: every node with quantized_input reads, as its first input, a value whose
// producer writes integers on exactly the node's grid, and integer-writing nodes are integer
// layers whose output is no graph output. The error names the node and the mismatch.
Status checkInt8Flow(const Graph& graph);

}  // namespace eqw

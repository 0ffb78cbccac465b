// Residual fusion for the integer executor (ExecutorOptions::fuse_residual): the pattern
//   C: integer Convolution, group 1, float output, read only by E, not a graph output;
//   E: Eltwise Sum of exactly two distinct same-shape float inputs, coefficients none or all 1;
//   R (optional): ReLU activation, the only reader of E's output, which is not a graph output;
// where E's other input is computed before C (its producer earlier in node order). C then reads
// (x, other) and writes R's (or E's) output; E and R run nothing. With a twin (findResidualTwins)
// C also writes that output quantized for the integer layers that read it.
#pragma once

#include <eqw/graph.h>

#include <vector>

namespace eqw {

struct ResidualFusion {
  int conv = -1;      // node C
  int eltwise = -1;   // node E
  int act = -1;       // node R, -1 without one
  int other = -1;     // value: E's input that is not C's output
  int output = -1;    // value the fused kernel writes: R's output, else E's
  // The output's integer twin (NodeQuant::twin_scale), set by findResidualTwins: the integer
  // layers that read `output` as floats (directly or through Split nodes), all on one input grid,
  // read C's second output instead, that grid's integers, and quantize nothing themselves.
  // resnet50's block outputs feed the next block's 1x1 layers this way. Empty: no twin.
  // Their grid is each reader's input grid (NodeQuant::bits, unsigned_input, input_scale).
  std::vector<int> twin_readers;
  int twin = -1;      // the twin's value id in the plan graph (applyResidualFusions adds it)
};

// Every fusable (C, E, R) of an integer graph, in node order of E. Each node is in at most one.
std::vector<ResidualFusion> findResidualFusions(const Graph& graph);

// Fills the twin fields of each fusion whose output has integer readers on one grid: integer
// layers (NodeQuant::active) with that single input, read as floats (no quantized_input).
void findResidualTwins(const Graph& graph, std::vector<ResidualFusion>& fusions);

// The node inputs / outputs the fused run has (for the memory plan): C reads {x, other} and
// writes f.output (and its twin, a value added to the graph, which the twin readers then read);
// E and R read and write nothing. Node indices and existing value ids are unchanged.
void applyResidualFusions(Graph& graph, std::vector<ResidualFusion>& fusions);

}  // namespace eqw

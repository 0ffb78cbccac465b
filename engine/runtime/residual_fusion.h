// Residual fusion for the integer executor (ExecutorOptions::fuse_residual): the pattern
//   C: integer Convolution, group 1, float output, read only by E, not a graph output;
//   E: Eltwise Sum of exactly two distinct same-shape float inputs, coefficients none or all 1;
//   R (optional): ReLU activation, the only reader of E's output, which is not a graph output;
// where E's other input is computed before C (its producer earlier in node order). C then reads
// (x, other) and writes R's (or E's) output; E and R run nothing.
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
};

// Every fusable (C, E, R) of an integer graph, in node order of E. Each node is in at most one.
std::vector<ResidualFusion> findResidualFusions(const Graph& graph);

// The node inputs / outputs the fused run has (for the memory plan): C reads {x, other} and
// writes f.output; E and R read and write nothing. Node indices and value ids are unchanged.
void applyResidualFusions(Graph& graph, const std::vector<ResidualFusion>& fusions);

}  // namespace eqw

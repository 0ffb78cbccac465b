// Which buffer holds each value during a run. Values whose last reader has run are dead, and
// their buffers are given to values produced later (best fit), so the working set stays small
// and warm in cache.
#pragma once

#include <eqw/graph.h>

#include <cstddef>
#include <vector>

namespace eqw {

struct MemoryPlan {
  std::vector<int> buffer;          // per value: buffer index, -1 when the value needs none
                                    // (graph inputs, Input nodes, outputs of view kernels)
  std::vector<size_t> bytes;        // per buffer: size to allocate
  size_t totalBytes() const;
};

// isView[n]: node n's outputs alias its first input (Reshape, Split...), so they keep that
// input's buffer alive instead of needing their own. With reuse false, every value gets its
// own buffer (every intermediate stays readable after a run). Graph outputs are never reused.
MemoryPlan planMemory(const Graph& graph, const std::vector<bool>& isView, bool reuse);
// The same with each value's element size in bytes (int8 values of the integer flow need a
// quarter of a float value's buffer); planMemory above uses 4 for every value.
MemoryPlan planMemory(const Graph& graph, const std::vector<bool>& isView, bool reuse, const std::vector<size_t>& elementBytes);
// The same where some nodes may write their (first) output over an input (inPlace[n]: the index
// of that input, -1 for none): the output then takes the input's buffer when the input dies at that node
// (no later reader, no view of it read later, not a graph input or output) and the sizes fit,
// so the value is written where it is read and no other buffer's lines are fetched to write it.
MemoryPlan planMemory(const Graph& graph, const std::vector<bool>& isView, bool reuse, const std::vector<size_t>& elementBytes,
                      const std::vector<int>& inPlace);

}  // namespace eqw

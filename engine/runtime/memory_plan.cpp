#include "runtime/memory_plan.h"

#include <algorithm>
#include <limits>
#include <numeric>

namespace eqw {

size_t MemoryPlan::totalBytes() const { return std::accumulate(bytes.begin(), bytes.end(), size_t{0}); }

MemoryPlan planMemory(const Graph& graph, const std::vector<bool>& isView, bool reuse) {
  return planMemory(graph, isView, reuse, std::vector<size_t>(graph.values.size(), sizeof(float)));
}

MemoryPlan planMemory(const Graph& graph, const std::vector<bool>& isView, bool reuse, const std::vector<size_t>& elementBytes) {
  return planMemory(graph, isView, reuse, elementBytes, std::vector<int>(graph.nodes.size(), -1));
}

MemoryPlan planMemory(const Graph& graph, const std::vector<bool>& isView, bool reuse, const std::vector<size_t>& elementBytes,
                      const std::vector<int>& inPlace) {
  const int nv = static_cast<int>(graph.values.size());
  const int nn = static_cast<int>(graph.nodes.size());
  constexpr int kForever = std::numeric_limits<int>::max();

  // A view's storage belongs to the value it aliases (its root); the root lives until the
  // last reader of any value that shares it.
  std::vector<int> root(nv);
  std::iota(root.begin(), root.end(), 0);
  std::vector<int> lastUse(nv, -1);
  for (int n = 0; n < nn; ++n) {
    const Node& node = graph.nodes[n];
    if (isView[n] && !node.inputs.empty())
      for (int v : node.outputs) root[v] = root[node.inputs[0]];
    for (int v : node.inputs) lastUse[root[v]] = std::max(lastUse[root[v]], n);
  }
  for (int v : graph.outputs) lastUse[root[v]] = kForever;

  MemoryPlan plan;
  plan.buffer.assign(nv, -1);
  std::vector<int> freeList;
  std::vector<std::vector<int>> dying(nn);  // buffers whose root dies after node n
  for (int n = 0; n < nn; ++n) {
    const Node& node = graph.nodes[n];
    if (node.kind == OpKind::Input || isView[n]) continue;
    for (int v : node.outputs) {
      const size_t need = static_cast<size_t>(numel(graph.values[v].shape)) * elementBytes[static_cast<size_t>(v)];
      int chosen = -1;
      // In place: the input's buffer, when the input dies here; it then dies with v, not now.
      const int slot = reuse && v == node.outputs[0] && n < static_cast<int>(inPlace.size()) ? inPlace[n] : -1;
      if (slot >= 0 && slot < static_cast<int>(node.inputs.size()) && lastUse[v] != kForever) {
        const int r = root[node.inputs[static_cast<size_t>(slot)]];
        const int b = plan.buffer[r];
        auto& dies = dying[n];
        auto it = std::find(dies.begin(), dies.end(), b);
        // Not when another input of the node reads the same storage: it would be overwritten too.
        int readers = 0;
        for (int u : node.inputs) readers += root[u] == r;
        if (b >= 0 && lastUse[r] == n && plan.bytes[b] >= need && it != dies.end() && readers == 1) {
          dies.erase(it);
          plan.buffer[v] = b;
          dying[std::max(lastUse[v], n)].push_back(b);
          continue;
        }
      }
      if (reuse && lastUse[v] != kForever) {
        // Best fit among free buffers; else grow the largest free one.
        for (int b : freeList)
          if (plan.bytes[b] >= need && (chosen < 0 || plan.bytes[b] < plan.bytes[chosen])) chosen = b;
        if (chosen < 0)
          for (int b : freeList)
            if (chosen < 0 || plan.bytes[b] > plan.bytes[chosen]) chosen = b;
      }
      if (chosen >= 0) {
        freeList.erase(std::find(freeList.begin(), freeList.end(), chosen));
        plan.bytes[chosen] = std::max(plan.bytes[chosen], need);
      } else {
        chosen = static_cast<int>(plan.bytes.size());
        plan.bytes.push_back(need);
      }
      plan.buffer[v] = chosen;
      if (!reuse || lastUse[v] == kForever) continue;
      // A value nobody reads is dead as soon as its node has written it.
      dying[std::max(lastUse[v], n)].push_back(chosen);
    }
    for (int b : dying[n]) freeList.push_back(b);
  }
  return plan;
}

}  // namespace eqw

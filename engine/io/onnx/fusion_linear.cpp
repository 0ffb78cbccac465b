#include "io/onnx/fusion_linear.h"

#include <algorithm>
#include <optional>

namespace eqw::onnximport {

namespace {

struct LinearMatch {
  int matmul = -1;
  int add = -1;                  // -1: no bias
  Tensor weight;                 // [N, K]
  Tensor bias;                   // [N] or empty
};

// Readers of each value; graph outputs count as a reader that is no node (-1).
std::vector<std::vector<int>> readersOf(const Graph& g) {
  std::vector<std::vector<int>> r(g.values.size());
  for (size_t i = 0; i < g.nodes.size(); ++i)
    for (int v : g.nodes[i].inputs) r[v].push_back(static_cast<int>(i));
  for (int v : g.outputs) r[v].push_back(-1);
  return r;
}

// A constant bias row of n values added by `node` ([N] or [1, N]).
std::optional<Tensor> biasRow(const Node& node, int64_t n) {
  if (node.kind != OpKind::Binary || node.inputs.size() != 1 || node.weights.size() != 1) return std::nullopt;
  const auto& p = node.p<BinaryParams>();
  if (p.op != BinaryOpKind::Add || p.with_scalar || !p.b_view.empty()) return std::nullopt;
  const Tensor& b = node.weights[0];
  if (b.dtype() != DType::F32 || b.numel() != n || !(b.shape() == Shape{n} || b.shape() == Shape{1, n})) return std::nullopt;
  return b.reshaped({n});
}

std::optional<LinearMatch> matchAt(ImportContext& ctx, const std::vector<std::vector<int>>& readers, int i) {
  const Graph& g = ctx.graph();
  const Node& mm = g.nodes[i];
  if (mm.kind != OpKind::MatMul || mm.inputs.size() != 1 || mm.weights.empty() || mm.weights[0].rank() != 2) return std::nullopt;
  if (mm.weights[0].dtype() != DType::F32 || mm.outputs.size() != 1) return std::nullopt;
  const auto x = ctx.shapeOf(mm.inputs[0]);
  const int64_t k = mm.weights[0].dim(0), n = mm.weights[0].dim(1);
  if (!x || x->size() != 2 || (*x)[0] != 1 || (*x)[1] != k) return std::nullopt;
  LinearMatch m;
  m.matmul = i;
  m.weight = Tensor({n, k});
  const float* kn = mm.weights[0].f32();
  for (int64_t r = 0; r < k; ++r)
    for (int64_t c = 0; c < n; ++c) m.weight.f32()[c * k + r] = kn[r * n + c];
  if (mm.p<MatMulParams>().bias) {
    if (mm.weights.size() < 2 || mm.weights[1].numel() != n) return std::nullopt;
    m.bias = mm.weights[1].reshaped({n});
    return m;
  }
  const std::vector<int>& next = readers[mm.outputs[0]];
  if (next.size() == 1 && next[0] >= 0) {
    if (auto b = biasRow(g.nodes[next[0]], n)) {
      m.add = next[0];
      m.bias = std::move(*b);
    }
  }
  return m;
}

// Rewrites the last node of the match (the Add, or the MatMul alone) into the InnerProduct.
void apply(Graph& g, LinearMatch m) {
  const Node& mm = g.nodes[m.matmul];
  const int keepIndex = m.add >= 0 ? m.add : m.matmul;
  Node& keep = g.nodes[keepIndex];
  InnerProductParams p;
  p.num_output = static_cast<int>(m.weight.dim(0));
  p.bias = !m.bias.empty();
  keep.inputs = {mm.inputs[0]};
  keep.source_type = m.add >= 0 ? mm.source_type + "+" + keep.source_type : keep.source_type;
  keep.kind = OpKind::InnerProduct;
  keep.params = p;
  keep.weights = {std::move(m.weight)};
  if (p.bias) keep.weights.push_back(std::move(m.bias));
  if (m.add >= 0) g.nodes.erase(g.nodes.begin() + m.matmul);
}

}  // namespace

void fuseLinearHeads(ImportContext& ctx) {
  Graph& g = ctx.graph();
  for (bool changed = true; changed;) {
    changed = false;
    const auto readers = readersOf(g);
    for (size_t i = 0; i < g.nodes.size() && !changed; ++i) {
      std::optional<LinearMatch> m = matchAt(ctx, readers, static_cast<int>(i));
      if (!m) continue;
      const std::string name = g.nodes[m->add >= 0 ? m->add : m->matmul].name;
      const bool withAdd = m->add >= 0;
      apply(g, std::move(*m));
      ctx.info(ctx.file() + ": fused MatMul" + std::string(withAdd ? "+Add" : "") + " of one row into InnerProduct '" + name + "'");
      changed = true;
    }
  }
}

}  // namespace eqw::onnximport

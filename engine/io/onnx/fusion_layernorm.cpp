#include "io/onnx/fusion_layernorm.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <optional>

namespace eqw::onnximport {

namespace {

// Who writes and who reads each value; graph outputs count as extra readers.
struct Uses {
  explicit Uses(const Graph& g) : producer(g.values.size(), -1), readers(g.values.size()) {
    for (size_t i = 0; i < g.nodes.size(); ++i) {
      for (int v : g.nodes[i].outputs) producer[v] = static_cast<int>(i);
      for (int v : g.nodes[i].inputs) readers[v].push_back(static_cast<int>(i));
    }
    for (int v : g.outputs) readers[v].push_back(-1);
  }
  std::vector<int> producer;
  std::vector<std::vector<int>> readers;
};

struct LayerNormMatch {
  int x = -1;
  float eps = 0.f;
  std::vector<int> remove;      // nodes folded into `keep`
  int keep = -1;                // the pattern's last node, rewritten in place
  Tensor gamma, beta;
};

// The node writing v when v has exactly `readers` readers (none of them the graph's outputs).
const Node* producerOf(const Graph& g, const Uses& u, int v, size_t readers, int* index) {
  if (v < 0 || u.producer[v] < 0 || u.readers[v].size() != readers) return nullptr;
  if (std::find(u.readers[v].begin(), u.readers[v].end(), -1) != u.readers[v].end()) return nullptr;
  *index = u.producer[v];
  return &g.nodes[*index];
}

// The only reader of node n's single output, when there is exactly one and it is not a graph output.
int soleReader(const Graph& g, const Uses& u, int n) {
  if (g.nodes[n].outputs.size() != 1) return -1;
  const std::vector<int>& r = u.readers[g.nodes[n].outputs[0]];
  return r.size() == 1 ? r[0] : -1;
}

bool isBinary(const Node& n, BinaryOpKind op) {
  return n.kind == OpKind::Binary && n.p<BinaryParams>().op == op && n.p<BinaryParams>().b_view.empty();
}

std::optional<float> scalarOf(const Node& n, BinaryOpKind op) {
  if (!isBinary(n, op) || n.inputs.size() != 1 || !n.p<BinaryParams>().with_scalar) return std::nullopt;
  return n.p<BinaryParams>().scalar;
}

// x op y of two dynamic values.
bool isDynamicBinary(const Node& n, BinaryOpKind op) {
  return isBinary(n, op) && n.inputs.size() == 2 && !n.p<BinaryParams>().with_scalar && n.weights.empty();
}

bool isLastAxisMean(const Node& n, int rank) {
  if (n.kind != OpKind::Reduce || n.inputs.size() != 1) return false;
  const auto& p = n.p<ReduceParams>();
  return p.op == ReduceOp::Mean && p.keep_dims && p.axes.size() == 1 && (p.axes[0] == -1 || p.axes[0] == rank - 1);
}

// A constant operand with one value per element of the last axis (shape [C] or [1, ..., C] no
// longer than x's rank, so numpy broadcasting applies it along the last axis only), as [C].
std::optional<Tensor> lastAxisVector(const Node& n, BinaryOpKind op, int rank, int64_t c) {
  if (!isBinary(n, op) || n.inputs.size() != 1 || n.p<BinaryParams>().with_scalar || n.weights.size() != 1) return std::nullopt;
  const Tensor& w = n.weights[0];
  if (w.dtype() != DType::F32 || w.rank() < 1 || w.rank() > rank || w.dim(-1) != c || w.numel() != c) return std::nullopt;
  Tensor v({c});
  std::memcpy(v.f32(), w.f32(), v.bytes());
  return v;
}

// Matches the pattern around the Div node `div`; shapes come from the import context.
std::optional<LayerNormMatch> matchAt(ImportContext& ctx, const Uses& u, int div) {
  const Graph& g = ctx.graph();
  const Node& dn = g.nodes[div];
  if (!isDynamicBinary(dn, BinaryOpKind::Div)) return std::nullopt;
  int sqi, epi, vmi, pwi, sbi, mmi;
  const Node* sq = producerOf(g, u, dn.inputs[1], 1, &sqi);
  if (!sq || sq->kind != OpKind::Unary || sq->inputs.size() != 1 || sq->p<UnaryParams>().op != UnaryOpKind::Sqrt) return std::nullopt;
  const Node* ep = producerOf(g, u, sq->inputs[0], 1, &epi);
  auto eps = ep ? scalarOf(*ep, BinaryOpKind::Add) : std::nullopt;
  if (!eps || !std::isfinite(*eps) || *eps < 0.f) return std::nullopt;
  const Node* vm = producerOf(g, u, ep->inputs[0], 1, &vmi);
  const Node* pw = vm && vm->inputs.size() == 1 ? producerOf(g, u, vm->inputs[0], 1, &pwi) : nullptr;
  auto power = pw ? scalarOf(*pw, BinaryOpKind::Pow) : std::nullopt;
  if (!power || *power != 2.f) return std::nullopt;
  // d = x - m is read twice: squared for the variance and divided at the end.
  const Node* sb = producerOf(g, u, dn.inputs[0], 2, &sbi);
  if (!sb || pw->inputs[0] != dn.inputs[0] || !isDynamicBinary(*sb, BinaryOpKind::Sub)) return std::nullopt;
  const Node* mm = producerOf(g, u, sb->inputs[1], 1, &mmi);
  if (!mm || mm->inputs.size() != 1 || mm->inputs[0] != sb->inputs[0]) return std::nullopt;
  const auto shape = ctx.shapeOf(sb->inputs[0]);
  if (!shape || shape->empty()) return std::nullopt;
  const int rank = static_cast<int>(shape->size());
  if (!isLastAxisMean(*mm, rank) || !isLastAxisMean(*vm, rank)) return std::nullopt;

  LayerNormMatch m;
  m.x = sb->inputs[0];
  m.eps = *eps;
  m.remove = {mmi, sbi, pwi, vmi, epi, sqi};
  m.keep = div;
  // Optional affine tail: * gamma, then + beta, each the only reader of what precedes it.
  const int64_t c = shape->back();
  int next = soleReader(g, u, m.keep);
  if (next < 0) return m;
  if (auto gamma = lastAxisVector(g.nodes[next], BinaryOpKind::Mul, rank, c)) {
    m.gamma = std::move(*gamma);
    m.remove.push_back(m.keep);
    m.keep = next;
    next = soleReader(g, u, m.keep);
    if (next < 0) return m;
    if (auto beta = lastAxisVector(g.nodes[next], BinaryOpKind::Add, rank, c)) {
      m.beta = std::move(*beta);
      m.remove.push_back(m.keep);
      m.keep = next;
    }
  }
  return m;
}

void apply(Graph& g, LayerNormMatch m) {
  Node& keep = g.nodes[m.keep];
  std::vector<int> order = m.remove;
  order.push_back(m.keep);
  std::sort(order.begin(), order.end());
  std::string origin;
  for (int k : order) origin += (origin.empty() ? "" : "+") + g.nodes[k].source_type;
  LayerNormParams p;
  p.axis = -1;
  p.eps = m.eps;
  p.affine = !m.gamma.empty();
  keep.kind = OpKind::LayerNorm;
  keep.params = p;
  keep.inputs = {m.x};
  keep.weights.clear();
  if (p.affine) keep.weights.push_back(std::move(m.gamma));
  if (p.affine && !m.beta.empty()) keep.weights.push_back(std::move(m.beta));
  keep.source_type = origin;
  std::sort(m.remove.rbegin(), m.remove.rend());
  for (int k : m.remove) g.nodes.erase(g.nodes.begin() + k);
}

}  // namespace

void fuseLayerNorms(ImportContext& ctx) {
  Graph& g = ctx.graph();
  // Node indices shift after each fusion, so rescan from a fresh use table every time.
  for (bool changed = true; changed;) {
    changed = false;
    const Uses u(g);
    for (size_t i = 0; i < g.nodes.size() && !changed; ++i) {
      std::optional<LayerNormMatch> m = matchAt(ctx, u, static_cast<int>(i));
      if (!m) continue;
      const std::string name = g.nodes[m->keep].name;
      const bool affine = !m->gamma.empty(), bias = !m->beta.empty();
      apply(g, std::move(*m));
      ctx.info(ctx.file() + ": fused ReduceMean/Sub/Pow/ReduceMean/Add/Sqrt/Div" + std::string(affine ? "/Mul" : "") +
               (bias ? "/Add" : "") + " into LayerNorm '" + name + "'");
      changed = true;
    }
  }
}

}  // namespace eqw::onnximport

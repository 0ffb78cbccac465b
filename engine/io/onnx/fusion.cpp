#include "io/onnx/fusion.h"

#include "io/onnx/fusion_layernorm.h"
#include "io/onnx/fusion_linear.h"

#include <algorithm>
#include <cmath>
#include <optional>

namespace eqw::onnximport {

namespace {

// Tolerance for a multiplier written as a rounded 1/m (0.1666 for 1/6).
constexpr float kReciprocalTol = 1e-3f;

class Matcher {
 public:
  explicit Matcher(Graph& g) : g_(g) {
    producer_.assign(g.values.size(), -1);
    readers_.assign(g.values.size(), 0);
    for (size_t i = 0; i < g.nodes.size(); ++i) {
      for (int v : g.nodes[i].outputs) producer_[v] = static_cast<int>(i);
      for (int v : g.nodes[i].inputs) ++readers_[v];
    }
    for (int v : g.outputs) readers_[v] += 2;  // a graph output is never internal
  }

  // The node writing v when v is internal to a pattern (read once, by the next node).
  const Node* internal(int v, int* index) const {
    if (v < 0 || readers_[v] != 1 || producer_[v] < 0) return nullptr;
    *index = producer_[v];
    return &g_.nodes[*index];
  }

 private:
  Graph& g_;
  std::vector<int> producer_;
  std::vector<int> readers_;
};

std::optional<float> scalarOp(const Node& n, BinaryOpKind op) {
  if (n.kind != OpKind::Binary || n.inputs.size() != 1) return std::nullopt;
  const auto& p = n.p<BinaryParams>();
  if (!p.with_scalar || p.op != op) return std::nullopt;
  return p.scalar;
}

// Division by m, exactly or as a multiplication by about 1/m.
bool dividesBy(const Node& n, float m) {
  if (auto d = scalarOp(n, BinaryOpKind::Div)) return *d == m;
  if (auto s = scalarOp(n, BinaryOpKind::Mul)) return std::fabs(*s * m - 1.f) <= kReciprocalTol;
  return false;
}

// A multiplication by a (or division by 1/a).
std::optional<float> scaleOf(const Node& n) {
  if (auto s = scalarOp(n, BinaryOpKind::Mul)) return *s;
  if (auto d = scalarOp(n, BinaryOpKind::Div); d && *d != 0.f) return 1.f / *d;
  return std::nullopt;
}

bool isClip(const Node& n, float lo, float* hi) {
  if (n.kind != OpKind::Activation) return false;
  const Activation& a = n.p<ActivationParams>().act;
  if (a.kind != ActKind::Clip || a.a != lo || !(a.b > 0.f)) return false;
  *hi = a.b;
  return true;
}

// For y = x * t with t the pattern's inner value: x, or -1.
int otherFactor(const Node& n, int t) {
  if (n.kind != OpKind::Binary || n.inputs.size() != 2 || !n.weights.empty()) return -1;
  const auto& p = n.p<BinaryParams>();
  if (p.op != BinaryOpKind::Mul || p.with_scalar) return -1;
  if (n.inputs[0] == t) return n.inputs[1];
  if (n.inputs[1] == t) return n.inputs[0];
  return -1;
}

struct Fusion {
  std::vector<int> remove;   // nodes folded into `keep`
  int keep = -1;             // the pattern's last node, rewritten in place
  int input = -1;
  Activation act;
  std::string pattern;
};

// Clip(x + c, 0, m) / m ending at node `end`; fills x, c, m and the nodes.
bool matchClipDiv(const Graph& g, const Matcher& m, int end, int* x, float* c, float* hi, std::vector<int>& nodes) {
  const Node& div = g.nodes[end];
  if (div.kind != OpKind::Binary || div.inputs.size() != 1) return false;
  int ci, ai;
  const Node* clip = m.internal(div.inputs[0], &ci);
  if (!clip || !isClip(*clip, 0.f, hi) || !dividesBy(div, *hi)) return false;
  const Node* add = m.internal(clip->inputs[0], &ai);
  if (!add) return false;
  auto cv = scalarOp(*add, BinaryOpKind::Add);
  if (!cv) return false;
  *c = *cv;
  *x = add->inputs[0];
  nodes = {ai, ci};
  return true;
}

std::optional<Fusion> matchAt(const Graph& g, const Matcher& m, int i) {
  const Node& n = g.nodes[i];
  Fusion f;
  f.keep = i;
  float c = 0.f, hi = 0.f;
  int x = -1;
  std::vector<int> nodes;
  // Clip(Relu(x), lo, hi) = Clip(x, max(lo, 0), hi): PyTorch writes relu6 this way.
  if (n.kind == OpKind::Activation && n.p<ActivationParams>().act.kind == ActKind::Clip) {
    int ri;
    const Node* relu = m.internal(n.inputs[0], &ri);
    if (relu && relu->kind == OpKind::Activation && relu->p<ActivationParams>().act.kind == ActKind::ReLU) {
      const Activation& clip = n.p<ActivationParams>().act;
      f.remove = {ri};
      f.input = relu->inputs[0];
      f.act = {ActKind::Clip, std::max(clip.a, 0.f), clip.b};
      f.pattern = "Clip(Relu(x))";
      return f;
    }
  }
  // x * Clip(x + c, 0, m) / m: the division is last, the product before it.
  if (n.kind == OpKind::Binary && n.inputs.size() == 1) {
    int mi, ci, ai;
    const Node* mul = m.internal(n.inputs[0], &mi);
    const Node* clip = nullptr;
    const Node* add = nullptr;
    if (mul && mul->inputs.size() == 2) {
      for (int t : mul->inputs) {
        clip = m.internal(t, &ci);
        if (clip && isClip(*clip, 0.f, &hi) && dividesBy(n, hi)) break;
        clip = nullptr;
      }
    }
    if (clip) add = m.internal(clip->inputs[0], &ai);
    if (add && scalarOp(*add, BinaryOpKind::Add) && otherFactor(*mul, clip->outputs[0]) == add->inputs[0]) {
      c = *scalarOp(*add, BinaryOpKind::Add);
      f.remove = {ai, ci, mi};
      f.input = add->inputs[0];
      f.act = {ActKind::HardSwish, 1.f / hi, c / hi};
      f.pattern = "x * Clip(x + c, 0, m) / m";
      return f;
    }
  }
  if (matchClipDiv(g, m, i, &x, &c, &hi, nodes)) {
    f.remove = nodes;
    f.input = x;
    f.act = {ActKind::HardSigmoid, 1.f / hi, c / hi};
    f.pattern = "Clip(x + c, 0, m) / m";
    return f;
  }
  // Clip(x * a + b, 0, 1).
  if (isClip(n, 0.f, &hi) && hi == 1.f) {
    int ai, si;
    const Node* add = m.internal(n.inputs[0], &ai);
    const Node* scale = add && scalarOp(*add, BinaryOpKind::Add) ? m.internal(add->inputs[0], &si) : nullptr;
    if (scale && scaleOf(*scale)) {
      f.remove = {si, ai};
      f.input = scale->inputs[0];
      f.act = {ActKind::HardSigmoid, *scaleOf(*scale), *scalarOp(*add, BinaryOpKind::Add)};
      f.pattern = "Clip(x * a + b, 0, 1)";
      return f;
    }
  }
  // x * HardSigmoid(x).
  if (n.kind == OpKind::Binary && n.inputs.size() == 2) {
    for (int t : n.inputs) {
      int hi_idx;
      const Node* hs = m.internal(t, &hi_idx);
      if (!hs || hs->kind != OpKind::Activation) continue;
      const Activation& a = hs->p<ActivationParams>().act;
      if (a.kind != ActKind::HardSigmoid || otherFactor(n, t) != hs->inputs[0]) continue;
      f.remove = {hi_idx};
      f.input = hs->inputs[0];
      f.act = {ActKind::HardSwish, a.a, a.b};
      f.pattern = "x * HardSigmoid(x)";
      return f;
    }
  }
  return std::nullopt;
}

void apply(Graph& g, const Fusion& f) {
  Node& keep = g.nodes[f.keep];
  std::string origin;
  std::vector<int> order = f.remove;
  order.push_back(f.keep);
  std::sort(order.begin(), order.end());
  for (int k : order) origin += (origin.empty() ? "" : "+") + g.nodes[k].source_type;
  keep.kind = OpKind::Activation;
  keep.params = ActivationParams{f.act};
  keep.inputs = {f.input};
  keep.weights.clear();
  keep.source_type = origin;
  std::vector<int> remove = f.remove;
  std::sort(remove.rbegin(), remove.rend());
  for (int k : remove) g.nodes.erase(g.nodes.begin() + k);
}

}  // namespace

void fuseActivations(ImportContext& ctx) {
  // The structural patterns first: they hold no activation, and leave fewer nodes to scan.
  fuseLayerNorms(ctx);
  fuseLinearHeads(ctx);
  Graph& g = ctx.graph();
  // Rescan after every fusion: a HardSigmoid made by one pattern can start another.
  for (bool changed = true; changed;) {
    changed = false;
    Matcher m(g);
    for (size_t i = 0; i < g.nodes.size() && !changed; ++i) {
      std::optional<Fusion> f = matchAt(g, m, static_cast<int>(i));
      if (!f) continue;
      const std::string name = g.nodes[f->keep].name;
      apply(g, *f);
      ctx.info(ctx.file() + ": fused " + f->pattern + " into " + toString(f->act.kind) + " '" + name + "'");
      changed = true;
    }
  }
}

}  // namespace eqw::onnximport

// BatchNorm / Scale folding and activation fusion (eqw/passes.h).
#include <eqw/passes.h>

#include <algorithm>
#include <cmath>

namespace eqw {

namespace {

bool isLinear(const Node& n) { return n.kind == OpKind::Convolution || n.kind == OpKind::InnerProduct; }

Activation& fusedAct(Node& n) {
  return n.kind == OpKind::Convolution ? std::get<ConvParams>(n.params).act : std::get<InnerProductParams>(n.params).act;
}

int64_t outputsOf(const Node& n) {
  return n.kind == OpKind::Convolution ? n.p<ConvParams>().num_output : n.p<InnerProductParams>().num_output;
}

// Makes sure the layer has a bias tensor (zeros when it had none) and returns it.
float* ensureBias(Node& n) {
  bool& has = n.kind == OpKind::Convolution ? std::get<ConvParams>(n.params).bias : std::get<InnerProductParams>(n.params).bias;
  if (!has) {
    if (n.weights.size() < 2) n.weights.resize(2);
    n.weights[1] = Tensor({outputsOf(n)});  // zero-filled
    has = true;
  } else {
    n.weights[1] = n.weights[1].clone();  // tensors share buffers: never write into the importer's
  }
  return n.weights[1].f32();
}

// y = a[o] * x + c[o] after the layer, folded into its weights and bias.
void foldAffine(Node& n, const std::vector<double>& a, const std::vector<double>& c) {
  const int64_t outputs = outputsOf(n);
  n.weights[0] = n.weights[0].clone();
  Tensor& w = n.weights[0];
  const int64_t per = w.numel() / outputs;
  float* wd = w.f32();
  for (int64_t o = 0; o < outputs; ++o)
    for (int64_t k = 0; k < per; ++k) wd[o * per + k] = static_cast<float>(wd[o * per + k] * a[o]);
  float* b = ensureBias(n);
  for (int64_t o = 0; o < outputs; ++o) b[o] = static_cast<float>(b[o] * a[o] + c[o]);
}

// The per-channel affine map of a BatchNorm or Scale node over `outputs` channels, if it has one.
bool affineOf(const Node& m, int64_t outputs, std::vector<double>& a, std::vector<double>& c) {
  auto vec = [&](size_t i, size_t& count) -> const float* {
    if (i >= m.weights.size() || m.weights[i].empty()) return nullptr;
    count = static_cast<size_t>(m.weights[i].numel());
    return m.weights[i].f32();
  };
  a.assign(static_cast<size_t>(outputs), 1.0);
  c.assign(static_cast<size_t>(outputs), 0.0);
  size_t n0 = 0, n1 = 0, n2 = 0, n3 = 0;
  if (m.kind == OpKind::BatchNorm) {
    const float *g = vec(0, n0), *mean = vec(1, n1), *var = vec(2, n2), *beta = vec(3, n3);
    if (!g || !mean || !var || !beta) return false;
    if (n0 != a.size() || n1 != a.size() || n2 != a.size() || n3 != a.size()) return false;
    const double eps = m.p<BatchNormParams>().eps;
    for (size_t o = 0; o < a.size(); ++o) {
      a[o] = g[o] / std::sqrt(static_cast<double>(var[o]) + eps);
      c[o] = beta[o] - mean[o] * a[o];
    }
    return true;
  }
  if (m.kind == OpKind::Scale && m.inputs.size() == 1) {
    const float* s = vec(0, n0);
    if (!s || (n0 != a.size() && n0 != 1)) return false;
    for (size_t o = 0; o < a.size(); ++o) a[o] = s[n0 == 1 ? 0 : o];
    if (m.p<ScaleParams>().bias) {
      const float* b = vec(1, n1);
      if (!b || (n1 != a.size() && n1 != 1)) return false;
      for (size_t o = 0; o < a.size(); ++o) c[o] = b[n1 == 1 ? 0 : o];
    }
    return true;
  }
  return false;
}

// The single node reading the layer's output, when it is the only reader and the value is not a
// graph output.
int soleConsumer(const Graph& g, const Node& n) {
  if (n.outputs.size() != 1) return -1;
  const int v = n.outputs[0];
  if (std::find(g.outputs.begin(), g.outputs.end(), v) != g.outputs.end()) return -1;
  std::vector<int> readers = g.consumers(v);
  if (readers.size() != 1) return -1;
  const Node& r = g.nodes[static_cast<size_t>(readers[0])];
  if (r.inputs.size() != 1 || r.outputs.size() != 1) return -1;
  return readers[0];
}

// The activation of a standalone activation node (ReLU, Clip ...).
bool activationOf(const Node& m, Activation& act) {
  if (m.kind != OpKind::Activation) return false;
  act = m.p<ActivationParams>().act;
  return act.kind != ActKind::None;
}

}  // namespace

Result<CanonicalizeReport> canonicalize(Graph& graph, const CanonicalizeOptions& options) {
  CanonicalizeReport report;
  std::vector<char> removed(graph.nodes.size(), 0);
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    if (removed[i] || !isLinear(graph.nodes[i]) || graph.nodes[i].weights.empty()) continue;
    // Absorb what follows as long as something does: BatchNorm, Scale, then one activation.
    for (;;) {
      Node& n = graph.nodes[i];
      const int next = soleConsumer(graph, n);
      if (next < 0 || removed[static_cast<size_t>(next)]) break;
      Node& m = graph.nodes[static_cast<size_t>(next)];
      std::vector<double> a, c;
      Activation act;
      const bool noActYet = fusedAct(n).kind == ActKind::None;
      if (options.fold_batchnorm && noActYet && affineOf(m, outputsOf(n), a, c)) {
        foldAffine(n, a, c);
        (m.kind == OpKind::BatchNorm ? report.folded_batchnorm : report.folded_scale)++;
      } else if (options.fuse_activations && noActYet && activationOf(m, act)) {
        fusedAct(n) = act;
        report.fused_activations++;
      } else {
        break;
      }
      n.outputs[0] = m.outputs[0];
      m.outputs.clear();
      m.inputs.clear();
      removed[static_cast<size_t>(next)] = 1;
    }
  }
  std::vector<Node> kept;
  kept.reserve(graph.nodes.size());
  for (size_t i = 0; i < graph.nodes.size(); ++i)
    if (!removed[i]) kept.push_back(std::move(graph.nodes[i]));
  graph.nodes = std::move(kept);
  EQW_RETURN_IF_ERROR(graph.validate());
  EQW_RETURN_IF_ERROR(graph.inferShapes());
  return report;
}

}  // namespace eqw

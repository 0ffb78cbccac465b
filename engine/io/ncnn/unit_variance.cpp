#include "io/ncnn/unit_variance.h"

#include <cmath>
#include <exception>
#include <new>

#include "kernels/kernel.h"

namespace eqw::ncnn {

namespace {

double rms(const Tensor& t) {
  double sq = 0;
  const float* p = t.f32();
  for (int64_t i = 0, n = t.numel(); i < n; ++i) sq += double(p[i]) * p[i];
  return t.numel() > 0 ? std::sqrt(sq / static_cast<double>(t.numel())) : 0.0;
}

const Activation* fusedActivation(const Node& n) {
  if (n.kind == OpKind::Convolution || n.kind == OpKind::Deconvolution) return &n.p<ConvParams>().act;
  if (n.kind == OpKind::InnerProduct) return &n.p<InnerProductParams>().act;
  return nullptr;
}

// Scaling weights and bias by s scales the output by s exactly when the activation is
// positively homogeneous; swish-like ones need a few rounds; bounded ones cannot reach RMS 1.
enum class Fit { Exact, Iterate, Skip };
Fit fitOf(const Node& n) {
  const Activation* act = fusedActivation(n);
  if (!act || n.weights.empty()) return Fit::Skip;
  switch (act->kind) {
    case ActKind::None:
    case ActKind::ReLU:
    case ActKind::LeakyReLU: return Fit::Exact;
    case ActKind::Swish:
    case ActKind::Mish:
    case ActKind::HardSwish: return Fit::Iterate;
    default: return Fit::Skip;
  }
}

void scaleWeights(const Node& n, float s) {
  for (size_t i = 0; i < n.weights.size() && i < 2; ++i) {
    Tensor w = n.weights[i];  // shares the storage of the importer's graph
    float* p = w.f32();
    for (int64_t k = 0, m = w.numel(); k < m; ++k) p[k] *= s;
  }
}

class Runner {
 public:
  explicit Runner(Graph& g) : g_(g), values_(g.values.size()), lastUse_(g.values.size(), -1) {
    for (size_t i = 0; i < g.nodes.size(); ++i)
      for (int v : g.nodes[i].inputs) lastUse_[v] = static_cast<int>(i);
  }

  // An image-like input: a few random low-frequency waves per channel plus a little noise,
  // at unit RMS. White noise would fit the layers to high frequencies that photographs lack,
  // and real images would then fade through swish / hardswish networks.
  void setInput(int v, uint64_t seed) {
    Tensor t(g_.values[v].shape);
    uint64_t s = seed ^ 0x5DEECE66DULL;
    auto uniform = [&s] {  // [0, 1)
      s = s * 6364136223846793005ULL + 1442695040888963407ULL;
      return static_cast<double>(s >> 11) * (1.0 / 9007199254740992.0);
    };
    const Shape& shape = t.shape();
    const int64_t w = shape.size() >= 2 ? shape.back() : 1;
    const int64_t h = shape.size() >= 3 ? shape[shape.size() - 2] : 1;
    const int64_t planes = w * h > 0 ? t.numel() / (w * h) : 0;
    float* p = t.f32();
    for (int64_t c = 0; c < planes; ++c) {
      double fx[6], fy[6], ph[6];
      for (int k = 0; k < 6; ++k) {
        fx[k] = (uniform() - 0.5) * 0.4;
        fy[k] = (uniform() - 0.5) * 0.4;
        ph[k] = uniform() * 6.283185307179586;
      }
      for (int64_t y = 0; y < h; ++y)
        for (int64_t x = 0; x < w; ++x) {
          double v = 0.25 * (uniform() - 0.5);
          for (int k = 0; k < 6; ++k) v += std::sin(fx[k] * x + fy[k] * y + ph[k]) / std::sqrt(3.0);
          p[(c * h + y) * w + x] = static_cast<float>(v);
        }
    }
    values_[v] = t;
  }

  Status runNode(int i) {
    const Node& n = g_.nodes[i];
    std::vector<Shape> inShapes, outShapes;
    std::vector<const Tensor*> in;
    std::vector<Tensor*> out;
    for (int v : n.inputs) {
      inShapes.push_back(g_.values[v].shape);
      in.push_back(&values_[v]);
    }
    for (int v : n.outputs) outShapes.push_back(g_.values[v].shape);
    Result<kernels::KernelPtr> k = kernels::makeKernel(n, inShapes, outShapes, activeIsa());
    if (!k) return k.status();
    for (size_t o = 0; o < n.outputs.size(); ++o) {
      if (!(*k)->isView()) values_[n.outputs[o]] = Tensor(outShapes[o]);
      out.push_back(&values_[n.outputs[o]]);
    }
    return (*k)->run(in, out, kernels::ExecContext{});
  }

  // Frees what no later node reads (vgg16's early maps are large).
  void release(int i) {
    for (int v : g_.nodes[i].inputs)
      if (lastUse_[v] == i) values_[v] = Tensor();
  }

  Tensor& output(int i) { return values_[g_.nodes[i].outputs[0]]; }

 private:
  Graph& g_;
  std::vector<Tensor> values_;
  std::vector<int> lastUse_;
};

Status normalizeNode(Runner& r, const Node& n, int i) {
  const Fit fit = fitOf(n);
  EQW_RETURN_IF_ERROR(r.runNode(i));
  if (fit == Fit::Skip) return Status::ok();
  for (int round = 0; round < 4; ++round) {
    const double m = rms(r.output(i));
    if (!std::isfinite(m) || m < 1e-12) return Status::ok();  // dead input: nothing to fit
    // The factor is rounded to a 1/64 step in log2 (about 1 %): SIMD kernels of different ISAs
    // round differently, and the generated weights should be the same on every machine.
    const float s = static_cast<float>(std::exp2(std::round(-std::log2(m) * 64.0) / 64.0));
    if (std::fabs(s - 1.f) < 0.02f) return Status::ok();
    scaleWeights(n, s);
    if (fit == Fit::Exact) {
      Tensor out = r.output(i);
      float* p = out.f32();
      for (int64_t k = 0; k < out.numel(); ++k) p[k] *= s;
      return Status::ok();
    }
    EQW_RETURN_IF_ERROR(r.runNode(i));
  }
  return Status::ok();
}

}  // namespace

Status normalizeGeneratedWeights(const Graph& graph, uint64_t seed) {
  try {
    Graph g = graph;  // node and value bookkeeping copied; weight storage shared
    EQW_RETURN_IF_ERROR(g.validate());
    EQW_RETURN_IF_ERROR(g.inferShapes());
    Runner r(g);
    for (int v : g.inputs) r.setInput(v, seed);
    for (size_t i = 0; i < g.nodes.size(); ++i) {
      const Node& n = g.nodes[i];
      if (n.kind == OpKind::Input) continue;
      Status s = normalizeNode(r, n, static_cast<int>(i));
      if (!s.isOk()) return s.withContext("node '" + n.name + "'");
      r.release(static_cast<int>(i));
    }
    return Status::ok();
  } catch (const std::bad_alloc&) {
    return internalError("out of memory");
  } catch (const std::exception& e) {
    return internalError(e.what());
  }
}

}  // namespace eqw::ncnn

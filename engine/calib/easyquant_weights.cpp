// EasyQuant weight phase (easyquant_layer.h): a scale slot (output channel, group or the whole
// tensor) only changes its own output channels, so each candidate of each slot is computed once on
// the fixed quantized inputs as a small layer of (slot channels x candidates) outputs, reduced to
// per-image partial sums <O_c, Ô_c> and |Ô_c|^2; choosing a slot's scale then only swaps its share
// of the sums — the whole layer is never recomputed per candidate.
#include "calib/easyquant_layer.h"

#include <algorithm>

namespace eqw::easyquant {
namespace {

constexpr int64_t kChunkFloats = int64_t{1} << 20;  // weights / outputs of one worker's sub-layer
constexpr int kMaxSweeps = 20;                       // coordinate-ascent sweeps over the slots
constexpr double kMinGain = 1e-12;                   // a move must gain more than rounding noise

struct Geometry {
  int64_t outputs = 0;   // O
  int64_t per = 0;       // weights per output channel
  int64_t spatial = 0;   // output elements per channel
  int64_t groups = 1;    // convolution groups
  int64_t slots = 1;     // scale slots
  bool spanning = false; // one slot over several groups: run the layer as it is
  int64_t width() const { return outputs / slots; }  // channels per slot
};

Geometry geometry(const LayerCase& lc, int64_t slots, const Tensor& sampleOut) {
  Geometry g;
  const Tensor& w = lc.node->weights[0];
  g.outputs = w.shape()[0];
  g.per = w.numel() / g.outputs;
  g.spatial = sampleOut.numel() / g.outputs;
  if (lc.node->kind == OpKind::Convolution) g.groups = lc.node->p<ConvParams>().group;
  g.slots = slots;
  g.spanning = g.groups > 1 && slots < g.groups;
  return g;
}

// The sub-layer computing slot s's channels for candidates [k0, k1): row (k - k0) * m + j holds
// channel c0 + j quantized with candidate k. Spanning slots keep the layer's own structure.
Node subLayer(const LayerCase& lc, const Geometry& g, int64_t s, const Candidates& cand, int64_t k0, int64_t k1) {
  const Node& src = *lc.node;
  const int64_t m = g.width(), c0 = s * m, kc = k1 - k0, rows = g.spanning ? g.outputs : m * kc;
  Node n = src;
  Shape ws = src.weights[0].shape();
  ws[0] = rows;
  Tensor w(ws);
  const float* sw = src.weights[0].f32();
  for (int64_t k = k0; k < k1; ++k)
    for (int64_t j = 0; j < m; ++j)
      quantizeRow(sw + (c0 + j) * g.per, g.per, cand.thresholds[static_cast<size_t>(k)], lc.weight_qmax,
                  w.f32() + ((k - k0) * m + j) * g.per);
  n.weights[0] = w;
  if (g.spanning) return n;
  const bool bias = n.weights.size() > 1;
  if (bias) {
    Tensor b(Shape{rows});
    for (int64_t r = 0; r < rows; ++r) b.f32()[r] = src.weights[1].f32()[c0 + r % m];
    n.weights[1] = b;
  }
  if (n.kind == OpKind::Convolution) {
    n.p<ConvParams>().num_output = static_cast<int>(rows);
    n.p<ConvParams>().group = 1;
  } else {
    n.p<InnerProductParams>().num_output = static_cast<int>(rows);
  }
  return n;
}

// The input the sub-layer reads: the slot's group's channels (a copy) or the whole input.
Shape subInputShape(const LayerCase& lc, const Geometry& g) {
  Shape s = lc.in_shape;
  if (!g.spanning && g.groups > 1) s[1] /= g.groups;
  return s;
}

const Tensor& subInput(const Geometry& g, const Tensor& xq, int64_t s, Tensor& slice) {
  if (g.spanning || g.groups == 1) return xq;
  const int64_t group = s * g.width() / (g.outputs / g.groups);
  const int64_t n = slice.numel();
  std::copy(xq.f32() + group * n, xq.f32() + (group + 1) * n, slice.f32());
  return slice;
}

// Per (slot, candidate, image) partial sums.
struct Sums {
  int64_t candidates = 0, images = 0;
  std::vector<double> dot, nn;
  size_t at(int64_t s, int64_t k, int64_t i) const { return static_cast<size_t>((s * candidates + k) * images + i); }
};

struct Task {
  int64_t slot, k0, k1;
};

std::vector<Task> tasks(const Geometry& g, int64_t candidates) {
  const int64_t m = g.spanning ? g.outputs : g.width();
  int64_t kc = std::min(kChunkFloats / std::max<int64_t>(m * g.per, 1), kChunkFloats / std::max<int64_t>(m * g.spatial, 1));
  if (g.spanning) kc = 1;
  kc = std::clamp<int64_t>(kc, 1, candidates);
  std::vector<Task> out;
  for (int64_t s = 0; s < g.slots; ++s)
    for (int64_t k = 0; k < candidates; k += kc) out.push_back({s, k, std::min(k + kc, candidates)});
  return out;
}

Status runTask(const LayerCase& lc, const Geometry& g, const std::vector<Candidates>& slots,
               const std::vector<Tensor>& xq, const Task& t, Sums& sums) {
  const Node n = subLayer(lc, g, t.slot, slots[static_cast<size_t>(t.slot)], t.k0, t.k1);
  const Shape inShape = subInputShape(lc, g);
  auto runner = LayerRunner::make(n, inShape, lc.isa);
  if (!runner) return runner.status();
  Tensor slice(inShape);
  const int64_t m = g.width(), c0 = t.slot * m, hw = g.spatial;
  for (int64_t i = 0; i < sums.images; ++i) {
    EQW_RETURN_IF_ERROR(runner->run(subInput(g, xq[static_cast<size_t>(i)], t.slot, slice)));
    const float* y = runner->output().f32();
    const float* o = (*lc.outputs)[static_cast<size_t>(i)].f32();
    for (int64_t k = t.k0; k < t.k1; ++k) {
      double dot = 0.0, nn = 0.0;
      for (int64_t j = 0; j < m; ++j) {
        const float* yc = y + (g.spanning ? c0 + j : (k - t.k0) * m + j) * hw;
        const float* oc = o + (c0 + j) * hw;
        dotAndNorm(oc, yc, hw, dot, nn);
      }
      sums.dot[sums.at(t.slot, k, i)] = dot;
      sums.nn[sums.at(t.slot, k, i)] = nn;
    }
  }
  return Status::ok();
}

double meanCos(const LayerCase& lc, const std::vector<double>& dot, const std::vector<double>& nn) {
  double sum = 0.0;
  for (size_t i = 0; i < dot.size(); ++i) sum += cosineFromSums(dot[i], lc.out_norm2[i], std::max(nn[i], 0.0));
  return dot.empty() ? 0.0 : sum / static_cast<double>(dot.size());
}

// One sweep, slot after slot: the candidate maximising the mean cosine with every other slot as
// chosen so far; only a gain moves a slot off its current candidate. dot / nn: the per-image sums
// of the current choice, kept up to date. Returns whether any slot moved.
bool sweep(const LayerCase& lc, const Sums& sums, int64_t slots, std::vector<int>& current, std::vector<double>& dot,
           std::vector<double>& nn) {
  const int64_t n = sums.images;
  std::vector<double> d2(dot.size()), n2(nn.size());
  bool moved = false;
  for (int64_t s = 0; s < slots; ++s) {
    const int cur = current[static_cast<size_t>(s)];
    int best = cur;
    double bestValue = meanCos(lc, dot, nn);
    for (int64_t k = 0; k < sums.candidates; ++k) {
      if (k == cur) continue;
      for (int64_t i = 0; i < n; ++i) {
        d2[static_cast<size_t>(i)] = dot[static_cast<size_t>(i)] - sums.dot[sums.at(s, cur, i)] + sums.dot[sums.at(s, k, i)];
        n2[static_cast<size_t>(i)] = nn[static_cast<size_t>(i)] - sums.nn[sums.at(s, cur, i)] + sums.nn[sums.at(s, k, i)];
      }
      const double v = meanCos(lc, d2, n2);
      if (v > bestValue + kMinGain) bestValue = v, best = static_cast<int>(k);
    }
    for (int64_t i = 0; i < n; ++i) {
      dot[static_cast<size_t>(i)] += sums.dot[sums.at(s, best, i)] - sums.dot[sums.at(s, cur, i)];
      nn[static_cast<size_t>(i)] += sums.nn[sums.at(s, best, i)] - sums.nn[sums.at(s, cur, i)];
    }
    moved = moved || best != cur;
    current[static_cast<size_t>(s)] = best;
  }
  return moved;
}

// Slots interact through the output norm, so sweep until no slot moves (coordinate ascent: each
// move gains, so it ends). Only bookkeeping repeats: the layer ran once per candidate already.
void choose(const LayerCase& lc, const Sums& sums, int64_t slots, std::vector<int>& current) {
  const int64_t n = sums.images;
  std::vector<double> dot(static_cast<size_t>(n), 0.0), nn(static_cast<size_t>(n), 0.0);
  for (int64_t s = 0; s < slots; ++s)
    for (int64_t i = 0; i < n; ++i) {
      dot[static_cast<size_t>(i)] += sums.dot[sums.at(s, current[static_cast<size_t>(s)], i)];
      nn[static_cast<size_t>(i)] += sums.nn[sums.at(s, current[static_cast<size_t>(s)], i)];
    }
  for (int pass = 0; pass < kMaxSweeps; ++pass)
    if (!sweep(lc, sums, slots, current, dot, nn)) break;
}

}  // namespace

Status searchWeights(const LayerCase& lc, const std::vector<Candidates>& slots, float inputThreshold,
                     std::vector<int>& current) {
  const int64_t n = static_cast<int64_t>(lc.inputs->size());
  if (n == 0 || slots.empty()) return Status::ok();
  std::vector<Tensor> xq;
  for (const Tensor& x : *lc.inputs) {
    xq.emplace_back(x.shape());
    quantizeInput(x, inputThreshold, lc.input_qmax, lc.unsigned_input, xq.back());
  }
  const Geometry g = geometry(lc, static_cast<int64_t>(slots.size()), lc.outputs->front());
  Sums sums;
  sums.candidates = static_cast<int64_t>(slots.front().thresholds.size());
  sums.images = n;
  sums.dot.assign(static_cast<size_t>(g.slots * sums.candidates * n), 0.0);
  sums.nn.assign(sums.dot.size(), 0.0);
  const std::vector<Task> work = tasks(g, sums.candidates);
  std::vector<Status> errors(work.size());
  parallelFor(lc.pool, static_cast<int64_t>(work.size()), 1, [&](int64_t b, int64_t e) {
    for (int64_t t = b; t < e; ++t)
      errors[static_cast<size_t>(t)] = runTask(lc, g, slots, xq, work[static_cast<size_t>(t)], sums);
  });
  for (const Status& s : errors) EQW_RETURN_IF_ERROR(s);
  choose(lc, sums, g.slots, current);
  return Status::ok();
}

}  // namespace eqw::easyquant

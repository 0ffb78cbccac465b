// EasyQuant weight phase (easyquant_layer.h): a scale slot (output channel, group or the whole
// tensor) only changes its own output channels, so each candidate of each slot is computed once on
// the fixed quantized inputs as a small layer of (slot channels x candidates) outputs, reduced to
// per-image partial sums <O_c, Ô_c> and |Ô_c|^2; choosing a slot's scale then only swaps its share
// of the sums — the whole layer is never recomputed per candidate.
#include "calib/easyquant_layer.h"

#include <algorithm>

namespace eqw::easyquant {
namespace {

constexpr int64_t kWeightFloats = int64_t{1} << 22;  // FP32 weights of one worker's sub-layer (16 MB)
constexpr int64_t kOutputFloats = int64_t{1} << 20;  // its output (4 MB)
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

// A unit of work: slots [s0, s1) (within one convolution group) x candidates [k0, k1).
struct Task {
  int64_t s0, s1, k0, k1;
  int64_t kc() const { return k1 - k0; }
};

// The sub-layer computing a task's outputs: row ((s - s0) * kc + (k - k0)) * m + j holds slot s's
// channel c0 + j's FP32 weights, to be put on candidate k's grid (rows: one threshold per row).
// Spanning slots keep the layer's own structure (every row on candidate k0's grid; only the slot's
// channels are read).
Node subLayer(const LayerCase& lc, const Geometry& g, const std::vector<Candidates>& slots, const Task& t,
              std::vector<float>& rows) {
  const Node& src = *lc.node;
  if (g.spanning) {
    rows.assign(static_cast<size_t>(g.outputs), slots[static_cast<size_t>(t.s0)].thresholds[static_cast<size_t>(t.k0)]);
    return src;
  }
  const int64_t m = g.width(), count = (t.s1 - t.s0) * t.kc() * m;
  Node n = src;
  Shape ws = src.weights[0].shape();
  ws[0] = count;
  Tensor w(ws);
  rows.resize(static_cast<size_t>(count));
  std::vector<int64_t> channel(static_cast<size_t>(count));
  const float* sw = src.weights[0].f32();
  int64_t r = 0;
  for (int64_t s = t.s0; s < t.s1; ++s)
    for (int64_t k = t.k0; k < t.k1; ++k)
      for (int64_t j = 0; j < m; ++j, ++r) {
        const int64_t c = s * m + j;
        std::copy(sw + c * g.per, sw + (c + 1) * g.per, w.f32() + r * g.per);
        rows[static_cast<size_t>(r)] = slots[static_cast<size_t>(s)].thresholds[static_cast<size_t>(k)];
        channel[static_cast<size_t>(r)] = c;
      }
  n.weights[0] = w;
  if (n.weights.size() > 1) {
    Tensor b(Shape{count});
    for (int64_t i = 0; i < count; ++i) b.f32()[i] = src.weights[1].f32()[channel[static_cast<size_t>(i)]];
    n.weights[1] = b;
  }
  if (n.kind == OpKind::Convolution) {
    n.p<ConvParams>().num_output = static_cast<int>(count);
    n.p<ConvParams>().group = 1;
  } else {
    n.p<InnerProductParams>().num_output = static_cast<int>(count);
  }
  return n;
}

// The input the sub-layer reads: the slot's group's channels (a copy) or the whole input.
Shape subInputShape(const LayerCase& lc, const Geometry& g) {
  Shape s = lc.in_shape;
  if (!g.spanning && g.groups > 1) s[1] /= g.groups;
  return s;
}

int64_t groupOf(const Geometry& g, int64_t slot) { return slot * g.width() / (g.outputs / g.groups); }

const Tensor& subInput(const Geometry& g, const Tensor& x, int64_t s, Tensor& slice) {
  if (g.spanning || g.groups == 1) return x;
  const int64_t group = groupOf(g, s);
  const int64_t n = slice.numel();
  std::copy(x.f32() + group * n, x.f32() + (group + 1) * n, slice.f32());
  return slice;
}

// Per (slot, candidate, image) partial sums.
struct Sums {
  int64_t candidates = 0, images = 0;
  std::vector<double> dot, nn;
  size_t at(int64_t s, int64_t k, int64_t i) const { return static_cast<size_t>((s * candidates + k) * images + i); }
};

// Candidates split so that a sub-layer's weights and outputs stay within a worker's budget; when
// all of a slot's candidates fit, several slots of one group share a task, so the input is
// quantized and unrolled once for all of them — but never fewer tasks than a few per worker.
std::vector<Task> tasks(const Geometry& g, int64_t candidates, int workers) {
  const int64_t m = g.spanning ? g.outputs : g.width();
  const int64_t perRow = std::max<int64_t>(m * g.per, 1), perOut = std::max<int64_t>(m * g.spatial, 1);
  int64_t kc = std::min(kWeightFloats / perRow, kOutputFloats / perOut);
  if (g.spanning) kc = 1;
  kc = std::clamp<int64_t>(kc, 1, candidates);
  int64_t sc = 1;
  if (!g.spanning && kc == candidates) {
    sc = std::max<int64_t>(1, std::min(kWeightFloats / (perRow * candidates), kOutputFloats / (perOut * candidates)));
    sc = std::min(sc, std::max<int64_t>(1, g.slots / (4 * std::max(workers, 1))));
  }
  const int64_t slotsPerGroup = g.groups > 1 && !g.spanning ? std::max<int64_t>(g.slots / g.groups, 1) : g.slots;
  std::vector<Task> out;
  for (int64_t s = 0; s < g.slots;) {
    const int64_t groupEnd = std::min(g.slots, (s / slotsPerGroup + 1) * slotsPerGroup);
    const int64_t e = std::min(s + sc, groupEnd);
    for (int64_t k = 0; k < candidates; k += kc) out.push_back({s, e, k, std::min(k + kc, candidates)});
    s = e;
  }
  return out;
}

Status runTask(const LayerCase& lc, const Geometry& g, const std::vector<Candidates>& slots, float inputThreshold,
               const Task& t, Sums& sums) {
  std::vector<float> rows;
  const Node n = subLayer(lc, g, slots, t, rows);
  const Shape inShape = subInputShape(lc, g);
  auto runner = LayerRunner::make(lc, n, inShape, rows, inputThreshold);
  if (!runner) return runner.status();
  Tensor slice(inShape);
  const int64_t m = g.width(), hw = g.spatial;
  for (int64_t i = 0; i < sums.images; ++i) {
    EQW_RETURN_IF_ERROR(runner->run(subInput(g, (*lc.inputs)[static_cast<size_t>(i)], t.s0, slice)));
    const float* y = runner->output().f32();
    const float* o = (*lc.outputs)[static_cast<size_t>(i)].f32();
    for (int64_t s = t.s0; s < t.s1; ++s)
      for (int64_t k = t.k0; k < t.k1; ++k) {
        double dot = 0.0, nn = 0.0;
        const int64_t row0 = ((s - t.s0) * t.kc() + (k - t.k0)) * m;
        for (int64_t j = 0; j < m; ++j) {
          const int64_t c = s * m + j;
          const float* yc = y + (g.spanning ? c : row0 + j) * hw;
          dotAndNorm(o + c * hw, yc, hw, dot, nn);
        }
        sums.dot[sums.at(s, k, i)] = dot;
        sums.nn[sums.at(s, k, i)] = nn;
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
  const Geometry g = geometry(lc, static_cast<int64_t>(slots.size()), lc.outputs->front());
  Sums sums;
  sums.candidates = static_cast<int64_t>(slots.front().thresholds.size());
  sums.images = n;
  sums.dot.assign(static_cast<size_t>(g.slots * sums.candidates * n), 0.0);
  sums.nn.assign(sums.dot.size(), 0.0);
  const std::vector<Task> work = tasks(g, sums.candidates, lc.pool ? lc.pool->threads() : 1);
  std::vector<Status> errors(work.size());
  parallelFor(lc.pool, static_cast<int64_t>(work.size()), 1, [&](int64_t b, int64_t e) {
    for (int64_t t = b; t < e; ++t)
      errors[static_cast<size_t>(t)] = runTask(lc, g, slots, inputThreshold, work[static_cast<size_t>(t)], sums);
  });
  for (const Status& s : errors) EQW_RETURN_IF_ERROR(s);
  choose(lc, sums, g.slots, current);
  return Status::ok();
}

}  // namespace eqw::easyquant

// EasyQuant driver (eqw/easyquant.h): layer by layer in topological order, cache the layer's inputs
// and FP32 outputs, then alternate the weight and input scale searches (easyquant_layer.h).
#include <eqw/easyquant.h>
#include <eqw/fakequant.h>
#include <eqw/runtime.h>

#include "calib/easyquant_layer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <map>
#include <memory>
#include <new>

namespace eqw {

const char* toString(EasyQuantInput mode) {
  return mode == EasyQuantInput::Sequential ? "sequential" : "isolated";
}

namespace easyquant {
namespace {

using Clock = std::chrono::steady_clock;
double secondsSince(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

Status checkOptions(const EasyQuantOptions& o) {
  if (o.images < 1) return invalidArgument("easyquant: images=" + std::to_string(o.images) + " must be >= 1");
  if (o.candidates < 1) return invalidArgument("easyquant: candidates=" + std::to_string(o.candidates) + " must be >= 1");
  if (!(o.range_lo > 0.0) || !(o.range_lo <= 1.0) || !(o.range_hi >= 1.0) || !std::isfinite(o.range_hi))
    return invalidArgument("easyquant: range [" + std::to_string(o.range_lo) + ", " + std::to_string(o.range_hi) +
                           "] must be positive, finite and contain 1 (the start scale)");
  if (o.max_rounds < 1) return invalidArgument("easyquant: max_rounds=" + std::to_string(o.max_rounds) + " must be >= 1");
  if (!(o.min_improvement >= 0.0))
    return invalidArgument("easyquant: min_improvement=" + std::to_string(o.min_improvement) + " must be >= 0");
  return Status::ok();
}

// Isolated mode: how much of the upcoming layers' inputs and outputs one FP32 pass may capture.
constexpr int64_t kCacheBytes = int64_t{1} << 30;

struct Context {
  const Graph& graph;
  const EasyQuantOptions& options;
  const CalibProgress& progress;
  std::unique_ptr<ThreadPool> pool;
  std::unique_ptr<Executor> fp32;
  std::vector<Tensor> images;
  Isa isa = Isa::Scalar;
  std::vector<size_t> layers;                    // the searched nodes, in order
  std::map<int, std::vector<Tensor>> captured;   // isolated mode: value id -> one tensor per image
};

// Isolated inputs do not depend on the refined spec, so one FP32 pass over the images captures the
// inputs and outputs of as many layers from position `from` on as fit in kCacheBytes (at least
// that layer's): the network runs a few times instead of once per layer.
Status prefetch(Context& c, size_t from) {
  c.captured.clear();
  std::vector<int> values;
  int64_t bytes = 0;
  const int64_t images = static_cast<int64_t>(c.images.size());
  for (size_t l = from; l < c.layers.size(); ++l) {
    const Node& n = c.graph.nodes[c.layers[l]];
    std::vector<int> mine;
    int64_t add = 0;
    for (int v : {n.inputs[0], n.outputs[0]})
      if (std::find(values.begin(), values.end(), v) == values.end() && std::find(mine.begin(), mine.end(), v) == mine.end()) {
        mine.push_back(v);
        add += numel(c.graph.values[static_cast<size_t>(v)].shape) * static_cast<int64_t>(sizeof(float)) * images;
      }
    if (l > from && bytes + add > kCacheBytes) break;
    bytes += add;
    values.insert(values.end(), mine.begin(), mine.end());
  }
  std::vector<std::vector<Tensor>> got;
  EQW_RETURN_IF_ERROR(captureValues(*c.fp32, c.images, values, got));
  for (size_t v = 0; v < values.size(); ++v) c.captured[values[v]] = std::move(got[v]);
  return Status::ok();
}

// The spec's layers that come before node `upTo`: what the fake-quant prefix runs with.
QuantSpec prefixSpec(const Graph& g, const QuantSpec& spec, size_t upTo) {
  QuantSpec prefix;
  for (size_t n = 0; n < upTo; ++n)
    if (const LayerQuant* lq = spec.find(g.nodes[n].name)) prefix.layers.push_back(*lq);
  return prefix;
}

// X: the layer's input (FP32 network, or the fake-quant prefix in Sequential mode); O: its FP32
// output. position: the layer's place in c.layers.
Status cacheLayer(Context& c, const QuantSpec& spec, size_t position, std::vector<Tensor>& x, std::vector<Tensor>& o) {
  const size_t nodeIndex = c.layers[position];
  const Node& node = c.graph.nodes[nodeIndex];
  std::vector<std::vector<Tensor>> got;
  if (c.options.input == EasyQuantInput::Isolated) {
    if (!c.captured.count(node.inputs[0]) || !c.captured.count(node.outputs[0])) EQW_RETURN_IF_ERROR(prefetch(c, position));
    x = c.captured[node.inputs[0]];
    o = c.captured[node.outputs[0]];
    return Status::ok();
  }
  EQW_RETURN_IF_ERROR(captureValues(*c.fp32, c.images, {node.outputs[0]}, got));
  o = std::move(got[0]);
  auto fq = fakeQuantGraph(c.graph, prefixSpec(c.graph, spec, nodeIndex));
  if (!fq) return fq.status();
  ExecutorOptions eo;
  eo.threads = c.options.threads;
  auto ex = Executor::create(*fq, eo);
  if (!ex) return ex.status();
  EQW_RETURN_IF_ERROR(captureValues(**ex, c.images, {node.inputs[0]}, got));
  x = std::move(got[0]);
  return Status::ok();
}

bool keepGoing(const Context& c, int64_t done, int64_t total) {
  return !c.progress || c.progress("easyquant", done, total);
}

// One layer's candidates and current choice.
struct LayerState {
  std::vector<Candidates> slots;  // per weight scale slot
  std::vector<int> cur;           // chosen candidate per slot
  Candidates in;                  // input threshold candidates
  int curIn = 0;
  double objective = 0.0;         // of the current choice, measured on the whole layer

  std::vector<float> weightThresholds() const {
    std::vector<float> t;
    for (size_t s = 0; s < slots.size(); ++s) t.push_back(slots[s].thresholds[static_cast<size_t>(cur[s])]);
    return t;
  }
  float inputThreshold() const { return in.thresholds[static_cast<size_t>(curIn)]; }
};

// Weights searched with the input grid fixed; kept only if the whole layer agrees they are no
// worse (the slot-wise sums and the whole layer round differently).
Status weightPhase(const LayerCase& lc, LayerState& st, EasyQuantRound& round) {
  const std::vector<int> previous = st.cur;
  EQW_RETURN_IF_ERROR(searchWeights(lc, st.slots, st.inputThreshold(), st.cur));
  auto value = evaluate(lc, st.weightThresholds(), st.inputThreshold());
  if (!value) return value.status();
  if (*value < st.objective)
    st.cur = previous;
  else
    st.objective = *value;
  round.after_weights = st.objective;
  return Status::ok();
}

// The input threshold searched with the weights fixed; the current one is among the candidates.
Status activationPhase(const LayerCase& lc, LayerState& st, EasyQuantRound& round, EasyQuantCurve& plot) {
  auto curve = inputCurve(lc, st.weightThresholds(), st.in.thresholds);
  if (!curve) return curve.status();
  int best = st.curIn;
  for (size_t k = 0; k < curve->size(); ++k)
    if ((*curve)[k] > (*curve)[static_cast<size_t>(best)]) best = static_cast<int>(k);
  st.curIn = best;
  st.objective = std::max((*curve)[static_cast<size_t>(best)], st.objective);
  round.after_activation = st.objective;
  plot.scales.clear();
  for (float t : st.in.thresholds) plot.scales.push_back(static_cast<float>(lc.input_qmax / static_cast<double>(t)));
  plot.objective = std::move(curve.value());
  return Status::ok();
}

// The alternation on one layer's cached data; writes the chosen thresholds into lq.
Status alternate(const Context& c, const LayerCase& lc, LayerQuant& lq, EasyQuantLayer& rec, int64_t done, int64_t total) {
  LayerState st;
  for (float t : lq.weight_thresholds) st.slots.push_back(makeCandidates(t, c.options));
  for (const Candidates& s : st.slots) st.cur.push_back(s.start);
  st.in = makeCandidates(lq.input.value, c.options);
  st.curIn = st.in.start;
  auto first = evaluate(lc, st.weightThresholds(), st.inputThreshold());
  if (!first) return first.status();
  st.objective = rec.before = *first;
  const Status cancelled(StatusCode::Cancelled, "easyquant: cancelled at layer '" + lq.layer + "'");
  for (int r = 0; r < c.options.max_rounds; ++r) {
    if (!keepGoing(c, done, total)) return cancelled;
    EasyQuantRound round{st.objective, st.objective, st.objective};
    rec.weights_before = st.objective;
    EQW_RETURN_IF_ERROR(weightPhase(lc, st, round));
    rec.weights_after = st.objective;
    if (!keepGoing(c, done, total)) return cancelled;
    EQW_RETURN_IF_ERROR(activationPhase(lc, st, round, rec.activation_curve));
    rec.rounds.push_back(round);
    if (st.objective - round.start <= c.options.min_improvement) break;
  }
  rec.after = st.objective;
  lq.weight_thresholds = st.weightThresholds();
  lq.weight_method = "eq";
  lq.input = {st.inputThreshold(), "eq"};
  return Status::ok();
}

Status refineLayer(Context& c, QuantSpec& spec, size_t position, EasyQuantLayer& rec, int64_t done, int64_t total) {
  const auto t0 = Clock::now();
  const Node& node = c.graph.nodes[c.layers[position]];
  LayerQuant& lq = *spec.find(node.name);
  std::vector<Tensor> x, o;
  EQW_RETURN_IF_ERROR(cacheLayer(c, spec, position, x, o).withContext("easyquant: layer '" + node.name + "'"));
  LayerCase lc;
  lc.node = &node;
  lc.in_shape = c.graph.values[static_cast<size_t>(node.inputs[0])].shape;
  lc.inputs = &x;
  lc.outputs = &o;
  for (const Tensor& t : o) {
    double s = 0.0;
    for (int64_t i = 0; i < t.numel(); ++i) s += double(t.f32()[i]) * t.f32()[i];
    lc.out_norm2.push_back(s);
  }
  rec.layer = node.name;
  rec.bits = activationBits(lq.precision);
  rec.weight_bits = effectiveWeightBits(lq);
  lc.weight_qmax = qmax(rec.weight_bits);  // ncnn's 6-bit Winograd layers search on +-31
  lc.input_qmax = qmax(rec.bits, lq.unsigned_input);
  lc.unsigned_input = lq.unsigned_input;
  lc.bits = rec.bits;
  lc.pool = c.pool.get();
  lc.isa = c.isa;
  lc.integer = c.options.integer_kernels &&
               integerRuns(node, lc.in_shape, rec.bits, lq.unsigned_input, lc.weight_qmax, c.isa);
  rec.integer = lc.integer;
  EQW_RETURN_IF_ERROR(alternate(c, lc, lq, rec, done, total));
  rec.seconds = secondsSince(t0);
  return Status::ok();
}

bool searchable(const Node& node, const QuantSpec& spec) {
  const LayerQuant* lq = isQuantizable(node) ? spec.find(node.name) : nullptr;
  return lq && activationBits(lq->precision) > 0 && node.inputs.size() == 1 && node.outputs.size() == 1 &&
         !node.weights.empty();
}

Result<EasyQuantResult> run(const Graph& graph, const QuantSpec& start, const Dataset& dataset, const Preprocess& pre,
                            const EasyQuantOptions& options, const CalibProgress& progress, Diagnostics& diagnostics) {
  const auto t0 = Clock::now();
  EQW_RETURN_IF_ERROR(checkOptions(options));
  EQW_RETURN_IF_ERROR(validateSpec(graph, start));
  if (graph.inputs.size() != 1)
    return unsupported("easyquant: model '" + graph.name + "' has " + std::to_string(graph.inputs.size()) +
                       " inputs; calibration needs exactly one");
  std::vector<size_t> layers;
  for (size_t n = 0; n < graph.nodes.size(); ++n)
    if (searchable(graph.nodes[n], start)) layers.push_back(n);
  if (layers.empty()) return invalidArgument("easyquant: no layer of '" + graph.name + "' has an int8/int7 precision in the spec");
  Context c{graph, options, progress, std::make_unique<ThreadPool>(options.threads), nullptr, {}, activeIsa(), layers, {}};
  auto images = loadImages(dataset, pre, options.images, progress, diagnostics);
  if (!images) return images.status();
  c.images = std::move(images.value());
  ExecutorOptions eo;
  eo.threads = options.threads;
  auto fp32 = Executor::create(graph, eo);
  if (!fp32) return fp32.status();
  c.fp32 = std::move(fp32.value());
  EasyQuantResult result;
  result.spec = start;
  result.images = static_cast<int64_t>(c.images.size());
  result.input = options.input;
  const int64_t total = static_cast<int64_t>(layers.size());
  for (size_t l = 0; l < layers.size(); ++l) {
    EasyQuantLayer rec;
    EQW_RETURN_IF_ERROR(refineLayer(c, result.spec, l, rec, static_cast<int64_t>(l), total));
    result.layers.push_back(std::move(rec));
  }
  if (!keepGoing(c, total, total)) return Status(StatusCode::Cancelled, "easyquant: cancelled");
  result.seconds = secondsSince(t0);
  return result;
}

}  // namespace
}  // namespace easyquant

Result<EasyQuantResult> refineEasyQuant(const Graph& canonical, const QuantSpec& start, const Dataset& dataset,
                                        const Preprocess& preprocess, const EasyQuantOptions& options,
                                        const CalibProgress& progress, Diagnostics& diagnostics) {
  try {
    return easyquant::run(canonical, start, dataset, preprocess, options, progress, diagnostics);
  } catch (const std::bad_alloc&) {
    return internalError("easyquant: out of memory on model '" + canonical.name + "'");
  } catch (const std::exception& e) {
    return internalError(std::string("easyquant: ") + e.what());
  }
}

}  // namespace eqw

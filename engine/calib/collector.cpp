// Two passes over the calibration set with the FP32 executor, as ncnn2table does: ranges first,
// then histograms over the final absmax. Nothing per image is kept, so memory does not grow.
#include <eqw/calib.h>
#include <eqw/bench.h>
#include <eqw/runtime.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <new>

#include "calib/stats_kernels.h"

namespace eqw {
namespace {

// Nodes whose data input (input 0) needs an activation scale when the node is quantized.
bool readsQuantizedInput(const Node& node) {
  switch (node.kind) {
    case OpKind::Convolution:
    case OpKind::Deconvolution:
    case OpKind::InnerProduct:
      return true;
    case OpKind::MatMul:
      return node.inputs.size() == 1 && !node.weights.empty();
    default:
      return false;
  }
}

// Per value id: observe it or not.
std::vector<bool> selectValues(const Graph& graph, StatsValues which) {
  std::vector<bool> keep(graph.values.size(), which == StatsValues::All);
  if (which == StatsValues::QuantizableInputs)
    for (const Node& node : graph.nodes)
      if (readsQuantizedInput(node) && !node.inputs.empty()) keep[node.inputs[0]] = true;
  return keep;
}

enum class Pass { Range, Histogram, OnePass };

const char* stageName(Pass pass) {
  switch (pass) {
    case Pass::Range: return "range";
    case Pass::Histogram: return "histogram";
    case Pass::OnePass: return "statistics";
  }
  return "?";
}

struct Collector {
  const Graph& graph;
  const Dataset& dataset;
  const Preprocess& preprocess;
  const CollectOptions& options;
  const CalibProgress& progress;
  Diagnostics& diagnostics;
  std::vector<bool> keep;
  std::vector<TensorStats> stats;  // one slot per value id
  int64_t total = 0;               // images expected per pass
  int64_t imagesUsed = 0;          // images that loaded in pass 1
  const StatsSnapshotOptions* snapshots = nullptr;  // live statistics; nullptr or no callback: none
  std::chrono::steady_clock::time_point lastSnapshot{};
  // The one pass's counters per observed value, flushed into `stats` only before they are read.
  std::vector<std::unique_ptr<calib::HistogramScratch>> scratch;

  // The StatsSet of the values seen so far, as the final result is made: copied for a snapshot,
  // moved out at the end.
  StatsSet buildSet(int64_t images, bool move) {
    for (size_t v = 0; v < scratch.size(); ++v)
      if (scratch[v]) scratch[v]->flushInto(stats[v].histogram);
    StatsSet set;
    set.model = graph.name;
    set.images = images;
    for (size_t v = 0; v < graph.values.size(); ++v) {
      if (!keep[v] || stats[v].samples == 0) continue;
      TensorStats& t = stats[v];
      t.name = graph.values[v].name;
      if (move) set.values.emplace(static_cast<int>(v), std::move(t));
      else set.values.emplace(static_cast<int>(v), t);
    }
    return set;
  }

  // After an image: a snapshot when someone asks and the interval has passed.
  void maybeSnapshot(const std::string& stage, int64_t done) {
    if (!snapshots || !snapshots->callback) return;
    const auto now = std::chrono::steady_clock::now();
    if (snapshots->interval_ms > 0 && now - lastSnapshot < std::chrono::milliseconds(snapshots->interval_ms)) return;
    lastSnapshot = now;
    StatsSnapshot snap{stage, done, total, false, std::make_shared<const StatsSet>(buildSet(done, false))};
    snapshots->callback(snap);
  }

  void observe(Pass pass, int value, const Tensor& t) {
    if (!keep[value] || t.empty()) return;
    switch (pass) {
      case Pass::Range: accumulateRange(stats[value], t.f32(), t.numel()); break;
      case Pass::Histogram: accumulateHistogram(stats[value], t.f32(), t.numel()); break;
      case Pass::OnePass: {
        if (scratch.size() <= static_cast<size_t>(value)) scratch.resize(stats.size());
        if (!scratch[value]) scratch[value] = std::make_unique<calib::HistogramScratch>();
        calib::accumulateOnePass(stats[value], t.f32(), t.numel(), options.hist_stride, *scratch[value]);
        break;
      }
    }
  }

  Status runPass(Executor& exec, Pass pass) {
    const std::string stage = stageName(pass);
    if (progress && !progress(stage, 0, total)) return Status(StatusCode::Cancelled, "calibration cancelled");
    int64_t done = 0;
    Status runStatus;
    bool cancelled = false;
    // The histogram pass reports nothing new about unreadable images: the range pass already did.
    Diagnostics passDiags;
    Diagnostics& diags = pass == Pass::Histogram ? passDiags : diagnostics;
    NodeObserver observer = [&](int node, const std::vector<const Tensor*>& outs) {
      const Node& n = graph.nodes[node];
      for (size_t i = 0; i < outs.size() && i < n.outputs.size(); ++i) observe(pass, n.outputs[i], *outs[i]);
    };
    Status s = forEachSample(dataset, preprocess, [&](size_t, const Sample& sample, const Tensor& input) {
      if (options.max_images > 0 && done >= options.max_images) return false;
      observe(pass, graph.inputs[0], input);
      runStatus = exec.run({input}, observer);
      if (!runStatus.isOk()) {
        runStatus = runStatus.withContext("image '" + sample.path + "'");
        return false;
      }
      ++done;
      maybeSnapshot(stage, done);
      if (progress && !progress(stage, done, total)) cancelled = true;
      return !cancelled;
    }, diags);
    if (!runStatus.isOk()) return runStatus;
    if (cancelled) return Status(StatusCode::Cancelled, "calibration cancelled during the " + stage + " pass");
    // forEachSample's Cancelled here only means max_images was reached.
    if (!s.isOk() && s.code() != StatusCode::Cancelled) return s;
    if (pass != Pass::Histogram) imagesUsed = done;
    return Status::ok();
  }
};

Status checkOptions(const CollectOptions& options) {
  if (options.passes != 1 && options.passes != 2)
    return invalidArgument("statistics collection takes 1 or 2 passes, not " + std::to_string(options.passes));
  if (options.hist_stride < 1 || options.hist_stride > kMaxHistStride)
    return invalidArgument("histogram stride " + std::to_string(options.hist_stride) + " is outside 1.." +
                           std::to_string(kMaxHistStride));
  return Status::ok();
}

}  // namespace

Result<StatsSet> collectStatistics(const Graph& graph, const Dataset& dataset, const Preprocess& preprocess,
                                   const CollectOptions& options, const CalibProgress& progress,
                                   Diagnostics& diagnostics, const StatsSnapshotOptions& snapshots) {
  if (graph.inputs.size() != 1)
    return unsupported("model '" + graph.name + "' has " + std::to_string(graph.inputs.size()) +
                       " inputs; calibration from images needs exactly one");
  EQW_RETURN_IF_ERROR(validate(preprocess));
  const Value& in = graph.values[graph.inputs[0]];
  if (numel(in.shape) != numel(preprocess.tensorShape()))
    return invalidArgument("model input '" + in.name + "' is " + toString(in.shape) + " but the preprocessing gives " +
                           toString(preprocess.tensorShape()));
  if (dataset.samples.empty()) return invalidArgument("calibration set '" + dataset.source + "' has no images");
  EQW_RETURN_IF_ERROR(checkOptions(options));

  ExecutorOptions eo;
  eo.threads = options.threads;
  auto exec = Executor::create(graph, eo);
  if (!exec) return exec.status();

  try {
    Collector c{graph, dataset, preprocess, options, progress, diagnostics, selectValues(graph, options.values),
                {}, 0, 0, &snapshots, std::chrono::steady_clock::now(), {}};
    c.stats.resize(graph.values.size());
    const int64_t n = static_cast<int64_t>(dataset.samples.size());
    c.total = options.max_images > 0 ? std::min(n, options.max_images) : n;
    EQW_RETURN_IF_ERROR(c.runPass(**exec, options.passes == 1 ? Pass::OnePass : Pass::Range));
    if (c.imagesUsed == 0)
      return invalidArgument("no image of '" + dataset.source + "' could be loaded (" + std::to_string(n) +
                             " tried; see the warnings)");
    c.total = c.imagesUsed;
    if (options.passes == 2) EQW_RETURN_IF_ERROR(c.runPass(**exec, Pass::Histogram));

    StatsSet set = c.buildSet(c.imagesUsed, true);
    if (snapshots.callback) {
      const std::string stage = stageName(options.passes == 1 ? Pass::OnePass : Pass::Histogram);
      snapshots.callback(StatsSnapshot{stage, c.imagesUsed, c.imagesUsed, true, std::make_shared<const StatsSet>(set)});
    }
    return set;
  } catch (const std::bad_alloc&) {
    return internalError("out of memory while collecting statistics for '" + graph.name + "'");
  }
}

namespace {

double msSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

Result<StatsBenchResult> benchmarkStatistics(const Graph& graph, const Dataset& dataset, const Preprocess& preprocess,
                                             const CollectOptions& options, Diagnostics& diagnostics) {
  if (graph.inputs.size() != 1) return unsupported("model '" + graph.name + "' does not take exactly one input");
  EQW_RETURN_IF_ERROR(checkOptions(options));
  const int64_t limit = options.max_images > 0 ? options.max_images : 50;
  std::vector<Tensor> inputs;
  Status s = forEachSample(dataset, preprocess, [&](size_t, const Sample&, const Tensor& input) {
    inputs.push_back(input.clone());
    return static_cast<int64_t>(inputs.size()) < limit;
  }, diagnostics);
  if (!s.isOk() && s.code() != StatusCode::Cancelled) return s;
  if (inputs.empty()) return invalidArgument("no image of '" + dataset.source + "' could be loaded");

  ExecutorOptions eo;
  eo.threads = options.threads;
  auto exec = Executor::create(graph, eo);
  if (!exec) return exec.status();
  const CalibProgress none;
  Collector c{graph, dataset, preprocess, options, none, diagnostics, selectValues(graph, options.values), {}, 0, 0, nullptr, {}, {}};
  c.stats.resize(graph.values.size());

  auto timed = [&](const Tensor& input, Pass* pass) -> Result<double> {
    NodeObserver observer;
    if (pass)
      observer = [&, pass](int node, const std::vector<const Tensor*>& outs) {
        const Node& n = graph.nodes[node];
        for (size_t i = 0; i < outs.size() && i < n.outputs.size(); ++i) c.observe(*pass, n.outputs[i], *outs[i]);
      };
    const auto t0 = std::chrono::steady_clock::now();
    if (pass) c.observe(*pass, graph.inputs[0], input);
    EQW_RETURN_IF_ERROR((*exec)->run({input}, observer));
    return msSince(t0);
  };

  EQW_RETURN_IF_ERROR(timed(inputs[0], nullptr).status());  // warm-up: buffers, caches, TBB
  StatsBenchResult r;
  r.images = static_cast<int64_t>(inputs.size());
  r.passes = options.passes;
  r.kernels = calib::statsKernels().name;
  std::vector<double> plain, stats(inputs.size(), 0.0);
  Pass first = options.passes == 1 ? Pass::OnePass : Pass::Range, second = Pass::Histogram;
  for (size_t i = 0; i < inputs.size(); ++i) {
    auto p = timed(inputs[i], nullptr);
    auto q = timed(inputs[i], &first);
    if (!p) return p.status();
    if (!q) return q.status();
    plain.push_back(*p);
    stats[i] += *q;
  }
  if (options.passes == 2)
    for (size_t i = 0; i < inputs.size(); ++i) {
      auto q = timed(inputs[i], &second);
      if (!q) return q.status();
      stats[i] += *q;
    }
  for (size_t i = 0; i < inputs.size(); ++i) r.plain_ms += plain[i], r.stats_ms += stats[i];
  r.plain_median_ms = median(plain);
  r.stats_median_ms = median(stats);
  return r;
}

}  // namespace eqw

#include <eqw/bench.h>
#include <eqw/calib.h>
#include <eqw/runtime.h>

#include <algorithm>
#include <cmath>
#include <chrono>
#include <memory>
#include <random>
#include <string>

namespace eqw {

double median(std::vector<double> v) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

namespace {

std::vector<Tensor> randomInputs(const Graph& graph, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> dist(-1.f, 1.f);
  std::vector<Tensor> inputs;
  for (int v : graph.inputs) {
    Tensor t(graph.values[v].shape);
    for (int64_t i = 0; i < t.numel(); ++i) t.f32()[i] = dist(rng);
    inputs.push_back(std::move(t));
  }
  return inputs;
}

// The executor a benchmark times, at `threads` threads.
ExecutorOptions executorOptions(const BenchOptions& options, int threads) {
  ExecutorOptions eo;
  eo.threads = threads;
  eo.isa = options.isa;
  eo.reference = options.reference;
  eo.fuse_residual = options.fuse_residual;
  eo.residual_twin = options.residual_twin;
  return eo;
}

}  // namespace

Result<BenchResult> benchmarkFp32(const Graph& graph, const BenchOptions& options) {
  if (options.loops < 1) return invalidArgument("loops must be at least 1");
  ExecutorOptions eo = executorOptions(options, options.threads);
  eo.profile = options.per_layer;
  auto exec = Executor::create(graph, eo);
  if (!exec) return exec.status();
  std::vector<Tensor> inputs = randomInputs(graph, options.seed);

  for (int i = 0; i < options.warmup; ++i) EQW_RETURN_IF_ERROR((*exec)->run(inputs));

  BenchResult r;
  r.threads = (*exec)->threads();
  r.isa = (*exec)->isa();
  r.macs = graph.totalCost().macs;
  std::vector<std::vector<double>> layerMs(graph.nodes.size());
  for (int i = 0; i < options.loops; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    EQW_RETURN_IF_ERROR((*exec)->run(inputs));
    auto t1 = std::chrono::steady_clock::now();
    r.run_ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    if (options.per_layer) {
      const auto& ns = (*exec)->nodeTimesNs();
      for (size_t n = 0; n < ns.size(); ++n) layerMs[n].push_back(ns[n] * 1e-6);
    }
  }
  r.median_ms = median(r.run_ms);
  r.min_ms = *std::min_element(r.run_ms.begin(), r.run_ms.end());
  r.max_ms = *std::max_element(r.run_ms.begin(), r.run_ms.end());
  if (options.per_layer) {
    for (size_t n = 0; n < graph.nodes.size(); ++n) {
      LayerTiming lt;
      lt.node = static_cast<int>(n);
      lt.kernel = (*exec)->kernelName(static_cast<int>(n));
      lt.median_ms = median(layerMs[n]);
      lt.macs = graph.cost(static_cast<int>(n)).macs;
      r.layers.push_back(lt);
    }
  }
  return r;
}

double ScalingResult::medianMs(size_t count) const { return count < round_ms.size() ? median(round_ms[count]) : 0.0; }

double ScalingResult::pairedSpeedup(size_t count) const {
  if (count >= round_ms.size() || round_ms.empty()) return 0.0;
  std::vector<double> ratios;
  for (size_t r = 0; r < round_ms[count].size() && r < round_ms[0].size(); ++r)
    if (round_ms[count][r] > 0) ratios.push_back(round_ms[0][r] / round_ms[count][r]);
  return median(ratios);
}

Result<ScalingResult> benchmarkScaling(const Graph& graph, const BenchOptions& options, const std::vector<int>& threads,
                                       int rounds) {
  if (threads.empty()) return invalidArgument("no thread counts to compare");
  for (int t : threads)
    if (t < 1) return invalidArgument("thread count " + std::to_string(t) + " is not at least 1");
  if (rounds < 1) return invalidArgument("rounds must be at least 1");
  if (options.loops < 1) return invalidArgument("loops must be at least 1");
  std::vector<std::unique_ptr<Executor>> execs;
  for (int t : threads) {
    auto exec = Executor::create(graph, executorOptions(options, t));
    if (!exec) return exec.status();
    execs.push_back(std::move(*exec));
  }
  const std::vector<Tensor> inputs = randomInputs(graph, options.seed);
  for (auto& e : execs)
    for (int i = 0; i < options.warmup; ++i) EQW_RETURN_IF_ERROR(e->run(inputs));
  ScalingResult r;
  r.threads = threads;
  r.isa = execs[0]->isa();
  r.macs = graph.totalCost().macs;
  r.round_ms.assign(threads.size(), {});
  for (int round = 0; round < rounds; ++round)
    for (size_t c = 0; c < execs.size(); ++c) {
      EQW_RETURN_IF_ERROR(execs[c]->run(inputs));
      std::vector<double> ms;
      for (int i = 0; i < options.loops; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        EQW_RETURN_IF_ERROR(execs[c]->run(inputs));
        ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
      }
      r.round_ms[c].push_back(median(std::move(ms)));
    }
  return r;
}

Result<QuantSpec> benchmarkSpec(const Graph& graph, Precision precision, uint64_t seed) {
  // absmax of every value a quantizable layer reads, from one run.
  std::vector<float> absmax(graph.values.size(), 0.f);
  std::vector<bool> wanted(graph.values.size(), false);
  for (const Node& n : graph.nodes)
    if (isQuantizable(n) && !n.inputs.empty()) wanted[static_cast<size_t>(n.inputs[0])] = true;
  auto scan = [&](int value, const Tensor& t) {
    if (!wanted[static_cast<size_t>(value)]) return;
    TensorStats stats;
    accumulateRange(stats, t.f32(), t.numel());
    absmax[static_cast<size_t>(value)] = stats.absmax;
  };
  auto exec = Executor::create(graph, ExecutorOptions{});
  if (!exec) return exec.status();
  const std::vector<Tensor> inputs = randomInputs(graph, seed);
  for (size_t i = 0; i < graph.inputs.size(); ++i) scan(graph.inputs[i], inputs[i]);
  EQW_RETURN_IF_ERROR((*exec)->run(inputs, [&](int node, const std::vector<const Tensor*>& outs) {
    const Node& n = graph.nodes[static_cast<size_t>(node)];
    for (size_t i = 0; i < outs.size() && i < n.outputs.size(); ++i) scan(n.outputs[i], *outs[i]);
  }));
  QuantSpec spec;
  for (const Node& n : graph.nodes) {
    if (!isQuantizable(n) || n.inputs.empty()) continue;
    LayerQuant lq;
    lq.layer = n.name;
    lq.precision = precision;
    const float t = absmax[static_cast<size_t>(n.inputs[0])];
    lq.input = {t > 0.f && std::isfinite(t) ? t : 1.f, "max"};
    auto w = weightThresholds(n.weights[0], WeightMethod::Max, weightBits(precision),
                              static_cast<int>(weightScaleCount(n, Granularity::PerChannel)));
    if (!w) return w.status().withContext("layer '" + n.name + "'");
    lq.weight_thresholds = std::move(*w);
    lq.weight_method = "max";
    spec.layers.push_back(std::move(lq));
  }
  return spec;
}

}  // namespace eqw

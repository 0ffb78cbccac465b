// Latency measurement of a model, the numbers behind `eqw bench` (and the GUI's compare panel).
#pragma once

#include <eqw/cpu.h>
#include <eqw/graph.h>
#include <eqw/quant.h>
#include <eqw/status.h>

#include <cstdint>
#include <string>
#include <vector>

namespace eqw {

struct BenchOptions {
  int threads = 1;
  int warmup = 3;                // untimed runs first (page faults, caches, TBB start)
  int loops = 20;                // timed runs; the median is reported
  Isa isa = Isa::Avx512Vnni;     // cap; lowered to what the CPU allows
  bool per_layer = false;        // also time every layer (median over the loops)
  bool reference = false;        // scalar reference kernels
  bool fuse_residual = true;     // ExecutorOptions::fuse_residual (integer graphs)
  bool residual_twin = true;     // ExecutorOptions::residual_twin (integer graphs)
  uint64_t seed = 1;             // for the random input
};

struct LayerTiming {
  int node = -1;
  std::string kernel;            // kernel name that ran
  double median_ms = 0.0;
  int64_t macs = 0;
};

struct BenchResult {
  std::vector<double> run_ms;    // every timed run, in order
  double median_ms = 0.0, min_ms = 0.0, max_ms = 0.0;
  int threads = 1;
  Isa isa = Isa::Scalar;         // level the kernels ran at
  int64_t macs = 0;              // direct-algorithm MACs of one inference
  double gmacs() const { return median_ms > 0 ? macs / (median_ms * 1e6) : 0.0; }
  std::vector<LayerTiming> layers;  // with per_layer, in graph order
};

// Runs the model on a seeded random input (uniform [-1, 1]) and times whole inferences. Any graph
// the Executor runs: the FP32 graph, or an integerGraph() for INT8 / INT7 latency.
Result<BenchResult> benchmarkFp32(const Graph& graph, const BenchOptions& options);

// Thread scaling (`eqw bench --threads 1,2`): one executor per thread count, timed in alternating
// rounds so that every count sees the same machine state — on a shared host the speed drifts
// between minutes by more than the differences being measured. A round runs, for each count in
// turn, one untimed run (its caches after the other counts ran) and `loops` timed ones; options'
// `threads` and `per_layer` are not used, `warmup` runs once per count before the first round.
struct ScalingResult {
  std::vector<int> threads;                   // as asked
  std::vector<std::vector<double>> round_ms;  // [count][round]: that round's median run
  Isa isa = Isa::Scalar;
  int64_t macs = 0;
  double medianMs(size_t count) const;        // the median of the count's round medians
  // Round by round, the time of threads[0] over the time of threads[count]; the median of those
  // ratios (1 for count 0).
  double pairedSpeedup(size_t count) const;
};
Result<ScalingResult> benchmarkScaling(const Graph& graph, const BenchOptions& options, const std::vector<int>& threads,
                                       int rounds);

// A spec for timing when no table is given: every quantizable layer at `precision`, its input
// threshold the absmax seen in one FP32 run on the benchmark's random input (seed), per-channel
// max weight thresholds. Latency does not depend on the thresholds' quality; accuracy does, so
// this is for benchmarks only.
Result<QuantSpec> benchmarkSpec(const Graph& graph, Precision precision, uint64_t seed = 1);

double median(std::vector<double> values);

}  // namespace eqw

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

// A spec for timing when no table is given: every quantizable layer at `precision`, its input
// threshold the absmax seen in one FP32 run on the benchmark's random input (seed), per-channel
// max weight thresholds. Latency does not depend on the thresholds' quality; accuracy does, so
// this is for benchmarks only.
Result<QuantSpec> benchmarkSpec(const Graph& graph, Precision precision, uint64_t seed = 1);

double median(std::vector<double> values);

}  // namespace eqw

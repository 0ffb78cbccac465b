// Latency measurement of a model, the numbers behind `eqw bench` (and the GUI's compare panel).
#pragma once

#include <eqw/cpu.h>
#include <eqw/graph.h>
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

// Runs the model on a seeded random input (uniform [-1, 1]) and times whole inferences.
Result<BenchResult> benchmarkFp32(const Graph& graph, const BenchOptions& options);

double median(std::vector<double> values);

}  // namespace eqw

// LayerProbe: one quantizable layer's isolated error at any input threshold, fast enough to
// follow a dragged threshold in the GUI. The FP32 network runs once, keeping the layer's FP32
// inputs and outputs for a few images; each metrics() call then runs only that layer, its input
// put on the threshold's grid and its weights on the spec's grid (or on given weight thresholds).
// The metrics are eqw/eval.h's isolated per-layer ones: at the spec's own threshold they equal
// evaluate()'s LayerEval::isolated for the same images.
#pragma once

#include <eqw/cpu.h>
#include <eqw/data.h>
#include <eqw/eval.h>
#include <eqw/graph.h>
#include <eqw/quant.h>
#include <eqw/status.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace eqw {

using LayerMetrics = ErrorMetrics;

struct ProbeOptions {
  int64_t max_images = 16;        // the first loadable images of the dataset (> 0)
  int threads = 1;                // kernel threads (<= 0: all hardware threads)
  Isa isa = Isa::Avx512Vnni;      // highest kernel level, lowered to what the CPU allows (as evaluate)
};

// Threads: one thread at a time per probe (metrics() reuses its buffers); a probe does not refer
// to the graph, spec or dataset it was made from.
class LayerProbe {
 public:
  // `canonical`: the canonicalized, shape-inferred graph the spec was made for. Errors name the
  // layer: NotFound (no such node), InvalidArgument (not quantizable, FP32 or weight-only in the
  // spec, absent from the spec, no image loaded, bad preprocessing), Unsupported (not one graph
  // input). Images that fail to load are skipped with a Warning in diagnostics.
  static Result<LayerProbe> create(const Graph& canonical, const QuantSpec& spec, const std::string& layer,
                                   const Dataset& dataset, const Preprocess& preprocess, const ProbeOptions& options,
                                   Diagnostics& diagnostics);

  LayerProbe(LayerProbe&&) noexcept;
  LayerProbe& operator=(LayerProbe&&) noexcept;
  ~LayerProbe();

  const std::string& layer() const;
  const LayerQuant& quant() const;       // the layer's entry of the spec
  float specThreshold() const;           // quant().input.value
  int64_t images() const;                // images kept

  // The layer's isolated metrics with its input clipped at inputThreshold (weights as in the
  // spec). InvalidArgument naming the layer for a NaN, infinite or <= 0 threshold.
  Result<LayerMetrics> metrics(float inputThreshold);
  // Same with the weights on these thresholds (as many as the spec's weight_thresholds).
  Result<LayerMetrics> metrics(float inputThreshold, const std::vector<float>& weightThresholds);

 private:
  struct Impl;
  explicit LayerProbe(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace eqw

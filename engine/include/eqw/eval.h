// Evaluation of quantization specs against the FP32 network: task metrics (top-1 / top-5,
// agreement with FP32's top-1, output cosine) and per-layer error metrics, both cumulative (the
// whole network quantized) and isolated (only this layer quantized, FP32 inputs), so a user sees
// which layer causes a drop and which only inherits it.
#pragma once

#include <eqw/cpu.h>
#include <eqw/data.h>
#include <eqw/graph.h>
#include <eqw/quant.h>
#include <eqw/status.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace eqw {

// ---------------------------------------------------------------- metrics

// Bins of the |x| histograms behind the KL metric.
inline constexpr int kEvalHistogramBins = 2048;

// Error of a quantized tensor q against its FP32 reference r, over one or more images.
struct ErrorMetrics {
  int64_t images = 0;
  double cosine = 1.0;     // mean over images of r.q / (|r| |q|) (EasyQuant's objective)
  double sqnr_db = 0.0;    // 10 log10(sum r^2 / sum (r - q)^2) over all images; +inf when equal
  double mse = 0.0;        // mean over images of the per-image mean squared error
  double max_abs = 0.0;    // largest |r - q| seen
  double kl = 0.0;         // KL(P || Q) of the |r| and |q| histograms (see MetricAccumulator)
};

// Streams one tensor pair per image into fixed-size state: memory does not grow with images.
// KL follows ncnn's / MQBench's per-layer analysis: P and Q are the histograms of |r| and |q| over
// one shared range [0, R] in 2048 bins, summed over images and normalised to 1; KL = sum p log(p/q)
// over bins with p > 0, a q of 0 there counting as 1e-10 (so the value stays finite). R starts
// at the first non-zero image's max(|r|, |q|) and doubles (bins merged pairwise) whenever a later
// image exceeds it, so the summed histograms equal binning all images over the final R.
// With fewer elements than bins (logits: 10 values an image) the histograms are sparse and KL
// mostly measures bin jitter; read cosine / SQNR there.
// Degenerate cosines: both vectors zero -> 1, exactly one zero -> 0.
class MetricAccumulator {
 public:
  void add(const float* ref, const float* quant, int64_t n);
  ErrorMetrics result() const;
  int64_t images() const { return images_; }

 private:
  void growRange(double needed);

  int64_t images_ = 0;
  double cosine_sum_ = 0.0, signal_ = 0.0, noise_ = 0.0, mse_sum_ = 0.0, max_abs_ = 0.0;
  double range_ = 0.0;                 // R; 0 until a non-zero value was seen
  std::vector<double> hist_ref_, hist_quant_;
};

// The metrics of a single pair (one image).
ErrorMetrics compareTensors(const float* ref, const float* quant, int64_t n);

// ---------------------------------------------------------------- evaluation

// A quantization spec to evaluate under a name ("int8", "int7").
struct EvalVariant {
  std::string name;
  QuantSpec spec;
  // false: the fake-quant graph (quantize-dequantize in float); true: the integer engine
  // (integerGraph: int8 / int7 inputs and weights, int32 sums). Isolated per-layer metrics use
  // the fake-quant layer either way.
  bool integer = false;
};

struct EvalOptions {
  int threads = 1;                  // executor threads (ExecutorOptions::threads)
  Isa isa = Isa::Avx512Vnni;        // highest kernel level, lowered to what the CPU allows
  bool per_layer = false;           // cumulative and isolated metrics for every quantizable layer
  int64_t max_images = 0;           // evaluate at most this many loadable images; 0: all
  int top_k = 5;                    // the "top-5" of the report
};

// One quantizable layer's output compared with FP32.
struct LayerEval {
  std::string layer;                // node name
  int node = -1;                    // node index in the canonical graph
  int value = -1;                   // its output value id
  std::string precision;            // the variant's precision for this layer ("int8", "fp32"...)
  bool quantized = false;           // weights or input on a grid in this variant
  ErrorMetrics cumulative;          // the variant's whole network vs FP32
  ErrorMetrics isolated;            // only this layer quantized; exact (cosine 1) when !quantized
};

struct VariantEval {
  std::string name;
  int64_t images = 0;
  int64_t labelled = 0;
  std::optional<double> top1, top5;  // with labels only
  double agreement = 0.0;            // share of images whose top-1 equals FP32's top-1
  ErrorMetrics output;               // the first graph output vs FP32's (output.cosine: mean per image)
  std::vector<LayerEval> layers;     // graph order; empty unless per_layer
};

struct EvalReport {
  std::string model;
  int64_t images = 0;                // images that were evaluated (skipped ones not counted)
  int64_t labelled = 0;
  std::optional<double> fp32_top1, fp32_top5;
  std::vector<VariantEval> variants;
};

// Progress: images done and total; returning false cancels (evaluate returns Cancelled).
using EvalProgress = std::function<bool(int64_t done, int64_t total)>;

// Runs FP32 (the reference) and each variant's fake-quant graph over the dataset. `canonical`
// must be the canonicalized, validated, shape-inferred graph the specs were made for.
// Isolated metrics run each quantized layer's kernel once per image on its FP32 input, put on
// the layer's input grid, with the layer's quantized weights; the kernels are made once.
// Errors: Unsupported (not exactly one graph input), InvalidArgument (a spec that does not fit
// the graph, names given twice, no image could be loaded, bad preprocessing), Cancelled.
// Images that fail to load are skipped with a Warning in diagnostics.
Result<EvalReport> evaluate(const Graph& canonical, const std::vector<EvalVariant>& variants, const Dataset& dataset,
                            const Preprocess& preprocess, const EvalOptions& options, const EvalProgress& progress,
                            Diagnostics& diagnostics);

enum class RankBy { Isolated, Cumulative };

// The n layers with the lowest cosine (ties: lower SQNR first). Isolated ranking considers only
// quantized layers (the others have no error of their own).
std::vector<LayerEval> worstLayers(const VariantEval& variant, RankBy by, size_t n);

}  // namespace eqw

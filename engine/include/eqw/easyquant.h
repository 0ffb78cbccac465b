// EasyQuant (deepglint/EasyQuant, arXiv 2006.16669; ALGORITHMS.md §2): refines a calibrated
// spec layer by layer, alternating an exhaustive search of each weight scale (per output channel,
// per group or per tensor) and of the input scale, maximising the mean cosine similarity between
// the layer's FP32 output and its quantized output over a few images. Only the one layer is
// recomputed per candidate, on cached inputs — never the whole network.
//
// Memory: the N preprocessed images; the N inputs and N FP32 outputs of the layer being refined
// (isolated inputs: of the next layers too, as many as fit in 1 GiB, captured in one FP32 pass);
// per worker one sub-layer (at most 16 MB of weights, 4 MB of outputs) and its scratch; and the
// weight search's N x candidates x scale-slots partial sums (doubles, two per entry).
#pragma once

#include <eqw/calib.h>
#include <eqw/data.h>
#include <eqw/graph.h>
#include <eqw/quant.h>
#include <eqw/status.h>

#include <string>
#include <vector>

namespace eqw {

// Where a layer's input comes from during its search.
enum class EasyQuantInput {
  Isolated,    // the FP32 network's input to the layer
  Sequential,  // the fake-quant network's input, the layers before it already refined (deployment)
};
const char* toString(EasyQuantInput mode);  // "isolated", "sequential"

struct EasyQuantOptions {
  int images = 50;                 // first N loadable images of the dataset
  int candidates = 100;            // scales per search, evenly spaced over [range_lo, range_hi] x start
  double range_lo = 0.5;           // factors on the start scale (scale = qmax / threshold);
  double range_hi = 2.0;           //   the start scale itself is always one of the candidates
  int max_rounds = 3;              // weight/activation alternations per layer
  double min_improvement = 1e-6;   // stop alternating when a round gains no more than this
  EasyQuantInput input = EasyQuantInput::Isolated;
  int threads = 1;                 // <= 0: all hardware threads
  // Candidates of Convolution / InnerProduct layers run on the integer engine's kernels
  // (eqw/integer.h: int8 / int7 data, int32 sums) where the CPU has fast ones (AVX2 and up), several
  // times faster than float layers. The objective then is the integer engine's, which differs from
  // the fake-quant executor's only in float rounding. false: always fake-quantized float layers.
  bool integer_kernels = true;
};

// One alternation: the objective (mean cosine over the images) after each phase.
struct EasyQuantRound {
  double start = 0.0;              // before the round
  double after_weights = 0.0;      // weight scales searched, input scale fixed
  double after_activation = 0.0;   // input scale searched, weights fixed
};

// A search's candidates and the objective each gives (for the GUI's plot).
struct EasyQuantCurve {
  std::vector<float> scales;       // candidate scales, ascending
  std::vector<double> objective;   // mean cosine at each
};

struct EasyQuantLayer {
  std::string layer;               // node name
  int bits = 0;                    // activation bits searched (8 or 7)
  int weight_bits = 0;             // weight grid searched: effectiveWeightBits (6 on ncnn's Winograd layers)
  double before = 0.0;             // objective with the start spec's thresholds (same input mode)
  double after = 0.0;              // objective with the refined thresholds
  std::vector<EasyQuantRound> rounds;
  double weights_before = 0.0;     // objective before / after the last weight search
  double weights_after = 0.0;
  EasyQuantCurve activation_curve; // the last input-scale search
  double seconds = 0.0;            // wall time spent on this layer (caching included)
  bool integer = false;            // its candidates ran on the integer kernels (integer_kernels)
};

struct EasyQuantResult {
  QuantSpec spec;                  // the start spec with searched layers' thresholds replaced (method "eq")
  std::vector<EasyQuantLayer> layers;  // searched layers in topological order
  int64_t images = 0;              // images used
  EasyQuantInput input = EasyQuantInput::Isolated;
  double seconds = 0.0;            // whole run
};

// Refines `start` on `canonical` (a validated, shape-inferred graph with one input, usually
// canonicalized). Only layers whose precision quantizes the input (Int8 / Int7) are searched, with
// the spec's bit widths (weights on effectiveWeightBits' grid), granularity and signedness; other layers are copied unchanged. Progress
// stages: "images" (loading), then "easyquant" (done = layers finished, total = layers searched);
// returning false cancels (StatusCode::Cancelled). Errors: InvalidArgument (bad options, an
// invalid start spec, no image could be loaded, no layer to search), Unsupported (not exactly
// one graph input). Images that fail to load are skipped with a Warning in diagnostics.
Result<EasyQuantResult> refineEasyQuant(const Graph& canonical, const QuantSpec& start, const Dataset& dataset,
                                        const Preprocess& preprocess, const EasyQuantOptions& options,
                                        const CalibProgress& progress, Diagnostics& diagnostics);

}  // namespace eqw

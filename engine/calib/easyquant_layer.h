// EasyQuant internals (eqw/easyquant.h): one layer's search problem on cached inputs.
#pragma once

#include <eqw/cpu.h>
#include <eqw/easyquant.h>
#include <eqw/data.h>
#include <eqw/graph.h>
#include <eqw/runtime.h>
#include <eqw/status.h>
#include <eqw/tensor.h>

#include "core/parallel.h"
#include "kernels/kernel.h"

#include <vector>

namespace eqw::easyquant {

// Candidate thresholds around a start threshold T0: scale factors f_k evenly spaced over
// [range_lo, range_hi], T_k = T0 / f_k (so scales ascend, thresholds descend). The candidate
// nearest f = 1 is T0 itself, bit for bit: the start is always searchable, so a search never
// ends worse than it began.
struct Candidates {
  std::vector<float> thresholds;
  int start = 0;  // index of T0
};
Candidates makeCandidates(float t0, const EasyQuantOptions& options);

// Cosine from partial sums: dot = <O, Ô>, oo = |O|^2, nn = |Ô|^2. Two zero vectors agree (1).
double cosineFromSums(double dot, double oo, double nn);

// Adds <o, y> to dot and |y|^2 to nn over n elements.
void dotAndNorm(const float* o, const float* y, int64_t n, double& dot, double& nn);

struct LayerCase;

// One layer on its grids, for a fixed input shape: `node` keeps its FP32 weights and gets one
// threshold per output row (rowThresholds) and the input threshold. On the integer path
// (LayerCase::integer) the node carries a NodeQuant and runs on an integer kernel, which quantizes
// the input itself; on the float path its weights are put on their grids here and run() fake-quantizes
// the input first. Either way run() takes the raw float input. Not thread-safe: each worker makes
// its own.
class LayerRunner {
 public:
  static Result<LayerRunner> make(const LayerCase& lc, const Node& node, const Shape& inShape,
                                  const std::vector<float>& rowThresholds, float inputThreshold);
  Status run(const Tensor& input);
  const Tensor& output() const { return out_; }

 private:
  kernels::KernelPtr kernel_;
  Tensor out_;
  Tensor xq_;                 // float path: the fake-quantized input
  float input_threshold_ = 0.f;
  int input_qmax_ = 127;
  bool unsigned_input_ = false;
  bool integer_ = false;
};

// The search problem of one layer: the node (FP32 weights), its N cached inputs X_i and FP32
// outputs O_i, and its grids.
struct LayerCase {
  const Node* node = nullptr;
  Shape in_shape;
  const std::vector<Tensor>* inputs = nullptr;
  const std::vector<Tensor>* outputs = nullptr;
  std::vector<double> out_norm2;      // |O_i|^2
  int bits = 8;                       // input bits (8 or 7)
  int weight_qmax = 127;
  int input_qmax = 127;
  bool unsigned_input = false;
  const ThreadPool* pool = nullptr;   // workers for candidates / scale slots
  Isa isa = Isa::Scalar;
  bool integer = false;               // candidates run on integer kernels (integerRuns)
};

// Whether the layer's searches can run on fast integer kernels at this ISA: the whole layer (the
// input search) and its one-slot sub-layers (the weight search: group-1 convolutions or fully
// connected layers). False for other op kinds and where only the scalar integer reference exists.
bool integerRuns(const Node& node, const Shape& inShape, int bits, bool unsignedInput, int weightQmax, Isa isa);

// Per-slot thresholds (1, groups or O of them, as in fakeQuantWeights) spread to one per output row.
std::vector<float> rowThresholds(const std::vector<float>& slotThresholds, int64_t outputs);

// A row of `per` weights on the grid of one threshold, into out (fakeQuantWeights' arithmetic).
void quantizeRow(const float* w, int64_t per, float threshold, int qmax, float* out);
// The input on the grid of threshold T: scale = qmax / T (inputGrid's arithmetic).
void quantizeInput(const Tensor& x, float threshold, int qmax, bool isUnsigned, Tensor& out);

// Mean over the images of cos(O_i, layer(X_i)) with the weights on the per-slot thresholds' grids
// and the input on inputThreshold's.
Result<double> evaluate(const LayerCase& lc, const std::vector<float>& weightThresholds, float inputThreshold);
// The objective for each input threshold candidate, in parallel over candidates.
Result<std::vector<double>> inputCurve(const LayerCase& lc, const std::vector<float>& weightThresholds,
                                       const std::vector<float>& thresholds);

// Weight phase: the input grid fixed at inputThreshold, each scale slot's threshold searched over
// its candidates, slot after slot, updating only that slot's share of the per-image partial sums.
// current: each slot's candidate index, updated in place to the chosen ones.
Status searchWeights(const LayerCase& lc, const std::vector<Candidates>& slots, float inputThreshold,
                     std::vector<int>& current);

// ---------------------------------------------------------------- caching (easyquant_cache.cpp)

// The first `count` images of the dataset that load (skipped ones are Warnings). Cancelled when
// progress("images", ...) returns false; InvalidArgument when none loads.
Result<std::vector<Tensor>> loadImages(const Dataset& dataset, const Preprocess& preprocess, int count,
                                       const CalibProgress& progress, Diagnostics& diagnostics);

// Runs the executor on each image and keeps a copy of each listed value (graph inputs are the
// image itself): out[v][i] is value values[v] for image i.
Status captureValues(Executor& executor, const std::vector<Tensor>& images, const std::vector<int>& values,
                     std::vector<std::vector<Tensor>>& out);

}  // namespace eqw::easyquant

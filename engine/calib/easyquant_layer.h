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

// One layer's kernel on a fixed input shape, with its own output buffer (not thread-safe:
// each worker makes its own).
class LayerRunner {
 public:
  static Result<LayerRunner> make(const Node& node, const Shape& inShape, Isa isa);
  Status run(const Tensor& input);
  const Tensor& output() const { return out_; }

 private:
  kernels::KernelPtr kernel_;
  Tensor out_;
};

// The search problem of one layer: the node (FP32 weights), its N cached inputs X_i and FP32
// outputs O_i, and its grids.
struct LayerCase {
  const Node* node = nullptr;
  Shape in_shape;
  const std::vector<Tensor>* inputs = nullptr;
  const std::vector<Tensor>* outputs = nullptr;
  std::vector<double> out_norm2;      // |O_i|^2
  int weight_qmax = 127;
  int input_qmax = 127;
  bool unsigned_input = false;
  const ThreadPool* pool = nullptr;   // workers for candidates / scale slots
  Isa isa = Isa::Scalar;
};

// Weights [O, ...] on the grid of per-slot thresholds (slots: 1, groups or O, as in
// fakeQuantWeights, with the same float arithmetic so the spec reproduces the objective).
Tensor quantizeWeights(const Tensor& weights, const std::vector<float>& thresholds, int qmax);
// A row of `per` weights on the grid of one threshold, into out.
void quantizeRow(const float* w, int64_t per, float threshold, int qmax, float* out);
// The input on the grid of threshold T: scale = qmax / T (inputGrid's arithmetic).
void quantizeInput(const Tensor& x, float threshold, int qmax, bool isUnsigned, Tensor& out);

// Mean over the images of cos(O_i, layer(fq(X_i), wq)).
Result<double> evaluate(const LayerCase& lc, const Tensor& wq, float inputThreshold);
// The objective for each input threshold candidate, in parallel over candidates.
Result<std::vector<double>> inputCurve(const LayerCase& lc, const Tensor& wq, const std::vector<float>& thresholds);

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

// EasyQuant: candidates, grids and the layer objective on cached inputs (easyquant_layer.h).
#include "calib/easyquant_layer.h"

#include <algorithm>
#include <cmath>

namespace eqw::easyquant {

Candidates makeCandidates(float t0, const EasyQuantOptions& options) {
  Candidates c;
  const int k = std::max(options.candidates, 1);
  c.thresholds.resize(static_cast<size_t>(k));
  double nearest = 1e300;
  for (int i = 0; i < k; ++i) {
    const double f = k == 1 ? 1.0 : options.range_lo + (options.range_hi - options.range_lo) * i / (k - 1);
    c.thresholds[static_cast<size_t>(i)] = static_cast<float>(t0 / f);
    if (std::abs(f - 1.0) < nearest) nearest = std::abs(f - 1.0), c.start = i;
  }
  c.thresholds[static_cast<size_t>(c.start)] = t0;
  return c;
}

double cosineFromSums(double dot, double oo, double nn) {
  if (oo <= 0.0 && nn <= 0.0) return 1.0;
  if (oo <= 0.0 || nn <= 0.0) return 0.0;
  return dot / std::sqrt(oo * nn);
}

Result<LayerRunner> LayerRunner::make(const Node& node, const Shape& inShape, Isa isa) {
  Node probe = node;
  std::vector<Shape> outShapes;
  EQW_RETURN_IF_ERROR(inferNodeShapes(probe, {inShape}, outShapes));
  if (outShapes.size() != 1) return internalError("layer '" + node.name + "': expected one output");
  auto k = kernels::makeKernel(probe, {inShape}, outShapes, isa);
  if (!k) return k.status();
  LayerRunner r;
  r.kernel_ = std::move(k.value());
  r.out_ = Tensor(outShapes[0]);
  return r;
}

Status LayerRunner::run(const Tensor& input) {
  return kernel_->run({&input}, {&out_}, kernels::ExecContext{});
}

namespace {

// The two hot loops of the search, built for AVX2 too (chosen at load time, as the kernels are):
// fixed-size inner blocks let GCC's -O2 vectorizer take them without a runtime trip count.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define EQW_EQ_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define EQW_EQ_CLONES
#endif
constexpr int64_t kBlock = 16;

inline float fakeQuantFast(float x, float scale, float lo, float hi) {
  float v = x * scale;
  v = v < lo ? lo : v > hi ? hi : v;
  const int t = static_cast<int>(v);
  const float f = v - static_cast<float>(t);
  return static_cast<float>(t + (f >= 0.5f) - (f <= -0.5f)) / scale;
}

// fakeQuantValue over an array without the libm call of std::round: clamping before rounding
// gives the same result because the bounds are integers, and once |v| <= qmax the integer part
// plus the half-away rule on the fraction is std::round exactly.
EQW_EQ_CLONES void fakeQuantArray(const float* __restrict x, int64_t n, float scale, int qmaxValue, bool isUnsigned,
                                  float* __restrict out) {
  const float hi = static_cast<float>(qmaxValue), lo = isUnsigned ? 0.f : -hi;
  int64_t i = 0;
  for (; i + kBlock <= n; i += kBlock)
    for (int64_t j = 0; j < kBlock; ++j) out[i + j] = fakeQuantFast(x[i + j], scale, lo, hi);
  for (; i < n; ++i) out[i] = fakeQuantFast(x[i], scale, lo, hi);
}

}  // namespace

EQW_EQ_CLONES void dotAndNorm(const float* o, const float* y, int64_t n, double& dot, double& nn) {
  // Float lanes over 16-element blocks, folded into double every few blocks: vectorizes without
  // reassociating one long sum, and keeps double accuracy over large outputs.
  constexpr int kFold = 4;
  double d[kBlock] = {}, q[kBlock] = {};
  float fd[kBlock] = {}, fq[kBlock] = {};
  int64_t i = 0;
  for (int blocks = 1; i + kBlock <= n; i += kBlock, ++blocks) {
    for (int64_t j = 0; j < kBlock; ++j) {
      const float b = y[i + j];
      fd[j] += o[i + j] * b;
      fq[j] += b * b;
    }
    if (blocks % kFold == 0 || i + 2 * kBlock > n)
      for (int64_t j = 0; j < kBlock; ++j) d[j] += fd[j], q[j] += fq[j], fd[j] = 0.f, fq[j] = 0.f;
  }
  for (; i < n; ++i) d[0] += double(o[i]) * y[i], q[0] += double(y[i]) * y[i];
  double sd = 0.0, sq = 0.0;  // locals: the references may alias, so summing into them stores every step
  for (int64_t j = 0; j < kBlock; ++j) sd += d[j], sq += q[j];
  dot += sd;
  nn += sq;
}

void quantizeRow(const float* w, int64_t per, float threshold, int qmax, float* out) {
  const float scale = static_cast<float>(qmax / static_cast<double>(threshold));
  fakeQuantArray(w, per, scale, qmax, false, out);
}

Tensor quantizeWeights(const Tensor& weights, const std::vector<float>& thresholds, int qmax) {
  Tensor out = weights.clone();
  const int64_t outputs = weights.shape()[0], per = weights.numel() / outputs;
  const int64_t count = static_cast<int64_t>(thresholds.size());
  for (int64_t o = 0; o < outputs; ++o) {
    const int64_t slot = count == 1 ? 0 : count == outputs ? o : o / (outputs / count);
    quantizeRow(weights.f32() + o * per, per, thresholds[static_cast<size_t>(slot)], qmax, out.f32() + o * per);
  }
  return out;
}

void quantizeInput(const Tensor& x, float threshold, int qmax, bool isUnsigned, Tensor& out) {
  const float scale = static_cast<float>(qmax / static_cast<double>(threshold));
  fakeQuantArray(x.f32(), x.numel(), scale, qmax, isUnsigned, out.f32());
}

namespace {

Node withWeights(const Node& node, const Tensor& wq) {
  Node n = node;
  n.weights[0] = wq;
  return n;
}

double cosine(const Tensor& o, const Tensor& y, double oo) {
  double dot = 0.0, nn = 0.0;
  dotAndNorm(o.f32(), y.f32(), o.numel(), dot, nn);
  return cosineFromSums(dot, oo, nn);
}

// Mean cosine of one runner over every image at one input threshold; xq is scratch.
Result<double> meanCosine(const LayerCase& lc, LayerRunner& runner, float threshold, Tensor& xq) {
  double sum = 0.0;
  const size_t n = lc.inputs->size();
  for (size_t i = 0; i < n; ++i) {
    quantizeInput((*lc.inputs)[i], threshold, lc.input_qmax, lc.unsigned_input, xq);
    EQW_RETURN_IF_ERROR(runner.run(xq));
    sum += cosine((*lc.outputs)[i], runner.output(), lc.out_norm2[i]);
  }
  return n ? sum / static_cast<double>(n) : 0.0;
}

}  // namespace

Result<double> evaluate(const LayerCase& lc, const Tensor& wq, float inputThreshold) {
  auto runner = LayerRunner::make(withWeights(*lc.node, wq), lc.in_shape, lc.isa);
  if (!runner) return runner.status();
  Tensor xq(lc.in_shape);
  return meanCosine(lc, *runner, inputThreshold, xq);
}

Result<std::vector<double>> inputCurve(const LayerCase& lc, const Tensor& wq, const std::vector<float>& thresholds) {
  const Node node = withWeights(*lc.node, wq);
  std::vector<double> values(thresholds.size(), 0.0);
  std::vector<Status> errors(thresholds.size());
  // One runner per range: kernels keep scratch, so workers never share one.
  parallelFor(lc.pool, static_cast<int64_t>(thresholds.size()), 1, [&](int64_t b, int64_t e) {
    auto runner = LayerRunner::make(node, lc.in_shape, lc.isa);
    if (!runner) {
      errors[static_cast<size_t>(b)] = runner.status();
      return;
    }
    Tensor xq(lc.in_shape);
    for (int64_t k = b; k < e; ++k) {
      auto v = meanCosine(lc, *runner, thresholds[static_cast<size_t>(k)], xq);
      if (!v) {
        errors[static_cast<size_t>(k)] = v.status();
        return;
      }
      values[static_cast<size_t>(k)] = *v;
    }
  });
  for (const Status& s : errors) EQW_RETURN_IF_ERROR(s);
  return values;
}

}  // namespace eqw::easyquant

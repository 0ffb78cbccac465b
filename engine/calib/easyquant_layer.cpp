// EasyQuant: candidates, grids and the layer objective on cached inputs (easyquant_layer.h).
#include "calib/easyquant_layer.h"

#include "kernels/int8/q8_kernels.h"

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

namespace {

// The integer kernels' view of a layer on its grids (integerGraph's arithmetic: scale = qmax / T).
NodeQuant nodeQuant(int bits, bool unsignedInput, int inputQmax, float inputThreshold, int weightQmax,
                    const std::vector<float>& rowThresholds) {
  NodeQuant q;
  q.bits = bits;
  q.unsigned_input = unsignedInput;
  q.input_scale = static_cast<float>(inputQmax / static_cast<double>(inputThreshold));
  q.weight_qmax = weightQmax;
  for (float t : rowThresholds) q.weight_scales.push_back(static_cast<float>(weightQmax / static_cast<double>(t)));
  return q;
}

// A fast integer kernel for `node` at this ISA, or null when only the scalar reference exists.
Result<kernels::KernelPtr> fastInteger(const Node& node, const Shape& inShape, Isa isa) {
  Node probe = node;
  std::vector<Shape> outShapes;
  EQW_RETURN_IF_ERROR(inferNodeShapes(probe, {inShape}, outShapes));
  auto resolved = kernels::resolveNode(node, {inShape}, outShapes);
  if (!resolved) return resolved.status();
  return kernels::q8::makeQ8Fast(*resolved, {inShape}, outShapes, isa);
}

}  // namespace

bool integerRuns(const Node& node, const Shape& inShape, int bits, bool unsignedInput, int weightQmax, Isa isa) {
  if (node.kind != OpKind::Convolution && node.kind != OpKind::InnerProduct) return false;
  if (node.inputs.size() != 1 || node.weights.empty() || node.weights[0].shape().empty()) return false;
  const int64_t outputs = node.weights[0].shape()[0];
  const int inputQmax = unsignedInput ? (1 << bits) - 1 : (1 << (bits - 1)) - 1;
  Node n = node;
  n.quant = nodeQuant(bits, unsignedInput, inputQmax, 1.f, weightQmax, std::vector<float>(static_cast<size_t>(outputs), 1.f));
  auto whole = fastInteger(n, inShape, isa);
  if (!whole || !*whole) return false;
  // The weight search's sub-layers of a grouped convolution are group-1 convolutions on the packed GEMM.
  return node.kind != OpKind::Convolution || kernels::q8::q8GemmTile(isa, bits, weightQmax).fn != nullptr;
}

std::vector<float> rowThresholds(const std::vector<float>& slotThresholds, int64_t outputs) {
  std::vector<float> rows(static_cast<size_t>(outputs));
  const int64_t count = static_cast<int64_t>(slotThresholds.size());
  for (int64_t o = 0; o < outputs; ++o) {
    const int64_t slot = count == 1 ? 0 : count == outputs ? o : o / (outputs / count);
    rows[static_cast<size_t>(o)] = slotThresholds[static_cast<size_t>(slot)];
  }
  return rows;
}

Result<LayerRunner> LayerRunner::make(const LayerCase& lc, const Node& node, const Shape& inShape,
                                      const std::vector<float>& rows, float inputThreshold) {
  Node n = node;
  const Tensor& w = node.weights[0];
  const int64_t outputs = w.shape()[0], per = w.numel() / outputs;
  if (static_cast<int64_t>(rows.size()) != outputs)
    return internalError("layer '" + node.name + "': " + std::to_string(rows.size()) + " row thresholds for " +
                         std::to_string(outputs) + " rows");
  LayerRunner r;
  r.integer_ = lc.integer;
  r.input_threshold_ = inputThreshold;
  r.input_qmax_ = lc.input_qmax;
  r.unsigned_input_ = lc.unsigned_input;
  if (r.integer_) {
    n.quant = nodeQuant(lc.bits, lc.unsigned_input, lc.input_qmax,
                        inputThreshold, lc.weight_qmax, rows);
  } else {
    Tensor wq(w.shape());
    for (int64_t o = 0; o < outputs; ++o)
      quantizeRow(w.f32() + o * per, per, rows[static_cast<size_t>(o)], lc.weight_qmax, wq.f32() + o * per);
    n.weights[0] = wq;
    r.xq_ = Tensor(inShape);
  }
  std::vector<Shape> outShapes;
  Node probe = n;
  EQW_RETURN_IF_ERROR(inferNodeShapes(probe, {inShape}, outShapes));
  if (outShapes.size() != 1) return internalError("layer '" + node.name + "': expected one output");
  auto k = kernels::makeKernel(probe, {inShape}, outShapes, lc.isa);
  if (!k) return k.status();
  r.kernel_ = std::move(k.value());
  r.out_ = Tensor(outShapes[0]);
  return r;
}

Status LayerRunner::run(const Tensor& input) {
  if (integer_) return kernel_->run({&input}, {&out_}, kernels::ExecContext{});
  quantizeInput(input, input_threshold_, input_qmax_, unsigned_input_, xq_);
  return kernel_->run({&xq_}, {&out_}, kernels::ExecContext{});
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

void quantizeInput(const Tensor& x, float threshold, int qmax, bool isUnsigned, Tensor& out) {
  const float scale = static_cast<float>(qmax / static_cast<double>(threshold));
  fakeQuantArray(x.f32(), x.numel(), scale, qmax, isUnsigned, out.f32());
}

namespace {

double cosine(const Tensor& o, const Tensor& y, double oo) {
  double dot = 0.0, nn = 0.0;
  dotAndNorm(o.f32(), y.f32(), o.numel(), dot, nn);
  return cosineFromSums(dot, oo, nn);
}

// Mean cosine of one runner over every image.
Result<double> meanCosine(const LayerCase& lc, LayerRunner& runner) {
  double sum = 0.0;
  const size_t n = lc.inputs->size();
  for (size_t i = 0; i < n; ++i) {
    EQW_RETURN_IF_ERROR(runner.run((*lc.inputs)[i]));
    sum += cosine((*lc.outputs)[i], runner.output(), lc.out_norm2[i]);
  }
  return n ? sum / static_cast<double>(n) : 0.0;
}

}  // namespace

Result<double> evaluate(const LayerCase& lc, const std::vector<float>& weightThresholds, float inputThreshold) {
  const std::vector<float> rows = rowThresholds(weightThresholds, lc.node->weights[0].shape()[0]);
  auto runner = LayerRunner::make(lc, *lc.node, lc.in_shape, rows, inputThreshold);
  if (!runner) return runner.status();
  return meanCosine(lc, *runner);
}

Result<std::vector<double>> inputCurve(const LayerCase& lc, const std::vector<float>& weightThresholds,
                                       const std::vector<float>& thresholds) {
  const std::vector<float> rows = rowThresholds(weightThresholds, lc.node->weights[0].shape()[0]);
  std::vector<double> values(thresholds.size(), 0.0);
  std::vector<Status> errors(thresholds.size());
  // One runner per candidate (the input grid is part of an integer kernel); workers never share one.
  parallelFor(lc.pool, static_cast<int64_t>(thresholds.size()), 1, [&](int64_t b, int64_t e) {
    for (int64_t k = b; k < e; ++k) {
      auto runner = LayerRunner::make(lc, *lc.node, lc.in_shape, rows, thresholds[static_cast<size_t>(k)]);
      if (!runner) {
        errors[static_cast<size_t>(k)] = runner.status();
        return;
      }
      auto v = meanCosine(lc, *runner);
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

// LayerProbe (eqw/probe.h): the FP32 network once, then only one layer per threshold.
#include <eqw/probe.h>

#include <eqw/fakequant.h>
#include <eqw/runtime.h>

#include <algorithm>
#include <cmath>
#include <new>

#include "core/parallel.h"
#include "kernels/kernel.h"

namespace eqw {

struct LayerProbe::Impl {
  explicit Impl(int threads) : pool(threads) {}

  std::string layer;
  Node node;                                  // the canonical node (FP32 weights)
  LayerQuant lq;
  std::vector<Shape> inShapes, outShapes;
  Isa isa = Isa::Scalar;
  ThreadPool pool;
  // Per image: the node's FP32 inputs and its FP32 first output (the reference).
  std::vector<std::vector<Tensor>> inputs;
  std::vector<Tensor> reference;
  kernels::KernelPtr kernel;                  // on the spec's weights
  Tensor quantInput;                          // the first input on the probed grid
  std::vector<Tensor> outputs;

  std::string where() const { return "probe of layer '" + layer + "'"; }
  Result<kernels::KernelPtr> makeKernel(const LayerQuant& q) const;
  Result<LayerMetrics> run(float threshold, const kernels::KernelPtr& k);
  Status capture(const Graph& g, int nodeIndex, const Dataset& dataset, const Preprocess& preprocess,
                 const ProbeOptions& options, Diagnostics& diagnostics);
};

namespace {

Result<int> findNode(const Graph& g, const std::string& layer) {
  for (size_t i = 0; i < g.nodes.size(); ++i)
    if (g.nodes[i].name == layer) return static_cast<int>(i);
  return notFound("probe: no layer '" + layer + "' in model '" + g.name + "'");
}

Result<const LayerQuant*> probedQuant(const Node& node, const QuantSpec& spec) {
  if (!isQuantizable(node))
    return invalidArgument("probe: layer '" + node.name + "' (" + std::string(toString(node.kind)) + ") is not quantizable");
  const LayerQuant* lq = spec.find(node.name);
  if (!lq) return invalidArgument("probe: layer '" + node.name + "' is not in the spec");
  if (activationBits(lq->precision) == 0)
    return invalidArgument("probe: layer '" + node.name + "' is " + toString(lq->precision) +
                           " in the spec; its input is not quantized");
  return lq;
}

Status checkThreshold(const std::string& layer, float t, const char* what) {
  if (!std::isfinite(t) || t <= 0.f)
    return invalidArgument("probe of layer '" + layer + "': " + what + " threshold " + std::to_string(t) +
                           " is not a finite value > 0");
  return Status::ok();
}


}  // namespace

// Runs the FP32 network over the images, keeping the node's inputs and first output per image
// (the executor reuses buffers, so they are cloned as the observer sees them).
Status LayerProbe::Impl::capture(const Graph& g, int nodeIndex, const Dataset& dataset, const Preprocess& preprocess,
                                 const ProbeOptions& options, Diagnostics& diagnostics) {
  Impl& p = *this;
  ExecutorOptions eo;
  eo.threads = options.threads;
  eo.isa = options.isa;
  auto exec = Executor::create(g, eo);
  if (!exec) return exec.status().withContext(p.where());
  isa = (*exec)->isa();
  const Node& node = g.nodes[static_cast<size_t>(nodeIndex)];
  Status runStatus;
  bool limit = false;
  Status s = forEachSample(dataset, preprocess, [&](size_t, const Sample&, const Tensor& image) {
    std::vector<Tensor> in(node.inputs.size());
    Tensor out;
    for (size_t i = 0; i < node.inputs.size(); ++i)
      if (std::find(g.inputs.begin(), g.inputs.end(), node.inputs[i]) != g.inputs.end()) in[i] = image.clone();
    runStatus = (*exec)->run({image}, [&](int n, const std::vector<const Tensor*>& outputs) {
      const Node& producer = g.nodes[static_cast<size_t>(n)];
      for (size_t j = 0; j < producer.outputs.size() && j < outputs.size(); ++j) {
        for (size_t i = 0; i < node.inputs.size(); ++i)
          if (producer.outputs[j] == node.inputs[i]) in[i] = outputs[j]->clone();
        if (n == nodeIndex && j == 0) out = outputs[j]->clone();
      }
    });
    if (!runStatus.isOk()) return false;
    for (const Tensor& t : in)
      if (t.numel() == 0) {
        runStatus = internalError(p.where() + ": an input was not produced by the FP32 run");
        return false;
      }
    if (out.numel() == 0) {
      runStatus = internalError(p.where() + ": its output was not produced by the FP32 run");
      return false;
    }
    p.inputs.push_back(std::move(in));
    p.reference.push_back(std::move(out));
    limit = static_cast<int64_t>(p.reference.size()) >= options.max_images;
    return !limit;
  }, diagnostics);
  if (!runStatus.isOk()) return runStatus.withContext(p.where());
  if (!s.isOk() && !(limit && s.code() == StatusCode::Cancelled)) return s.withContext(p.where());
  if (p.reference.empty()) return invalidArgument(p.where() + ": no image could be loaded from '" + dataset.source + "'");
  return Status::ok();
}

Result<kernels::KernelPtr> LayerProbe::Impl::makeKernel(const LayerQuant& q) const {
  Node copy = node;
  auto w = fakeQuantWeights(node, q);
  if (!w) return w.status().withContext(where());
  copy.weights[0] = std::move(*w);
  auto k = kernels::makeKernel(copy, inShapes, outShapes, isa);
  if (!k) return k.status().withContext(where());
  if (!*k) return internalError(where() + ": no kernel");
  return std::move(*k);
}

Result<LayerMetrics> LayerProbe::Impl::run(float threshold, const kernels::KernelPtr& k) {
  LayerQuant q = lq;
  q.input.value = threshold;
  const FakeQuantParams grid = inputGrid(q);
  MetricAccumulator acc;
  std::vector<Tensor*> out;
  for (Tensor& t : outputs) out.push_back(&t);
  for (size_t img = 0; img < reference.size(); ++img) {
    std::vector<const Tensor*> in;
    for (const Tensor& t : inputs[img]) in.push_back(&t);
    const float* s = inputs[img][0].f32();
    float* d = quantInput.f32();
    const int64_t n = quantInput.numel();
    parallelFor(&pool, n, 16384, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) d[i] = fakeQuantValue(s[i], grid.scale, grid.qmax, grid.is_unsigned);
    });
    in[0] = &quantInput;
    kernels::ExecContext ctx{&pool};
    Status status;
    pool.execute([&](int64_t, int64_t) { status = k->run(in, out, ctx); });
    if (!status.isOk()) return status.withContext(where());
    const Tensor& ref = reference[img];
    if (out[0]->numel() != ref.numel()) return internalError(where() + ": output size differs from the FP32 run");
    acc.add(ref.f32(), out[0]->f32(), ref.numel());
  }
  return acc.result();
}

LayerProbe::LayerProbe(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
LayerProbe::LayerProbe(LayerProbe&&) noexcept = default;
LayerProbe& LayerProbe::operator=(LayerProbe&&) noexcept = default;
LayerProbe::~LayerProbe() = default;

Result<LayerProbe> LayerProbe::create(const Graph& canonical, const QuantSpec& spec, const std::string& layer,
                                      const Dataset& dataset, const Preprocess& preprocess, const ProbeOptions& options,
                                      Diagnostics& diagnostics) {
  if (canonical.inputs.size() != 1)
    return unsupported("probe: model '" + canonical.name + "' has " + std::to_string(canonical.inputs.size()) +
                       " inputs; the probe needs one");
  if (options.max_images <= 0)
    return invalidArgument("probe of layer '" + layer + "': max_images " + std::to_string(options.max_images) + " is not > 0");
  EQW_RETURN_IF_ERROR(validate(preprocess));
  auto index = findNode(canonical, layer);
  if (!index) return index.status();
  const Node& node = canonical.nodes[static_cast<size_t>(*index)];
  auto lq = probedQuant(node, spec);
  if (!lq) return lq.status();
  try {
    auto p = std::make_unique<Impl>(options.threads);
    p->layer = layer;
    p->node = node;
    p->lq = **lq;
    EQW_RETURN_IF_ERROR(checkThreshold(layer, p->lq.input.value, "the spec's input"));
    for (int v : node.inputs) p->inShapes.push_back(canonical.values[static_cast<size_t>(v)].shape);
    for (int v : node.outputs) p->outShapes.push_back(canonical.values[static_cast<size_t>(v)].shape);
    EQW_RETURN_IF_ERROR(p->capture(canonical, *index, dataset, preprocess, options, diagnostics));
    auto k = p->makeKernel(p->lq);
    if (!k) return k.status();
    p->kernel = std::move(*k);
    p->quantInput = Tensor(p->inShapes[0]);
    for (const Shape& s : p->outShapes) p->outputs.emplace_back(s);
    return LayerProbe(std::move(p));
  } catch (const std::bad_alloc&) {
    return internalError("probe of layer '" + layer + "': out of memory keeping its inputs and outputs");
  }
}

const std::string& LayerProbe::layer() const { return impl_->layer; }
const LayerQuant& LayerProbe::quant() const { return impl_->lq; }
float LayerProbe::specThreshold() const { return impl_->lq.input.value; }
int64_t LayerProbe::images() const { return static_cast<int64_t>(impl_->reference.size()); }

Result<LayerMetrics> LayerProbe::metrics(float inputThreshold) {
  EQW_RETURN_IF_ERROR(checkThreshold(impl_->layer, inputThreshold, "input"));
  return impl_->run(inputThreshold, impl_->kernel);
}

Result<LayerMetrics> LayerProbe::metrics(float inputThreshold, const std::vector<float>& weightThresholds) {
  EQW_RETURN_IF_ERROR(checkThreshold(impl_->layer, inputThreshold, "input"));
  if (weightThresholds.size() != impl_->lq.weight_thresholds.size())
    return invalidArgument("probe of layer '" + impl_->layer + "': " + std::to_string(weightThresholds.size()) +
                           " weight thresholds given, the spec has " + std::to_string(impl_->lq.weight_thresholds.size()));
  for (float t : weightThresholds) EQW_RETURN_IF_ERROR(checkThreshold(impl_->layer, t, "a weight"));
  LayerQuant q = impl_->lq;
  q.weight_thresholds = weightThresholds;
  auto k = impl_->makeKernel(q);
  if (!k) return k.status();
  return impl_->run(inputThreshold, *k);
}

}  // namespace eqw

// evaluate(): FP32 as the reference, each variant's fake-quant graph beside it, image by image.
#include <eqw/eval.h>
#include <eqw/integer.h>
#include <eqw/fakequant.h>
#include <eqw/runtime.h>

#include <algorithm>
#include <limits>
#include <memory>
#include <numeric>
#include <set>

#include "core/parallel.h"
#include "eval/isolated_layer.h"

namespace eqw {

namespace {

struct LayerSlot {
  int node = -1, value = -1;
  std::string precision = "fp32";
  bool quantized = false;
  MetricAccumulator cumulative, isolated;
  std::unique_ptr<IsolatedLayer> iso;  // only for quantized layers with per-layer metrics
};

struct VariantRun {
  std::string name;
  std::unique_ptr<Graph> graph;        // the executor keeps a pointer: the graph must not move
  std::unique_ptr<Executor> exec;
  std::vector<LayerSlot> layers;
  MetricAccumulator output;
  int64_t correct1 = 0, correct5 = 0, agree = 0;
};

// Class indices by score, best first; ties keep the lower index first (argmax convention).
std::vector<int> topK(const Tensor& scores, int k) {
  std::vector<int> idx(static_cast<size_t>(scores.numel()));
  std::iota(idx.begin(), idx.end(), 0);
  k = std::min<int>(k, static_cast<int>(idx.size()));
  const float* s = scores.f32();
  std::partial_sort(idx.begin(), idx.begin() + k, idx.end(), [&](int a, int b) { return s[a] > s[b] || (s[a] == s[b] && a < b); });
  idx.resize(static_cast<size_t>(k));
  return idx;
}

bool contains(const std::vector<int>& v, int x) { return std::find(v.begin(), v.end(), x) != v.end(); }

Status prepareVariant(const Graph& canonical, const EvalVariant& variant, const EvalOptions& options, VariantRun& run) {
  run.name = variant.name;
  auto g = variant.integer ? integerGraph(canonical, variant.spec) : fakeQuantGraph(canonical, variant.spec);
  if (!g) return g.status().withContext("variant '" + variant.name + "'");
  run.graph = std::make_unique<Graph>(std::move(*g));
  ExecutorOptions eo;
  eo.threads = options.threads;
  eo.isa = options.isa;
  eo.keep_values = options.per_layer;
  auto exec = Executor::create(*run.graph, eo);
  if (!exec) return exec.status().withContext("variant '" + variant.name + "'");
  run.exec = std::move(*exec);
  if (!options.per_layer) return Status::ok();
  for (size_t n = 0; n < canonical.nodes.size(); ++n) {
    const Node& node = canonical.nodes[n];
    if (!isQuantizable(node) || node.outputs.empty()) continue;
    LayerSlot& slot = run.layers.emplace_back();
    slot.node = static_cast<int>(n);
    slot.value = node.outputs[0];
    const LayerQuant* lq = variant.spec.find(node.name);
    if (!lq || lq->precision == Precision::Fp32) continue;
    slot.precision = toString(lq->precision);
    slot.quantized = true;
    auto iso = IsolatedLayer::create(canonical, slot.node, *lq, run.exec->isa());
    if (!iso) return iso.status().withContext("variant '" + variant.name + "'");
    slot.iso = std::move(*iso);
  }
  return Status::ok();
}

Status compareLayers(const Executor& fp32, VariantRun& run, const ThreadPool& pool) {
  for (LayerSlot& slot : run.layers) {
    const Tensor& ref = fp32.value(slot.value);
    const Tensor& cum = run.exec->value(slot.value);
    if (ref.numel() != cum.numel()) return internalError("layer output sizes differ between FP32 and '" + run.name + "'");
    slot.cumulative.add(ref.f32(), cum.f32(), ref.numel());
    if (!slot.iso) continue;  // an FP32 layer has no error of its own (finish() says so)
    auto iso = slot.iso->run(fp32, &pool);
    if (!iso) return iso.status();
    if ((*iso)->numel() != ref.numel()) return internalError("isolated output size differs for node " + std::to_string(slot.node));
    slot.isolated.add(ref.f32(), (*iso)->f32(), ref.numel());
  }
  return Status::ok();
}

VariantEval finish(const Graph& canonical, VariantRun& run, int64_t images, int64_t labelled) {
  VariantEval v;
  v.name = run.name;
  v.images = images;
  v.labelled = labelled;
  if (labelled > 0) {
    v.top1 = static_cast<double>(run.correct1) / static_cast<double>(labelled);
    v.top5 = static_cast<double>(run.correct5) / static_cast<double>(labelled);
  }
  v.agreement = images > 0 ? static_cast<double>(run.agree) / static_cast<double>(images) : 0.0;
  v.output = run.output.result();
  for (LayerSlot& slot : run.layers) {
    LayerEval& l = v.layers.emplace_back();
    l.layer = canonical.nodes[static_cast<size_t>(slot.node)].name;
    l.node = slot.node;
    l.value = slot.value;
    l.precision = slot.precision;
    l.quantized = slot.quantized;
    l.cumulative = slot.cumulative.result();
    l.isolated = slot.isolated.result();
    if (!slot.iso) {
      l.isolated.images = images;
      l.isolated.sqnr_db = std::numeric_limits<double>::infinity();
    }
  }
  return v;
}

Status checkVariants(const std::vector<EvalVariant>& variants) {
  std::set<std::string> names;
  for (const EvalVariant& v : variants) {
    if (v.name.empty()) return invalidArgument("evaluate: a variant has no name");
    if (!names.insert(v.name).second) return invalidArgument("evaluate: variant name '" + v.name + "' given twice");
  }
  return Status::ok();
}

// The state of one evaluation: the executors, the per-variant accumulators and the counters.
class Evaluation {
 public:
  Evaluation(const Graph& canonical, const EvalOptions& options) : canonical_(canonical), options_(options), pool_(options.threads) {}

  Status prepare(const std::vector<EvalVariant>& variants) {
    ExecutorOptions eo;
    eo.threads = options_.threads;
    eo.isa = options_.isa;
    eo.keep_values = options_.per_layer;
    auto fp32 = Executor::create(canonical_, eo);
    if (!fp32) return fp32.status();
    fp32_ = std::move(*fp32);
    runs_.resize(variants.size());
    for (size_t i = 0; i < variants.size(); ++i) EQW_RETURN_IF_ERROR(prepareVariant(canonical_, variants[i], options_, runs_[i]));
    return Status::ok();
  }

  // FP32 and every variant on one image; all metrics updated.
  Status addImage(const Sample& sample, const Tensor& input) {
    EQW_RETURN_IF_ERROR(fp32_->run({input}));
    const Tensor& ref = fp32_->output(0);
    const std::vector<int> refTop = topK(ref, topCount());
    if (sample.label >= 0) {
      ++labelled_;
      correct1_ += refTop[0] == sample.label;
      correct5_ += contains(refTop, sample.label);
    }
    for (VariantRun& run : runs_) {
      EQW_RETURN_IF_ERROR(run.exec->run({input}));
      const Tensor& out = run.exec->output(0);
      const std::vector<int> top = topK(out, topCount());
      run.agree += top[0] == refTop[0];
      if (sample.label >= 0) {
        run.correct1 += top[0] == sample.label;
        run.correct5 += contains(top, sample.label);
      }
      run.output.add(ref.f32(), out.f32(), std::min(ref.numel(), out.numel()));
      if (options_.per_layer) EQW_RETURN_IF_ERROR(compareLayers(*fp32_, run, pool_));
    }
    ++images_;
    return Status::ok();
  }

  int64_t images() const { return images_; }

  EvalReport report() {
    EvalReport r;
    r.model = canonical_.name;
    r.images = images_;
    r.labelled = labelled_;
    if (labelled_ > 0) {
      r.fp32_top1 = static_cast<double>(correct1_) / static_cast<double>(labelled_);
      r.fp32_top5 = static_cast<double>(correct5_) / static_cast<double>(labelled_);
    }
    for (VariantRun& run : runs_) r.variants.push_back(finish(canonical_, run, images_, labelled_));
    return r;
  }

 private:
  int topCount() const { return std::max(1, options_.top_k); }

  const Graph& canonical_;
  const EvalOptions& options_;
  ThreadPool pool_;  // isolated layers' kernels
  std::unique_ptr<Executor> fp32_;
  std::vector<VariantRun> runs_;
  int64_t images_ = 0, labelled_ = 0, correct1_ = 0, correct5_ = 0;
};

}  // namespace

Result<EvalReport> evaluate(const Graph& canonical, const std::vector<EvalVariant>& variants, const Dataset& dataset,
                            const Preprocess& preprocess, const EvalOptions& options, const EvalProgress& progress,
                            Diagnostics& diagnostics) {
  if (canonical.inputs.size() != 1 || canonical.outputs.empty())
    return unsupported("evaluate: model '" + canonical.name + "' has " + std::to_string(canonical.inputs.size()) + " inputs and " +
                       std::to_string(canonical.outputs.size()) + " outputs; evaluation needs one input and an output");
  EQW_RETURN_IF_ERROR(checkVariants(variants));
  EQW_RETURN_IF_ERROR(validate(preprocess));
  Evaluation eval(canonical, options);
  EQW_RETURN_IF_ERROR(eval.prepare(variants));

  const int64_t available = static_cast<int64_t>(dataset.samples.size());
  const int64_t total = options.max_images > 0 ? std::min(options.max_images, available) : available;
  bool limitReached = false, cancelled = false;
  Status runStatus;
  Status s = forEachSample(dataset, preprocess, [&](size_t, const Sample& sample, const Tensor& input) {
    runStatus = eval.addImage(sample, input);
    if (!runStatus.isOk()) return false;
    if (progress && !progress(eval.images(), total)) {
      cancelled = true;
      return false;
    }
    limitReached = options.max_images > 0 && eval.images() >= options.max_images;
    return !limitReached;
  }, diagnostics);
  if (!runStatus.isOk()) return runStatus;
  if (cancelled) return Status(StatusCode::Cancelled, "evaluation cancelled after " + std::to_string(eval.images()) + " images");
  if (!s.isOk() && !(limitReached && s.code() == StatusCode::Cancelled)) return s;
  if (eval.images() == 0) return invalidArgument("evaluate: no image could be loaded from '" + dataset.source + "'");
  return eval.report();
}

}  // namespace eqw

// Session: construction, the model, the datasets and the read-only accessors. The operations
// live beside it: session_calibrate.cpp, session_overrides.cpp, session_eval.cpp,
// session_project.cpp.
#include <eqw/session.h>

#include <filesystem>
#include <utility>

#include "session/fingerprint.h"
#include "session/overrides.h"
#include "session/session_state.h"

namespace eqw {

namespace fs = std::filesystem;

const char* toString(DatasetRole role) { return role == DatasetRole::Calibration ? "calibration" : "evaluation"; }

Status requireOpen(const Session::State& s, const char* operation) {
  if (s.open) return Status::ok();
  return invalidArgument(std::string(operation) + ": no model is open (open one first)");
}

std::optional<QuantSpec> Session::State::baseSpec() const {
  if (!calibrated) return std::nullopt;
  QuantSpec base = *calibrated;
  if (!easyquant) return base;
  for (const EasyQuantLayer& searched : easyquant->layers) {
    LayerQuant* to = base.find(searched.layer);
    const LayerQuant* from = easyquant->spec.find(searched.layer);
    if (!to || !from || from->weight_thresholds.size() != to->weight_thresholds.size()) continue;
    to->input = from->input;
    to->weight_thresholds = from->weight_thresholds;
    to->weight_method = from->weight_method;
  }
  return base;
}

void Session::State::rebuildSpec(Diagnostics* diags) {
  spec = baseSpec();
  if (spec) applyOverrides(canonical, overrides, calibrate_options.ncnn_winograd_6bit, *spec, diags);
}

Session::Session() : s_(std::make_unique<State>()) {}
Session::~Session() = default;
// A moved-from Session stays usable: an empty one.
Session::Session(Session&& other) : s_(std::exchange(other.s_, std::make_unique<State>())) {}
Session& Session::operator=(Session&& other) {
  if (this != &other) s_ = std::exchange(other.s_, std::make_unique<State>());
  return *this;
}

std::string absolutePath(const std::string& path) {
  std::error_code ec;
  fs::path p = fs::absolute(path, ec);
  return (ec ? fs::path(path) : p).lexically_normal().string();
}

namespace {

bool samePreprocess(const Preprocess& a, const Preprocess& b) { return toString(a) == toString(b); }

// The model's input shape when it is a complete image shape; empty otherwise.
Shape modelImageShape(const Graph& g) {
  if (g.inputs.size() != 1) return {};
  const Shape& s = g.values[static_cast<size_t>(g.inputs[0])].shape;
  if (s.size() != 4) return {};
  for (int64_t d : s)
    if (d <= 0) return {};
  return s;
}

}  // namespace

Status Session::open(const std::string& modelPath, const ImportOptions& importOptions,
                     const CanonicalizeOptions& canonicalizeOptions, Diagnostics* diags) {
  const std::string path = absolutePath(modelPath);
  std::error_code ec;
  if (!fs::exists(path, ec)) return notFound("model file '" + path + "' does not exist");
  auto graph = loadModel(path, importOptions, diags);
  if (!graph) return graph.status();
  if (graph->inputs.size() != 1)
    return unsupported("model '" + path + "' has " + std::to_string(graph->inputs.size()) +
                       " inputs; the workbench quantizes models with one image input");
  Graph canonical = *graph;  // canonicalize() clones every weight it changes
  auto report = canonicalize(canonical, canonicalizeOptions);
  if (!report) return report.status().withContext(path);

  auto next = std::make_unique<State>();
  next->open = true;
  next->model_path = path;
  next->import = importOptions;
  next->canonicalize = canonicalizeOptions;
  next->model_fingerprint = modelFingerprint(path, importOptions, canonicalizeOptions);
  next->graph = std::move(graph.value());
  next->canonical = std::move(canonical);
  next->calibration = std::move(s_->calibration);
  next->evaluation = std::move(s_->evaluation);
  next->stats_runs = s_->stats_runs;
  s_ = std::move(next);
  return Status::ok();
}

bool Session::isOpen() const { return s_->open; }
const std::string& Session::modelPath() const { return s_->model_path; }
const ImportOptions& Session::importOptions() const { return s_->import; }
const CanonicalizeOptions& Session::canonicalizeOptions() const { return s_->canonicalize; }
const Graph& Session::graph() const { return s_->graph; }
const Graph& Session::canonicalGraph() const { return s_->canonical; }

Status Session::setDataset(DatasetRole role, const std::string& source, const Preprocess& preprocess,
                           DatasetLayout layout, Diagnostics* diags) {
  EQW_RETURN_IF_ERROR(validate(preprocess));
  const std::string path = absolutePath(source);
  auto dataset = openDataset(path, layout);
  if (!dataset) return dataset.status();
  if (diags) diags->insert(diags->end(), dataset->diagnostics.begin(), dataset->diagnostics.end());
  const Shape want = modelImageShape(s_->canonical);
  if (s_->open && !want.empty() && want != preprocess.tensorShape())
    return invalidArgument(std::string(toString(role)) + " dataset: the preprocessing gives " +
                           toString(preprocess.tensorShape()) + " tensors, the model's input is " + toString(want));

  std::optional<DatasetSource>& slot = s_->dataset(role);
  const bool changed = !slot || slot->source != path || slot->layout != layout ||
                       !samePreprocess(slot->preprocess, preprocess);
  slot = DatasetSource{path, layout, preprocess};
  if (role == DatasetRole::Calibration && changed) s_->stats.reset();
  return Status::ok();
}

const DatasetSource* Session::dataset(DatasetRole role) const {
  const auto& slot = s_->dataset(role);
  return slot ? &*slot : nullptr;
}

const StatsSet* Session::statistics() const { return s_->stats ? &*s_->stats : nullptr; }
const CollectOptions* Session::statisticsOptions() const { return s_->stats ? &s_->stats_options : nullptr; }
int64_t Session::statisticsRuns() const { return s_->stats_runs; }
const QuantSpec* Session::spec() const { return s_->spec ? &*s_->spec : nullptr; }
const QuantSpec* Session::calibratedSpec() const { return s_->calibrated ? &*s_->calibrated : nullptr; }
const CalibrateOptions* Session::calibrateOptions() const { return s_->calibrated ? &s_->calibrate_options : nullptr; }
const EasyQuantResult* Session::easyQuant() const { return s_->easyquant ? &*s_->easyquant : nullptr; }
const EasyQuantOptions* Session::easyQuantOptions() const { return s_->easyquant ? &s_->easyquant_options : nullptr; }

const LayerOverride* Session::layerOverride(const std::string& layer) const {
  auto it = s_->overrides.find(layer);
  return it == s_->overrides.end() ? nullptr : &it->second;
}
const std::map<std::string, LayerOverride>& Session::overrides() const { return s_->overrides; }

}  // namespace eqw

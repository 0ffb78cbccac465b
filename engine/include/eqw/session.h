// eqw::Session: one open model and everything derived from it — the canonical graph, the
// calibration and evaluation datasets, the cached statistics, the quantization spec with the
// user's manual edits, an EasyQuant refinement — and the project file that saves it all. The CLI
// and the GUI are two thin faces on this class (DESIGN.md "The public API").
//
// Statistics are collected once and cached: calibrate() with another method, bit width or
// granularity works from the cache and never re-runs the model. Only a change of what the
// statistics depend on (the model, the calibration images, their preprocessing, the collection
// options) makes collectStatistics() run the model again.
//
// Threads: a Session is used from one thread at a time. The long operations (collectStatistics,
// refineEasyQuant, evaluate) are synchronous and report progress through a callback that can
// cancel; the GUI runs them on a worker thread and must not touch the Session meanwhile.
#pragma once

#include <eqw/bench.h>
#include <eqw/calib.h>
#include <eqw/calibrate.h>
#include <eqw/data.h>
#include <eqw/easyquant.h>
#include <eqw/eval.h>
#include <eqw/graph.h>
#include <eqw/io.h>
#include <eqw/passes.h>
#include <eqw/quant.h>
#include <eqw/status.h>
#include <eqw/table.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace eqw {

// What a dataset is for: calibration images feed statistics and EasyQuant; evaluation images
// feed evaluate(). They may be the same source.
enum class DatasetRole { Calibration, Evaluation };
const char* toString(DatasetRole role);  // "calibration", "evaluation"

// Where a role's images come from and how they become the model's input tensors.
struct DatasetSource {
  std::string source;                          // folder or list file, absolute
  DatasetLayout layout = DatasetLayout::Auto;  // as asked for (Auto: decided when opened)
  Preprocess preprocess;
};

// A user's manual edits of one layer. Every field that is set wins over what calibration or
// EasyQuant computed, and is re-applied on top of every recalibration; thresholds set here are
// marked with method "manual" in the spec.
struct LayerOverride {
  std::optional<Precision> precision;
  std::optional<float> input_threshold;                 // clipping threshold T > 0 of the layer's input
  std::optional<std::vector<float>> weight_thresholds;  // T > 0 per weight scale of the layer's granularity

  bool empty() const { return !precision && !input_threshold && !weight_thresholds; }
  bool operator==(const LayerOverride&) const = default;
};

class Session {
 public:
  Session();
  ~Session();
  // Movable, not copyable. A moved-from Session is an empty one (no model open).
  Session(Session&& other);
  Session& operator=(Session&& other);
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // ------------------------------------------------------------------ model

  // Imports the model (the importer is chosen by loadModel), checks it has one input, and
  // canonicalizes a copy (BatchNorm folded, activations fused), which every later operation
  // uses. Opening clears the statistics, the spec, EasyQuant and the overrides, and keeps the
  // datasets (and the statisticsRuns() count). On error the Session is unchanged. Importer
  // warnings go to diags.
  Status open(const std::string& modelPath, const ImportOptions& importOptions = {},
              const CanonicalizeOptions& canonicalizeOptions = {}, Diagnostics* diags = nullptr);
  bool isOpen() const;
  // The model file (absolute) and the options it was opened with; empty before open().
  const std::string& modelPath() const;
  const ImportOptions& importOptions() const;
  const CanonicalizeOptions& canonicalizeOptions() const;
  // The graph as imported, and the canonical graph the spec and the statistics refer to (layer
  // names are kept). Empty graphs before open().
  const Graph& graph() const;
  const Graph& canonicalGraph() const;

  // ------------------------------------------------------------------ datasets

  // Sets a role's images and preprocessing. The source must open (openDataset: NotFound when it
  // has no images) and the preprocessing must be valid and, once a model is open, give the model's
  // input shape; otherwise InvalidArgument / NotFound and nothing changes. Changing the
  // calibration source, layout or preprocessing drops the cached statistics (nothing else does).
  // The dataset's own warnings (skipped list lines) go to diags.
  Status setDataset(DatasetRole role, const std::string& source, const Preprocess& preprocess,
                    DatasetLayout layout = DatasetLayout::Auto, Diagnostics* diags = nullptr);
  // The role's dataset, or nullptr when none was set.
  const DatasetSource* dataset(DatasetRole role) const;

  // The datasets with the statistics cached for them, as they are now: what setDataset replaces or
  // drops. The GUI's undo of a dataset change keeps one on each side, so that going back to a
  // folder or a preprocessing restores its statistics instead of running the model again.
  // Cheap to copy (shared, immutable).
  class DatasetsSnapshot {
   public:
    const DatasetSource* dataset(DatasetRole role) const;
    bool hasStatistics() const;

   private:
    friend class Session;
    struct Data;
    std::shared_ptr<const Data> d_;
  };
  DatasetsSnapshot datasetsSnapshot() const;
  // Puts the snapshot's datasets and statistics back (the spec, EasyQuant and overrides are not
  // touched: setDataset never changes them either). InvalidArgument, and nothing changes, for a
  // snapshot taken with another model (file or options) open, or an empty snapshot.
  Status restoreDatasets(const DatasetsSnapshot& snapshot);

  // ------------------------------------------------------------------ statistics

  // Collects statistics of the canonical graph over the calibration dataset (eqw/calib.h), or
  // returns at once when the cache already holds statistics for the same model, the same image
  // files (paths, labels and sizes), preprocessing, passes and max_images (a cache of all values
  // also serves StatsValues::QuantizableInputs; threads never matter). Progress as
  // eqw::collectStatistics; returning false cancels (Cancelled) and keeps the previous cache.
  // Errors: no model, no calibration dataset, and those of eqw::collectStatistics.
  // `snapshots` is passed to eqw::collectStatistics (live plots); a cache hit sends none.
  Status collectStatistics(const CollectOptions& options, const CalibProgress& progress, Diagnostics& diags,
                           const StatsSnapshotOptions& snapshots = {});
  // The cached statistics and the options they were collected with; nullptr when none.
  const StatsSet* statistics() const;
  const CollectOptions* statisticsOptions() const;
  // How many times this Session ran the model to collect statistics (0 after load(): the
  // statistics come from the project file).
  int64_t statisticsRuns() const;

  // ------------------------------------------------------------------ quantization spec

  // A new spec from the cached statistics (eqw::calibrateSpec; instant, never runs the model),
  // with the overrides applied on top. Drops the EasyQuant result (it refined the old spec).
  // Errors: InvalidArgument when no statistics were collected, and those of calibrateSpec; on
  // error the current spec is kept. An override that no longer fits (its weight threshold count
  // against a new granularity) is skipped with a Warning naming the layer.
  Status calibrate(const CalibrateOptions& options, Diagnostics* diags = nullptr);
  // The current spec: calibration, refined by EasyQuant when it ran since, with the overrides
  // applied. nullptr before the first calibrate().
  const QuantSpec* spec() const;
  // The spec calibrate() made (before EasyQuant and overrides) and its options; nullptr before.
  const QuantSpec* calibratedSpec() const;
  const CalibrateOptions* calibrateOptions() const;

  // Refines the current spec (overrides included: an FP32 layer is not searched, a manual
  // threshold is the search's start) with EasyQuant (eqw/easyquant.h) on the calibration dataset.
  // The searched layers take the refined thresholds, the overrides are applied on top again, and
  // the per-layer records stay available (easyQuant()) for the GUI's plots. Progress as eqw::refineEasyQuant; cancelling
  // keeps the previous spec. Errors: no spec yet, no calibration dataset, those of refineEasyQuant.
  Status refineEasyQuant(const EasyQuantOptions& options, const CalibProgress& progress, Diagnostics& diags);
  // The last EasyQuant result since calibrate(), and its options; nullptr when none.
  const EasyQuantResult* easyQuant() const;
  const EasyQuantOptions* easyQuantOptions() const;

  // ------------------------------------------------------------------ manual overrides

  // Replaces the layer's override (an empty one clears it). Checked first, nothing changes on
  // error: NotFound when the layer is not in the canonical graph; InvalidArgument when it cannot
  // be quantized, a threshold is NaN, infinite or <= 0, the weight threshold count fits none of
  // the layer's granularities (or, once there is a spec, not the spec's granularity for it), or
  // the precision needs thresholds the spec does not have for the layer. Each message names the
  // layer and the bad value. The GUI's undo restores the previous layerOverride() this way.
  Status setLayerOverride(const std::string& layer, const LayerOverride& override);
  // One field of the layer's override, the others kept; same checks.
  Status setLayerPrecision(const std::string& layer, Precision precision);
  Status setLayerInputThreshold(const std::string& layer, float threshold);
  Status setLayerWeightThresholds(const std::string& layer, const std::vector<float>& thresholds);
  // Removes the layer's override (Ok when it had none); NotFound for a layer not in the model.
  Status clearOverride(const std::string& layer);
  // The layer's override, nullptr when none; all of them by layer name.
  const LayerOverride* layerOverride(const std::string& layer) const;
  const std::map<std::string, LayerOverride>& overrides() const;

  // ------------------------------------------------------------------ evaluation and export

  // The current spec with every quantized layer moved to `precision`, except the layers whose
  // precision the user set (they keep it) and FP32 layers. InvalidArgument without a spec.
  Result<QuantSpec> specAt(Precision precision) const;
  // eqw::evaluate on the evaluation dataset with the canonical graph; one variant per precision
  // (specAt, named "int8", "int7" ...). FP32 is always the reference and needs no entry.
  Result<EvalReport> evaluate(const std::vector<Precision>& precisions, const EvalOptions& options,
                              const EvalProgress& progress, Diagnostics& diags) const;
  // The same with explicit variants (specs for this canonical graph).
  Result<EvalReport> evaluate(const std::vector<EvalVariant>& variants, const EvalOptions& options,
                              const EvalProgress& progress, Diagnostics& diags) const;
  // Latency of each precision, one eqw::benchmarkFp32 per entry in the order asked: Fp32 times the
  // canonical graph, an integer precision the integerGraph() of specAt(precision), so the numbers
  // are those of `eqw bench --table` with this spec. progress("benchmark", done, total) between
  // precisions; returning false cancels (Cancelled). Errors: no model; an integer precision without
  // a spec; weight-only precisions (they have no integer kernels); those of benchmarkFp32.
  struct Latency {
    Precision precision = Precision::Fp32;
    BenchResult result;
  };
  Result<std::vector<Latency>> benchmark(const std::vector<Precision>& precisions, const BenchOptions& options,
                                         const CalibProgress& progress = {}) const;
  // Writes the current spec as an ncnn .table (eqw/table.h, atomic). InvalidArgument without a spec.
  Status exportTable(const std::string& path, const NcnnTableOptions& options = {}) const;

  // ------------------------------------------------------------------ project file

  // Saves everything above but the graphs as a project file (.eqw, JSON): model and dataset paths
  // (relative to the project's folder when they lie under it), options, statistics, specs,
  // EasyQuant records and overrides. Atomic: a temporary file in the same folder is renamed over
  // `path`, so a failed save leaves the previous file intact. InvalidArgument when no model is open.
  Status save(const std::string& path) const;
  // Opens a project file into a new Session: re-imports the model, restores the datasets (a missing
  // dataset source is a Warning, not an error), statistics, specs and overrides, so that calibrate()
  // after load never runs the model. Statistics made for another version of the model file are
  // dropped with a Warning. Errors name the file and the field: NotFound (the project or its model
  // file missing, naming the path), ParseError (not JSON, wrong format or version, a missing,
  // mistyped or bad field: NaN, infinite or non-positive thresholds, unknown layers), and the
  // importer's errors. The caller's current Session is never touched.
  static Result<Session> load(const std::string& path, Diagnostics* diags = nullptr);

  // The implementation's state (engine/session/session_state.h); not part of the API.
  struct State;

 private:
  std::unique_ptr<State> s_;
};

}  // namespace eqw

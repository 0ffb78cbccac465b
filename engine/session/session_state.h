// What a Session holds, shared by the files that implement it (one idea each).
#pragma once

#include <eqw/session.h>

#include <map>
#include <optional>
#include <string>

namespace eqw {

// What cached statistics depend on, as two fingerprints (see fingerprint.h): equal keys mean
// collecting again would give the same statistics.
struct StatsKey {
  std::string model;  // model files, import and canonicalize options
  std::string data;   // image files, preprocessing, passes, max_images
  bool operator==(const StatsKey&) const = default;
};

struct Session::State {
  // The model.
  bool open = false;
  std::string model_path;  // absolute
  ImportOptions import;
  CanonicalizeOptions canonicalize;
  std::string model_fingerprint;
  Graph graph;      // as imported
  Graph canonical;  // what everything below refers to

  std::optional<DatasetSource> calibration, evaluation;

  // The statistics cache.
  std::optional<StatsSet> stats;
  CollectOptions stats_options;
  StatsKey stats_key;
  int64_t stats_runs = 0;

  // The spec: calibrated, then maybe refined by EasyQuant, then the overrides on top (= spec).
  std::optional<QuantSpec> calibrated;
  CalibrateOptions calibrate_options;
  std::optional<EasyQuantResult> easyquant;
  EasyQuantOptions easyquant_options;
  std::map<std::string, LayerOverride> overrides;
  std::optional<QuantSpec> spec;

  std::optional<DatasetSource>& dataset(DatasetRole role) {
    return role == DatasetRole::Calibration ? calibration : evaluation;
  }
  const std::optional<DatasetSource>& dataset(DatasetRole role) const {
    return role == DatasetRole::Calibration ? calibration : evaluation;
  }
  // The spec under the overrides: the calibrated one, with the thresholds of the layers
  // EasyQuant searched replaced by its results. Precision, granularity and the layers it did not
  // search come from calibration, so clearing an override that was in force during EasyQuant
  // (an FP32 layer, say) gives back the calibrated layer. Empty before calibration.
  std::optional<QuantSpec> baseSpec() const;
  // spec = baseSpec() with the overrides applied; warnings for overrides that no longer fit.
  void rebuildSpec(Diagnostics* diags);
};

// The path made absolute and normalised (the Session stores paths so).
std::string absolutePath(const std::string& path);
// "no model is open: open one first" errors, shared by the operations that need one.
Status requireOpen(const Session::State& s, const char* operation);
// Opens the role's dataset as it is on disk now (its file list may have changed since it was set);
// its warnings go to diags. Errors: no model, no dataset for the role, openDataset's errors.
Result<Dataset> openRoleDataset(const Session::State& s, DatasetRole role, const char* operation, Diagnostics& diags);

}  // namespace eqw

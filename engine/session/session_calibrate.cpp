// Session: statistics (cached by fingerprint), calibration from the cache, EasyQuant.
#include <eqw/session.h>

#include "session/fingerprint.h"
#include "session/session_state.h"

namespace eqw {

Result<Dataset> openRoleDataset(const Session::State& s, DatasetRole role, const char* operation, Diagnostics& diags) {
  EQW_RETURN_IF_ERROR(requireOpen(s, operation));
  const auto& source = s.dataset(role);
  if (!source)
    return invalidArgument(std::string(operation) + ": no " + toString(role) + " dataset (set one first)");
  auto dataset = openDataset(source->source, source->layout);
  if (!dataset) return dataset.status().withContext(std::string(toString(role)) + " dataset");
  diags.insert(diags.end(), dataset->diagnostics.begin(), dataset->diagnostics.end());
  return dataset;
}

namespace {

// A cache of every value also serves a request for the quantizable inputs only.
bool valuesCover(StatsValues cached, StatsValues wanted) { return cached == StatsValues::All || cached == wanted; }

}  // namespace

Status Session::collectStatistics(const CollectOptions& options, const CalibProgress& progress, Diagnostics& diags,
                                  const StatsSnapshotOptions& snapshots) {
  auto dataset = openRoleDataset(*s_, DatasetRole::Calibration, "collect statistics", diags);
  if (!dataset) return dataset.status();
  const Preprocess& pre = s_->calibration->preprocess;
  const StatsKey key{s_->model_fingerprint, dataFingerprint(*dataset, pre, options)};
  if (s_->stats && s_->stats_key == key && valuesCover(s_->stats_options.values, options.values)) return Status::ok();

  ++s_->stats_runs;
  auto stats = eqw::collectStatistics(s_->canonical, *dataset, pre, options, progress, diags, snapshots);
  if (!stats) return stats.status();  // the previous cache (if any) stays
  s_->stats = std::move(stats.value());
  s_->stats_options = options;
  s_->stats_key = key;
  return Status::ok();
}

Status Session::calibrate(const CalibrateOptions& options, Diagnostics* diags) {
  EQW_RETURN_IF_ERROR(requireOpen(*s_, "calibrate"));
  if (!s_->stats) return invalidArgument("calibrate: no statistics (collect them over a calibration dataset first)");
  auto spec = calibrateSpec(s_->canonical, *s_->stats, options, diags);
  if (!spec) return spec.status();
  s_->calibrated = std::move(spec.value());
  s_->calibrate_options = options;
  s_->easyquant.reset();
  s_->rebuildSpec(diags);
  return Status::ok();
}

Status Session::refineEasyQuant(const EasyQuantOptions& options, const CalibProgress& progress, Diagnostics& diags) {
  EQW_RETURN_IF_ERROR(requireOpen(*s_, "EasyQuant"));
  if (!s_->spec) return invalidArgument("EasyQuant: no spec to refine (calibrate first)");
  auto dataset = openRoleDataset(*s_, DatasetRole::Calibration, "EasyQuant", diags);
  if (!dataset) return dataset.status();
  auto result = eqw::refineEasyQuant(s_->canonical, *s_->spec, *dataset, s_->calibration->preprocess, options,
                                     progress, diags);
  if (!result) return result.status();
  s_->easyquant = std::move(result.value());
  s_->easyquant_options = options;
  s_->rebuildSpec(&diags);
  return Status::ok();
}

}  // namespace eqw

// Session: the project file. The JSON itself is engine/io/project; this file maps a Session to
// and from it and checks that what was read fits the re-imported model.
#include <eqw/session.h>

#include <exception>
#include <filesystem>

#include "io/project/project.h"
#include "session/overrides.h"
#include "session/session_state.h"

namespace eqw {

namespace fs = std::filesystem;

namespace {

project::ProjectData projectData(const Session::State& s) {
  project::ProjectData d;
  d.model_path = s.model_path;
  d.import = s.import;
  d.canonicalize = s.canonicalize;
  d.calibration = s.calibration;
  d.evaluation = s.evaluation;
  if (s.stats) d.statistics = project::SavedStatistics{*s.stats, s.stats_options, s.stats_key.model, s.stats_key.data};
  d.calibrated = s.calibrated;
  d.calibrate_options = s.calibrate_options;
  d.easyquant = s.easyquant;
  d.easyquant_options = s.easyquant_options;
  d.overrides = s.overrides;
  return d;
}

// A field's content that does not fit the model, as the ParseError load() returns.
Status fieldError(const std::string& file, const std::string& field, const std::string& message) {
  return parseError(file + ": field '" + field + "': " + message);
}

// Statistics are keyed by value id; the names they carry must be the model's at those ids.
Status checkStatsFit(const Graph& g, const StatsSet& stats) {
  for (const auto& [id, ts] : stats.values) {
    if (id < 0 || static_cast<size_t>(id) >= g.values.size())
      return parseError("value id " + std::to_string(id) + " ('" + ts.name + "') is not in the model");
    const std::string& name = g.values[static_cast<size_t>(id)].name;
    if (name != ts.name)
      return parseError("value " + std::to_string(id) + " is '" + ts.name + "' in the statistics but '" + name +
                        "' in the model");
  }
  return Status::ok();
}

void warnMissingDataset(const std::optional<DatasetSource>& d, DatasetRole role, Diagnostics* diags) {
  std::error_code ec;
  if (d && diags && !fs::exists(d->source, ec))
    diags->push_back({Severity::Warning, std::string("the ") + toString(role) + " dataset '" + d->source +
                                             "' does not exist (any more); set another one before using it"});
}

// Restores what the project holds beyond the model, checking it against the canonical graph.
Status restore(Session::State& s, project::ProjectData& d, const std::string& file, Diagnostics* diags) {
  s.calibration = std::move(d.calibration);
  s.evaluation = std::move(d.evaluation);
  warnMissingDataset(s.calibration, DatasetRole::Calibration, diags);
  warnMissingDataset(s.evaluation, DatasetRole::Evaluation, diags);
  if (d.statistics && d.statistics->model_fingerprint != s.model_fingerprint) {
    if (diags)
      diags->push_back({Severity::Warning, "the model file changed since '" + file +
                                               "' was saved: its statistics are dropped (collect them again)"});
  } else if (d.statistics) {
    Status fit = checkStatsFit(s.canonical, d.statistics->stats);
    if (!fit) return fieldError(file, "statistics.data", fit.message());
    s.stats = std::move(d.statistics->stats);
    s.stats_options = d.statistics->options;
    s.stats_key = {d.statistics->model_fingerprint, d.statistics->data_fingerprint};
  }
  if (d.calibrated) {
    Status valid = validateSpec(s.canonical, *d.calibrated);
    if (!valid) return fieldError(file, "calibration.spec", valid.message());
    s.calibrated = std::move(d.calibrated);
    s.calibrate_options = d.calibrate_options;
  }
  if (d.easyquant) {
    if (!s.calibrated) return fieldError(file, "easyquant", "an EasyQuant result without a calibration");
    Status valid = validateSpec(s.canonical, d.easyquant->spec);
    if (!valid) return fieldError(file, "easyquant.result.spec", valid.message());
    s.easyquant = std::move(d.easyquant);
    s.easyquant_options = d.easyquant_options;
  }
  const std::optional<QuantSpec> base = s.baseSpec();
  for (const auto& [layer, o] : d.overrides) {
    Status ok = checkOverride(s.canonical, base ? &*base : nullptr, layer, o, s.calibrate_options.ncnn_winograd_6bit);
    if (!ok) return fieldError(file, "overrides." + layer, ok.message());
  }
  s.overrides = std::move(d.overrides);
  s.rebuildSpec(diags);
  return Status::ok();
}

}  // namespace

Status Session::save(const std::string& path) const {
  EQW_RETURN_IF_ERROR(requireOpen(*s_, "save project"));
  const std::string file = absolutePath(path);
  std::string text;
  try {
    text = project::toJson(projectData(*s_), fs::path(file).parent_path().string());
  } catch (const std::exception& e) {  // nlohmann: a name that is not UTF-8; bad_alloc
    return ioError("cannot save '" + file + "': " + e.what());
  }
  return project::writeFileAtomically(file, text);
}

Result<Session> Session::load(const std::string& path, Diagnostics* diags) {
  const std::string file = absolutePath(path);
  auto text = project::readWholeFile(file, project::kMaxProjectBytes);
  if (!text) return Status(text.status().code(), "project " + text.status().message());
  auto data = project::fromJson(*text, fs::path(file).parent_path().string());
  if (!data) return Status(data.status().code(), file + ": " + data.status().message());

  std::error_code ec;
  if (!fs::exists(data->model_path, ec))
    return notFound(file + ": model file '" + data->model_path + "' does not exist (field 'model.path')");
  Session session;
  Status opened = session.open(data->model_path, data->import, data->canonicalize, diags);
  if (!opened) return opened.withContext(file);
  EQW_RETURN_IF_ERROR(restore(*session.s_, *data, file, diags));
  return session;
}

}  // namespace eqw

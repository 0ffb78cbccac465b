// Session::DatasetsSnapshot: the datasets and their cached statistics, kept by an undo of a
// dataset change (the statistics are the expensive part: restoring them avoids a model run).
#include "session_state.h"

namespace eqw {

struct Session::DatasetsSnapshot::Data {
  std::string model_fingerprint;  // the model they belong to
  std::optional<DatasetSource> calibration, evaluation;
  std::optional<StatsSet> stats;
  CollectOptions stats_options;
  StatsKey stats_key;
};

const DatasetSource* Session::DatasetsSnapshot::dataset(DatasetRole role) const {
  if (!d_) return nullptr;
  const auto& slot = role == DatasetRole::Calibration ? d_->calibration : d_->evaluation;
  return slot ? &*slot : nullptr;
}

bool Session::DatasetsSnapshot::hasStatistics() const { return d_ && d_->stats; }

Session::DatasetsSnapshot Session::datasetsSnapshot() const {
  auto data = std::make_shared<DatasetsSnapshot::Data>();
  data->model_fingerprint = s_->model_fingerprint;
  data->calibration = s_->calibration;
  data->evaluation = s_->evaluation;
  data->stats = s_->stats;
  data->stats_options = s_->stats_options;
  data->stats_key = s_->stats_key;
  DatasetsSnapshot snapshot;
  snapshot.d_ = std::move(data);
  return snapshot;
}

Status Session::restoreDatasets(const DatasetsSnapshot& snapshot) {
  if (!snapshot.d_) return invalidArgument("restoring datasets: the snapshot is empty");
  const DatasetsSnapshot::Data& d = *snapshot.d_;
  if (d.model_fingerprint != s_->model_fingerprint)
    return invalidArgument("restoring datasets: the snapshot was taken with another model open (now " +
                           (s_->open ? s_->model_path : std::string("none")) + ")");
  s_->calibration = d.calibration;
  s_->evaluation = d.evaluation;
  s_->stats = d.stats;
  s_->stats_options = d.stats_options;
  s_->stats_key = d.stats_key;
  return Status::ok();
}

}  // namespace eqw

// ProjectData -> JSON. Everything is written with two-space indentation except the statistics
// cache (2048-bin histograms), which stays on one line so the file remains readable.
#include <nlohmann/json.hpp>

#include "io/project/project.h"
#include "io/project/project_names.h"

namespace eqw::project {
namespace {

using json = nlohmann::ordered_json;  // keeps "format" and "version" first

constexpr const char* kStatsPlaceholder = "\"data\": \"@@eqw-statistics@@\"";

json toJson(const LayerQuant& l) {
  return {{"layer", l.layer},
          {"precision", toString(l.precision)},
          {"weight_granularity", toString(l.weight_granularity)},
          {"unsigned_input", l.unsigned_input},
          {"input", {{"value", l.input.value}, {"method", l.input.method}}},
          {"weight_thresholds", l.weight_thresholds},
          {"weight_method", l.weight_method},
          {"weight_bits", l.weight_bits}};
}

json toJson(const QuantSpec& spec) {
  json layers = json::array();
  for (const LayerQuant& l : spec.layers) layers.push_back(toJson(l));
  return {{"layers", std::move(layers)}};
}

json toJson(const CalibrateOptions& o) {
  return {{"method", o.method},
          {"percentile", o.method_options.percentile},
          {"precision", toString(o.precision)},
          {"weight_granularity", toString(o.weight_granularity)},
          {"weight_method", toString(o.weight_method)},
          {"input_by_max", o.input_by_max},
          {"ncnn_winograd_6bit", o.ncnn_winograd_6bit}};
}

json toJson(const CollectOptions& o) {
  return {{"threads", o.threads},
          {"values", nameOf(statsValuesNames(), o.values)},
          {"max_images", o.max_images},
          {"passes", o.passes},
          {"hist_stride", o.hist_stride}};
}

json toJson(const EasyQuantOptions& o) {
  return {{"images", o.images},         {"candidates", o.candidates}, {"range_lo", o.range_lo},
          {"range_hi", o.range_hi},     {"max_rounds", o.max_rounds}, {"min_improvement", o.min_improvement},
          {"input", toString(o.input)}, {"threads", o.threads}, {"integer_kernels", o.integer_kernels}};
}

json toJson(const EasyQuantLayer& l) {
  json rounds = json::array();
  for (const EasyQuantRound& r : l.rounds)
    rounds.push_back({{"start", r.start}, {"after_weights", r.after_weights}, {"after_activation", r.after_activation}});
  return {{"layer", l.layer},
          {"bits", l.bits},
          {"weight_bits", l.weight_bits},
          {"before", l.before},
          {"after", l.after},
          {"rounds", std::move(rounds)},
          {"weights_before", l.weights_before},
          {"weights_after", l.weights_after},
          {"activation_curve", {{"scales", l.activation_curve.scales}, {"objective", l.activation_curve.objective}}},
          {"seconds", l.seconds},
          {"integer", l.integer}};
}

json toJson(const EasyQuantResult& r) {
  json layers = json::array();
  for (const EasyQuantLayer& l : r.layers) layers.push_back(toJson(l));
  return {{"spec", toJson(r.spec)}, {"layers", std::move(layers)}, {"images", r.images},
          {"input", toString(r.input)}, {"seconds", r.seconds}};
}

json toJson(const LayerOverride& o) {
  json j = json::object();
  if (o.precision) j["precision"] = toString(*o.precision);
  if (o.input_threshold) j["input_threshold"] = *o.input_threshold;
  if (o.weight_thresholds) j["weight_thresholds"] = *o.weight_thresholds;
  return j;
}

json datasetJson(const std::optional<DatasetSource>& d, const std::string& dir) {
  if (!d) return nullptr;
  return {{"source", storedPath(d->source, dir)},
          {"layout", toString(d->layout)},
          {"preprocess", toString(d->preprocess)}};
}

json modelJson(const ProjectData& d, const std::string& dir) {
  return {{"path", storedPath(d.model_path, dir)},
          {"weights_path", storedPath(d.import.weights_path, dir)},
          {"generate_seed", d.import.generate_seed},
          {"input_shape", d.import.input_shape},
          {"fold_batchnorm", d.canonicalize.fold_batchnorm},
          {"fuse_activations", d.canonicalize.fuse_activations}};
}

json statisticsJson(const std::optional<SavedStatistics>& s) {
  if (!s) return nullptr;
  return {{"options", toJson(s->options)},
          {"model_fingerprint", s->model_fingerprint},
          {"data_fingerprint", s->data_fingerprint},
          {"data", "@@eqw-statistics@@"}};
}

}  // namespace

std::string toJson(const ProjectData& d, const std::string& dir) {
  json overrides = json::object();
  for (const auto& [layer, o] : d.overrides) overrides[layer] = toJson(o);
  json root = {
      {"format", kFormat},
      {"version", kVersion},
      {"model", modelJson(d, dir)},
      {"datasets", {{"calibration", datasetJson(d.calibration, dir)}, {"evaluation", datasetJson(d.evaluation, dir)}}},
      {"statistics", statisticsJson(d.statistics)},
      {"calibration", d.calibrated ? json{{"options", toJson(d.calibrate_options)}, {"spec", toJson(*d.calibrated)}}
                                   : json(nullptr)},
      {"easyquant", d.easyquant ? json{{"options", toJson(d.easyquant_options)}, {"result", toJson(*d.easyquant)}}
                                : json(nullptr)},
      {"overrides", std::move(overrides)}};
  std::string text = root.dump(2, ' ', false, json::error_handler_t::replace);
  if (d.statistics) {
    const size_t at = text.find(kStatsPlaceholder);
    if (at != std::string::npos)
      text.replace(at, std::char_traits<char>::length(kStatsPlaceholder), "\"data\": " + statsToJson(d.statistics->stats));
  }
  return text + "\n";
}

}  // namespace eqw::project

// StatsSet <-> JSON for the project file's cache. nlohmann writes doubles in the shortest form
// that reads back exactly, so floats (widened to double) and counts round-trip bit-identical.
#include <eqw/calib.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace eqw {
namespace {

using nlohmann::json;

constexpr int kFormatVersion = 1;

json toJson(const TensorStats& s) {
  return json{{"name", s.name},       {"min", s.min},         {"max", s.max},
              {"absmax", s.absmax},   {"count", s.count},     {"zeros", s.zeros},
              {"samples", s.samples}, {"sample_elements", s.sample_elements},
              {"ema_absmax", s.ema_absmax}, {"hist_range", s.hist_range},
              {"hist_stride", s.hist_stride}, {"histogram", s.histogram}};
}

TensorStats fromJson(const json& j) {
  TensorStats s;
  s.name = j.at("name").get<std::string>();
  s.min = j.at("min").get<float>();
  s.max = j.at("max").get<float>();
  s.absmax = j.at("absmax").get<float>();
  s.count = j.at("count").get<int64_t>();
  s.zeros = j.at("zeros").get<int64_t>();
  s.samples = j.at("samples").get<int64_t>();
  s.sample_elements = j.at("sample_elements").get<int64_t>();
  s.ema_absmax = j.at("ema_absmax").get<double>();
  s.hist_range = j.at("hist_range").get<float>();
  s.hist_stride = j.value("hist_stride", 1);  // absent before sampled histograms: every value
  s.histogram = j.at("histogram").get<std::vector<uint64_t>>();
  return s;
}

Status checkLoaded(const TensorStats& s, int id) {
  const std::string where = "stats of value " + std::to_string(id) + " ('" + s.name + "')";
  if (!s.histogram.empty() && s.histogram.size() != static_cast<size_t>(kHistogramBins))
    return parseError(where + ": histogram has " + std::to_string(s.histogram.size()) + " bins, expected " +
                      std::to_string(kHistogramBins));
  if (s.hist_stride < 1)
    return parseError(where + ": hist_stride " + std::to_string(s.hist_stride) + " is not a positive block stride");
  if (s.count < 0 || s.zeros < 0 || s.zeros > s.count || s.samples < 0)
    return parseError(where + ": inconsistent counts (count " + std::to_string(s.count) + ", zeros " +
                      std::to_string(s.zeros) + ")");
  return Status::ok();
}

}  // namespace

std::string statsToJson(const StatsSet& stats) {
  json values = json::array();
  for (const auto& [id, s] : stats.values) {
    json v = toJson(s);
    v["id"] = id;
    values.push_back(std::move(v));
  }
  json root{{"format", "eqw-calibration-stats"}, {"version", kFormatVersion}, {"model", stats.model},
            {"images", stats.images}, {"bins", kHistogramBins}, {"values", std::move(values)}};
  return root.dump();
}

Result<StatsSet> statsFromJson(const std::string& text) {
  try {
    const json root = json::parse(text);
    if (root.value("format", "") != "eqw-calibration-stats")
      return parseError("not a calibration statistics file (format is not 'eqw-calibration-stats')");
    if (root.at("version").get<int>() != kFormatVersion)
      return parseError("calibration statistics version " + root.at("version").dump() + " is not supported (expected " +
                        std::to_string(kFormatVersion) + ")");
    if (root.at("bins").get<int>() != kHistogramBins)
      return parseError("calibration statistics have " + root.at("bins").dump() + " histogram bins, expected " +
                        std::to_string(kHistogramBins));
    StatsSet set;
    set.model = root.at("model").get<std::string>();
    set.images = root.at("images").get<int64_t>();
    for (const json& v : root.at("values")) {
      const int id = v.at("id").get<int>();
      TensorStats s = fromJson(v);
      EQW_RETURN_IF_ERROR(checkLoaded(s, id));
      if (!set.values.emplace(id, std::move(s)).second)
        return parseError("calibration statistics list value " + std::to_string(id) + " twice");
    }
    return set;
  } catch (const json::exception& e) {
    return parseError(std::string("calibration statistics: ") + e.what());
  } catch (const std::bad_alloc&) {
    return parseError("calibration statistics: out of memory while reading");
  }
}

Status saveStats(const StatsSet& stats, const std::string& path) {
  std::ofstream out(path, std::ios::binary);
  if (!out) return ioError("cannot open '" + path + "' for writing");
  out << statsToJson(stats);
  out.close();
  if (!out) return ioError("cannot write '" + path + "'");
  return Status::ok();
}

Result<StatsSet> loadStats(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return notFound("cannot open calibration statistics '" + path + "'");
  std::ostringstream buf;
  buf << in.rdbuf();
  auto r = statsFromJson(buf.str());
  if (!r) return r.status().withContext(path);
  return r;
}

}  // namespace eqw

// JSON -> ProjectData. Every field is checked on its own here (types, ranges, finite thresholds,
// known names); the Session checks that the result fits the model.
#include <algorithm>
#include <new>

#include "io/project/json_reader.h"
#include "io/project/project.h"
#include "io/project/project_names.h"

namespace eqw::project {
namespace {

constexpr int64_t kMaxCount = int64_t{1} << 40;

LayerQuant readLayer(JsonReader& r, const json& j, const std::string& path) {
  LayerQuant l;
  l.layer = r.str(j, path, "layer");
  l.precision = r.choice(j, path, "precision", precisionNames());
  l.weight_granularity = r.choice(j, path, "weight_granularity", granularityNames());
  l.unsigned_input = r.boolean(j, path, "unsigned_input");
  if (const json* in = r.object(j, path, "input")) {
    const std::string p = JsonReader::join(path, "input");
    if (const json* v = r.member(*in, p, "value")) l.input.value = r.threshold(*v, JsonReader::join(p, "value"), true);
    l.input.method = r.str(*in, p, "method");
  }
  if (const json* w = r.member(j, path, "weight_thresholds"))
    l.weight_thresholds = r.thresholds(*w, JsonReader::join(path, "weight_thresholds"));
  l.weight_method = r.str(j, path, "weight_method");
  l.weight_bits = static_cast<int>(r.integer(j, path, "weight_bits", 0, 8));
  return l;
}

QuantSpec readSpec(JsonReader& r, const json& j, const std::string& path) {
  QuantSpec spec;
  const json* layers = r.array(j, path, "layers");
  if (!layers) return spec;
  const std::string p = JsonReader::join(path, "layers");
  for (size_t i = 0; i < layers->size() && r.ok(); ++i) spec.layers.push_back(readLayer(r, (*layers)[i], JsonReader::index(p, i)));
  return spec;
}

CalibrateOptions readCalibrateOptions(JsonReader& r, const json& j, const std::string& path) {
  CalibrateOptions o;
  o.method = r.str(j, path, "method");
  const auto& known = calibrationMethodNames();
  if (r.ok() && std::find(known.begin(), known.end(), o.method) == known.end()) {
    std::string list;
    for (const std::string& k : known) list += (list.empty() ? "" : ", ") + k;
    r.fail(JsonReader::join(path, "method"), "unknown calibration method '" + o.method + "' (known: " + list + ")");
  }
  o.method_options.percentile = r.number(j, path, "percentile");
  if (r.ok() && !(o.method_options.percentile > 0.0 && o.method_options.percentile <= 100.0))
    r.fail(JsonReader::join(path, "percentile"), "must be in (0, 100]");
  o.precision = r.choice(j, path, "precision", precisionNames());
  o.weight_granularity = r.choice(j, path, "weight_granularity", granularityNames());
  o.weight_method = r.choice(j, path, "weight_method", weightMethodNames());
  o.input_by_max = r.boolean(j, path, "input_by_max");
  o.ncnn_winograd_6bit = r.boolean(j, path, "ncnn_winograd_6bit");
  return o;
}

CollectOptions readCollectOptions(JsonReader& r, const json& j, const std::string& path) {
  CollectOptions o;
  o.threads = static_cast<int>(r.integer(j, path, "threads", -1, 4096));
  o.values = r.choice(j, path, "values", statsValuesNames());
  o.max_images = r.integer(j, path, "max_images", 0, kMaxCount);
  o.passes = static_cast<int>(r.integer(j, path, "passes", 1, 2));
  // Absent in projects from before sampled histograms, which binned every value (the default).
  if (r.optional(j, path, "hist_stride")) o.hist_stride = static_cast<int>(r.integer(j, path, "hist_stride", 1, kMaxHistStride));
  return o;
}

EasyQuantOptions readEasyQuantOptions(JsonReader& r, const json& j, const std::string& path) {
  EasyQuantOptions o;
  o.images = static_cast<int>(r.integer(j, path, "images", 1, 1 << 20));
  o.candidates = static_cast<int>(r.integer(j, path, "candidates", 1, 1 << 20));
  o.range_lo = r.number(j, path, "range_lo");
  o.range_hi = r.number(j, path, "range_hi");
  o.max_rounds = static_cast<int>(r.integer(j, path, "max_rounds", 0, 1 << 20));
  o.min_improvement = r.number(j, path, "min_improvement");
  o.input = r.choice(j, path, "input", easyQuantInputNames());
  o.threads = static_cast<int>(r.integer(j, path, "threads", -1, 4096));
  // Absent in projects written before the integer search: they keep the default.
  if (const json* v = r.optional(j, path, "integer_kernels")) o.integer_kernels = r.boolean(*v, JsonReader::join(path, "integer_kernels"));
  return o;
}

EasyQuantLayer readEasyQuantLayer(JsonReader& r, const json& j, const std::string& path) {
  EasyQuantLayer l;
  l.layer = r.str(j, path, "layer");
  l.bits = static_cast<int>(r.integer(j, path, "bits", 0, 8));
  l.weight_bits = static_cast<int>(r.integer(j, path, "weight_bits", 0, 8));
  l.before = r.number(j, path, "before");
  l.after = r.number(j, path, "after");
  if (const json* rounds = r.array(j, path, "rounds")) {
    const std::string p = JsonReader::join(path, "rounds");
    for (size_t i = 0; i < rounds->size() && r.ok(); ++i) {
      const std::string ri = JsonReader::index(p, i);
      const json& x = (*rounds)[i];
      l.rounds.push_back({r.number(x, ri, "start"), r.number(x, ri, "after_weights"), r.number(x, ri, "after_activation")});
    }
  }
  l.weights_before = r.number(j, path, "weights_before");
  l.weights_after = r.number(j, path, "weights_after");
  if (const json* c = r.object(j, path, "activation_curve")) {
    const std::string p = JsonReader::join(path, "activation_curve");
    if (const json* s = r.member(*c, p, "scales")) l.activation_curve.scales = r.floats(*s, JsonReader::join(p, "scales"));
    if (const json* o = r.member(*c, p, "objective")) l.activation_curve.objective = r.numbers(*o, JsonReader::join(p, "objective"));
    if (r.ok() && l.activation_curve.scales.size() != l.activation_curve.objective.size())
      r.fail(p, "scales and objective differ in length");
  }
  l.seconds = r.number(j, path, "seconds");
  if (const json* v = r.optional(j, path, "integer")) l.integer = r.boolean(*v, JsonReader::join(path, "integer"));
  return l;
}

EasyQuantResult readEasyQuantResult(JsonReader& r, const json& j, const std::string& path) {
  EasyQuantResult res;
  if (const json* s = r.object(j, path, "spec")) res.spec = readSpec(r, *s, JsonReader::join(path, "spec"));
  if (const json* layers = r.array(j, path, "layers")) {
    const std::string p = JsonReader::join(path, "layers");
    for (size_t i = 0; i < layers->size() && r.ok(); ++i)
      res.layers.push_back(readEasyQuantLayer(r, (*layers)[i], JsonReader::index(p, i)));
  }
  res.images = r.integer(j, path, "images", 0, kMaxCount);
  res.input = r.choice(j, path, "input", easyQuantInputNames());
  res.seconds = r.number(j, path, "seconds");
  return res;
}

LayerOverride readOverride(JsonReader& r, const json& j, const std::string& path) {
  LayerOverride o;
  if (!j.is_object()) return r.fail(path, "expected an object"), o;
  if (r.optional(j, path, "precision")) o.precision = r.choice(j, path, "precision", precisionNames());
  if (const json* t = r.optional(j, path, "input_threshold"))
    o.input_threshold = r.threshold(*t, JsonReader::join(path, "input_threshold"));
  if (const json* w = r.optional(j, path, "weight_thresholds")) {
    o.weight_thresholds = r.thresholds(*w, JsonReader::join(path, "weight_thresholds"));
    if (r.ok() && o.weight_thresholds->empty()) r.fail(JsonReader::join(path, "weight_thresholds"), "is empty");
  }
  if (r.ok() && o.empty()) r.fail(path, "an override sets none of precision, input_threshold, weight_thresholds");
  return o;
}

uint64_t readSeed(JsonReader& r, const json& j, const std::string& path) {
  const json* v = r.member(j, path, "generate_seed");
  if (!v || !r.ok()) return 0;
  if (!v->is_number_unsigned() && !(v->is_number_integer() && v->get<int64_t>() >= 0))
    return r.fail(JsonReader::join(path, "generate_seed"), "expected a non-negative integer, got " + v->dump()), 0;
  return v->get<uint64_t>();
}

void readModel(JsonReader& r, const json& root, const std::string& dir, ProjectData& d) {
  const json* m = r.object(root, "", "model");
  if (!m) return;
  d.model_path = resolvedPath(r.str(*m, "model", "path"), dir);
  if (r.ok() && d.model_path.empty()) r.fail("model.path", "is empty");
  d.import.weights_path = resolvedPath(r.str(*m, "model", "weights_path"), dir);
  d.import.generate_seed = readSeed(r, *m, "model");
  if (const json* shape = r.array(*m, "model", "input_shape"))
    for (size_t i = 0; i < shape->size() && r.ok(); ++i)
      d.import.input_shape.push_back(r.integer((*shape)[i], JsonReader::index("model.input_shape", i), 1, 1 << 20));
  d.canonicalize.fold_batchnorm = r.boolean(*m, "model", "fold_batchnorm");
  d.canonicalize.fuse_activations = r.boolean(*m, "model", "fuse_activations");
}

std::optional<DatasetSource> readDataset(JsonReader& r, const json& datasets, const std::string& role, const std::string& dir) {
  const json* j = r.optional(datasets, "datasets", role);
  if (!j) return std::nullopt;
  const std::string path = "datasets." + role;
  DatasetSource d;
  d.source = resolvedPath(r.str(*j, path, "source"), dir);
  d.layout = r.choice(*j, path, "layout", layoutNames());
  const std::string pre = r.str(*j, path, "preprocess");
  if (!r.ok()) return std::nullopt;
  auto parsed = parsePreprocess(pre);
  if (!parsed) return r.fail(path + ".preprocess", parsed.status().message()), std::nullopt;
  d.preprocess = *parsed;
  return d;
}

void readStatistics(JsonReader& r, const json& root, ProjectData& d) {
  const json* j = r.optional(root, "", "statistics");
  if (!j) return;
  SavedStatistics s;
  if (const json* o = r.object(*j, "statistics", "options")) s.options = readCollectOptions(r, *o, "statistics.options");
  s.model_fingerprint = r.str(*j, "statistics", "model_fingerprint");
  s.data_fingerprint = r.str(*j, "statistics", "data_fingerprint");
  const json* data = r.object(*j, "statistics", "data");
  if (!data) return;
  auto stats = statsFromJson(data->dump());
  if (!stats) return r.fail("statistics.data", stats.status().message());
  s.stats = std::move(stats.value());
  d.statistics = std::move(s);
}

void readSections(JsonReader& r, const json& root, const std::string& dir, ProjectData& d) {
  readModel(r, root, dir, d);
  if (const json* ds = r.object(root, "", "datasets")) {
    d.calibration = readDataset(r, *ds, "calibration", dir);
    d.evaluation = readDataset(r, *ds, "evaluation", dir);
  }
  readStatistics(r, root, d);
  if (const json* c = r.optional(root, "", "calibration")) {
    if (const json* o = r.object(*c, "calibration", "options")) d.calibrate_options = readCalibrateOptions(r, *o, "calibration.options");
    if (const json* s = r.object(*c, "calibration", "spec")) d.calibrated = readSpec(r, *s, "calibration.spec");
  }
  if (const json* e = r.optional(root, "", "easyquant")) {
    if (const json* o = r.object(*e, "easyquant", "options")) d.easyquant_options = readEasyQuantOptions(r, *o, "easyquant.options");
    if (const json* res = r.object(*e, "easyquant", "result")) d.easyquant = readEasyQuantResult(r, *res, "easyquant.result");
  }
  if (const json* o = r.object(root, "", "overrides"))
    for (auto it = o->begin(); it != o->end() && r.ok(); ++it)
      d.overrides[it.key()] = readOverride(r, it.value(), "overrides." + it.key());
}

// nlohmann's messages start with "[json.exception.parse_error.101] "; the rest says what and where.
std::string jsonMessage(const std::string& what) {
  const size_t end = what.rfind("] ", what.find(' '));
  return what.rfind("[json.exception.", 0) == 0 && end != std::string::npos ? what.substr(end + 2) : what;
}

}  // namespace

Result<ProjectData> fromJson(const std::string& text, const std::string& dir) {
  try {
    const json root = json::parse(text);
    JsonReader r;
    if (!root.is_object()) return parseError("not an EQ Workbench project (the document is not a JSON object)");
    const json* format = r.member(root, "", "format");
    if (!format || !format->is_string() || format->get<std::string>() != kFormat)
      return parseError(std::string("not an EQ Workbench project (field 'format' is not '") + kFormat + "')");
    const json* version = r.member(root, "", "version");
    if (!version || !version->is_number_integer() || version->get<int64_t>() != kVersion)
      return parseError("field 'version': project version " + (version ? version->dump() : std::string("(missing)")) +
                        " is not supported (this build reads version " + std::to_string(kVersion) + ")");
    ProjectData d;
    readSections(r, root, dir, d);
    if (!r.ok()) return r.error();
    return d;
  } catch (const json::exception& e) {
    return parseError("not valid JSON: " + jsonMessage(e.what()));
  } catch (const std::bad_alloc&) {
    return parseError("out of memory while reading (the file is too large or malformed)");
  }
}

}  // namespace eqw::project

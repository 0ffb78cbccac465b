// eqw calibrate MODEL --data DIR|LIST --out FILE.table: statistics over a calibration set, a
// threshold per layer input and per weight channel, written as an ncnn scale table.
#include <eqw/calibrate.h>
#include <eqw/data.h>
#include <eqw/easyquant.h>
#include <eqw/passes.h>
#include <eqw/session.h>
#include <eqw/table.h>

#include <cstdio>
#include <filesystem>
#include <iterator>
#include <optional>
#include <set>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include "args.h"
#include "commands.h"
#include "common.h"

namespace eqw::cli {

namespace {

const char* kHelp =
    "usage: eqw calibrate MODEL --data DIR|LIST --out FILE.table [options]\n\n"
    "Collects activation statistics over a calibration set (two passes, as ncnn2table), picks a\n"
    "threshold for every quantized layer's input and weights, and writes an ncnn scale table that\n"
    "ncnn2int8 reads. BatchNorm and activations are folded into the convolutions first, as ncnn does.\n\n"
    "options:\n"
    "  --data PATH          calibration images: a folder (recursive) or a list file (required)\n"
    "  --out FILE           the .table to write (required)\n"
    "  --method NAME        activation thresholds: max, ema-max, percentile, kl, kl-ncnn, aciq, mse,\n"
    "                       or eq: EasyQuant's search of weight and input scales maximising each\n"
    "                       layer's output cosine, started from --eq-start (default kl)\n"
    "  --eq-start NAME      the method EasyQuant starts from (default kl)\n"
    "  --eq-images N        images EasyQuant searches on (default 50)\n"
    "  --eq-sequential      search on the quantized network's inputs (default: FP32 inputs)\n"
    "  --eq-float           run EasyQuant's candidates as fake-quantized float layers (default: on\n"
    "                       the integer kernels where the CPU has them; same objective to rounding)\n"
    "  --percentile P       for --method percentile (default 99.99)\n"
    "  --bits 8|7           INT8 or INT7 grids (default 8)\n"
    "  --per-channel        one weight scale per output channel (default)\n"
    "  --per-tensor         one weight scale per layer\n"
    "  --weight-method M    max, aciq or mse (default max)\n"
    "  --calibrate-input    use --method for layers reading the network input too (default: max,\n"
    "                       since the input's range is known and KL clips sparse foregrounds)\n"
    "  --stats FILE         statistics cache (JSON): read when it exists, written otherwise\n"
    "  --project FILE.eqw   keep the model, calibration set, statistics and spec in a project file:\n"
    "                       loaded when it exists (cached statistics reused while the images and\n"
    "                       preprocessing stay the same), saved after; --data may then be left out\n"
    "  --eval-data DIR|LIST with --project: the evaluation images the workbench uses (labels give\n"
    "                       top-1), preprocessed as the calibration set\n"
    "  --max-images N       use at most N images (default: all)\n"
    "  --passes 2|1         2: ncnn2table's two passes, ranges then histograms (default; kl-ncnn\n"
    "                       needs it to reproduce ncnn's tables); 1: one pass, histograms re-binned\n"
    "                       as the range grows (half the work, coarser bins)\n"
    "  --hist-stride N      with --passes 1: bin one block of 256 values in N of each image,\n"
    "                       rotating from image to image (default 1: every value). Ranges and zero\n"
    "                       counts always see every value; KL thresholds move with sampling\n"
    "  --threads N          worker threads (default 1)\n"
    "  --no-winograd-6bit   give INT8 3x3 stride-1 convolutions 8-bit weights and write 127/T for\n"
    "                       them too (default: 6-bit weights, 31/T, what ncnn's Winograd runs)\n"
    "  --json               machine-readable summary\n";

Result<WeightMethod> parseWeightMethod(const std::string& s) {
  for (WeightMethod m : {WeightMethod::Max, WeightMethod::Aciq, WeightMethod::Mse})
    if (s == toString(m)) return m;
  return invalidArgument("option '--weight-method': '" + s + "' is not one of max, aciq, mse");
}

// Progress on stderr: a line redrawn in place on a terminal ("range 120/200"), only the finished
// stages in a log.
bool progressLine(const std::string& stage, int64_t done, int64_t total) {
  static const bool tty = ::isatty(2) != 0;
  if (tty) std::fprintf(stderr, "\r%-10s %lld/%lld", stage.c_str(), static_cast<long long>(done), static_cast<long long>(total));
  if (done == total && tty) std::fprintf(stderr, "\n");
  if (done == total && !tty)
    std::fprintf(stderr, "%s: %lld %s\n", stage.c_str(), static_cast<long long>(total), stage == "easyquant" ? "layers" : "images");
  return true;
}

// --max-images and --passes; only the inputs of quantized layers are observed (the table needs
// these only; half the work on most nets).
Result<CollectOptions> collectOptions(const Args& args, int threads) {
  auto maxImages = args.getInt("max-images", 0, 0, 1 << 30);
  if (!maxImages) return maxImages.status();
  auto passes = args.getInt("passes", 2, 1, 2);
  if (!passes) return passes.status();
  CollectOptions co;
  auto stride = args.getInt("hist-stride", co.hist_stride, 1, kMaxHistStride);
  if (!stride) return stride.status();
  co.threads = threads;
  co.max_images = *maxImages;
  co.passes = *passes;
  co.hist_stride = *stride;
  co.values = StatsValues::QuantizableInputs;
  return co;
}

Result<StatsSet> statistics(const Graph& graph, const Args& args, const Preprocess& pre, int threads, Diagnostics& diags) {
  const std::string cache = args.get("stats", "");
  std::error_code ec;
  if (!cache.empty() && std::filesystem::exists(cache, ec)) {
    auto loaded = loadStats(cache);
    if (!loaded) return loaded.status();
    if (loaded->model != graph.name)
      return invalidArgument("statistics cache " + cache + " was made for model '" + loaded->model + "', not '" + graph.name + "'");
    std::fprintf(stderr, "statistics: %s (%lld images, cached)\n", cache.c_str(), static_cast<long long>(loaded->images));
    return loaded;
  }
  auto dataset = openDataset(*args.get("data"));
  if (!dataset) return dataset.status();
  auto co = collectOptions(args, threads);
  if (!co) return co.status();
  auto stats = collectStatistics(graph, *dataset, pre, *co, progressLine, diags);
  if (!stats) return stats.status();
  if (!cache.empty()) EQW_RETURN_IF_ERROR(saveStats(*stats, cache));
  return stats;
}

// --project FILE: the model, the calibration set, the statistics and the spec live in a project
// file (eqw::Session). An existing project is loaded and its statistics are reused while the
// images and preprocessing stay the same, so another method or bit width never re-runs the model;
// the project is saved again with the new spec.
Status calibrateInProject(const Args& args, const std::string& path, const CalibrateOptions& options,
                          const EasyQuantOptions* eq, int threads, Session& session, Diagnostics& diags) {
  std::error_code ec;
  const std::string model = args.positionals()[0];
  if (std::filesystem::exists(path, ec)) {
    auto loaded = Session::load(path, &diags);
    if (!loaded) return loaded.status();
    session = std::move(*loaded);
    if (!std::filesystem::equivalent(session.modelPath(), model, ec))
      return invalidArgument("project " + path + " is for model '" + session.modelPath() + "', not '" + model + "'");
  } else {
    auto io = importOptionsFromArgs(args);
    if (!io) return io.status();
    EQW_RETURN_IF_ERROR(session.open(model, *io, {}, &diags));
  }
  const Graph& g = session.canonicalGraph();
  if (auto data = args.get("data")) {
    auto pre = preprocessFromArgs(args, g.values[g.inputs[0]].shape);
    if (!pre) return pre.status();
    EQW_RETURN_IF_ERROR(session.setDataset(DatasetRole::Calibration, *data, *pre, DatasetLayout::Auto, &diags));
  } else if (!session.dataset(DatasetRole::Calibration)) {
    return invalidArgument("project " + path + " has no calibration set yet: give --data");
  }
  // The images the workbench's Evaluate uses (labelled ones give top-1), preprocessed the same way.
  if (auto evalData = args.get("eval-data")) {
    const Preprocess pre = session.dataset(DatasetRole::Calibration)->preprocess;
    EQW_RETURN_IF_ERROR(session.setDataset(DatasetRole::Evaluation, *evalData, pre, DatasetLayout::Auto, &diags)
                            .withContext("--eval-data"));
  }
  auto co = collectOptions(args, threads);
  if (!co) return co.status();
  const int64_t runs = session.statisticsRuns();
  EQW_RETURN_IF_ERROR(session.collectStatistics(*co, progressLine, diags));
  if (session.statisticsRuns() == runs)
    std::fprintf(stderr, "statistics: %lld images, cached in %s\n", static_cast<long long>(session.statistics()->images),
                 path.c_str());
  EQW_RETURN_IF_ERROR(session.calibrate(options, &diags));
  if (eq) EQW_RETURN_IF_ERROR(session.refineEasyQuant(*eq, progressLine, diags));
  return session.save(path);
}

}  // namespace

int cmdCalibrate(const Argv& argv) {
  std::set<std::string> names = {"data",  "out",       "method",     "eq-start", "eq-images", "percentile", "bits",
                                   "weight-method", "stats", "max-images", "passes", "hist-stride", "threads", "weights", "input-shape", "project",
                                   "eval-data"};
  names.insert(std::begin(kPreprocessOptions), std::end(kPreprocessOptions));
  auto args = Args::parse(argv, {"json", "help", "per-channel", "per-tensor", "calibrate-input", "no-winograd-6bit", "eq-sequential", "eq-float"},
                          names);
  if (!args) return fail("calibrate", args.status().message(), 2);
  if (args->has("help")) {
    std::printf("%s%s%s", kHelp, kPreprocessHelp, kModelOptionsHelp);
    return 0;
  }
  if (args->positionals().size() != 1) return fail("calibrate", "expected one MODEL argument (see --help)", 2);
  if (!args->get("data") && !args->get("stats") && !args->get("project"))
    return fail("calibrate", "--data DIR|LIST is required", 2);
  if (args->get("project") && args->get("stats")) return fail("calibrate", "--project and --stats exclude each other", 2);
  if (args->get("eval-data") && !args->get("project")) return fail("calibrate", "--eval-data needs --project", 2);
  auto out = args->get("out");
  if (!out) return fail("calibrate", "--out FILE.table is required", 2);
  if (args->has("per-channel") && args->has("per-tensor")) return fail("calibrate", "--per-channel and --per-tensor exclude each other", 2);
  auto bits = args->getInt("bits", 8, 7, 8);
  auto threads = args->getInt("threads", 1, 1, 1024);
  for (const Status& s : {bits.status(), threads.status()})
    if (!s.isOk()) return fail("calibrate", s.message(), 2);

  CalibrateOptions options;
  options.method = args->get("method", "kl");
  const bool easyQuant = options.method == "eq";
  if (easyQuant) options.method = args->get("eq-start", "kl");
  if (easyQuant && !args->get("data") && !args->get("project"))
    return fail("calibrate", "--method eq needs --data (it runs the model)", 2);
  auto eqImages = args->getInt("eq-images", 50, 1, 100000);
  if (!eqImages) return fail("calibrate", eqImages.status().message(), 2);
  options.precision = *bits == 8 ? Precision::Int8 : Precision::Int7;
  options.weight_granularity = args->has("per-tensor") ? Granularity::PerTensor : Granularity::PerChannel;
  options.input_by_max = !args->has("calibrate-input");
  options.ncnn_winograd_6bit = !args->has("no-winograd-6bit");
  if (auto p = args->get("percentile")) {
    try {
      options.method_options.percentile = std::stod(*p);
    } catch (...) {
      return fail("calibrate", "option '--percentile': '" + *p + "' is not a number", 2);
    }
  }
  auto wm = parseWeightMethod(args->get("weight-method", "max"));
  if (!wm) return fail("calibrate", wm.status().message(), 2);
  options.weight_method = *wm;
  if (auto m = makeCalibrationMethod(options.method, options.method_options); !m) return fail("calibrate", m.status().message(), 2);

  Diagnostics diags;
  // Warnings (skipped images ...) are printed before an error too: they often explain it.
  auto failWith = [&](const Status& s) {
    for (const Diagnostic& d : diags) std::fprintf(stderr, "warning: %s\n", d.message.c_str());
    return fail("calibrate", s.message());
  };
  EasyQuantOptions eq;
  eq.images = *eqImages;
  eq.threads = *threads;
  eq.input = args->has("eq-sequential") ? EasyQuantInput::Sequential : EasyQuantInput::Isolated;
  eq.integer_kernels = !args->has("eq-float");

  std::optional<CanonicalizeReport> folded;
  Graph graph;
  int64_t images = 0;
  QuantSpec spec;
  std::string reported = options.method;
  if (auto project = args->get("project")) {
    Session session;
    auto r = calibrateInProject(*args, *project, options, easyQuant ? &eq : nullptr, *threads, session, diags);
    if (!r.isOk()) return failWith(r);
    graph = session.canonicalGraph();
    images = session.statistics()->images;
    spec = *session.spec();
    if (easyQuant && session.easyQuant())
      reported = "eq (from " + options.method + ", " + std::to_string(session.easyQuant()->images) + " images)";
  } else {
    CanonicalizeReport report;
    auto loaded = loadCanonicalModel(args->positionals()[0], *args, "calibrate", &report);
    if (!loaded) return fail("calibrate", loaded.status().message());
    graph = std::move(*loaded);
    folded = report;
    auto pre = preprocessFromArgs(*args, graph.values[graph.inputs[0]].shape);
    if (!pre) return fail("calibrate", pre.status().message(), 2);
    auto stats = statistics(graph, *args, *pre, *threads, diags);
    if (!stats) return failWith(stats.status());
    images = stats->images;
    auto made = calibrateSpec(graph, *stats, options, &diags);
    if (!made) return failWith(made.status());
    spec = std::move(*made);
    if (easyQuant) {
      auto dataset = openDataset(*args->get("data"));
      if (!dataset) return fail("calibrate", dataset.status().message());
      auto refined = refineEasyQuant(graph, spec, *dataset, *pre, eq, progressLine, diags);
      if (!refined) return failWith(refined.status());
      spec = std::move(refined->spec);
      int integerLayers = 0;
      for (const EasyQuantLayer& l : refined->layers) integerLayers += l.integer;
      reported = "eq (from " + options.method + ", " + std::to_string(refined->images) + " images, " +
                 std::to_string(static_cast<int>(refined->seconds + 0.5)) + " s, " + std::to_string(integerLayers) + "/" +
                 std::to_string(refined->layers.size()) + " layers searched on integer kernels)";
    }
  }
  NcnnTableOptions tableOptions;
  tableOptions.winograd_6bit = options.ncnn_winograd_6bit;
  if (Status s = writeNcnnTable(graph, spec, *out, tableOptions, &diags); !s.isOk()) return failWith(s);
  int sixBit = 0;
  for (const LayerQuant& l : spec.layers) sixBit += l.weight_bits == kNcnnWinogradWeightBits;
  for (const Diagnostic& d : diags) std::fprintf(stderr, "warning: %s\n", d.message.c_str());

  if (args->has("json")) {
    nlohmann::json layers = nlohmann::json::array();
    for (const LayerQuant& l : spec.layers)
      layers.push_back({{"layer", l.layer}, {"precision", toString(l.precision)}, {"input_threshold", l.input.value},
                        {"input_method", l.input.method}, {"weight_method", l.weight_method},
                        {"weight_thresholds", l.weight_thresholds.size()}, {"weight_bits", effectiveWeightBits(l)}});
    nlohmann::json j = {{"model", graph.name}, {"images", images}, {"method", easyQuant ? "eq" : options.method}, {"bits", *bits},
                        {"granularity", toString(options.weight_granularity)}, {"table", *out},
                        {"winograd_6bit_layers", sixBit},
                        {"layers", layers}};
    if (folded) j["folded_batchnorm"] = folded->folded_batchnorm + folded->folded_scale, j["fused_activations"] = folded->fused_activations;
    if (auto project = args->get("project")) j["project"] = *project;
    std::printf("%s\n", j.dump(2).c_str());
    return 0;
  }
  if (folded)
    std::printf("%s: %d BatchNorm/Scale folded into convolutions, %d activations fused\n", args->positionals()[0].c_str(),
                folded->folded_batchnorm + folded->folded_scale, folded->fused_activations);
  std::printf("statistics: %lld images; method %s, INT%d, %s weights (%s)\n", static_cast<long long>(images),
              reported.c_str(), *bits, toString(options.weight_granularity), toString(options.weight_method));
  if (sixBit > 0) std::printf("%d layer(s) with ncnn's 6-bit Winograd weights (3x3 stride 1; 31/T)\n", sixBit);
  std::printf("\n");
  std::printf("%-40s %12s %12s  %s\n", "layer", "threshold", "scale", "method");
  const int q = qmax(*bits);
  for (const LayerQuant& l : spec.layers)
    std::printf("%-40s %12.6g %12.6g  %s\n", l.layer.c_str(), l.input.value, q / l.input.value, l.input.method.c_str());
  std::printf("\nwrote %s (%zu layers)\n", out->c_str(), spec.layers.size());
  return 0;
}

}  // namespace eqw::cli

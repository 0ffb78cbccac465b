// eqw bench: latency of a model (median of timed runs), GMAC/s and share of the measured peak;
// eqw bench --peak: the per-core arithmetic peaks themselves.
#include <eqw/bench.h>
#include <eqw/calib.h>
#include <eqw/calibrate.h>
#include <eqw/cpu.h>
#include <eqw/integer.h>
#include <eqw/table.h>
#include <eqw/peak.h>
#include <eqw/probe.h>
#include <eqw/runtime.h>

#include <algorithm>
#include <cstdlib>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <numeric>
#include <optional>
#include <set>

#include "args.h"
#include "commands.h"
#include "common.h"

namespace eqw::cli {

namespace {

const char* kHelp =
    "usage: eqw bench MODEL [options]\n"
    "       eqw bench --peak [--isa LEVEL]\n"
    "       eqw bench MODEL --stats --data DIR|LIST [preprocessing] [--passes 1|2] [--hist-stride N]\n"
    "                  [--max-images N]\n"
    "       eqw bench MODEL --probe LAYER --data DIR|LIST [preprocessing] [--probe-images N]\n\n"
    "Times whole FP32 inferences of MODEL on a random input and reports the median latency, the\n"
    "throughput in GMAC/s (direct-convolution MACs) and its share of the FP32 FMA peak measured on\n"
    "this CPU (per core times threads). --peak measures and prints the peaks. --stats times\n"
    "calibration statistics: every image (decoded once, up to --max-images, default 50) is run\n"
    "plainly and with the statistics observers of `eqw calibrate`, and the overhead is printed.\n"
    "--probe times the GUI's threshold drag: LAYER's isolated metrics (eqw/probe.h) over\n"
    "--probe-images images (default 16) at 21 thresholds across [0.5 T, 1.5 T] of a max calibration\n"
    "on the same images; prints the median time of one metrics() call.\n\n"
    "options:\n"
    "  --threads N|LIST     worker threads (default 1); a list (1,2) compares the counts: each is\n"
    "                       timed in alternating rounds and the speed-up over the first is the\n"
    "                       median of the rounds' ratios (with any --precision)\n"
    "  --rounds N           with a --threads list: rounds (default 5), each --loops runs a count\n"
    "  --loops N            timed runs (default 20)\n"
    "  --warmup N           untimed runs first (default 3)\n"
    "  --isa LEVEL          cap: auto|avx512vnni|avx512|avxvnni|avx2|sse41|scalar (default auto)\n"
    "  --reference          scalar reference kernels (slow; for comparison)\n"
    "  --per-layer          also time every layer; prints the slowest first\n"
    "  --json               machine-readable output\n"
    "  --passes 1|2         with --stats: one pass, or ncnn2table's two (default 1)\n"
    "  --hist-stride N      with --stats --passes 1: histogram one block of 256 values in N\n"
    "                       (default 1: every value; 8 is about a third of the cost)\n"
    "  --precision LIST     fp32,int8,int7: time each on the canonical graph (BatchNorm folded), the\n"
    "                       integer ones with real integer kernels; share of the INT8 peak\n"
    "  --table FILE         the scales of the integer runs (default: max thresholds from one run on\n"
    "                       the random input; latency does not depend on them)\n"
    "  --table-bits 8|7     the grid the table's scales were written for (default 8)\n"
    "  --no-int8-flow       integer runs convert every value to float between layers (the int8\n"
    "                       flow between consecutive integer layers is on by default)\n"
    "  --no-fuse            integer runs keep each residual Eltwise sum (and its ReLU) as its own\n"
    "                       float pass (by default it is fused into the convolution before it)\n"
    "  --no-twin            a fused residual sum read by integer layers is written as floats only,\n"
    "                       and those layers quantize it (by default the fused convolution also\n"
    "                       writes it on their grid)\n";

Result<Isa> isaFromArgs(const Args& args) {
  std::string text = args.get("isa", "auto");
  if (text == "auto") return activeIsa();
  Isa isa;
  if (!parseIsa(text, &isa)) return invalidArgument("unknown ISA '" + text + "' (auto, avx512vnni, avx512, avxvnni, avx2, sse41, scalar)");
  if (!isaSupported(isa)) return invalidArgument(std::string("this CPU does not support ") + toString(isa) + " (best: " + toString(cpuFeatures().best()) + ")");
  return isa;
}

int runPeak(const Args& args) {
  std::vector<Isa> levels;
  if (args.get("isa")) {
    auto isa = isaFromArgs(args);
    if (!isa) return fail("bench", isa.status().message(), 2);
    levels.push_back(*isa);
  } else {
    for (Isa i : {Isa::Avx512Vnni, Isa::Avx512, Isa::AvxVnni, Isa::Avx2, Isa::Sse41})
      if (isaSupported(i)) levels.push_back(i);
  }
  nlohmann::json rows = nlohmann::json::array();
  if (!args.has("json")) {
    std::printf("CPU: %s\nfeatures: %s\n\n", cpuFeatures().brand.c_str(), cpuFeatures().describe().c_str());
    std::printf("%-12s %18s %18s\n", "ISA", "FP32 GMAC/s/core", "INT8 GMAC/s/core");
  }
  for (Isa isa : levels) {
    double f = measurePeakFp32Gmacs(isa);
    double q = measurePeakInt8Gmacs(isa);
    if (args.has("json")) rows.push_back({{"isa", toString(isa)}, {"fp32_gmacs", f}, {"int8_gmacs", q}});
    else std::printf("%-12s %18.1f %18.1f\n", toString(isa), f, q);
  }
  if (args.has("json"))
    std::printf("%s\n", nlohmann::json({{"cpu", cpuFeatures().brand}, {"peaks", rows}}).dump(2).c_str());
  return 0;
}

// --stats: the overhead of collecting calibration statistics over plain inference.
int runStats(const Args& args) {
  if (!args.get("data")) return fail("bench", "--stats needs --data DIR|LIST", 2);
  auto threads = args.getInt("threads", 1, 1, 1024);
  auto passes = args.getInt("passes", 1, 1, 2);
  auto maxImages = args.getInt("max-images", 50, 1, 1 << 30);
  auto stride = args.getInt("hist-stride", CollectOptions{}.hist_stride, 1, kMaxHistStride);
  for (const Status& s : {threads.status(), passes.status(), maxImages.status(), stride.status()})
    if (!s.isOk()) return fail("bench", s.message(), 2);
  auto graph = loadCanonicalModel(args.positionals()[0], args, "bench");
  if (!graph) return fail("bench", graph.status().message());
  auto pre = preprocessFromArgs(args, graph->values[graph->inputs[0]].shape);
  if (!pre) return fail("bench", pre.status().message(), 2);
  auto dataset = openDataset(*args.get("data"));
  if (!dataset) return fail("bench", dataset.status().message());
  CollectOptions co;
  co.threads = *threads;
  co.passes = *passes;
  co.hist_stride = *stride;
  co.max_images = *maxImages;
  co.values = StatsValues::QuantizableInputs;  // what `eqw calibrate` observes
  Diagnostics diags;
  auto r = benchmarkStatistics(*graph, *dataset, *pre, co, diags);
  for (const Diagnostic& d : diags) std::fprintf(stderr, "warning: %s\n", d.message.c_str());
  if (!r) return fail("bench", r.status().message());
  if (args.has("json")) {
    nlohmann::json j = {{"model", graph->name}, {"images", r->images}, {"passes", r->passes},
                        {"hist_stride", r->passes == 1 ? *stride : 1}, {"threads", *threads},
                        {"kernels", r->kernels}, {"plain_ms", r->plain_ms}, {"stats_ms", r->stats_ms},
                        {"plain_median_ms", r->plain_median_ms}, {"stats_median_ms", r->stats_median_ms},
                        {"overhead", r->overhead()}};
    std::printf("%s\n", j.dump(2).c_str());
    return 0;
  }
  const std::string binned = r->passes == 2 || *stride == 1 ? "every value binned"
                                                             : "1 block in " + std::to_string(*stride) + " binned";
  std::printf("model %s: statistics over %lld images, %d pass%s (%s), %d thread%s, %s loops\n", graph->name.c_str(),
              static_cast<long long>(r->images), r->passes, r->passes == 1 ? "" : "es", binned.c_str(), *threads,
              *threads == 1 ? "" : "s", r->kernels.c_str());
  std::printf("plain inference:   %9.1f ms (median %.3f ms per image)\n", r->plain_ms, r->plain_median_ms);
  std::printf("with statistics:   %9.1f ms (median %.3f ms per image)\n", r->stats_ms, r->stats_median_ms);
  std::printf("overhead:          %+8.1f %%\n", 100.0 * r->overhead());
  return 0;
}

// --probe: the cost of one LayerProbe::metrics() call, the work behind one step of a threshold drag.
int runProbe(const Args& args) {
  if (!args.get("data")) return fail("bench", "--probe needs --data DIR|LIST", 2);
  auto threads = args.getInt("threads", 1, 1, 1024);
  auto images = args.getInt("probe-images", 16, 1, 1 << 20);
  auto isa = isaFromArgs(args);
  for (const Status& s : {threads.status(), images.status(), isa.status()})
    if (!s.isOk()) return fail("bench", s.message(), 2);
  auto graph = loadCanonicalModel(args.positionals()[0], args, "bench");
  if (!graph) return fail("bench", graph.status().message());
  auto pre = preprocessFromArgs(args, graph->values[graph->inputs[0]].shape);
  if (!pre) return fail("bench", pre.status().message(), 2);
  auto dataset = openDataset(*args.get("data"));
  if (!dataset) return fail("bench", dataset.status().message());
  Diagnostics diags;
  CollectOptions co;
  co.threads = *threads;
  co.max_images = *images;
  co.passes = 1;
  co.values = StatsValues::QuantizableInputs;
  auto stats = collectStatistics(*graph, *dataset, *pre, co, {}, diags);
  if (!stats) return fail("bench", stats.status().message());
  CalibrateOptions calib;
  calib.method = "max";
  auto spec = calibrateSpec(*graph, *stats, calib, &diags);
  if (!spec) return fail("bench", spec.status().message());
  ProbeOptions po;
  po.max_images = *images;
  po.threads = *threads;
  po.isa = *isa;
  const std::string layer = *args.get("probe");
  const auto t0 = std::chrono::steady_clock::now();
  auto probe = LayerProbe::create(*graph, *spec, layer, *dataset, *pre, po, diags);
  const double buildMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  for (const Diagnostic& d : diags) std::fprintf(stderr, "warning: %s\n", d.message.c_str());
  if (!probe) return fail("bench", probe.status().message());
  const float t = probe->specThreshold();
  std::vector<double> ms;
  double worstSqnr = 0, bestSqnr = -1e300;
  for (int i = 0; i <= 20; ++i) {
    const float ti = t * (0.5f + 0.05f * static_cast<float>(i));
    const auto a = std::chrono::steady_clock::now();
    auto m = probe->metrics(ti);
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - a).count());
    if (!m) return fail("bench", m.status().message());
    worstSqnr = i == 0 ? m->sqnr_db : std::min(worstSqnr, m->sqnr_db);
    bestSqnr = std::max(bestSqnr, m->sqnr_db);
  }
  std::vector<double> sorted = ms;
  std::sort(sorted.begin(), sorted.end());
  const double median = sorted[sorted.size() / 2];
  if (args.has("json")) {
    nlohmann::json j = {{"model", graph->name}, {"layer", layer}, {"images", probe->images()}, {"threads", *threads},
                        {"build_ms", buildMs}, {"median_ms", median}, {"min_ms", sorted.front()}, {"max_ms", sorted.back()},
                        {"thresholds", ms.size()}, {"spec_threshold", t}};
    std::printf("%s\n", j.dump(2).c_str());
    return 0;
  }
  std::printf("model %s, layer %s (%s): %lld images, %d thread%s; probe built in %.1f ms (one FP32 run)\n", graph->name.c_str(),
              layer.c_str(), toString(probe->quant().precision), static_cast<long long>(probe->images()), *threads,
              *threads == 1 ? "" : "s", buildMs);
  std::printf("metrics() over %zu thresholds in [0.5 T, 1.5 T] (T = %g, max): median %.3f ms (min %.3f, max %.3f)\n", ms.size(),
              static_cast<double>(t), median, sorted.front(), sorted.back());
  std::printf("isolated SQNR across the sweep: %.2f .. %.2f dB\n", worstSqnr, bestSqnr);
  return 0;
}

void printLayers(const Graph& graph, const BenchResult& r) {
  std::vector<size_t> order(r.layers.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return r.layers[a].median_ms > r.layers[b].median_ms; });
  std::printf("\n%-28s %-22s %-34s %10s %7s %10s\n", "layer", "type", "kernel", "ms", "%", "GMAC/s");
  double total = 0;
  for (const auto& l : r.layers) total += l.median_ms;
  for (size_t i : order) {
    const auto& l = r.layers[i];
    const Node& n = graph.nodes[l.node];
    if (n.kind == OpKind::Input) continue;
    double g = l.median_ms > 0 ? l.macs / (l.median_ms * 1e6) : 0.0;
    std::printf("%-28s %-22s %-34s %10.4f %6.1f%% %10.1f\n", n.name.c_str(), n.source_type.c_str(), l.kernel.c_str(),
                l.median_ms, total > 0 ? 100.0 * l.median_ms / total : 0.0, g);
  }
}

// The canonical graph and, with --table, the spec it reads (warnings on stderr): 0, or the exit
// code after the error was printed.
int loadBenchModel(const Args& args, Graph* graph, std::optional<QuantSpec>* table) {
  auto g = loadCanonicalModel(args.positionals()[0], args, "bench");
  if (!g) return fail("bench", g.status().message());
  *graph = std::move(*g);
  if (auto path = args.get("table")) {
    auto bits = args.getInt("table-bits", 8, 7, 8);
    if (!bits) return fail("bench", bits.status().message(), 2);
    Diagnostics diags;
    auto spec = readNcnnTable(*graph, *path, *bits, NcnnTableOptions{}, &diags);
    for (const Diagnostic& d : diags) std::fprintf(stderr, "warning: %s\n", d.message.c_str());
    if (!spec) return fail("bench", spec.status().message());
    *table = std::move(*spec);
  }
  return 0;
}

// The graph that times precision p: the canonical one for FP32, else its integerGraph() for the
// table's scales or, without one, benchmarkSpec's.
Result<Graph> precisionGraph(const Graph& graph, const std::optional<QuantSpec>& table, Precision p, const Args& args,
                             const BenchOptions& options) {
  if (p == Precision::Fp32) return graph;
  QuantSpec spec;
  if (table) {
    spec = withPrecision(graph, *table, p, NcnnTableOptions{}.winograd_6bit);
  } else {
    auto made = benchmarkSpec(graph, p, options.seed);
    if (!made) return made.status();
    spec = std::move(*made);
  }
  return integerGraph(graph, spec, IntegerGraphOptions{!args.has("no-int8-flow")});
}

// --threads with a list: each precision timed at every thread count in alternating rounds
// (benchmarkScaling), with the speed-up over the first count round by round.
int runScaling(const Args& args, const BenchOptions& options, const std::vector<Precision>& precisions,
               const std::vector<int>& threads) {
  if (options.per_layer) return fail("bench", "--per-layer times one thread count; give --threads a single number", 2);
  auto rounds = args.getInt("rounds", 5, 1, 10000);
  if (!rounds) return fail("bench", rounds.status().message(), 2);
  Graph graph;
  std::optional<QuantSpec> table;
  if (int rc = loadBenchModel(args, &graph, &table)) return rc;
  nlohmann::json rows = nlohmann::json::array();
  for (Precision p : precisions) {
    auto run = precisionGraph(graph, table, p, args, options);
    if (!run) return fail("bench", run.status().message());
    auto r = benchmarkScaling(*run, options, threads, *rounds);
    if (!r) return fail("bench", r.status().message());
    // The peak of each count measured with that many cores busy at once: on a shared host the
    // cores together deliver less than the count times one, and the speed-up is read against it.
    auto peakOf = [&](int n) {
      return p == Precision::Fp32 ? measurePeakFp32GmacsTogether(r->isa, n) : measurePeakInt8GmacsTogether(r->isa, n);
    };
    const double onePeak = peakOf(1);
    for (size_t c = 0; c < threads.size(); ++c) {
      const std::vector<double>& ms = r->round_ms[c];
      const double med = r->medianMs(c), gmacs = med > 0 ? static_cast<double>(r->macs) / (med * 1e6) : 0.0;
      const double peak = threads[c] == 1 ? onePeak : peakOf(threads[c]);
      const double share = peak > 0 ? gmacs / peak : 0.0;
      if (args.has("json")) {
        rows.push_back({{"precision", toString(p)}, {"threads", threads[c]}, {"median_ms", med}, {"round_ms", ms},
                        {"gmacs", gmacs}, {"peak_gmacs", peak}, {"share_of_peak", share},
                        {"paired_speedup", r->pairedSpeedup(c)}});
        continue;
      }
      std::printf("%-5s %3d thread%s: median %9.3f ms (rounds %.3f-%.3f), %7.1f GMAC/s = %5.1f %% of the %s peak",
                  toString(p), threads[c], threads[c] == 1 ? " " : "s", med, *std::min_element(ms.begin(), ms.end()),
                  *std::max_element(ms.begin(), ms.end()), gmacs, 100.0 * share, p == Precision::Fp32 ? "FP32" : "INT8");
      if (threads[c] == 1) std::printf(" (%.1f GMAC/s)", peak);
      else std::printf(" of %d cores at once (%.1f GMAC/s, %.2fx one core)", threads[c], peak, onePeak > 0 ? peak / onePeak : 0.0);
      if (c > 0)
        std::printf("; %.2fx as fast as %d thread%s (median of %d rounds' ratios; ratio of medians %.2fx)",
                    r->pairedSpeedup(c), threads[0], threads[0] == 1 ? "" : "s", *rounds,
                    med > 0 ? r->medianMs(0) / med : 0.0);
      std::printf("\n");
    }
  }
  if (args.has("json")) {
    std::printf("%s\n", nlohmann::json({{"model", graph.name}, {"threads", threads}, {"loops", options.loops},
                                        {"rounds", *rounds}, {"table", args.get("table", "")}, {"runs", rows}})
                             .dump(2)
                             .c_str());
    return 0;
  }
  std::printf("each round: every thread count in turn, one untimed run then %d timed; %d rounds\n", options.loops,
              *rounds);
  return 0;
}

// --precision with an integer width: the canonical graph at every precision asked for, side by side.
int runPrecisions(const Args& args, const BenchOptions& options, const std::vector<Precision>& precisions) {
  Graph canonical;
  std::optional<QuantSpec> table;
  if (int rc = loadBenchModel(args, &canonical, &table)) return rc;
  const Graph* graph = &canonical;
  nlohmann::json rows = nlohmann::json::array();
  std::vector<std::pair<Precision, double>> medians;
  std::vector<std::pair<Precision, int>> flow_values;  // layer outputs written as integers
  std::vector<std::pair<Precision, int>> fused_adds;   // residual sums fused into their conv
  std::vector<std::pair<Precision, int>> twins;        // of those, written on their readers' grid too
  for (Precision p : precisions) {
    Graph run = *graph;
    if (p != Precision::Fp32) {
      auto ig = precisionGraph(*graph, table, p, args, options);
      if (!ig) return fail("bench", ig.status().message());
      run = std::move(*ig);
      int integer_values = 0;
      for (const Node& n : run.nodes) integer_values += n.quant.writesIntegers() ? 1 : 0;
      flow_values.emplace_back(p, integer_values);
      ExecutorOptions eo;
      eo.reference = options.reference;
      eo.fuse_residual = options.fuse_residual;
      eo.residual_twin = options.residual_twin;
      fused_adds.emplace_back(p, residualFusionCount(run, eo));
      twins.emplace_back(p, residualTwinCount(run, eo));
    }
    auto r = benchmarkFp32(run, options);
    if (!r) return fail("bench", r.status().message());
    const double peak = (p == Precision::Fp32 ? measurePeakFp32Gmacs(r->isa) : measurePeakInt8Gmacs(r->isa)) * r->threads;
    const double share = peak > 0 ? r->gmacs() / peak : 0.0;
    medians.emplace_back(p, r->median_ms);
    if (args.has("json")) {
      rows.push_back({{"precision", toString(p)}, {"median_ms", r->median_ms}, {"min_ms", r->min_ms}, {"max_ms", r->max_ms},
                      {"gmacs", r->gmacs()}, {"peak_gmacs", peak}, {"share_of_peak", share}, {"isa", toString(r->isa)}});
      continue;
    }
    std::printf("%-5s median %9.3f ms (min %.3f, max %.3f), %7.1f GMAC/s = %5.1f %% of the %s peak (%.1f GMAC/s)\n",
                toString(p), r->median_ms, r->min_ms, r->max_ms, r->gmacs(), 100.0 * share,
                p == Precision::Fp32 ? "FP32" : "INT8", peak);
    if (options.per_layer) {
      printLayers(run, *r);
      std::printf("\n");
    }
  }
  if (args.has("json")) {
    std::printf("%s\n", nlohmann::json({{"model", graph->name}, {"threads", options.threads}, {"loops", options.loops},
                                        {"table", args.get("table", "")}, {"precisions", rows}})
                             .dump(2)
                             .c_str());
    return 0;
  }
  for (const auto& [p, count] : flow_values)
    std::printf("%s data flow: %d layer outputs stay integer between integer layers%s\n", toString(p), count,
                args.has("no-int8-flow") ? " (--no-int8-flow)" : "");
  for (const auto& [p, count] : fused_adds)
    std::printf("%s residual fusion: %d Eltwise sums fused into their convolution%s\n", toString(p), count,
                args.has("no-fuse") ? " (--no-fuse)" : "");
  for (const auto& [p, count] : twins)
    std::printf("%s residual twins: %d fused sums also written on their integer readers' grid%s\n", toString(p), count,
                args.has("no-twin") ? " (--no-twin)" : "");
  for (const auto& [p, ms] : medians)
    if (p != Precision::Fp32 && medians.front().first == Precision::Fp32)
      std::printf("%s is %.2fx as fast as FP32\n", toString(p), medians.front().second / ms);
  return 0;
}

}  // namespace

int cmdBench(const Argv& argv) {
  std::set<std::string> names = {"threads", "loops",  "warmup",     "isa",       "weights",   "input-shape",
                                 "data",    "passes", "hist-stride", "max-images", "precision", "table",     "table-bits",
                                 "rounds"};
  names.insert({"probe", "probe-images"});
  names.insert(std::begin(kPreprocessOptions), std::end(kPreprocessOptions));
  auto args = Args::parse(argv, {"peak", "per-layer", "json", "reference", "help", "stats", "no-int8-flow", "no-fuse", "no-twin"}, names);
  if (!args) return fail("bench", args.status().message(), 2);
  if (args->has("help")) {
    std::printf("%s%s%s", kHelp, kModelOptionsHelp, kPreprocessHelp);
    return 0;
  }
  if (args->has("peak")) return runPeak(*args);
  if (args->positionals().size() != 1) return fail("bench", "expected one MODEL argument or --peak (see --help)", 2);
  if (args->has("stats")) return runStats(*args);
  if (args->get("probe")) return runProbe(*args);

  BenchOptions options;
  // --threads 1,2: thread scaling (runScaling); a single number: one thread count.
  std::vector<int> threadList;
  const std::string threadsText = args->get("threads", "1");
  if (threadsText.find(',') != std::string::npos) {
    for (const std::string& t : splitList(threadsText)) {
      char* end = nullptr;
      const long v = std::strtol(t.c_str(), &end, 10);
      if (t.empty() || *end != '\0' || v < 1 || v > 1024)
        return fail("bench", "option '--threads': '" + t + "' is not a thread count from 1 to 1024", 2);
      threadList.push_back(static_cast<int>(v));
    }
  }
  auto threads = threadList.empty() ? args->getInt("threads", 1, 1, 1024) : Result<int>(threadList[0]);
  auto loops = args->getInt("loops", 20, 1, 100000);
  auto warmup = args->getInt("warmup", 3, 0, 100000);
  auto isa = isaFromArgs(*args);
  for (const Status& s : {threads.status(), loops.status(), warmup.status(), isa.status()})
    if (!s.isOk()) return fail("bench", s.message(), 2);
  options.threads = *threads;
  options.loops = *loops;
  options.warmup = *warmup;
  options.isa = *isa;
  options.per_layer = args->has("per-layer");
  options.reference = args->has("reference");
  options.fuse_residual = !args->has("no-fuse");
  options.residual_twin = !args->has("no-twin");
  std::vector<Precision> precisions;
  for (const std::string& name : splitList(args->get("precision", "fp32"))) {
    auto p = parsePrecision(name);
    if (!p || (*p != Precision::Fp32 && *p != Precision::Int8 && *p != Precision::Int7))
      return fail("bench", "option '--precision': '" + name + "' is not one of fp32, int8, int7", 2);
    precisions.push_back(*p);
  }
  if (precisions.empty()) return fail("bench", "option '--precision': empty list", 2);
  if (!threadList.empty()) return runScaling(*args, options, precisions, threadList);
  if (precisions != std::vector<Precision>{Precision::Fp32} || args->get("table")) return runPrecisions(*args, options, precisions);

  auto graph = loadModelFromArgs(args->positionals()[0], *args);
  if (!graph) return fail("bench", graph.status().message());
  auto r = benchmarkFp32(*graph, options);
  if (!r) return fail("bench", r.status().message());

  const double peak = measurePeakFp32Gmacs(r->isa) * r->threads;
  const double share = peak > 0 ? r->gmacs() / peak : 0.0;
  if (args->has("json")) {
    nlohmann::json layers = nlohmann::json::array();
    for (const auto& l : r->layers)
      layers.push_back({{"name", graph->nodes[l.node].name}, {"type", graph->nodes[l.node].source_type},
                        {"kernel", l.kernel}, {"median_ms", l.median_ms}, {"macs", l.macs}});
    nlohmann::json j = {{"model", graph->name}, {"precision", "fp32"}, {"threads", r->threads}, {"isa", toString(r->isa)},
                        {"loops", options.loops}, {"median_ms", r->median_ms}, {"min_ms", r->min_ms}, {"max_ms", r->max_ms},
                        {"macs", r->macs}, {"gmacs", r->gmacs()}, {"peak_gmacs", peak}, {"share_of_peak", share},
                        {"layers", layers}};
    std::printf("%s\n", j.dump(2).c_str());
    return 0;
  }
  std::printf("model %s: %s MACs, FP32, %d thread%s, ISA %s%s\n", graph->name.c_str(),
              humanCount(static_cast<double>(r->macs)).c_str(), r->threads, r->threads == 1 ? "" : "s",
              toString(r->isa), options.reference ? " (reference kernels)" : "");
  std::printf("latency: median %.3f ms (min %.3f, max %.3f) over %d runs\n", r->median_ms, r->min_ms, r->max_ms, options.loops);
  std::printf("throughput: %.1f GMAC/s = %.1f %% of the measured FP32 peak (%.1f GMAC/s)\n", r->gmacs(), 100.0 * share, peak);
  if (options.per_layer) printLayers(*graph, *r);
  return 0;
}

}  // namespace eqw::cli

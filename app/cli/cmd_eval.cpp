// eqw eval MODEL --data DIR|LIST --table FILE: FP32 / INT8 / INT7 side by side — accuracy,
// agreement with FP32's top-1, output cosine — and with --per-layer the worst layers by isolated
// and by cumulative error.
#include <eqw/data.h>
#include <eqw/eval.h>
#include <eqw/passes.h>
#include <eqw/table.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <iterator>
#include <set>
#include <unistd.h>

#include "args.h"
#include "commands.h"
#include "common.h"

namespace eqw::cli {

namespace {

const char* kHelp =
    "usage: eqw eval MODEL --data DIR|LIST --table FILE [options]\n\n"
    "Evaluates the quantization an ncnn scale table describes against FP32: top-1 / top-5 accuracy\n"
    "(with labels), agreement with FP32's top-1 and output cosine, per precision, side by side.\n"
    "INT7 puts the table's thresholds on 7-bit grids. The model is canonicalized first (BatchNorm\n"
    "folded, activations fused), as for eqw calibrate.\n\n"
    "options:\n"
    "  --data PATH          images: a folder (recursive; class subfolders give labels) or a list\n"
    "                       file `path label` (required)\n"
    "  --table FILE         ncnn .table (required)\n"
    "  --precision LIST     columns among fp32,int8,int7 (default fp32,int8; --bits 7: fp32,int7)\n"
    "  --bits 8|7           shorthand for --precision fp32,int<bits>\n"
    "  --per-layer          per-layer error: cumulative (whole network quantized) and isolated\n"
    "                       (only this layer quantized, FP32 inputs)\n"
    "  --worst N            layers listed with --per-layer (default 10)\n"
    "  --max-images N       evaluate at most N images (default: all)\n"
    "  --threads N          worker threads (default 1)\n"
    "  --table-bits 8|7     the grid the table's scales were written for: threshold = qmax / scale\n"
    "                       (default 8, as eqw calibrate --bits 8 and ncnn2table write)\n"
    "  --no-winograd-6bit   the table's 3x3 stride-1 weight scales are 127/T, not 31/T, and INT8\n"
    "                       evaluates those layers with 8-bit weights (default: 6-bit, as ncnn's\n"
    "                       Winograd runs them; INT7 keeps 7-bit weights either way)\n"
    "  --engine E           fakequant (quantize-dequantize in float, default), integer (real int8 /\n"
    "                       int7 arithmetic with int32 sums: what a device computes) or both (the\n"
    "                       integer columns are named int8-int, int7-int)\n"
    "  --json               everything, machine-readable\n";

struct Columns {
  bool fp32 = false;
  std::vector<int> bits;  // 8, 7: the quantized columns in order
};

Result<Columns> parseColumns(const Args& args) {
  Columns c;
  auto bits = args.getInt("bits", 8, 7, 8);
  if (!bits) return bits.status();
  const std::string list = args.get("precision", "fp32,int" + std::to_string(*bits));
  for (const std::string& p : splitList(list)) {
    if (p == "fp32") c.fp32 = true;
    else if (p == "int8") c.bits.push_back(8);
    else if (p == "int7") c.bits.push_back(7);
    else return invalidArgument("option '--precision': '" + p + "' is not one of fp32, int8, int7");
  }
  if (c.bits.empty()) return invalidArgument("option '--precision': name int8 or int7 (FP32 is always the reference)");
  return c;
}

std::string dbText(double db) {
  if (std::isinf(db)) return db > 0 ? "inf" : "-inf";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", db);
  return buf;
}

std::string pct(const std::optional<double>& v) {
  if (!v) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f %%", 100.0 * *v);
  return buf;
}

std::string num(double v, const char* fmt) {
  char buf[32];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}

// JSON has no infinity: +-inf as the strings "inf" / "-inf".
nlohmann::json jsonNumber(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(dbText(v)); }

nlohmann::json toJson(const ErrorMetrics& m) {
  return {{"cosine", jsonNumber(m.cosine)}, {"sqnr_db", jsonNumber(m.sqnr_db)}, {"mse", jsonNumber(m.mse)},
          {"max_abs", jsonNumber(m.max_abs)}, {"kl", jsonNumber(m.kl)}};
}

// Layers of a variant's spec on ncnn's 6-bit Winograd weight grid.
int sixBitLayers(const std::vector<EvalVariant>& variants, const std::string& name) {
  int n = 0;
  for (const EvalVariant& v : variants)
    if (v.name == name)
      for (const LayerQuant& l : v.spec.layers) n += l.precision != Precision::Fp32 && effectiveWeightBits(l) == kNcnnWinogradWeightBits;
  return n;
}

nlohmann::json toJson(const EvalReport& r, const std::vector<EvalVariant>& variants, const std::string& table, size_t worst) {
  nlohmann::json j = {{"model", r.model}, {"table", table}, {"images", r.images}, {"labelled", r.labelled}};
  if (r.fp32_top1) j["fp32"] = {{"top1", *r.fp32_top1}, {"top5", *r.fp32_top5}};
  else j["fp32"] = nlohmann::json::object();
  j["variants"] = nlohmann::json::array();
  for (const VariantEval& v : r.variants) {
    bool integer = false;
    for (const EvalVariant& ev : variants) integer = integer || (ev.name == v.name && ev.integer);
    nlohmann::json jv = {{"name", v.name}, {"engine", integer ? "integer" : "fakequant"}, {"agreement", v.agreement},
                         {"output", toJson(v.output)},
                         {"winograd_6bit_layers", sixBitLayers(variants, v.name)}};
    if (v.top1) jv["top1"] = *v.top1, jv["top5"] = *v.top5;
    if (!v.layers.empty()) {
      jv["layers"] = nlohmann::json::array();
      for (const LayerEval& l : v.layers)
        jv["layers"].push_back({{"layer", l.layer}, {"precision", l.precision}, {"quantized", l.quantized},
                                {"cumulative", toJson(l.cumulative)}, {"isolated", toJson(l.isolated)}});
      for (RankBy by : {RankBy::Isolated, RankBy::Cumulative}) {
        nlohmann::json names = nlohmann::json::array();
        for (const LayerEval& l : worstLayers(v, by, worst)) names.push_back(l.layer);
        jv[by == RankBy::Isolated ? "worst_isolated" : "worst_cumulative"] = names;
      }
    }
    j["variants"].push_back(jv);
  }
  return j;
}

void printSideBySide(const EvalReport& r, const std::vector<EvalVariant>& variants, bool fp32Column) {
  std::vector<std::string> head, top1, top5, agree, cosine, sqnr, sixBit;
  int anySixBit = 0;
  if (fp32Column) {
    head.push_back("FP32");
    top1.push_back(pct(r.fp32_top1));
    top5.push_back(pct(r.fp32_top5));
    agree.push_back("100.00 %");
    cosine.push_back("1.000000");
    sqnr.push_back("inf");
    sixBit.push_back("-");
  }
  for (const VariantEval& v : r.variants) {
    std::string h = v.name;
    for (char& c : h) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    head.push_back(h);
    top1.push_back(pct(v.top1));
    top5.push_back(pct(v.top5));
    agree.push_back(pct(v.agreement));
    cosine.push_back(num(v.output.cosine, "%.6f"));
    sqnr.push_back(dbText(v.output.sqnr_db));
    const int n = sixBitLayers(variants, v.name);
    sixBit.push_back(std::to_string(n));
    anySixBit += n;
  }
  auto row = [](const char* label, const std::vector<std::string>& cells) {
    std::printf("%-22s", label);
    for (const std::string& c : cells) std::printf(" %12s", c.c_str());
    std::printf("\n");
  };
  row("", head);
  if (r.labelled > 0) {
    row("top-1", top1);
    row("top-5", top5);
  }
  row("agreement with FP32", agree);
  row("output cosine", cosine);
  row("output SQNR (dB)", sqnr);
  if (anySixBit > 0) row("6-bit Winograd layers", sixBit);  // ncnn's 31-step weights (3x3 stride 1)
}

void printWorst(const VariantEval& v, size_t n) {
  for (RankBy by : {RankBy::Isolated, RankBy::Cumulative}) {
    const bool iso = by == RankBy::Isolated;
    auto worst = worstLayers(v, by, n);
    std::printf("\n%s: %zu worst layers by %s cosine\n", v.name.c_str(), worst.size(), iso ? "isolated" : "cumulative");
    std::printf("  %-40s %10s %10s   %s\n", "layer", "cosine", "SQNR dB", iso ? "(cumulative cosine)" : "(isolated cosine)");
    for (const LayerEval& l : worst) {
      const ErrorMetrics& m = iso ? l.isolated : l.cumulative;
      const ErrorMetrics& other = iso ? l.cumulative : l.isolated;
      std::printf("  %-40s %10.6f %10s   %.6f\n", l.layer.c_str(), m.cosine, dbText(m.sqnr_db).c_str(), other.cosine);
    }
  }
}

bool progressLine(int64_t done, int64_t total) {
  static const bool tty = ::isatty(2) != 0;
  if (tty) std::fprintf(stderr, "\reval %lld/%lld", static_cast<long long>(done), static_cast<long long>(total));
  if (tty && done == total) std::fprintf(stderr, "\n");
  return true;
}

}  // namespace

int cmdEval(const Argv& argv) {
  std::set<std::string> options = {"data",       "table",   "precision", "bits",    "worst",      "max-images",
                                   "threads",    "table-bits", "weights", "input-shape", "engine"};
  options.insert(std::begin(kPreprocessOptions), std::end(kPreprocessOptions));
  auto args = Args::parse(argv, {"json", "help", "per-layer", "no-winograd-6bit"}, options);
  if (!args) return fail("eval", args.status().message(), 2);
  if (args->has("help")) {
    std::printf("%s%s%s", kHelp, kPreprocessHelp, kModelOptionsHelp);
    return 0;
  }
  if (args->positionals().size() != 1) return fail("eval", "expected one MODEL argument (see --help)", 2);
  auto data = args->get("data");
  if (!data) return fail("eval", "--data DIR|LIST is required", 2);
  auto table = args->get("table");
  if (!table) return fail("eval", "--table FILE is required", 2);
  auto columns = parseColumns(*args);
  auto threads = args->getInt("threads", 1, 1, 1024);
  auto worst = args->getInt("worst", 10, 1, 1 << 20);
  auto maxImages = args->getInt("max-images", 0, 0, 1 << 30);
  auto tableBits = args->getInt("table-bits", 8, 7, 8);
  for (const Status& s : {columns.status(), threads.status(), worst.status(), maxImages.status(), tableBits.status()})
    if (!s.isOk()) return fail("eval", s.message(), 2);

  auto graph = loadCanonicalModel(args->positionals()[0], *args, "eval");
  if (!graph) return fail("eval", graph.status().message());
  auto pre = preprocessFromArgs(*args, graph->values[graph->inputs[0]].shape);
  if (!pre) return fail("eval", pre.status().message(), 2);

  NcnnTableOptions to;
  to.winograd_6bit = !args->has("no-winograd-6bit");
  // Thresholds are qmax(table bits) / scale; each column then puts the same thresholds on its
  // own grids (reading an 8-bit table "as 7-bit" would halve every threshold).
  Diagnostics tableDiags;
  auto spec = readNcnnTable(*graph, *table, *tableBits, to, &tableDiags);
  for (const Diagnostic& d : tableDiags) std::fprintf(stderr, "warning: %s\n", d.message.c_str());
  if (!spec) return fail("eval", spec.status().message());
  const std::string engine = args->get("engine", "fakequant");
  if (engine != "fakequant" && engine != "integer" && engine != "both")
    return fail("eval", "option '--engine': '" + engine + "' is not one of fakequant, integer, both", 2);
  std::vector<EvalVariant> variants;
  for (int bits : columns->bits) {
    const std::string name = "int" + std::to_string(bits);
    QuantSpec s = withPrecision(*graph, *spec, bits == 8 ? Precision::Int8 : Precision::Int7, to.winograd_6bit);
    if (engine != "integer") variants.push_back({name, s, false});
    if (engine != "fakequant") variants.push_back({engine == "both" ? name + "-int" : name, s, true});
  }

  auto dataset = openDataset(*data);
  if (!dataset) return fail("eval", dataset.status().message());
  Diagnostics diags = dataset->diagnostics;
  EvalOptions eo;
  eo.threads = *threads;
  eo.per_layer = args->has("per-layer");
  eo.max_images = *maxImages;
  const auto t0 = std::chrono::steady_clock::now();
  auto report = evaluate(*graph, variants, *dataset, *pre, eo, progressLine, diags);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  for (const Diagnostic& d : diags) std::fprintf(stderr, "warning: %s\n", d.message.c_str());
  if (!report) return fail("eval", report.status().message());

  if (args->has("json")) {
    nlohmann::json j = toJson(*report, variants, *table, static_cast<size_t>(*worst));
    j["seconds"] = seconds;
    std::printf("%s\n", j.dump(2).c_str());
    return 0;
  }
  std::printf("model %s, table %s\n", report->model.c_str(), table->c_str());
  std::printf("images: %lld evaluated (%lld labelled), %.2f s\n\n", static_cast<long long>(report->images),
              static_cast<long long>(report->labelled), seconds);
  printSideBySide(*report, variants, columns->fp32);
  if (eo.per_layer)
    for (const VariantEval& v : report->variants) printWorst(v, static_cast<size_t>(*worst));
  return 0;
}

}  // namespace eqw::cli

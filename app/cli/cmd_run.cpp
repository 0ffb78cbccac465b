// eqw run MODEL --input IMG|DIR|LIST: FP32 predictions over images, with accuracy when the
// dataset has labels, and the median inference latency.
#include <eqw/bench.h>
#include <eqw/data.h>
#include <eqw/runtime.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numeric>

#include "args.h"
#include "commands.h"
#include "common.h"

namespace eqw::cli {

namespace {

const char* kHelp =
    "usage: eqw run MODEL --input IMG|DIR|LIST [options]\n\n"
    "Runs FP32 inference on one image, a folder of images (recursive; class subfolders give labels)\n"
    "or a list file (`path label` per line) and prints the top predictions; with labels, top-1 and\n"
    "top-5 accuracy. Images that cannot be read are skipped and named.\n\n"
    "options:\n"
    "  --input PATH         image, folder or list file (required)\n"
    "  --top K              predictions to print per image (default 5)\n"
    "  --classes FILE       class names, one per line (default: from the dataset)\n"
    "  --threads N          worker threads (default 1)\n"
    "  --show N             print predictions of the first N images of a dataset (default 5)\n"
    "  --json               machine-readable summary\n";

std::vector<std::string> readLines(const std::string& path) {
  std::vector<std::string> lines;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    lines.push_back(line);
  }
  return lines;
}

std::vector<int> topK(const Tensor& scores, int k) {
  std::vector<int> idx(static_cast<size_t>(scores.numel()));
  std::iota(idx.begin(), idx.end(), 0);
  k = std::min<int>(k, static_cast<int>(idx.size()));
  std::partial_sort(idx.begin(), idx.begin() + k, idx.end(), [&](int a, int b) { return scores.f32()[a] > scores.f32()[b]; });
  idx.resize(k);
  return idx;
}

}  // namespace

int cmdRun(const Argv& argv) {
  auto args = Args::parse(argv, {"json", "help"},
                          {"input", "top", "classes", "threads", "show", "size", "resize-shorter", "mean", "norm", "pixel",
                           "weights", "input-shape"});
  if (!args) return fail("run", args.status().message(), 2);
  if (args->has("help")) {
    std::printf("%s%s%s", kHelp, kPreprocessHelp, kModelOptionsHelp);
    return 0;
  }
  if (args->positionals().size() != 1) return fail("run", "expected one MODEL argument (see --help)", 2);
  auto input = args->get("input");
  if (!input) return fail("run", "--input IMG|DIR|LIST is required", 2);
  auto top = args->getInt("top", 5, 1, 1000);
  auto threads = args->getInt("threads", 1, 1, 1024);
  auto show = args->getInt("show", 5, 0, 1 << 30);
  for (const Status& s : {top.status(), threads.status(), show.status()})
    if (!s.isOk()) return fail("run", s.message(), 2);

  auto graph = loadModelFromArgs(args->positionals()[0], *args);
  if (!graph) return fail("run", graph.status().message());
  if (graph->inputs.size() != 1) return fail("run", "the model has " + std::to_string(graph->inputs.size()) + " inputs; run takes models with one image input");
  auto pre = preprocessFromArgs(*args, graph->values[graph->inputs[0]].shape);
  if (!pre) return fail("run", pre.status().message(), 2);

  // One image or a dataset.
  Dataset dataset;
  std::error_code ec;
  if (std::filesystem::is_regular_file(*input, ec) && isImageFileName(std::filesystem::path(*input).filename().string())) {
    dataset.source = *input;
    dataset.samples.push_back(Sample{*input, -1});
  } else {
    auto opened = openDataset(*input);
    if (!opened) return fail("run", opened.status().message());
    dataset = std::move(*opened);
  }
  std::vector<std::string> classNames = dataset.classNames;
  if (auto c = args->get("classes")) {
    if (!std::filesystem::is_regular_file(*c, ec)) return fail("run", *c + ": no such file");
    classNames = readLines(*c);
  }

  ExecutorOptions eo;
  eo.threads = *threads;
  auto exec = Executor::create(*graph, eo);
  if (!exec) return fail("run", exec.status().message());

  Diagnostics diags = dataset.diagnostics;
  std::vector<double> latencyMs;
  int64_t labelled = 0, correct1 = 0, correct5 = 0, shown = 0;
  Status runStatus;
  const bool json = args->has("json");
  const bool single = dataset.samples.size() == 1;
  Status s = forEachSample(dataset, *pre, [&](size_t, const Sample& sample, const Tensor& tensor) {
    auto t0 = std::chrono::steady_clock::now();
    runStatus = (*exec)->run({tensor});
    latencyMs.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    if (!runStatus.isOk()) return false;
    const Tensor& out = (*exec)->output(0);
    std::vector<int> best = topK(out, std::max(*top, 5));
    if (sample.label >= 0) {
      ++labelled;
      correct1 += best[0] == sample.label;
      correct5 += std::find(best.begin(), best.begin() + std::min<size_t>(5, best.size()), sample.label) != best.begin() + std::min<size_t>(5, best.size());
    }
    if (!json && (single || shown < *show)) {
      ++shown;
      std::printf("%s%s\n", sample.path.c_str(), sample.label >= 0 ? (" (label " + std::to_string(sample.label) + ")").c_str() : "");
      for (int i = 0; i < std::min<int>(*top, static_cast<int>(best.size())); ++i) {
        int c = best[i];
        std::string name = c < static_cast<int>(classNames.size()) ? classNames[c] : "";
        std::printf("  %2d. class %-4d %-24s %g\n", i + 1, c, name.c_str(), out.f32()[c]);
      }
    }
    return true;
  }, diags);
  if (!runStatus.isOk()) return fail("run", runStatus.message());
  if (!s.isOk()) return fail("run", s.message());

  for (const Diagnostic& d : diags) std::fprintf(stderr, "warning: %s\n", d.message.c_str());
  const size_t ran = latencyMs.size();
  const size_t skipped = dataset.samples.size() - ran;
  const double med = median(latencyMs);
  if (json) {
    nlohmann::json j = {{"model", graph->name}, {"input", *input}, {"images", ran}, {"skipped", skipped},
                        {"labelled", labelled}, {"threads", (*exec)->threads()}, {"isa", toString((*exec)->isa())},
                        {"median_latency_ms", med}};
    if (labelled > 0) {
      j["top1"] = static_cast<double>(correct1) / labelled;
      j["top5"] = static_cast<double>(correct5) / labelled;
    }
    std::printf("%s\n", j.dump(2).c_str());
  } else {
    std::printf("\nmodel %s, FP32, %d thread%s, ISA %s\n", graph->name.c_str(), (*exec)->threads(), (*exec)->threads() == 1 ? "" : "s",
                toString((*exec)->isa()));
    std::printf("images: %zu run, %zu skipped\n", ran, skipped);
    if (labelled > 0)
      std::printf("accuracy: top-1 %.2f %% (%lld/%lld), top-5 %.2f %%\n", 100.0 * correct1 / labelled, static_cast<long long>(correct1),
                  static_cast<long long>(labelled), 100.0 * correct5 / labelled);
    std::printf("latency: median %.3f ms per image (inference only)\n", med);
  }
  if (ran == 0) return fail("run", "no image could be read from " + *input);
  return 0;
}

}  // namespace eqw::cli

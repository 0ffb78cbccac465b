// eqw export MODEL --out NAME.param: writes the imported graph as an ncnn FP32 model.
#include <eqw/export.h>

#include <cstdio>
#include <filesystem>

#include "args.h"
#include "commands.h"
#include "common.h"

namespace eqw::cli {

namespace {

const char* kHelp =
    "usage: eqw export MODEL --out FILE.param [options]\n\n"
    "Writes MODEL (any format eqw reads) as an ncnn FP32 model: FILE.param and, beside it,\n"
    "FILE.bin. Layer and blob names are kept; an op ncnn cannot express is an error naming it.\n\n"
    "options:\n"
    "  --out FILE.param     the .param to write (required)\n"
    "  --bin FILE.bin       the weights file (default: FILE.param with .bin)\n";

}  // namespace

int cmdExport(const Argv& argv) {
  auto args = Args::parse(argv, {"help"}, {"out", "bin", "weights", "input-shape"});
  if (!args) return fail("export", args.status().message(), 2);
  if (args->has("help")) {
    std::printf("%s%s", kHelp, kModelOptionsHelp);
    return 0;
  }
  if (args->positionals().size() != 1) return fail("export", "expected one MODEL argument (see --help)", 2);
  auto out = args->get("out");
  if (!out) return fail("export", "--out FILE.param is required", 2);
  std::string bin = args->get("bin", std::filesystem::path(*out).replace_extension(".bin").string());
  if (bin == *out) return fail("export", "the .param and .bin paths are the same: " + bin, 2);

  auto graph = loadModelFromArgs(args->positionals()[0], *args);
  if (!graph) return fail("export", graph.status().message());
  Status s = exportNcnn(*graph, *out, bin);
  if (!s.isOk()) return fail("export", s.message());
  std::printf("wrote %s and %s (%zu layers)\n", out->c_str(), bin.c_str(), graph->nodes.size());
  return 0;
}

}  // namespace eqw::cli

// eqw: the command-line face of EQ Workbench.
#include <cstdio>
#include <cstring>
#include <string>

#include "commands.h"

namespace {

const char* kUsage = R"(eqw — EQ Workbench command line (post-training quantization for CNNs)

usage: eqw <command> [options]

commands:
  inspect MODEL      layers, shapes, MACs and parameters of a model (ncnn .param, Caffe .prototxt, .onnx)
  run MODEL          FP32 inference over images; accuracy when labels are known
  bench MODEL        median latency, GMAC/s and share of the measured peak
  bench --peak       this CPU's measured FP32 FMA and INT8 dot-product peaks per core
  export MODEL       write the model as an ncnn FP32 .param/.bin
  calibrate MODEL    thresholds from a calibration set, written as an ncnn .table
  eval MODEL         FP32 / INT8 / INT7 side by side from a .table: accuracy, agreement, per-layer error

Run 'eqw <command> --help' for a command's options.
)";

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "help")) {
    std::fputs(kUsage, argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  if (!std::strcmp(argv[1], "--version")) {
    std::puts("eqw " EQW_VERSION);
    return 0;
  }
  std::string command = argv[1];
  eqw::cli::Argv rest(argv + 2, argv + argc);
  if (command == "inspect") return eqw::cli::cmdInspect(rest);
  if (command == "run") return eqw::cli::cmdRun(rest);
  if (command == "bench") return eqw::cli::cmdBench(rest);
  if (command == "export") return eqw::cli::cmdExport(rest);
  if (command == "calibrate") return eqw::cli::cmdCalibrate(rest);
  if (command == "eval") return eqw::cli::cmdEval(rest);
  std::fprintf(stderr, "eqw: unknown command '%s'\n\n%s", command.c_str(), kUsage);
  return 2;
}

// eqw inspect MODEL: the graph as the engine sees it — layers, shapes, MACs, parameters.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "args.h"
#include "commands.h"
#include "common.h"

namespace eqw::cli {

namespace {

const char* kHelp =
    "usage: eqw inspect MODEL [options]\n\n"
    "Lists every layer of MODEL with its type, output shape, multiply-accumulates and parameter\n"
    "count, then the totals.\n\n"
    "options:\n"
    "  --json               machine-readable output\n";

nlohmann::json toJson(const Graph& g) {
  nlohmann::json layers = nlohmann::json::array();
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const Node& n = g.nodes[i];
    LayerCost c = g.cost(static_cast<int>(i));
    nlohmann::json inputs = nlohmann::json::array(), outputs = nlohmann::json::array();
    for (int v : n.inputs) inputs.push_back(g.values[v].name);
    for (int v : n.outputs) outputs.push_back({{"name", g.values[v].name}, {"shape", g.values[v].shape}});
    layers.push_back({{"name", n.name}, {"type", n.source_type}, {"op", toString(n.kind)}, {"inputs", inputs},
                      {"outputs", outputs}, {"macs", c.macs}, {"params", c.params}});
  }
  LayerCost total = g.totalCost();
  nlohmann::json ins = nlohmann::json::array(), outs = nlohmann::json::array();
  for (int v : g.inputs) ins.push_back({{"name", g.values[v].name}, {"shape", g.values[v].shape}});
  for (int v : g.outputs) outs.push_back({{"name", g.values[v].name}, {"shape", g.values[v].shape}});
  return {{"model", g.name}, {"path", g.source_path}, {"inputs", ins}, {"outputs", outs},
          {"layers", layers}, {"total_macs", total.macs}, {"total_params", total.params}};
}

void printTable(const Graph& g) {
  std::printf("%-4s %-28s %-22s %-18s %12s %10s\n", "#", "name", "type", "output", "MACs", "params");
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const Node& n = g.nodes[i];
    LayerCost c = g.cost(static_cast<int>(i));
    std::string out = n.outputs.empty() ? "-" : shapeText(g.values[n.outputs[0]].shape);
    if (n.outputs.size() > 1) out += " (+" + std::to_string(n.outputs.size() - 1) + ")";
    std::printf("%-4zu %-28s %-22s %-18s %12s %10s\n", i, n.name.c_str(), n.source_type.c_str(), out.c_str(),
                c.macs ? humanCount(static_cast<double>(c.macs)).c_str() : "-",
                c.params ? humanCount(static_cast<double>(c.params)).c_str() : "-");
  }
  LayerCost total = g.totalCost();
  std::printf("\nmodel %s: %zu layers, %s MACs, %s parameters\n", g.name.c_str(), g.nodes.size(),
              humanCount(static_cast<double>(total.macs)).c_str(), humanCount(static_cast<double>(total.params)).c_str());
  for (int v : g.inputs) std::printf("input  %s %s\n", g.values[v].name.c_str(), toString(g.values[v].shape).c_str());
  for (int v : g.outputs) std::printf("output %s %s\n", g.values[v].name.c_str(), toString(g.values[v].shape).c_str());
}

}  // namespace

int cmdInspect(const Argv& argv) {
  auto args = Args::parse(argv, {"json", "help"}, {"weights", "input-shape"});
  if (!args) return fail("inspect", args.status().message(), 2);
  if (args->has("help")) {
    std::printf("%s%s", kHelp, kModelOptionsHelp);
    return 0;
  }
  if (args->positionals().size() != 1) return fail("inspect", "expected one MODEL argument (see --help)", 2);
  auto graph = loadModelFromArgs(args->positionals()[0], *args);
  if (!graph) return fail("inspect", graph.status().message());
  if (args->has("json")) std::printf("%s\n", toJson(*graph).dump(2).c_str());
  else printTable(*graph);
  return 0;
}

}  // namespace eqw::cli

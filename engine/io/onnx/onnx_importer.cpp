// The ONNX importer: reads the file, folds constants, converts each node with the op table
// (op_mapping.cpp), binds the outputs and fuses exact activation patterns.
#include "io/onnx/onnx_importer.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <new>

#include "io/onnx/const_fold.h"
#include "io/onnx/context.h"
#include "io/onnx/converters.h"
#include "io/onnx/fusion.h"
#include "io/onnx/graph_io.h"
#include "io/onnx/model_file.h"

namespace eqw {

namespace {

using namespace onnximport;

// The newest default-domain opset whose semantics the converters know.
constexpr int64_t kMaxOpset = 17;

// The default-domain opset the model imports; files from before IR 3 import none (opset 1).
Result<int> defaultOpset(const std::string& path, const onnx::ModelProto& model) {
  if (model.opset_import_size() == 0) {
    // IR 3 made opset_import mandatory: its absence means a damaged (often truncated) file.
    if (model.ir_version() >= 3)
      return parseError(path + ": IR version " + std::to_string(model.ir_version()) + " model without opset_import (truncated?)");
    return 1;
  }
  for (const auto& os : model.opset_import()) {
    if (!os.domain().empty() && os.domain() != "ai.onnx") continue;
    if (os.version() > kMaxOpset)
      return unsupported(path + ": opset " + std::to_string(os.version()) + " is newer than " + std::to_string(kMaxOpset) +
                         ", the latest this importer knows");
    if (os.version() < 1) return parseError(path + ": opset version " + std::to_string(os.version()) + " is invalid");
    return static_cast<int>(os.version());
  }
  return unsupported(path + ": the model imports no default-domain (ai.onnx) opset");
}

std::string nodeName(const onnx::NodeProto& node, int index) {
  if (!node.name().empty()) return node.name();
  for (const auto& out : node.output())
    if (!out.empty()) return out;
  return node.op_type() + "_" + std::to_string(index);
}

Status convertNodes(ImportContext& ctx, const onnx::GraphProto& g) {
  for (int i = 0; i < g.node_size(); ++i) {
    const onnx::NodeProto& proto = g.node(i);
    OnnxNode n(proto, nodeName(proto, i), ctx.file());
    if (!proto.domain().empty() && proto.domain() != "ai.onnx")
      return ctx.unsupportedOp(n, "domain '" + proto.domain() + "'; only the default ai.onnx ops are supported");
    auto folded = tryFold(ctx, n);
    if (!folded) return folded.status();
    if (*folded) continue;
    ConvertFn convert = findConverter(n.op);
    if (!convert) return ctx.unsupportedOp(n);
    EQW_RETURN_IF_ERROR(convert(ctx, n));
  }
  return Status::ok();
}

Result<Graph> readModel(const std::string& path, const ImportOptions& options, Diagnostics* diags) {
  onnx::ModelProto model;
  EQW_RETURN_IF_ERROR(readModelFile(path, model));
  auto opset = defaultOpset(path, model);
  if (!opset) return opset.status();
  Graph graph;
  graph.name = std::filesystem::path(path).stem().string();
  graph.source_path = path;
  ImportContext ctx(path, *opset, graph, diags);
  const onnx::GraphProto& g = model.graph();
  EQW_RETURN_IF_ERROR(loadInitializers(ctx, g));
  EQW_RETURN_IF_ERROR(declareInputs(ctx, g, options));
  declareShapes(ctx, g);
  EQW_RETURN_IF_ERROR(convertNodes(ctx, g));
  EQW_RETURN_IF_ERROR(bindOutputs(ctx, g));
  fuseActivations(ctx);
  return graph;
}

}  // namespace

const char* OnnxImporter::name() const { return "ONNX"; }

std::vector<std::string> OnnxImporter::fileFilters() const { return {"*.onnx"}; }

bool OnnxImporter::canRead(const std::string& path) const {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext == ".onnx";
}

Result<Graph> OnnxImporter::read(const std::string& path, const ImportOptions& options, Diagnostics* diags) const {
  // Nothing may escape the engine API: hostile sizes end as a Status.
  try {
    return readModel(path, options, diags);
  } catch (const std::bad_alloc&) {
    return ioError(path + ": out of memory while importing");
  } catch (const std::exception& e) {
    return internalError(path + ": " + e.what());
  }
}

}  // namespace eqw

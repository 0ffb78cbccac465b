#include "io/caffe/caffe_importer.h"

#include <algorithm>
#include <filesystem>

#include "io/caffe/graph_builder.h"
#include "io/caffe/net_reader.h"

namespace eqw {

namespace {

std::string lowerExtension(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

// x.prototxt -> x.caffemodel; the options' weights_path wins. Empty result: generate weights.
Result<std::string> weightsPath(const std::string& prototxt, const ImportOptions& options) {
  std::error_code ec;
  if (!options.weights_path.empty()) {
    if (!std::filesystem::is_regular_file(options.weights_path, ec))
      return notFound(options.weights_path + ": caffemodel not found (given for " + prototxt + ")");
    return options.weights_path;
  }
  std::filesystem::path model(prototxt);
  model.replace_extension(".caffemodel");
  if (std::filesystem::is_regular_file(model, ec)) return model.string();
  return std::string();
}

}  // namespace

const char* CaffeImporter::name() const { return "Caffe"; }

std::vector<std::string> CaffeImporter::fileFilters() const { return {"*.prototxt"}; }

bool CaffeImporter::canRead(const std::string& path) const { return lowerExtension(path) == ".prototxt"; }

Result<Graph> CaffeImporter::read(const std::string& path, const ImportOptions& options, Diagnostics* diags) const {
  caffepb::NetParameter net;
  caffe::PrototxtInfo info;
  EQW_RETURN_IF_ERROR(caffe::readPrototxt(path, &net, &info));
  if (diags && !info.unknown_fields.empty()) {
    std::string first = info.unknown_fields.front();
    diags->push_back(Diagnostic{Severity::Warning, std::to_string(info.unknown_fields.size()) +
                                                       " field(s) unknown to this importer were skipped; the first: " + first, -1});
  }
  EQW_RETURN_IF_ERROR(caffe::upgradeV1Layers(path, &net));
  if (net.layer_size() == 0) return parseError(path + ": no layers (an empty file, or not a Caffe prototxt)");

  Result<std::string> modelPath = weightsPath(path, options);
  if (!modelPath) return modelPath.status();
  caffepb::NetParameter weights;
  if (!modelPath->empty()) {
    EQW_RETURN_IF_ERROR(caffe::readCaffemodel(*modelPath, &weights));
    EQW_RETURN_IF_ERROR(caffe::upgradeV1Layers(*modelPath, &weights));
  }
  caffe::GraphBuilder builder(path, options, modelPath->empty() ? nullptr : &weights, *modelPath, std::move(info.layer_lines), diags);
  Result<Graph> graph = builder.build(net);
  if (!graph) return graph.status();
  graph->name = !net.name().empty() ? net.name() : std::filesystem::path(path).stem().string();
  graph->source_path = path;
  return graph;
}

}  // namespace eqw

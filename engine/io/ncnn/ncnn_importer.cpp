// ncnn importer: .param text + .bin weights (or generated weights when there is no .bin).
#include "io/ncnn/ncnn_importer.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "io/ncnn/graph_builder.h"
#include "io/ncnn/model_bin.h"
#include "io/ncnn/param_parser.h"

namespace eqw {

namespace {

// Real .param files are a few hundred KiB at most.
constexpr uintmax_t kMaxParamBytes = 64u << 20;

std::string lowerExtension(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

Result<std::string> readText(const std::string& path) {
  std::error_code ec;
  uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec) return ioError(path + ": cannot read: " + ec.message());
  if (size > kMaxParamBytes)
    return parseError(path + ": " + std::to_string(size) + " bytes is too large for an ncnn .param (limit " +
                      std::to_string(kMaxParamBytes) + ")");
  std::ifstream in(path, std::ios::binary);
  if (!in) return ioError(path + ": cannot open for reading");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// x.param -> x.bin; the options' weights_path wins. Empty result: generate weights.
Result<std::string> weightsPath(const std::string& paramPath, const ImportOptions& options) {
  std::error_code ec;
  if (!options.weights_path.empty()) {
    if (!std::filesystem::is_regular_file(options.weights_path, ec))
      return notFound(options.weights_path + ": weights file not found (given for " + paramPath + ")");
    return options.weights_path;
  }
  std::filesystem::path bin(paramPath);
  bin.replace_extension(".bin");
  if (std::filesystem::is_regular_file(bin, ec)) return bin.string();
  return std::string();
}

}  // namespace

const char* NcnnImporter::name() const { return "ncnn"; }

std::vector<std::string> NcnnImporter::fileFilters() const { return {"*.param"}; }

bool NcnnImporter::canRead(const std::string& path) const { return lowerExtension(path) == ".param"; }

Result<Graph> NcnnImporter::read(const std::string& path, const ImportOptions& options, Diagnostics* diags) const {
  Result<std::string> text = readText(path);
  if (!text) return text.status();
  Result<ncnn::ParamFile> file = ncnn::parseParamText(*text, path);
  if (!file) return file.status();
  Result<std::string> binPath = weightsPath(path, options);
  if (!binPath) return binPath.status();

  ncnn::ModelBin bin;
  if (!binPath->empty()) EQW_RETURN_IF_ERROR(bin.open(*binPath));
  ncnn::GraphBuilder builder(path, options, binPath->empty() ? nullptr : &bin, diags);
  for (const ncnn::LayerDecl& layer : file->layers) EQW_RETURN_IF_ERROR(builder.addLayer(layer));
  Result<Graph> graph = builder.finish(*file);
  if (!graph) return graph.status();
  graph->name = std::filesystem::path(path).stem().string();
  graph->source_path = path;
  return graph;
}

}  // namespace eqw

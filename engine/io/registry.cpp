#include <eqw/io.h>

#include <filesystem>

#include "io/caffe/caffe_importer.h"
#include "io/ncnn/ncnn_importer.h"
#include "io/onnx/onnx_importer.h"

namespace eqw {

const std::vector<const Importer*>& importers() {
  static const NcnnImporter ncnn;
  static const OnnxImporter onnx;
  static const CaffeImporter caffe;
  static const std::vector<const Importer*> list = {&ncnn, &onnx, &caffe};
  return list;
}

Result<Graph> loadModel(const std::string& path, const ImportOptions& options, Diagnostics* diags) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return notFound(path + ": no such file");
  if (std::filesystem::is_directory(path, ec)) return invalidArgument(path + ": is a directory, not a model file");
  for (const Importer* importer : importers()) {
    if (!importer->canRead(path)) continue;
    Result<Graph> graph = importer->read(path, options, diags);
    if (!graph) return graph.status();
    Status s = graph->validate();
    if (s.isOk()) s = graph->inferShapes();
    if (!s.isOk()) return s.withContext(path);
    if (graph->source_path.empty()) graph->source_path = path;
    return graph;
  }
  std::string known;
  for (const Importer* importer : importers())
    for (const auto& f : importer->fileFilters()) known += (known.empty() ? "" : ", ") + f;
  return unsupported(path + ": not a model format EQ Workbench reads (expected " + known + ")");
}

}  // namespace eqw

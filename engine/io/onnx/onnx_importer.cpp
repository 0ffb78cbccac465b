// PLACEHOLDER until the onnx importer lands.
#include "io/onnx/onnx_importer.h"

namespace eqw {
const char* OnnxImporter::name() const { return "onnx"; }
std::vector<std::string> OnnxImporter::fileFilters() const { return {}; }
bool OnnxImporter::canRead(const std::string&) const { return false; }
Result<Graph> OnnxImporter::read(const std::string& path, const ImportOptions&, Diagnostics*) const {
  return unsupported(path + ": onnx import not built yet");
}
}  // namespace eqw

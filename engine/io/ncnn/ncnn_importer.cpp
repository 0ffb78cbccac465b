// PLACEHOLDER until the ncnn importer lands.
#include "io/ncnn/ncnn_importer.h"

namespace eqw {
const char* NcnnImporter::name() const { return "ncnn"; }
std::vector<std::string> NcnnImporter::fileFilters() const { return {}; }
bool NcnnImporter::canRead(const std::string&) const { return false; }
Result<Graph> NcnnImporter::read(const std::string& path, const ImportOptions&, Diagnostics*) const {
  return unsupported(path + ": ncnn import not built yet");
}
}  // namespace eqw

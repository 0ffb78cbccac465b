// Caffe model importer: a .prototxt (topology) and its .caffemodel (weights), or generated
// weights when there is no caffemodel.
#pragma once

#include <eqw/io.h>

namespace eqw {

class CaffeImporter final : public Importer {
 public:
  const char* name() const override;
  std::vector<std::string> fileFilters() const override;
  bool canRead(const std::string& path) const override;
  Result<Graph> read(const std::string& path, const ImportOptions& options, Diagnostics* diags) const override;
};

}  // namespace eqw

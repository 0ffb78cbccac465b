// The text .param file: magic, counts, and one declaration per layer (ALGORITHMS.md §5).
#pragma once

#include <eqw/status.h>

#include <string>
#include <vector>

#include "io/ncnn/param_dict.h"

namespace eqw::ncnn {

inline constexpr int kParamMagic = 7767517;

struct LayerDecl {
  std::string type;
  std::string name;
  int line = 0;                  // 1-based line in the .param file
  std::vector<std::string> inputs;
  std::vector<std::string> outputs;
  ParamDict params;
};

struct ParamFile {
  int layer_count = 0;
  int blob_count = 0;
  std::vector<LayerDecl> layers;
};

// Parses the whole text. `label` (the file path) starts every error message:
// "<label>:<line>: ...".
Result<ParamFile> parseParamText(const std::string& text, const std::string& label);

}  // namespace eqw::ncnn

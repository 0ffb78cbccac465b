// Model importers (STYLE.md 2): each format declares its name, file filters and what it can
// read; loadModel() picks one from the explicit registry in io/registry.cpp.
#pragma once

#include <eqw/graph.h>
#include <eqw/status.h>

#include <cstdint>
#include <string>
#include <vector>

namespace eqw {

struct ImportOptions {
  // Weights file; empty: derived from the model path (x.param -> x.bin, x.prototxt -> x.caffemodel).
  // When no weights file exists, weights are generated (see generate_seed) and an Info
  // diagnostic says so.
  std::string weights_path;
  uint64_t generate_seed = 20240611;
  // Overrides the input shape ([1, C, H, W]) when the file has none or the user wants another.
  Shape input_shape;
};

class Importer {
 public:
  virtual ~Importer() = default;
  virtual const char* name() const = 0;                      // "ncnn"
  virtual std::vector<std::string> fileFilters() const = 0;  // {"*.param"}
  // Cheap check by extension and, where possible, the first bytes.
  virtual bool canRead(const std::string& path) const = 0;
  // Reads the model into a graph (not yet validated or shape-inferred).
  virtual Result<Graph> read(const std::string& path, const ImportOptions& options, Diagnostics* diags) const = 0;
};

// Every importer, in the order the open dialog lists them.
const std::vector<const Importer*>& importers();

// Picks the importer, reads, validates and infers shapes. Errors name the file.
Result<Graph> loadModel(const std::string& path, const ImportOptions& options = {}, Diagnostics* diags = nullptr);

// Seeded weight generation for files without weights: He-scaled N(0, 2 / fan_in) for conv / fc,
// identity-like BatchNorm (var 1, mean 0, slope 1, bias 0), small biases. Deterministic per
// (seed, node name). Fills every weight tensor the node's params require.
void generateWeights(Node& node, uint64_t seed);

}  // namespace eqw

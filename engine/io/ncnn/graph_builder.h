// Turns parsed ncnn layer declarations into a Graph, one layer at a time in file order:
// resolves blob names, maps the layer, reads (or generates) its weights, and tracks what is
// known about each blob's shape (so rank-dependent layers such as Permute map correctly).
#pragma once

#include <eqw/graph.h>
#include <eqw/io.h>

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "io/ncnn/layer_map.h"
#include "io/ncnn/model_bin.h"
#include "io/ncnn/param_parser.h"

namespace eqw::ncnn {

class GraphBuilder {
 public:
  // bin: the open weights file, or null to generate weights with options.generate_seed.
  GraphBuilder(std::string label, const ImportOptions& options, ModelBin* bin, Diagnostics* diags);

  Status addLayer(const LayerDecl& decl);
  // Graph inputs / outputs, count checks, trailing-bytes warning. Call once after all layers.
  Result<Graph> finish(const ParamFile& file);

 private:
  struct Blob {
    int value = -1;
    std::string producer;        // layer name, for messages
    int line = 0;
    Shape hint;                  // from -23330, may be empty
    bool consumed = false;
  };

  std::string where(const LayerDecl& d) const;
  Status resolveInputs(const LayerDecl& d, std::vector<int>* ids, MapContext* ctx);
  Status loadWeights(const LayerDecl& d, MappedLayer* m);
  Status readBlob(const LayerDecl& d, const BlobSpec& spec, MappedLayer* m, bool* int8);
  Status inputShape(const LayerDecl& d, const std::vector<Shape>& hints, Shape* shape) const;
  std::vector<Shape> hints(const LayerDecl& d);
  void inferProgressively(const Node& node);
  void note(Severity s, const std::string& message, int node);

  std::string label_;
  const ImportOptions& options_;
  ModelBin* bin_;
  Diagnostics* diags_;
  Graph graph_;
  std::unordered_map<std::string, Blob> blobs_;
  std::vector<Shape> inferred_;  // per value id; empty when unknown
  int int8Layers_ = 0;
  int quantLayersWithoutScales_ = 0;
};

}  // namespace eqw::ncnn

// Turns a parsed Caffe net (the prototxt's topology, optionally a caffemodel's blobs) into a
// Graph, one layer at a time in file order.
//
// SSA naming: Caffe lets a layer write a blob that already exists (in-place ReLU / BatchNorm /
// Scale write their bottom). Every write here makes a new value. The LAST write of a blob name
// keeps the name itself, so graph outputs and the blobs users look up ("prob", "conv1" after
// its in-place ReLU) are named as in Caffe, whose blob holds the last write after a forward
// pass; earlier writes are named "<blob>@<layer that wrote it>" (plus "#n" if that is taken).
#pragma once

#include <eqw/graph.h>
#include <eqw/io.h>

#include <string>
#include <unordered_map>
#include <vector>

#include "io/caffe/caffe.pb.h"
#include "io/caffe/layer_map.h"

namespace eqw::caffe {

class GraphBuilder {
 public:
  // weights: the parsed caffemodel (layers upgraded), or null to generate weights.
  // layerLines: the prototxt line of each layer (0 when unknown), for messages.
  GraphBuilder(std::string path, const ImportOptions& options, const caffepb::NetParameter* weights, std::string weightsPath,
               std::vector<int> layerLines, Diagnostics* diags);

  Result<Graph> build(const caffepb::NetParameter& net);

 private:
  std::string where(int index, const caffepb::LayerParameter& l) const;
  bool included(const caffepb::LayerParameter& l) const;
  void planWrites(const caffepb::NetParameter& net);
  Status addNetInputs(const caffepb::NetParameter& net);
  Status addInput(const std::string& name, Shape shape, const std::string& origin);
  Status addInputLayer(int index, const caffepb::LayerParameter& l);
  Status addDataLayer(int index, const caffepb::LayerParameter& l);
  Status addLayer(int index, const caffepb::LayerParameter& l);
  Status resolveBottoms(int index, const caffepb::LayerParameter& l, std::vector<int>* ids, MapContext* ctx) const;
  Status loadWeights(int index, const caffepb::LayerParameter& l, MappedLayer* m);
  int newValue(const std::string& blob, const std::string& writer);
  std::string uniqueName(const std::string& base) const;
  void inferProgressively(const Node& node);
  void note(Severity s, const std::string& message, int node = -1);

  std::string path_;
  const ImportOptions& options_;
  const caffepb::NetParameter* weights_;
  std::string weightsPath_;
  std::vector<int> lines_;
  Diagnostics* diags_;

  Graph graph_;
  std::vector<Shape> inferred_;                          // per value id; empty when unknown
  std::unordered_map<std::string, int> current_;         // blob name -> value holding its latest write
  std::unordered_map<std::string, int> writesLeft_;      // blob name -> writes still to come
  std::unordered_map<std::string, std::string> skipped_; // blob name -> skipped layer that wrote it
  std::unordered_map<std::string, const caffepb::LayerParameter*> blobsByLayer_;
  std::vector<bool> consumed_;
  int usedWeightLayers_ = 0;
};

}  // namespace eqw::caffe

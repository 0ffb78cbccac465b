// Translation of one ncnn layer declaration into a graph node (ops.h semantics) plus the list
// of blobs its load_model() reads from the .bin, in order.
#pragma once

#include <eqw/graph.h>
#include <eqw/status.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "io/ncnn/param_parser.h"

namespace eqw::ncnn {

// Where a blob read from the .bin goes.
enum class BlobTarget { Weight, WeightScales, InputScale, OutputScale };

struct BlobSpec {
  std::string what;              // "weight", "bias", ... for messages
  BlobTarget target = BlobTarget::Weight;
  int64_t count = 0;             // values stored in the file
  bool tagged = false;           // ncnn type 0 (tagged weight) vs 1 (raw float32)
  Shape shape;                   // Weight: the tensor shape in the node (numel == count)
  int weight_index = 0;          // Weight: position in Node::weights
  int64_t expand_to = 0;         // WeightScales: a single stored scale repeated this many times
};

struct MappedLayer {
  Node node;
  std::vector<BlobSpec> blobs;
  // Runs after the weights are in place (e.g. reorders ncnn's deconvolution layout into ours).
  std::function<void(Node&)> finish;
  // Warnings about assumptions the mapping had to make (the importer attaches the node).
  std::vector<std::string> notes;
};

// What the mapper may know about the layer's surroundings.
struct MapContext {
  // Shape of each input blob, or empty when unknown (inferred so far, else the file's hint).
  std::vector<Shape> input_shapes;
  // Rank (with the batch axis) of input i, 0 when unknown.
  int rank(size_t i) const { return i < input_shapes.size() ? static_cast<int>(input_shapes[i].size()) : 0; }
};

// Fills out.node (name, source_type, kind, params; not inputs/outputs) and out.blobs.
// Errors carry no file / layer prefix; the caller adds it. Unknown types are Unsupported.
Status mapLayer(const LayerDecl& decl, const MapContext& ctx, MappedLayer* out);

// Every ncnn layer type the importer reads, for documentation and tests.
const std::vector<std::string>& supportedLayerTypes();

// Per-family mappers (layer_map_*.cpp).
Status mapConvolution(const LayerDecl& d, MappedLayer* out, bool depthwise);
Status mapDeconvolution(const LayerDecl& d, MappedLayer* out, bool depthwise);
Status mapInnerProduct(const LayerDecl& d, MappedLayer* out);
Status mapPooling(const LayerDecl& d, MappedLayer* out);
Status mapReshape(const LayerDecl& d, const MapContext& ctx, MappedLayer* out);
Status mapPermute(const LayerDecl& d, const MapContext& ctx, MappedLayer* out);
Status mapSlice(const LayerDecl& d, MappedLayer* out);
Status mapCrop(const LayerDecl& d, const MapContext& ctx, MappedLayer* out);
Status mapPadding(const LayerDecl& d, const MapContext& ctx, MappedLayer* out);
Status mapInterp(const LayerDecl& d, MappedLayer* out);
Status mapPriorBox(const LayerDecl& d, MappedLayer* out);
Status mapDetectionOutput(const LayerDecl& d, MappedLayer* out);
Status mapNormalize(const LayerDecl& d, MappedLayer* out);
Status mapLayerNorm(const LayerDecl& d, const MapContext& ctx, MappedLayer* out);

// ncnn axis k of a blob (counted in c,h,w without batch) is our axis k+1; negative axes count
// from the end in both.
inline int ourAxis(int ncnnAxis) { return ncnnAxis >= 0 ? ncnnAxis + 1 : ncnnAxis; }

// Our shape for an ncnn blob of dims 1..4 (w, h, d, c): [1,w] [1,h,w] [1,c,h,w] [1,c,d,h,w].
Shape shapeFromNcnn(int dims, int w, int h, int d, int c);

}  // namespace eqw::ncnn

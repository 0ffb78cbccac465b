// Translation of one Caffe layer into graph nodes (ops.h semantics) plus the blobs the layer
// keeps in a caffemodel, with the shape each must have.
#pragma once

#include <eqw/graph.h>
#include <eqw/status.h>

#include <functional>
#include <string>
#include <vector>

#include "io/caffe/caffe.pb.h"

namespace eqw::caffe {

// A blob the layer stores in the caffemodel, in Caffe's order and layout.
struct BlobNeed {
  std::string what;              // "weight", "bias", "mean" ... for messages
  Shape shape;                   // Caffe's shape for it
};

struct MappedLayer {
  // Usually one node. A chain (Power = mul, add, pow) reads the bottoms in its first node and
  // writes the tops from its last; each node feeds the next. The last node carries the layer's
  // name (it produces the layer's tops); earlier ones are "<layer>/step<k>".
  std::vector<Node> nodes;
  std::vector<BlobNeed> blobs;
  // Turns the layer's blobs (already checked against `blobs`) into node weights. Unset: blob i
  // becomes nodes[0].weights[i], reshaped to the shape already allocated there.
  std::function<void(const std::vector<Tensor>& blobs, MappedLayer& m)> assign;
};

// What the mapper may know about the layer's surroundings.
struct MapContext {
  std::vector<Shape> input_shapes;  // per bottom; empty when not known
  bool known(size_t i) const { return i < input_shapes.size() && !input_shapes[i].empty(); }
};

// Fills out->nodes (name, source_type, kind, params, allocated weights) and out->blobs. Errors
// carry no file / layer prefix; the caller adds it. Unknown types are Unsupported.
Status mapLayer(const caffepb::LayerParameter& layer, const MapContext& ctx, MappedLayer* out);

// Layer types that exist only for training or data loading: skipped with an Info diagnostic.
bool isTrainingOnlyType(const std::string& type);
bool isDataType(const std::string& type);

// Every Caffe layer type the importer maps, for documentation and tests.
const std::vector<std::string>& supportedLayerTypes();

// Per-family mappers (layer_map_*.cpp).
Status mapConvolution(const caffepb::LayerParameter& l, const MapContext& ctx, MappedLayer* out);
Status mapDeconvolution(const caffepb::LayerParameter& l, const MapContext& ctx, MappedLayer* out);
Status mapInnerProduct(const caffepb::LayerParameter& l, const MapContext& ctx, MappedLayer* out);
Status mapPooling(const caffepb::LayerParameter& l, const MapContext& ctx, MappedLayer* out);
Status mapFlatten(const caffepb::LayerParameter& l, const MapContext& ctx, MappedLayer* out);
Status mapReshape(const caffepb::LayerParameter& l, const MapContext& ctx, MappedLayer* out);
Status mapPermute(const caffepb::LayerParameter& l, const MapContext& ctx, MappedLayer* out);
Status mapSlice(const caffepb::LayerParameter& l, const MapContext& ctx, MappedLayer* out);
Status mapInterp(const caffepb::LayerParameter& l, const MapContext& ctx, MappedLayer* out);
Status mapUpsample(const caffepb::LayerParameter& l, const MapContext& ctx, MappedLayer* out);
Status mapPriorBox(const caffepb::LayerParameter& l, const MapContext& ctx, MappedLayer* out);
Status mapDetectionOutput(const caffepb::LayerParameter& l, const MapContext& ctx, MappedLayer* out);
Status mapNormalize(const caffepb::LayerParameter& l, const MapContext& ctx, MappedLayer* out);

// Helpers shared by the mappers.
Node& addNode(MappedLayer* out, const caffepb::LayerParameter& l, OpKind kind, OpParams params);
// Normalises a Caffe axis (negative from the end) against a rank; -1 when out of range.
int normalizeAxis(int axis, int rank);

}  // namespace eqw::caffe

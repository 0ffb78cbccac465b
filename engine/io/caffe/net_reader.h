// Reading Caffe files into NetParameter messages: the prototxt (protobuf text format) and the
// caffemodel (binary). Legacy V1 `layers` are upgraded to `layer` entries so the rest of the
// importer sees one format.
#pragma once

#include <eqw/status.h>

#include <string>
#include <vector>

#include "io/caffe/caffe.pb.h"

namespace eqw::caffe {

// What the prototxt reader learns besides the net.
struct PrototxtInfo {
  std::vector<int> layer_lines;  // 1-based line of each `layer` (or V1 `layers`) entry, in order
  // Fields this importer's caffe.proto does not know (a fork's extras, training-only settings):
  // skipped, each as "FILE:LINE:COL: <protobuf's message>".
  std::vector<std::string> unknown_fields;
};

// Parse errors name "FILE:LINE:COL: <protobuf's message>".
Status readPrototxt(const std::string& path, caffepb::NetParameter* net, PrototxtInfo* info = nullptr);
// A truncated or garbage file is an error naming the file. Accepts files above protobuf's
// default 64 MiB limit.
Status readCaffemodel(const std::string& path, caffepb::NetParameter* net);

// Moves every V1 `layers` entry into `layer` (type names as the new format spells them).
// Fails when a file mixes both formats.
Status upgradeV1Layers(const std::string& path, caffepb::NetParameter* net);

// The new-format type name of a V1 layer type ("Convolution"), or "" when there is none.
std::string v1TypeName(caffepb::V1LayerParameter::LayerType type);

}  // namespace eqw::caffe

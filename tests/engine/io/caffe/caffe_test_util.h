// Shared helpers of the Caffe importer tests: fixture paths, caffemodels written at test time
// from a fixture's weights.pbtxt (NetParameter text; blobs without data are filled with a fixed
// pattern), deterministic inputs, and running a loaded graph.
#pragma once

#include <eqw/graph.h>
#include <eqw/io.h>
#include <eqw/status.h>
#include <eqw/tensor.h>

#include <string>
#include <vector>

#include "io/caffe/caffe.pb.h"

namespace eqw::test {

std::string caffeFixtureDir();                    // tests/data/caffe
std::string caffeFixture(const std::string& name);  // tests/data/caffe/<name>
std::string caffeTempDir();                       // a per-process scratch folder

// Reads <fixture>/weights.pbtxt, fills every blob that has a shape but no data with
// patternValue(layer index, blob index, i), and writes it as a binary caffemodel to `out`.
// Returns the filled message (what the test's own reference computation reads).
eqw::caffepb::NetParameter writeCaffemodel(const std::string& fixture, const std::string& out);

float patternValue(int layer, int blob, int64_t i);

// The blob's values as floats (data or double_data).
std::vector<float> blobValues(const eqw::caffepb::BlobProto& b);
// The blob `index` of the layer called `name` in a (new or V1 format) NetParameter.
std::vector<float> layerBlob(const eqw::caffepb::NetParameter& net, const std::string& name, int index);

// x[i] = a deterministic, sign-changing pattern of O(1) values.
Tensor patternInput(const Shape& shape, int seed = 0);

// Runs the graph (validated, shape-inferred) on inputs; returns every value by name.
struct RunResult {
  Status status;
  std::vector<Tensor> outputs;                    // graph.outputs order
  std::vector<Tensor> values;                     // by value id (keep_values)
};
RunResult runGraph(const Graph& g, const std::vector<Tensor>& inputs, bool reference);

// Loads with ImportOptions (weights_path set when `caffemodel` is not empty).
Result<Graph> loadCaffe(const std::string& prototxt, const std::string& caffemodel, Diagnostics* diags = nullptr,
                        const Shape& inputShape = {});

// Max |a - b| / max(1, |b|) over all elements; infinity when sizes differ.
double maxRelError(const Tensor& a, const std::vector<float>& b);

std::string readFile(const std::string& path);
void writeFile(const std::string& path, const std::string& bytes);

}  // namespace eqw::test

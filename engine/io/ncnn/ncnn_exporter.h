// Internals of the ncnn exporter: one graph node becomes one ncnn layer line (type + key=value
// params) and the blobs its load_model() reads, in order. The inverse of layer_map*.cpp.
#pragma once

#include <eqw/graph.h>
#include <eqw/status.h>

#include <cstdint>
#include <string>
#include <vector>

namespace eqw::ncnn {

// `key=value` text with ncnn's rules: floats always carry a '.' or an 'e', arrays use key
// -23300 - id and are written `N,v1,...,vN`.
class ParamText {
 public:
  void i(int key, int64_t v);
  void f(int key, float v);
  void ints(int id, const std::vector<int64_t>& v);
  void floats(int id, const std::vector<float>& v);
  const std::string& text() const { return text_; }
  // False when a value cannot be written (non-finite float, int out of range); bad() says which.
  bool ok() const { return bad_.empty(); }
  const std::string& bad() const { return bad_; }

 private:
  std::string number(float v, int key);
  std::string number(int64_t v, int key);
  std::string text_;
  std::string bad_;
};

// One weight blob as load_model reads it: tagged (4-byte float32 tag 0, then data) or raw.
struct WeightOut {
  const float* data = nullptr;   // points into the node's tensor or into `owned`
  int64_t count = 0;
  bool tagged = false;
  std::vector<float> owned;      // reordered copies (deconvolution)
};

struct LayerOut {
  std::string type;
  ParamText params;
  std::vector<WeightOut> weights;
};

// Fills out for one node (inputs / outputs / name are the caller's). Errors carry no node
// prefix; the caller adds it. Ops without an ncnn equivalent are Unsupported.
Status exportLayer(const Graph& graph, const Node& node, LayerOut* out);

}  // namespace eqw::ncnn

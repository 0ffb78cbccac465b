// The graph IR: values (tensors with names and shapes) and nodes (an op, its parameters, its
// constant weights). Names come from the source file: exported tables must use them.
#pragma once

#include <eqw/ops.h>
#include <eqw/status.h>
#include <eqw/tensor.h>

#include <cstdint>
#include <string>
#include <vector>

namespace eqw {

// A value flowing between nodes. shape is filled by inferShapes().
struct Value {
  std::string name;
  Shape shape;
  int producer = -1;             // node index, -1 for graph inputs without an Input node
};

// Quantization parameters found in the source file (ncnn *_int8.param with int8_scale_term).
struct ImportedQuant {
  std::vector<float> weight_scales;  // per output channel (or group)
  float input_scale = 0.f;
  float output_scale = 0.f;      // requantize scale when the file fuses it (> 0 only then)
};

// How the integer executor runs a node (set by integerGraph(), eqw/integer.h): bits > 0 means
// the input is quantized to a symmetric `bits`-bit grid (round half away from zero, clamp), the
// weights are integers on their own grid, products accumulate in int32, and the output is
// dequantized in float: y = act(acc * (1 / (input_scale * weight_scales[o])) + bias[o]).
struct NodeQuant {
  int bits = 0;                      // 8 or 7; 0: the node runs in float
  bool unsigned_input = false;       // input on [0, 2^bits - 1]
  float input_scale = 0.f;           // qmax / threshold
  int weight_qmax = 0;               // largest weight integer (127, 63, 31 ...)
  std::vector<float> weight_scales;  // one per output channel
  // The int8 flow between consecutive integer layers (integerGraph with IntegerGraphOptions::
  // int8_flow): quantized_input means the input tensor already holds this node's grid integers
  // (int8, or uint8 on an unsigned grid), so the node does not quantize it; output_scale > 0 means
  // the node writes its output requantized, q = quantize(y, output_scale) on the grid of
  // output_bits (unsigned when output_unsigned), as int8 / uint8 — exactly what its consumers'
  // quantize would compute from the float y. 0: float output.
  bool quantized_input = false;
  float output_scale = 0.f;
  int output_bits = 0;
  bool output_unsigned = false;
  // Residual fusion (set only by the Executor on its private copy of a node, never by
  // integerGraph): the convolution also reads a second float tensor `other` of its output's
  // shape and writes y = residual_act(act(...) + other), the Eltwise sum (and the ReLU) that
  // followed it. residual_act: None or ReLU.
  bool residual_add = false;
  Activation residual_act{};
  // The residual output's integer twin (Executor only, with residual_add): twin_scale > 0 means
  // the convolution also writes q = quantize(y, twin_scale) on the grid of twin_bits (unsigned
  // when twin_unsigned) as a second output of int8 / uint8 bytes, for the integer layers that
  // read y on that grid: they read the twin instead of quantizing the floats themselves.
  float twin_scale = 0.f;
  int twin_bits = 0;
  bool twin_unsigned = false;
  bool active() const { return bits > 0; }
  bool writesIntegers() const { return output_scale > 0.f; }
  bool operator==(const NodeQuant&) const = default;
};

struct Node {
  std::string name;              // layer name in the source file
  std::string source_type;       // op type as the source file spells it ("Convolution", "Conv")
  OpKind kind = OpKind::Identity;
  OpParams params;
  std::vector<int> inputs;       // value ids
  std::vector<int> outputs;      // value ids
  std::vector<Tensor> weights;   // constant inputs, in the order the op's params document
  ImportedQuant imported_quant;
  NodeQuant quant;

  template <typename P> P& p() { return std::get<P>(params); }
  template <typename P> const P& p() const { return std::get<P>(params); }
};

struct LayerCost {
  int64_t macs = 0;              // multiply-accumulates of the direct algorithm
  int64_t params = 0;            // weight elements
};

class Graph {
 public:
  std::string name;              // model name, usually the file stem
  std::string source_path;       // file the graph came from
  std::vector<Value> values;
  std::vector<Node> nodes;       // topological order once validate() has passed
  std::vector<int> inputs;       // value ids fed by the user
  std::vector<int> outputs;      // value ids the user reads

  // Adds a value and returns its id. Names are unique; adding an existing name is an error
  // the importer must avoid (use findValue first).
  int addValue(const std::string& name, Shape shape = {});
  int findValue(const std::string& name) const;   // -1 when absent
  int findNode(const std::string& name) const;    // -1 when absent
  int addNode(Node node);                         // sets producer of its outputs

  // Checks ids and single producers, orders nodes topologically (stable), and reports cycles
  // or values read before being produced, naming the node.
  Status validate();
  // Fills every value's shape from the graph inputs' shapes and each op's rule; resolves
  // Same* pads into explicit ones and ncnn broadcasting into BinaryParams::b_view. The error
  // names the node, its op and the offending shapes.
  Status inferShapes();

  LayerCost cost(int node) const;                 // needs shapes
  LayerCost totalCost() const;
  // Nodes that read value v.
  std::vector<int> consumers(int value) const;
};

// Output shapes of one node from its input shapes (the rule inferShapes applies per node).
// May update node params (resolved pads, b_view).
Status inferNodeShapes(Node& node, const std::vector<Shape>& in, std::vector<Shape>& out);

}  // namespace eqw

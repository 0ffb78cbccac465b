#include <eqw/graph.h>

#include <algorithm>
#include <queue>
#include <stdexcept>

namespace eqw {

int Graph::addValue(const std::string& valueName, Shape shape) {
  if (findValue(valueName) >= 0) throw std::logic_error("Graph::addValue: duplicate value name '" + valueName + "'");
  values.push_back(Value{valueName, std::move(shape), -1});
  return static_cast<int>(values.size()) - 1;
}

int Graph::findValue(const std::string& valueName) const {
  for (size_t i = 0; i < values.size(); ++i)
    if (values[i].name == valueName) return static_cast<int>(i);
  return -1;
}

int Graph::findNode(const std::string& nodeName) const {
  for (size_t i = 0; i < nodes.size(); ++i)
    if (nodes[i].name == nodeName) return static_cast<int>(i);
  return -1;
}

int Graph::addNode(Node node) {
  int id = static_cast<int>(nodes.size());
  for (int v : node.outputs)
    if (v >= 0 && v < static_cast<int>(values.size())) values[v].producer = id;
  nodes.push_back(std::move(node));
  return id;
}

std::vector<int> Graph::consumers(int value) const {
  std::vector<int> result;
  for (size_t i = 0; i < nodes.size(); ++i)
    if (std::find(nodes[i].inputs.begin(), nodes[i].inputs.end(), value) != nodes[i].inputs.end())
      result.push_back(static_cast<int>(i));
  return result;
}

static std::string nodeLabel(const Node& n) {
  return "node '" + n.name + "' (" + (n.source_type.empty() ? toString(n.kind) : n.source_type) + ")";
}

Status Graph::validate() {
  const int nv = static_cast<int>(values.size());
  std::vector<int> producer(nv, -1);
  for (size_t i = 0; i < nodes.size(); ++i) {
    for (int v : nodes[i].inputs)
      if (v < 0 || v >= nv) return internalError(nodeLabel(nodes[i]) + ": input id " + std::to_string(v) + " out of range");
    for (int v : nodes[i].outputs) {
      if (v < 0 || v >= nv) return internalError(nodeLabel(nodes[i]) + ": output id " + std::to_string(v) + " out of range");
      if (producer[v] >= 0)
        return parseError("value '" + values[v].name + "' is produced twice, by " + nodeLabel(nodes[producer[v]]) + " and " + nodeLabel(nodes[i]));
      producer[v] = static_cast<int>(i);
    }
  }
  std::vector<char> available(nv, 0);
  for (int v : inputs) {
    if (v < 0 || v >= nv) return internalError("graph input id out of range");
    available[v] = 1;
  }
  // Kahn's algorithm, preferring file order.
  const int nn = static_cast<int>(nodes.size());
  std::vector<int> missing(nn, 0);
  std::vector<std::vector<int>> readers(nv);
  for (int i = 0; i < nn; ++i) {
    for (int v : nodes[i].inputs) {
      if (available[v]) continue;
      if (producer[v] < 0) return parseError(nodeLabel(nodes[i]) + " reads '" + values[v].name + "', which no layer produces and is not a graph input");
      ++missing[i];
      readers[v].push_back(i);
    }
  }
  std::priority_queue<int, std::vector<int>, std::greater<int>> ready;
  for (int i = 0; i < nn; ++i)
    if (missing[i] == 0) ready.push(i);
  std::vector<int> order;
  order.reserve(nn);
  while (!ready.empty()) {
    int i = ready.top();
    ready.pop();
    order.push_back(i);
    for (int v : nodes[i].outputs)
      for (int r : readers[v])
        if (--missing[r] == 0) ready.push(r);
  }
  if (static_cast<int>(order.size()) != nn) {
    for (int i = 0; i < nn; ++i)
      if (missing[i] > 0) return parseError(nodeLabel(nodes[i]) + " is part of a cycle");
  }
  for (int v : outputs)
    if (v < 0 || v >= nv) return internalError("graph output id out of range");
  std::vector<Node> sorted;
  sorted.reserve(nn);
  for (int i : order) sorted.push_back(std::move(nodes[i]));
  nodes = std::move(sorted);
  for (auto& v : values) v.producer = -1;
  for (int i = 0; i < nn; ++i)
    for (int v : nodes[i].outputs) values[v].producer = i;
  return Status::ok();
}

Status Graph::inferShapes() {
  for (auto& node : nodes) {
    std::vector<Shape> in;
    in.reserve(node.inputs.size());
    for (int v : node.inputs) in.push_back(values[v].shape);
    std::vector<Shape> out(node.outputs.size());
    if (node.kind == OpKind::Input) {
      for (size_t i = 0; i < node.outputs.size(); ++i) out[i] = values[node.outputs[i]].shape;
    }
    Status s = inferNodeShapes(node, in, out);
    if (!s.isOk()) return s;
    for (size_t i = 0; i < node.outputs.size(); ++i) values[node.outputs[i]].shape = out[i];
  }
  return Status::ok();
}

LayerCost Graph::cost(int nodeId) const {
  const Node& n = nodes[nodeId];
  LayerCost c;
  for (const auto& w : n.weights) c.params += w.numel();
  auto outShape = [&](size_t i) -> const Shape& { return values[n.outputs[i]].shape; };
  auto inShape = [&](size_t i) -> const Shape& { return values[n.inputs[i]].shape; };
  switch (n.kind) {
    case OpKind::Convolution: {
      if (n.weights.empty() || n.outputs.empty()) break;
      const Shape& w = n.weights[0].shape();  // [O, I/g, kh, kw]
      c.macs = numel(outShape(0)) * w[1] * w[2] * w[3];
      break;
    }
    case OpKind::Deconvolution: {
      if (n.weights.empty() || n.inputs.empty()) break;
      const Shape& w = n.weights[0].shape();  // [I, O/g, kh, kw]
      c.macs = numel(inShape(0)) * w[1] * w[2] * w[3];
      break;
    }
    case OpKind::InnerProduct: {
      if (n.weights.empty()) break;
      c.macs = n.weights[0].numel();
      break;
    }
    case OpKind::MatMul: {
      if (n.outputs.empty() || n.inputs.empty()) break;
      const Shape& a = inShape(0);
      if (!a.empty()) c.macs = numel(outShape(0)) * a.back();
      break;
    }
    default: break;
  }
  return c;
}

LayerCost Graph::totalCost() const {
  LayerCost t;
  for (size_t i = 0; i < nodes.size(); ++i) {
    LayerCost c = cost(static_cast<int>(i));
    t.macs += c.macs;
    t.params += c.params;
  }
  return t;
}

}  // namespace eqw

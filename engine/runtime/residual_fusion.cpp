#include "runtime/residual_fusion.h"

#include <eqw/integer.h>

#include <algorithm>

namespace eqw {

namespace {

bool isGraphOutput(const Graph& g, int v) { return std::find(g.outputs.begin(), g.outputs.end(), v) != g.outputs.end(); }

// The value has exactly one reader, `node`, which reads it once, and it is no graph output.
bool onlyReader(const Graph& g, int v, int node) {
  const std::vector<int> readers = g.consumers(v);
  if (readers.size() != 1 || readers[0] != node || isGraphOutput(g, v)) return false;
  const auto& in = g.nodes[static_cast<size_t>(node)].inputs;
  return std::count(in.begin(), in.end(), v) == 1;
}

// E: a plain two-input float sum (what the f32 Eltwise computes as in0 + in1).
bool isPlainSum(const Graph& g, const Node& e) {
  if (e.kind != OpKind::Eltwise || e.inputs.size() != 2 || e.outputs.size() != 1 || e.inputs[0] == e.inputs[1]) return false;
  const auto& p = e.p<EltwiseParams>();
  if (p.op != EltwiseOp::Sum) return false;
  for (float c : p.coeffs)
    if (c != 1.f) return false;
  const Shape& s = g.values[static_cast<size_t>(e.outputs[0])].shape;
  for (int v : {e.inputs[0], e.inputs[1], e.outputs[0]})
    if (g.values[static_cast<size_t>(v)].shape != s || valueDType(g, v) != DType::F32) return false;
  return true;
}

// C: an integer convolution with one float output the GEMM (or the reference) can extend.
bool isFusableConv(const Node& c) {
  if (c.kind != OpKind::Convolution || !c.quant.active() || c.quant.writesIntegers() || c.quant.residual_add) return false;
  return c.inputs.size() == 1 && c.outputs.size() == 1 && c.p<ConvParams>().group == 1;
}

// R: a ReLU (the only activation whose fused form is exactly the f32 kernels' on every input).
bool isPlainRelu(const Graph& g, const Node& r) {
  if (r.kind != OpKind::Activation || r.inputs.size() != 1 || r.outputs.size() != 1) return false;
  if (r.p<ActivationParams>().act.kind != ActKind::ReLU) return false;
  const int out = r.outputs[0];
  return g.values[static_cast<size_t>(out)].shape == g.values[static_cast<size_t>(r.inputs[0])].shape &&
         valueDType(g, out) == DType::F32;
}

int producerIndex(const Graph& g, int v) { return g.values[static_cast<size_t>(v)].producer; }

}  // namespace

std::vector<ResidualFusion> findResidualFusions(const Graph& graph) {
  std::vector<ResidualFusion> out;
  std::vector<bool> used(graph.nodes.size(), false);
  for (size_t e = 0; e < graph.nodes.size(); ++e) {
    const Node& eNode = graph.nodes[e];
    if (!isPlainSum(graph, eNode)) continue;
    // C: the later producer of the two inputs; the other input must exist before C runs.
    const int p0 = producerIndex(graph, eNode.inputs[0]), p1 = producerIndex(graph, eNode.inputs[1]);
    const int which = p1 > p0 ? 1 : 0;
    const int c = which ? p1 : p0, other = eNode.inputs[static_cast<size_t>(1 - which)];
    if (c < 0 || c >= static_cast<int>(e) || producerIndex(graph, other) >= c || used[static_cast<size_t>(c)]) continue;
    const Node& cNode = graph.nodes[static_cast<size_t>(c)];
    if (!isFusableConv(cNode) || cNode.outputs[0] != eNode.inputs[static_cast<size_t>(which)]) continue;
    if (!onlyReader(graph, cNode.outputs[0], static_cast<int>(e))) continue;
    ResidualFusion f;
    f.conv = c;
    f.eltwise = static_cast<int>(e);
    f.other = other;
    f.output = eNode.outputs[0];
    const std::vector<int> readers = graph.consumers(f.output);
    if (readers.size() == 1 && readers[0] > f.eltwise && !used[static_cast<size_t>(readers[0])] &&
        isPlainRelu(graph, graph.nodes[static_cast<size_t>(readers[0])]) && onlyReader(graph, f.output, readers[0])) {
      f.act = readers[0];
      f.output = graph.nodes[static_cast<size_t>(f.act)].outputs[0];
    }
    for (int n : {f.conv, f.eltwise, f.act})
      if (n >= 0) used[static_cast<size_t>(n)] = true;
    out.push_back(f);
  }
  return out;
}

namespace {

// The nodes reading v, looking through Split nodes (which only fan it out). Unlike the int8
// flow's readersOf, any reader counts: float readers keep reading v, integer ones may read a twin.
void readersThroughSplits(const Graph& g, int v, std::vector<int>& readers) {
  for (int c : g.consumers(v)) {
    const Node& n = g.nodes[static_cast<size_t>(c)];
    if (n.kind == OpKind::Split && n.inputs.size() == 1) {
      for (int o : n.outputs) readersThroughSplits(g, o, readers);
      continue;
    }
    if (std::find(readers.begin(), readers.end(), c) == readers.end()) readers.push_back(c);
  }
}

}  // namespace

void findResidualTwins(const Graph& graph, std::vector<ResidualFusion>& fusions) {
  for (ResidualFusion& f : fusions) {
    std::vector<int> readers, integer;
    readersThroughSplits(graph, f.output, readers);
    for (int r : readers) {
      const Node& n = graph.nodes[static_cast<size_t>(r)];
      if (n.quant.active() && !n.quant.quantized_input && n.inputs.size() == 1) integer.push_back(r);
    }
    if (integer.empty()) continue;
    const NodeQuant& first = graph.nodes[static_cast<size_t>(integer[0])].quant;
    bool same = true;
    for (int r : integer) same = same && sameInputGrid(graph.nodes[static_cast<size_t>(r)].quant, first);
    if (!same || !(first.input_scale > 0.f)) continue;
    f.twin_readers = integer;
  }
}

void applyResidualFusions(Graph& graph, std::vector<ResidualFusion>& fusions) {
  for (ResidualFusion& f : fusions) {
    Node& c = graph.nodes[static_cast<size_t>(f.conv)];
    c.inputs = {c.inputs[0], f.other};
    c.outputs = {f.output};
    graph.values[static_cast<size_t>(f.output)].producer = f.conv;
    if (!f.twin_readers.empty()) {
      const Value& out = graph.values[static_cast<size_t>(f.output)];
      f.twin = static_cast<int>(graph.values.size());
      graph.values.push_back(Value{out.name + "#twin", out.shape, f.conv});
      c.outputs.push_back(f.twin);
      for (int r : f.twin_readers) graph.nodes[static_cast<size_t>(r)].inputs[0] = f.twin;
    }
    for (int n : {f.eltwise, f.act})
      if (n >= 0) {
        graph.nodes[static_cast<size_t>(n)].inputs.clear();
        graph.nodes[static_cast<size_t>(n)].outputs.clear();
      }
  }
}

}  // namespace eqw

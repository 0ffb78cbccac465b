// The fake-quant graph (eqw/fakequant.h).
#include <eqw/fakequant.h>

namespace eqw {

Result<Tensor> fakeQuantWeights(const Node& node, const LayerQuant& lq) {
  if (!isQuantizable(node) || node.weights.empty())
    return Status(StatusCode::InvalidArgument, "layer '" + node.name + "' has no weights to quantize");
  // The layer's own grid: ncnn's 6-bit Winograd layers (weight_bits 6) land on +-31 steps.
  const int bits = effectiveWeightBits(lq);
  if (bits == 0) return node.weights[0];
  const int64_t count = weightScaleCount(node, lq.weight_granularity);
  if (static_cast<int64_t>(lq.weight_thresholds.size()) != count)
    return Status(StatusCode::InvalidArgument, "layer '" + node.name + "': " + std::to_string(lq.weight_thresholds.size()) +
                                                   " weight thresholds for " + std::to_string(count) + " " +
                                                   toString(lq.weight_granularity) + " scales");
  const Tensor& w = node.weights[0];
  const int64_t outputs = w.shape()[0], per = w.numel() / outputs;
  const int q = qmax(bits);
  Tensor out = w.clone();
  float* d = out.f32();
  for (int64_t o = 0; o < outputs; ++o) {
    const int64_t slot = count == 1 ? 0 : count == outputs ? o : o / (outputs / count);
    const float scale = static_cast<float>(q / static_cast<double>(lq.weight_thresholds[static_cast<size_t>(slot)]));
    for (int64_t k = 0; k < per; ++k) d[o * per + k] = fakeQuantValue(d[o * per + k], scale, q);
  }
  return out;
}

FakeQuantParams inputGrid(const LayerQuant& lq) {
  FakeQuantParams p;
  p.is_unsigned = lq.unsigned_input;
  p.qmax = qmax(activationBits(lq.precision), lq.unsigned_input);
  p.scale = static_cast<float>(p.qmax / static_cast<double>(lq.input.value));
  return p;
}

Result<Graph> fakeQuantGraph(const Graph& graph, const QuantSpec& spec) {
  EQW_RETURN_IF_ERROR(validateSpec(graph, spec));
  Graph g = graph;
  std::vector<Node> nodes;
  nodes.reserve(g.nodes.size() * 2);
  for (Node& node : g.nodes) {
    const LayerQuant* lq = isQuantizable(node) ? spec.find(node.name) : nullptr;
    if (lq && lq->precision != Precision::Fp32) {
      auto w = fakeQuantWeights(node, *lq);
      if (!w) return w.status();
      node.weights[0] = std::move(*w);
      if (activationBits(lq->precision) > 0) {
        const int in = node.inputs[0];
        Node fq;
        fq.name = node.name + "/input_fakequant";
        fq.source_type = "FakeQuant";
        fq.kind = OpKind::FakeQuant;
        fq.params = inputGrid(*lq);
        fq.inputs = {in};
        const int v = g.addValue(g.values[static_cast<size_t>(in)].name + "@" + node.name, g.values[static_cast<size_t>(in)].shape);
        fq.outputs = {v};
        node.inputs[0] = v;
        nodes.push_back(std::move(fq));
      }
    }
    nodes.push_back(std::move(node));
  }
  g.nodes = std::move(nodes);
  EQW_RETURN_IF_ERROR(g.validate());
  EQW_RETURN_IF_ERROR(g.inferShapes());
  return g;
}

}  // namespace eqw

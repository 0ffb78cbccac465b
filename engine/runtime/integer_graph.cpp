#include <eqw/fakequant.h>
#include <eqw/integer.h>

namespace eqw {

namespace {

NodeQuant nodeQuant(const Node& node, const LayerQuant& lq) {
  NodeQuant q;
  q.bits = activationBits(lq.precision);
  q.unsigned_input = lq.unsigned_input;
  q.input_scale = static_cast<float>(qmax(q.bits, lq.unsigned_input) / static_cast<double>(lq.input.value));
  const int wbits = effectiveWeightBits(lq);
  q.weight_qmax = qmax(wbits);
  const int64_t outputs = weightScaleCount(node, Granularity::PerChannel);
  const int64_t count = static_cast<int64_t>(lq.weight_thresholds.size());
  q.weight_scales.resize(static_cast<size_t>(outputs));
  for (int64_t o = 0; o < outputs; ++o) {
    const int64_t slot = count == 1 ? 0 : count == outputs ? o : o / (outputs / count);
    q.weight_scales[static_cast<size_t>(o)] =
        static_cast<float>(q.weight_qmax / static_cast<double>(lq.weight_thresholds[static_cast<size_t>(slot)]));
  }
  return q;
}

}  // namespace

Result<Graph> integerGraph(const Graph& graph, const QuantSpec& spec) { return integerGraph(graph, spec, IntegerGraphOptions{}); }

Result<Graph> integerGraph(const Graph& graph, const QuantSpec& spec, const IntegerGraphOptions& options) {
  EQW_RETURN_IF_ERROR(validateSpec(graph, spec));
  Graph out = graph;
  for (Node& node : out.nodes) {
    const LayerQuant* lq = spec.find(node.name);
    if (!lq || lq->precision == Precision::Fp32 || !isQuantizable(node)) continue;
    if (activationBits(lq->precision) == 0) {  // weight-only: float input, weights on their grid
      auto w = fakeQuantWeights(node, *lq);
      if (!w) return w.status();
      node.weights[0] = std::move(w.value());
      continue;
    }
    node.quant = nodeQuant(node, *lq);
  }
  if (options.int8_flow) planInt8Flow(out);
  return out;
}

}  // namespace eqw

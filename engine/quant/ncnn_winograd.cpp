// Which layers ncnn runs with its int8 Winograd F(4,3) and so with 6-bit weights (eqw/quant.h).
#include <eqw/quant.h>

namespace eqw {

bool ncnnRunsWinograd(const Node& node) {
  if (node.kind != OpKind::Convolution) return false;
  const auto& p = node.p<ConvParams>();
  return p.group == 1 && p.kernel_h == 3 && p.kernel_w == 3 && p.stride_h == 1 && p.stride_w == 1 && p.dilation_h == 1 &&
         p.dilation_w == 1;
}

int ncnnWeightBits(const Node& node, Precision precision, bool winograd6bit) {
  return winograd6bit && precision == Precision::Int8 && ncnnRunsWinograd(node) ? kNcnnWinogradWeightBits : 0;
}

QuantSpec withPrecision(const Graph& graph, QuantSpec spec, Precision precision, bool winograd6bit,
                        const std::function<bool(const LayerQuant&)>& keep) {
  for (LayerQuant& l : spec.layers) {
    if (l.precision == Precision::Fp32 || (keep && keep(l))) continue;
    l.precision = precision;
    const int id = graph.findNode(l.layer);
    l.weight_bits = id < 0 ? 0 : ncnnWeightBits(graph.nodes[static_cast<size_t>(id)], precision, winograd6bit);
  }
  return spec;
}

}  // namespace eqw

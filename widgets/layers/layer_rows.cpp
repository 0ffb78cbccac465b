#include "layers/layer_rows.h"

#include <algorithm>
#include <set>

namespace eqw::widgets {

namespace {

void fillFromSpec(LayerRow& row, const LayerQuant& lq) {
  row.precision = lq.precision;
  const int bits = activationBits(lq.precision);
  if (bits > 0 && lq.input.value > 0.f) {
    row.input_threshold = lq.input.value;
    row.input_scale = static_cast<float>(qmax(bits, lq.unsigned_input)) / lq.input.value;
    row.method = lq.input.method;
  }
  if (lq.precision != Precision::Fp32 && !lq.weight_thresholds.empty()) {
    auto [lo, hi] = std::minmax_element(lq.weight_thresholds.begin(), lq.weight_thresholds.end());
    row.weight_min = *lo;
    row.weight_max = *hi;
  }
}

}  // namespace

std::vector<LayerRow> buildLayerRows(const Session& session) {
  std::vector<LayerRow> rows;
  const Graph& g = session.canonicalGraph();
  const QuantSpec* spec = session.spec();
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const Node& node = g.nodes[i];
    if (!isQuantizable(node)) continue;
    LayerRow row;
    row.name = node.name;
    row.type = toString(node.kind);
    if (!node.outputs.empty()) row.output_shape = toString(g.values[node.outputs[0]].shape);
    row.macs = g.cost(static_cast<int>(i)).macs;
    if (const LayerOverride* o = session.layerOverride(node.name); o && o->precision) {
      row.precision = *o->precision;
      row.precision_overridden = true;
    }
    if (spec)
      if (const LayerQuant* lq = spec->find(node.name)) fillFromSpec(row, *lq);
    rows.push_back(std::move(row));
  }
  return rows;
}

void applyEvalReport(std::vector<LayerRow>& rows, const EvalReport& report, size_t variant, size_t worstCount) {
  for (LayerRow& r : rows) {
    r.isolated.reset();
    r.cumulative.reset();
    r.worst = false;
  }
  if (variant >= report.variants.size()) return;
  const VariantEval& v = report.variants[variant];
  std::set<std::string> worst;
  for (const LayerEval& l : worstLayers(v, RankBy::Isolated, worstCount)) worst.insert(l.layer);
  for (LayerRow& r : rows) {
    auto it = std::find_if(v.layers.begin(), v.layers.end(), [&](const LayerEval& l) { return l.layer == r.name; });
    if (it == v.layers.end()) continue;
    r.isolated = it->isolated;
    r.cumulative = it->cumulative;
    r.worst = worst.count(r.name) > 0;
  }
}

}  // namespace eqw::widgets

// The worst layers of a variant by isolated or cumulative cosine.
#include <eqw/eval.h>

#include <algorithm>

namespace eqw {

std::vector<LayerEval> worstLayers(const VariantEval& variant, RankBy by, size_t n) {
  std::vector<LayerEval> layers;
  for (const LayerEval& l : variant.layers)
    if (by == RankBy::Cumulative || l.quantized) layers.push_back(l);
  auto metric = [by](const LayerEval& l) -> const ErrorMetrics& { return by == RankBy::Isolated ? l.isolated : l.cumulative; };
  // Stable: equal layers keep graph order, so the ranking is reproducible.
  std::stable_sort(layers.begin(), layers.end(), [&](const LayerEval& a, const LayerEval& b) {
    const ErrorMetrics &ma = metric(a), &mb = metric(b);
    if (ma.cosine != mb.cosine) return ma.cosine < mb.cosine;
    return ma.sqnr_db < mb.sqnr_db;
  });
  if (layers.size() > n) layers.resize(n);
  return layers;
}

}  // namespace eqw

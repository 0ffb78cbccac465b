// Session: evaluation of the current spec against FP32, and the ncnn table export.
#include <eqw/integer.h>
#include <eqw/session.h>

#include "session/session_state.h"

namespace eqw {

Result<QuantSpec> Session::specAt(Precision precision) const {
  if (!s_->spec) return invalidArgument("no quantization spec (calibrate first)");
  // The weight width ncnn gives each layer at this precision, under the calibration's rule; a
  // layer the user pinned to a precision keeps it.
  QuantSpec spec = withPrecision(s_->canonical, *s_->spec, precision, s_->calibrate_options.ncnn_winograd_6bit,
                                 [&](const LayerQuant& l) {
                                   const LayerOverride* o = layerOverride(l.layer);
                                   return o && o->precision;
                                 });
  return spec;
}

Result<EvalReport> Session::evaluate(const std::vector<Precision>& precisions, const EvalOptions& options,
                                     const EvalProgress& progress, Diagnostics& diags) const {
  std::vector<EvalVariant> variants;
  for (Precision p : precisions) {
    if (p == Precision::Fp32) continue;  // the reference, always there
    auto spec = specAt(p);
    if (!spec) return spec.status().withContext("evaluate");
    variants.push_back({toString(p), std::move(spec.value())});
  }
  return evaluate(variants, options, progress, diags);
}

Result<EvalReport> Session::evaluate(const std::vector<EvalVariant>& variants, const EvalOptions& options,
                                     const EvalProgress& progress, Diagnostics& diags) const {
  auto dataset = openRoleDataset(*s_, DatasetRole::Evaluation, "evaluate", diags);
  if (!dataset) return dataset.status();
  return eqw::evaluate(s_->canonical, variants, *dataset, s_->evaluation->preprocess, options, progress, diags);
}

Result<std::vector<Session::Latency>> Session::benchmark(const std::vector<Precision>& precisions, const BenchOptions& options,
                                                         const CalibProgress& progress) const {
  EQW_RETURN_IF_ERROR(requireOpen(*s_, "benchmark"));
  std::vector<Latency> out;
  const int64_t total = static_cast<int64_t>(precisions.size());
  for (Precision p : precisions) {
    if (progress && !progress("benchmark", static_cast<int64_t>(out.size()), total)) return Status(StatusCode::Cancelled, "benchmark cancelled");
    Graph quantized;
    if (p != Precision::Fp32) {
      if (activationBits(p) == 0)
        return invalidArgument(std::string("benchmark: ") + toString(p) + " is weight-only; the integer engine times int8 and int7");
      auto spec = specAt(p);
      if (!spec) return spec.status().withContext("benchmark");
      auto graph = integerGraph(s_->canonical, *spec);
      if (!graph) return graph.status().withContext("benchmark");
      quantized = std::move(*graph);
    }
    auto r = benchmarkFp32(p == Precision::Fp32 ? s_->canonical : quantized, options);
    if (!r) return r.status().withContext(std::string("benchmark ") + toString(p));
    out.push_back({p, std::move(*r)});
  }
  if (progress) (void)progress("benchmark", total, total);
  return out;
}

Status Session::exportTable(const std::string& path, const NcnnTableOptions& options) const {
  EQW_RETURN_IF_ERROR(requireOpen(*s_, "export table"));
  if (!s_->spec) return invalidArgument("export table: no quantization spec (calibrate first)");
  return writeNcnnTable(s_->canonical, *s_->spec, path, options);
}

}  // namespace eqw

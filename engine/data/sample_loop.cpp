// forEachSample: load a dataset image by image; a bad image is a Diagnostic, never fatal.
#include "eqw/data.h"

namespace eqw {

Status forEachSample(const Dataset& dataset, const Preprocess& p, const SampleVisitor& visit,
                     Diagnostics& diagnostics) {
  EQW_RETURN_IF_ERROR(validate(p));
  for (size_t i = 0; i < dataset.samples.size(); ++i) {
    const Sample& sample = dataset.samples[i];
    Result<Tensor> input = loadImageTensor(sample.path, p);
    if (!input) {
      diagnostics.push_back({Severity::Warning, "skipped " + input.status().message()});
      continue;
    }
    if (!visit(i, sample, *input))
      return Status(StatusCode::Cancelled, dataset.source + ": stopped at sample " + std::to_string(i));
  }
  return Status::ok();
}

}  // namespace eqw

// EasyQuant caching (easyquant_layer.h): the images, and one layer's inputs and outputs at a time.
#include "calib/easyquant_layer.h"

#include <algorithm>

namespace eqw::easyquant {

Result<std::vector<Tensor>> loadImages(const Dataset& dataset, const Preprocess& preprocess, int count,
                                       const CalibProgress& progress, Diagnostics& diagnostics) {
  std::vector<Tensor> images;
  const int64_t total = std::min<int64_t>(count, static_cast<int64_t>(dataset.samples.size()));
  bool cancelled = false;
  const Status s = forEachSample(dataset, preprocess, [&](size_t, const Sample&, const Tensor& t) {
    images.push_back(t.clone());
    if (progress && !progress("images", static_cast<int64_t>(images.size()), total)) cancelled = true;
    return !cancelled && static_cast<int64_t>(images.size()) < count;
  }, diagnostics);
  if (cancelled) return Status(StatusCode::Cancelled, "easyquant: cancelled while loading images");
  // forEachSample reports our own early stop as Cancelled: that one is not an error.
  if (!s.isOk() && !(s.code() == StatusCode::Cancelled && static_cast<int64_t>(images.size()) >= count)) return s;
  if (images.empty())
    return invalidArgument("easyquant: none of the " + std::to_string(dataset.samples.size()) + " images of '" +
                           dataset.source + "' could be loaded");
  return images;
}

Status captureValues(Executor& executor, const std::vector<Tensor>& images, const std::vector<int>& values,
                     std::vector<std::vector<Tensor>>& out) {
  const Graph& g = executor.graph();
  out.assign(values.size(), {});
  std::vector<size_t> before(values.size());
  for (const Tensor& image : images) {
    for (size_t v = 0; v < values.size(); ++v) before[v] = out[v].size();
    for (size_t v = 0; v < values.size(); ++v)
      if (std::find(g.inputs.begin(), g.inputs.end(), values[v]) != g.inputs.end()) out[v].push_back(image);
    EQW_RETURN_IF_ERROR(executor.run({image}, [&](int node, const std::vector<const Tensor*>& outputs) {
      const Node& n = g.nodes[static_cast<size_t>(node)];
      for (size_t j = 0; j < n.outputs.size() && j < outputs.size(); ++j)
        for (size_t v = 0; v < values.size(); ++v)
          if (n.outputs[j] == values[v]) out[v].push_back(outputs[j]->clone());
    }));
    for (size_t v = 0; v < values.size(); ++v)
      if (out[v].size() != before[v] + 1)
        return internalError("easyquant: value '" + g.values[static_cast<size_t>(values[v])].name +
                             "' was not produced by the run");
  }
  return Status::ok();
}

}  // namespace eqw::easyquant

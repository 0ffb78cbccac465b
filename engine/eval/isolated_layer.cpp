// Isolated per-layer error: only this layer quantized, FP32 everywhere before it.
#include "eval/isolated_layer.h"

#include <eqw/fakequant.h>

#include <new>

#include "core/parallel.h"

namespace eqw {

Result<std::unique_ptr<IsolatedLayer>> IsolatedLayer::create(const Graph& graph, int node, const LayerQuant& lq, Isa isa) {
  const Node& src = graph.nodes[static_cast<size_t>(node)];
  std::unique_ptr<IsolatedLayer> layer(new IsolatedLayer());
  layer->node_ = src;
  auto w = fakeQuantWeights(src, lq);
  if (!w) return w.status();
  layer->node_.weights[0] = std::move(*w);
  layer->quant_input_ = activationBits(lq.precision) > 0;
  if (layer->quant_input_) layer->grid_ = inputGrid(lq);

  std::vector<Shape> inShapes, outShapes;
  for (int v : src.inputs) inShapes.push_back(graph.values[static_cast<size_t>(v)].shape);
  for (int v : src.outputs) outShapes.push_back(graph.values[static_cast<size_t>(v)].shape);
  auto k = kernels::makeKernel(layer->node_, inShapes, outShapes, isa);
  if (!k) return k.status().withContext("isolated layer '" + src.name + "'");
  if (!*k) return internalError("isolated layer '" + src.name + "': no kernel");
  layer->kernel_ = std::move(k.value());
  try {
    if (layer->quant_input_) layer->input_ = Tensor(inShapes[0]);
    for (const Shape& s : outShapes) layer->outputs_.emplace_back(s);
  } catch (const std::bad_alloc&) {
    return internalError("isolated layer '" + src.name + "': out of memory for its buffers");
  }
  return layer;
}

Result<const Tensor*> IsolatedLayer::run(const Executor& fp32, const ThreadPool* pool) {
  std::vector<const Tensor*> in;
  for (int v : node_.inputs) in.push_back(&fp32.value(v));
  if (quant_input_) {
    const Tensor& x = *in[0];
    if (x.numel() != input_.numel())
      return internalError("isolated layer '" + node_.name + "': input has " + std::to_string(x.numel()) + " elements, expected " +
                           std::to_string(input_.numel()));
    const float* s = x.f32();
    float* d = input_.f32();
    for (int64_t i = 0, n = x.numel(); i < n; ++i) d[i] = fakeQuantValue(s[i], grid_.scale, grid_.qmax, grid_.is_unsigned);
    in[0] = &input_;
  }
  std::vector<Tensor*> out;
  for (Tensor& t : outputs_) out.push_back(&t);
  kernels::ExecContext ctx{pool};
  Status status;
  if (pool) pool->execute([&](int64_t, int64_t) { status = kernel_->run(in, out, ctx); });
  else status = kernel_->run(in, out, ctx);
  if (!status.isOk()) return status.withContext("isolated layer '" + node_.name + "'");
  return out[0];
}

}  // namespace eqw

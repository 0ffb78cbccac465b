// One quantized layer run alone: its FP32 input put on the layer's input grid, through the
// layer with quantize-dequantized weights. The kernel is made once and run per image.
#pragma once

#include <eqw/cpu.h>
#include <eqw/graph.h>
#include <eqw/quant.h>
#include <eqw/runtime.h>
#include <eqw/status.h>
#include <eqw/tensor.h>

#include <memory>
#include <vector>

#include "kernels/kernel.h"

namespace eqw {

class ThreadPool;

class IsolatedLayer {
 public:
  // node: index in `graph` (the canonical graph the FP32 executor runs); lq: its quantization.
  static Result<std::unique_ptr<IsolatedLayer>> create(const Graph& graph, int node, const LayerQuant& lq, Isa isa);

  // Reads the layer's inputs from the FP32 executor's last run (keep_values) and returns the
  // layer's first output; valid until the next run.
  Result<const Tensor*> run(const Executor& fp32, const ThreadPool* pool);

 private:
  IsolatedLayer() = default;

  Node node_;                        // the copy with fake-quantized weights (the kernel's source)
  kernels::KernelPtr kernel_;
  bool quant_input_ = false;
  FakeQuantParams grid_;
  Tensor input_;                     // the fake-quantized first input
  std::vector<Tensor> outputs_;
};

}  // namespace eqw

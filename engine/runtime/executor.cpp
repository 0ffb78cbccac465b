#include <eqw/integer.h>
#include <eqw/runtime.h>

#include <algorithm>
#include <chrono>
#include <new>

#include "core/parallel.h"
#include "kernels/int8/q8_kernels.h"
#include "kernels/kernel.h"
#include "runtime/memory_plan.h"

namespace eqw {

struct Executor::Impl {
  const Graph* graph = nullptr;
  ExecutorOptions options;
  Isa isa = Isa::Scalar;
  std::unique_ptr<ThreadPool> pool;
  std::vector<kernels::KernelPtr> kernels;
  std::vector<std::string> kernelNames;
  std::vector<Tensor> values;          // one slot per graph value
  std::vector<int64_t> timesNs;
  size_t activationBytes = 0;
  // Per node, pointers into `values`, built once.
  std::vector<std::vector<const Tensor*>> inPtrs;
  std::vector<std::vector<Tensor*>> outPtrs;
};

Executor::Executor() : impl_(std::make_unique<Impl>()) {}
Executor::~Executor() = default;

static std::string nodeLabel(const Node& n) {
  return "node '" + n.name + "' (" + (n.source_type.empty() ? toString(n.kind) : n.source_type) + ")";
}

namespace {

// A Split of integers (the int8 flow): every output is the input, whatever its type (the float
// views check for F32).
class IntegerSplit final : public kernels::OpKernel {
 public:
  explicit IntegerSplit(std::vector<Shape> out) : out_(std::move(out)) {}
  const char* name() const override { return "q8_split_view"; }
  bool isView() const override { return true; }
  Status run(const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out, const kernels::ExecContext&) override {
    if (in.size() != 1 || !in[0] || in[0]->empty() || out.size() != out_.size())
      return internalError("q8_split_view: expected one input and " + std::to_string(out_.size()) + " outputs");
    for (size_t i = 0; i < out.size(); ++i) *out[i] = in[0]->shape() == out_[i] ? *in[0] : in[0]->reshaped(out_[i]);
    return Status::ok();
  }

 private:
  std::vector<Shape> out_;
};

// The kernels of nodes on the int8 flow that are not integer layers (Split of integers, max
// pooling of integers); null for every other node.
Result<kernels::KernelPtr> makeFlowKernel(const Graph& g, const Node& node, const std::vector<Shape>& in,
                                          const std::vector<Shape>& out) {
  if (node.kind == OpKind::Split && node.inputs.size() == 1 && valueDType(g, node.inputs[0]) != DType::F32)
    return kernels::KernelPtr(new IntegerSplit(out));
  if (node.kind != OpKind::Pooling || !node.quant.quantized_input) return kernels::KernelPtr{};
  Result<Node> resolved = kernels::resolveNode(node, in, out);
  if (!resolved) return resolved.status();
  return kernels::q8::makeQ8MaxPool(*resolved, in, out);
}

}  // namespace

Result<std::unique_ptr<Executor>> Executor::create(const Graph& graph, const ExecutorOptions& options) {
  std::unique_ptr<Executor> ex(new Executor());
  Impl& m = *ex->impl_;
  m.graph = &graph;
  m.options = options;
  Isa active = activeIsa();
  m.isa = static_cast<int>(options.isa) < static_cast<int>(active) ? options.isa : active;
  if (options.reference) m.isa = Isa::Scalar;
  m.pool = std::make_unique<ThreadPool>(options.threads);
  m.values.resize(graph.values.size());
  m.timesNs.assign(graph.nodes.size(), 0);

  // The int8 flow (eqw/integer.h) holds some values as integers; keep_values promises readable
  // float intermediates, so it runs every node with float input and output instead.
  const bool flow = !options.keep_values;
  if (flow) EQW_RETURN_IF_ERROR(checkInt8Flow(graph).withContext("model '" + graph.name + "'"));
  try {
    for (const Node& graphNode : graph.nodes) {
      const bool strip = !flow && (graphNode.quant.quantized_input || graphNode.quant.writesIntegers());
      Node stripped;
      if (strip) {
        stripped = graphNode;
        stripped.quant.quantized_input = false;
        stripped.quant.output_scale = 0.f;
      }
      const Node& node = strip ? stripped : graphNode;
      std::vector<Shape> inShapes, outShapes;
      for (int v : node.inputs) inShapes.push_back(graph.values[v].shape);
      for (int v : node.outputs) outShapes.push_back(graph.values[v].shape);
      Result<kernels::KernelPtr> k = flow ? makeFlowKernel(graph, node, inShapes, outShapes) : kernels::KernelPtr{};
      if (k && !*k)
        k = options.reference ? kernels::makeReferenceKernel(node, inShapes, outShapes)
                              : kernels::makeKernel(node, inShapes, outShapes, m.isa);
      if (!k) return k.status().withContext(nodeLabel(node));
      if (!*k) return internalError(nodeLabel(node) + ": no kernel");
      m.kernelNames.push_back((*k)->name());
      m.kernels.push_back(std::move(k.value()));
    }
    std::vector<bool> isView;
    for (const auto& k : m.kernels) isView.push_back(k->isView());
    std::vector<DType> dtypes(graph.values.size(), DType::F32);
    std::vector<size_t> elementBytes(graph.values.size(), sizeof(float));
    for (size_t v = 0; v < graph.values.size() && flow; ++v) {
      dtypes[v] = valueDType(graph, static_cast<int>(v));
      elementBytes[v] = elementSize(dtypes[v]);
    }
    const MemoryPlan plan = planMemory(graph, isView, !options.keep_values, elementBytes);
    std::vector<Tensor> buffers;
    for (size_t bytes : plan.bytes) buffers.emplace_back(Shape{static_cast<int64_t>((bytes + 3) / 4)});
    for (size_t v = 0; v < graph.values.size(); ++v)
      if (plan.buffer[v] >= 0) m.values[v] = buffers[plan.buffer[v]].viewAs(graph.values[v].shape, dtypes[v]);
    m.activationBytes = plan.totalBytes();
  } catch (const std::bad_alloc&) {
    return Status(StatusCode::Internal, "out of memory while preparing the model '" + graph.name + "'");
  }

  for (const Node& node : graph.nodes) {
    std::vector<const Tensor*> in;
    std::vector<Tensor*> out;
    for (int v : node.inputs) in.push_back(&m.values[v]);
    for (int v : node.outputs) out.push_back(&m.values[v]);
    m.inPtrs.push_back(std::move(in));
    m.outPtrs.push_back(std::move(out));
  }
  return ex;
}

Status Executor::run(const std::vector<Tensor>& inputs, const NodeObserver& observer) {
  Impl& m = *impl_;
  const Graph& g = *m.graph;
  if (inputs.size() != g.inputs.size())
    return invalidArgument("model '" + g.name + "' takes " + std::to_string(g.inputs.size()) + " input(s), got " +
                           std::to_string(inputs.size()));
  for (size_t i = 0; i < inputs.size(); ++i) {
    const Value& v = g.values[g.inputs[i]];
    const Tensor& t = inputs[i];
    if (t.dtype() != DType::F32 || t.numel() != numel(v.shape))
      return invalidArgument("input '" + v.name + "' expects " + toString(v.shape) + " float32, got " +
                             toString(t.shape()) + " " + toString(t.dtype()));
    m.values[g.inputs[i]] = t.shape() == v.shape ? t : t.reshaped(v.shape);
  }

  Status status;
  kernels::ExecContext ctx{m.pool.get()};
  m.pool->execute([&](int64_t, int64_t) {
    for (size_t n = 0; n < g.nodes.size(); ++n) {
      if (g.nodes[n].kind == OpKind::Input) continue;
      auto t0 = std::chrono::steady_clock::now();
      Status s = m.kernels[n]->run(m.inPtrs[n], m.outPtrs[n], ctx);
      if (m.options.profile)
        m.timesNs[n] = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0).count();
      if (!s.isOk()) {
        status = s.withContext(nodeLabel(g.nodes[n]));
        return;
      }
      if (observer) {
        std::vector<const Tensor*> outs(m.outPtrs[n].begin(), m.outPtrs[n].end());
        observer(static_cast<int>(n), outs);
      }
    }
  });
  return status;
}

const Tensor& Executor::output(size_t i) const { return impl_->values[impl_->graph->outputs[i]]; }
const Tensor& Executor::value(int valueId) const { return impl_->values[valueId]; }
size_t Executor::outputCount() const { return impl_->graph->outputs.size(); }
const Graph& Executor::graph() const { return *impl_->graph; }
int Executor::threads() const { return impl_->pool->threads(); }
Isa Executor::isa() const { return impl_->isa; }
const std::string& Executor::kernelName(int node) const { return impl_->kernelNames[node]; }
const std::vector<int64_t>& Executor::nodeTimesNs() const { return impl_->timesNs; }
size_t Executor::activationBytes() const { return impl_->activationBytes; }

}  // namespace eqw

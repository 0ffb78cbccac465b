#include <eqw/integer.h>
#include <eqw/runtime.h>

#include <algorithm>
#include <chrono>
#include <new>

#include "core/parallel.h"
#include "kernels/int8/q8_kernels.h"
#include "kernels/kernel.h"
#include "runtime/memory_plan.h"
#include "runtime/residual_fusion.h"

namespace eqw {

struct Executor::Impl {
  const Graph* graph = nullptr;
  // The node inputs / outputs buffers are planned and kernels called with: the graph itself, or
  // planStorage (its inputs and outputs with the residual fusions applied, no weights).
  const Graph* plan = nullptr;
  Graph planStorage;
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
  // What observers see per node: the graph's own outputs (outPtrs differ for fused nodes).
  std::vector<std::vector<Tensor*>> observedPtrs;
  int residualTwins = 0;               // fused convolutions writing an integer twin
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

// An Eltwise or ReLU whose work a residual-fused convolution does (ExecutorOptions::fuse_residual):
// nothing to run; the name keeps it visible in per-layer timings.
class FusedAway final : public kernels::OpKernel {
 public:
  explicit FusedAway(const std::string& into) : name_("fused into " + into) {}
  const char* name() const override { return name_.c_str(); }
  Status run(const std::vector<const Tensor*>&, const std::vector<Tensor*>&, const kernels::ExecContext&) override {
    return Status::ok();
  }

 private:
  std::string name_;
};

// The residual fusions this executor makes, each with its convolution's kernel (which reads the
// residual input: NodeQuant::residual_add); a fusion whose kernel cannot be made is left out, and
// its nodes run unfused. With twins (ExecutorOptions::residual_twin), a fused kernel that cannot
// be made drops every twin: its readers' kernels depend on the twins planned.
struct PlannedFusions {
  std::vector<ResidualFusion> fusions;
  std::vector<kernels::KernelPtr> convKernels;
};

bool fusionAllowed(const ExecutorOptions& options) { return options.fuse_residual && !options.keep_values; }

// The nodes that read a residual twin (ResidualFusion::twin_readers), as integer readers.
std::vector<bool> twinReaders(size_t nodes, const std::vector<ResidualFusion>& fusions) {
  std::vector<bool> reads(nodes, false);
  for (const ResidualFusion& f : fusions)
    for (int r : f.twin_readers) reads[static_cast<size_t>(r)] = true;
  return reads;
}

// A node's kernel: the reference's, or the fastest `isa` allows.
Result<kernels::KernelPtr> makeNodeKernel(const Node& node, const std::vector<Shape>& in, const std::vector<Shape>& out,
                                          const ExecutorOptions& options, Isa isa) {
  return options.reference ? kernels::makeReferenceKernel(node, in, out) : kernels::makeKernel(node, in, out, isa);
}

PlannedFusions planFusions(const Graph& g, const ExecutorOptions& options, Isa isa, bool twins) {
  PlannedFusions planned;
  if (!fusionAllowed(options)) return planned;
  std::vector<ResidualFusion> found = findResidualFusions(g);
  if (twins) findResidualTwins(g, found);
  const std::vector<bool> readsTwin = twinReaders(g.nodes.size(), found);
  for (const ResidualFusion& f : found) {
    Node fused = g.nodes[static_cast<size_t>(f.conv)];
    fused.quant.residual_add = true;
    fused.quant.residual_act = f.act >= 0 ? Activation{ActKind::ReLU} : Activation{};
    fused.quant.quantized_input = fused.quant.quantized_input || readsTwin[static_cast<size_t>(f.conv)];
    const Shape& shape = g.values[static_cast<size_t>(f.output)].shape;
    std::vector<Shape> out{shape};
    if (!f.twin_readers.empty()) {
      const NodeQuant& grid = g.nodes[static_cast<size_t>(f.twin_readers[0])].quant;
      fused.quant.twin_scale = grid.input_scale;
      fused.quant.twin_bits = grid.bits;
      fused.quant.twin_unsigned = grid.unsigned_input;
      out.push_back(shape);
    }
    Result<kernels::KernelPtr> k = makeNodeKernel(fused, {g.values[static_cast<size_t>(fused.inputs[0])].shape}, out, options, isa);
    if (!k || !*k) {
      // A fusion left out takes its twin's readers' integer input with it: plan again without twins.
      if (twins) return planFusions(g, options, isa, false);
      continue;
    }
    planned.fusions.push_back(f);
    planned.convKernels.push_back(std::move(k.value()));
  }
  return planned;
}

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
    // Residual fusion: fused convolutions get their kernel here, the nodes they absorb a no-op;
    // the memory plan sees the fused inputs and outputs (Impl::plan).
    PlannedFusions fused = flow ? planFusions(graph, options, m.isa, options.residual_twin) : PlannedFusions{};
    const std::vector<bool> readsTwin = twinReaders(graph.nodes.size(), fused.fusions);
    std::vector<kernels::KernelPtr> preset(graph.nodes.size());
    for (size_t i = 0; i < fused.fusions.size(); ++i) {
      const ResidualFusion& f = fused.fusions[i];
      const std::string& into = graph.nodes[static_cast<size_t>(f.conv)].name;
      preset[static_cast<size_t>(f.conv)] = std::move(fused.convKernels[i]);
      preset[static_cast<size_t>(f.eltwise)] = std::make_unique<FusedAway>(into);
      if (f.act >= 0) preset[static_cast<size_t>(f.act)] = std::make_unique<FusedAway>(into);
    }
    m.plan = &graph;
    if (!fused.fusions.empty()) {
      Graph& pg = m.planStorage;
      pg.values = graph.values;
      pg.inputs = graph.inputs;
      pg.outputs = graph.outputs;
      pg.nodes.resize(graph.nodes.size());
      for (size_t n = 0; n < graph.nodes.size(); ++n) {
        pg.nodes[n].kind = graph.nodes[n].kind;
        pg.nodes[n].inputs = graph.nodes[n].inputs;
        pg.nodes[n].outputs = graph.nodes[n].outputs;
      }
      applyResidualFusions(pg, fused.fusions);
      for (const ResidualFusion& f : fused.fusions) m.residualTwins += f.twin >= 0 ? 1 : 0;
      m.plan = &pg;
    }
    for (size_t n = 0; n < graph.nodes.size(); ++n) {
      const Node& graphNode = graph.nodes[n];
      if (preset[n]) {
        m.kernelNames.push_back(preset[n]->name());
        m.kernels.push_back(std::move(preset[n]));
        continue;
      }
      const bool strip = !flow && (graphNode.quant.quantized_input || graphNode.quant.writesIntegers());
      Node changed;
      if (strip) {
        changed = graphNode;
        changed.quant.quantized_input = false;
        changed.quant.output_scale = 0.f;
      } else if (readsTwin[n]) {  // reads a residual twin (findResidualTwins): integers
        changed = graphNode;
        changed.quant.quantized_input = true;
      }
      const Node& node = strip || readsTwin[n] ? changed : graphNode;
      std::vector<Shape> inShapes, outShapes;
      for (int v : node.inputs) inShapes.push_back(graph.values[v].shape);
      for (int v : node.outputs) outShapes.push_back(graph.values[v].shape);
      Result<kernels::KernelPtr> k = flow ? makeFlowKernel(graph, node, inShapes, outShapes) : kernels::KernelPtr{};
      if (k && !*k) k = makeNodeKernel(node, inShapes, outShapes, options, m.isa);
      if (!k) return k.status().withContext(nodeLabel(node));
      if (!*k) return internalError(nodeLabel(node) + ": no kernel");
      m.kernelNames.push_back((*k)->name());
      m.kernels.push_back(std::move(k.value()));
    }
    std::vector<bool> isView;
    std::vector<int> inPlace;
    for (const auto& k : m.kernels) {
      isView.push_back(k->isView());
      inPlace.push_back(k->inPlaceInput());
    }
    // The plan graph's values: the graph's, then the residual twins (integers on their grid).
    const size_t values = m.plan->values.size();
    std::vector<DType> dtypes(values, DType::F32);
    for (size_t v = 0; v < graph.values.size() && flow; ++v) dtypes[v] = valueDType(graph, static_cast<int>(v));
    for (const ResidualFusion& f : fused.fusions)
      if (f.twin >= 0)
        dtypes[static_cast<size_t>(f.twin)] = graph.nodes[static_cast<size_t>(f.twin_readers[0])].quant.unsigned_input ? DType::U8 : DType::I8;
    std::vector<size_t> elementBytes(values);
    for (size_t v = 0; v < values; ++v) elementBytes[v] = elementSize(dtypes[v]);
    const MemoryPlan plan = planMemory(*m.plan, isView, !options.keep_values, elementBytes, inPlace);
    std::vector<Tensor> buffers;
    for (size_t bytes : plan.bytes) buffers.emplace_back(Shape{static_cast<int64_t>((bytes + 3) / 4)});
    m.values.resize(values);
    for (size_t v = 0; v < values; ++v)
      if (plan.buffer[v] >= 0) m.values[v] = buffers[plan.buffer[v]].viewAs(m.plan->values[v].shape, dtypes[v]);
    m.activationBytes = plan.totalBytes();
  } catch (const std::bad_alloc&) {
    return Status(StatusCode::Internal, "out of memory while preparing the model '" + graph.name + "'");
  }

  for (size_t n = 0; n < graph.nodes.size(); ++n) {
    const Node& node = m.plan->nodes[n];
    std::vector<const Tensor*> in;
    std::vector<Tensor*> out, observed;
    for (int v : node.inputs) in.push_back(&m.values[v]);
    for (int v : node.outputs) out.push_back(&m.values[v]);
    for (int v : graph.nodes[n].outputs) observed.push_back(&m.values[v]);
    m.inPtrs.push_back(std::move(in));
    m.outPtrs.push_back(std::move(out));
    m.observedPtrs.push_back(std::move(observed));
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
        std::vector<const Tensor*> outs(m.observedPtrs[n].begin(), m.observedPtrs[n].end());
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
int Executor::residualTwins() const { return impl_->residualTwins; }

int residualFusionCount(const Graph& graph, const ExecutorOptions& options) {
  return fusionAllowed(options) ? static_cast<int>(findResidualFusions(graph).size()) : 0;
}

int residualTwinCount(const Graph& graph, const ExecutorOptions& options) {
  if (!fusionAllowed(options) || !options.residual_twin) return 0;
  std::vector<ResidualFusion> fusions = findResidualFusions(graph);
  findResidualTwins(graph, fusions);
  return static_cast<int>(std::count_if(fusions.begin(), fusions.end(), [](const ResidualFusion& f) { return !f.twin_readers.empty(); }));
}

}  // namespace eqw

#include "case_runner.h"

#include <eqw/io.h>
#include <eqw/runtime.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "onnx_test_util.h"

namespace eqw::onnxtest {

namespace fs = std::filesystem;

namespace {

// Input slots that carry parameters rather than data (the engine reads them as constants).
const std::map<std::string, std::vector<int>>& parameterSlots() {
  static const std::map<std::string, std::vector<int>> slots = {
      {"BatchNormalization", {1, 2, 3, 4}}, {"Clip", {1, 2}},     {"Conv", {1, 2}},   {"ConvTranspose", {1, 2}},
      {"Dropout", {1, 2}},                  {"Gather", {1}},      {"Gemm", {1, 2}},   {"LayerNormalization", {1, 2}},
      {"Pad", {1, 2}},                      {"PRelu", {1}},       {"ReduceSum", {1}}, {"Reshape", {1}},
      {"Resize", {1, 2, 3}},                {"Slice", {1, 2, 3, 4}}, {"Split", {1}}, {"Squeeze", {1}},
      {"Unsqueeze", {1}},                   {"Upsample", {1}}};
  return slots;
}

std::vector<std::string> sortedFiles(const fs::path& dir, const std::string& prefix) {
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().filename().string().rfind(prefix, 0) == 0) files.push_back(e.path().string());
  // input_10 after input_9: sort by the number.
  std::sort(files.begin(), files.end(), [](const std::string& a, const std::string& b) {
    return a.size() != b.size() ? a.size() < b.size() : a < b;
  });
  return files;
}

struct DataSet {
  std::vector<onnx::TensorProto> inputs, outputs;
};

bool loadDataSet(const fs::path& dir, DataSet& ds) {
  for (const auto& f : sortedFiles(dir, "input_")) {
    ds.inputs.emplace_back();
    if (!readTensor(f, ds.inputs.back())) return false;
  }
  for (const auto& f : sortedFiles(dir, "output_")) {
    ds.outputs.emplace_back();
    if (!readTensor(f, ds.outputs.back())) return false;
  }
  return true;
}

// Moves parameter inputs into initializers; returns the data inputs' tensors in graph order.
std::vector<onnx::TensorProto> freeze(onnx::ModelProto& model, const DataSet& ds) {
  auto& g = *model.mutable_graph();
  std::set<std::string> params;
  for (const auto& node : g.node()) {
    auto it = parameterSlots().find(node.op_type());
    if (it == parameterSlots().end()) continue;
    for (int slot : it->second)
      if (slot < node.input_size() && !node.input(slot).empty()) params.insert(node.input(slot));
  }
  std::vector<onnx::TensorProto> data;
  google::protobuf::RepeatedPtrField<onnx::ValueInfoProto> kept;
  for (int k = 0; k < g.input_size(); ++k) {
    const std::string& name = g.input(k).name();
    if (k < static_cast<int>(ds.inputs.size()) && params.count(name)) {
      onnx::TensorProto t = ds.inputs[k];
      t.set_name(name);
      *g.add_initializer() = t;
    } else {
      *kept.Add() = g.input(k);
      if (k < static_cast<int>(ds.inputs.size())) data.push_back(ds.inputs[k]);
    }
  }
  g.mutable_input()->Swap(&kept);
  return data;
}

bool floatInterface(const onnx::ModelProto& model);

Shape dimsOf(const onnx::TensorProto& t) { return Shape(t.dims().begin(), t.dims().end()); }

CaseResult fail(CaseResult::Kind kind, std::string detail) {
  CaseResult r;
  r.kind = kind;
  r.detail = std::move(detail);
  return r;
}

CaseResult execute(const Graph& graph, const std::vector<Tensor>& inputs, const DataSet& ds, const CaseOptions& options,
                   const std::string& label, bool reference) {
  ExecutorOptions eo;
  eo.threads = 1;
  eo.reference = reference;
  auto ex = Executor::create(graph, eo);
  if (!ex) return fail(CaseResult::RunFailed, label + ": " + ex.status().toString());
  Status s = (*ex)->run(inputs);
  if (!s.isOk()) return fail(CaseResult::RunFailed, label + ": " + s.toString());
  if ((*ex)->outputCount() != ds.outputs.size())
    return fail(CaseResult::Mismatch, label + ": " + std::to_string((*ex)->outputCount()) + " outputs, expected " +
                                          std::to_string(ds.outputs.size()));
  for (size_t k = 0; k < ds.outputs.size(); ++k) {
    const Tensor& got = (*ex)->output(k);
    std::vector<float> want;
    if (!floatValues(ds.outputs[k], want)) return fail(CaseResult::BadCase, label + ": expected output is not float32");
    Shape wantDims = dimsOf(ds.outputs[k]);
    // A rank-0 result may come back as [1]: the engine has no scalars.
    const bool scalarOk = wantDims.empty() && got.numel() == 1;
    if (got.shape() != wantDims && !scalarOk)
      return fail(CaseResult::Mismatch, label + ": output " + std::to_string(k) + " has shape " + toString(got.shape()) +
                                            ", expected " + toString(wantDims));
    std::vector<float> have(got.f32(), got.f32() + got.numel());
    std::string diff = compareClose(have, want, options.rtol, options.atol);
    if (!diff.empty()) return fail(CaseResult::Mismatch, label + ": output " + std::to_string(k) + ": " + diff);
  }
  return CaseResult{};
}

CaseResult runFrozen(const onnx::ModelProto& model, std::vector<onnx::TensorProto> data, const DataSet& ds,
                     const std::string& frozenPath, const CaseOptions& options, const std::string& label) {
  if (!writeProto(frozenPath, model)) return fail(CaseResult::BadCase, "cannot write " + frozenPath);
  Result<Graph> graph = loadModel(frozenPath);
  if (!graph) {
    CaseResult r = fail(CaseResult::ImportFailed, graph.status().toString());
    r.importStatus = graph.status();
    return r;
  }
  std::vector<Tensor> inputs;
  for (const auto& t : data) {
    std::vector<float> v;
    if (!floatValues(t, v)) return fail(CaseResult::BadCase, label + ": input '" + t.name() + "' is not float32");
    Shape dims = dimsOf(t);
    inputs.push_back(Tensor::fromVector(dims.empty() ? Shape{1} : dims, v));
  }
  // The reference kernels check the import; the default (fastest) kernels check the whole path.
  for (bool reference : {true, false}) {
    CaseResult r = execute(*graph, inputs, ds, options, label + (reference ? " (reference kernels)" : " (fast kernels)"), reference);
    if (r.kind != CaseResult::Passed) return r;
  }
  return CaseResult{};
}

CaseResult runDataSet(const onnx::ModelProto& original, const DataSet& ds, const std::string& frozenPath,
                      const CaseOptions& options, const std::string& label) {
  onnx::ModelProto model = original;
  std::vector<onnx::TensorProto> data = freeze(model, ds);
  CaseResult r = runFrozen(model, std::move(data), ds, frozenPath, options, label);
  r.floatInterface = floatInterface(model);
  return r;
}

}  // namespace

std::set<std::string> opTypes(const std::string& modelPath) {
  std::set<std::string> ops;
  onnx::ModelProto model;
  if (!readModel(modelPath, model)) return ops;
  for (const auto& n : model.graph().node()) ops.insert(n.op_type());
  return ops;
}

namespace {
bool floatInterface(const onnx::ModelProto& model) {
  auto isFloat = [](const onnx::ValueInfoProto& vi) {
    return vi.type().has_tensor_type() && vi.type().tensor_type().elem_type() == onnx::TensorProto::FLOAT;
  };
  for (const auto& vi : model.graph().input())
    if (!isFloat(vi)) return false;
  for (const auto& vi : model.graph().output())
    if (!isFloat(vi)) return false;
  return true;
}
}  // namespace

CaseResult runCase(const std::string& caseDir, const CaseOptions& options) {
  onnx::ModelProto model;
  const fs::path dir(caseDir);
  if (!readModel((dir / "model.onnx").string(), model)) return fail(CaseResult::BadCase, "cannot read model.onnx");
  std::vector<std::string> sets = sortedFiles(dir, "test_data_set_");
  if (sets.empty()) return fail(CaseResult::BadCase, "no test_data_set_* folder");
  for (const auto& set : sets) {
    DataSet ds;
    if (!loadDataSet(set, ds)) return fail(CaseResult::BadCase, "cannot read " + set);
    const std::string label = fs::path(set).filename().string();
    CaseResult r = runDataSet(model, ds, (fs::path(options.scratch) / "model.onnx").string(), options, label);
    if (r.kind != CaseResult::Passed) return r;
  }
  return CaseResult{};
}

}  // namespace eqw::onnxtest

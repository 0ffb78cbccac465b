#include "onnx_test_util.h"

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "scratch_root.h"

namespace eqw::onnxtest {

std::string scratchDir(const std::string& name) {
  namespace fs = std::filesystem;
  static const testing::ScratchRoot root("eqw_onnx");
  fs::path dir = root.path() / name;
  std::error_code ec;
  fs::remove_all(dir, ec);
  fs::create_directories(dir, ec);
  return dir.string();
}

ModelBuilder::ModelBuilder(int opset) {
  model_.set_ir_version(8);
  model_.set_producer_name("eqw-test");
  auto* os = model_.add_opset_import();
  os->set_domain("");
  os->set_version(opset);
  model_.mutable_graph()->set_name("test");
}

void ModelBuilder::input(const std::string& name, const Shape& dims, int elemType) {
  auto* vi = graph().add_input();
  vi->set_name(name);
  auto* tt = vi->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(elemType);
  auto* shape = tt->mutable_shape();
  for (int64_t d : dims) {
    auto* dim = shape->add_dim();
    if (d < 0) dim->set_dim_param("N");
    else dim->set_dim_value(d);
  }
}

void ModelBuilder::output(const std::string& name, int elemType) {
  auto* vi = graph().add_output();
  vi->set_name(name);
  vi->mutable_type()->mutable_tensor_type()->set_elem_type(elemType);
}

onnx::NodeProto& ModelBuilder::node(const std::string& op, std::vector<std::string> inputs, std::vector<std::string> outputs,
                                    const std::string& name) {
  auto* n = graph().add_node();
  n->set_op_type(op);
  n->set_name(name);
  for (auto& i : inputs) n->add_input(i);
  for (auto& o : outputs) n->add_output(o);
  return *n;
}

void ModelBuilder::initializer(const std::string& name, const Shape& dims, const std::vector<float>& values) {
  *graph().add_initializer() = floatTensor(name, dims, values);
}

void ModelBuilder::initializerInts(const std::string& name, const Shape& dims, const std::vector<int64_t>& values) {
  *graph().add_initializer() = intTensor(name, dims, values);
}

std::string ModelBuilder::write(const std::string& path) const {
  writeProto(path, model_);
  return path;
}

namespace {
onnx::AttributeProto& attr(onnx::NodeProto& n, const std::string& name, onnx::AttributeProto::AttributeType t) {
  auto* a = n.add_attribute();
  a->set_name(name);
  a->set_type(t);
  return *a;
}
}  // namespace

void setInt(onnx::NodeProto& n, const std::string& name, int64_t v) { attr(n, name, onnx::AttributeProto::INT).set_i(v); }
void setInts(onnx::NodeProto& n, const std::string& name, const std::vector<int64_t>& v) {
  auto& a = attr(n, name, onnx::AttributeProto::INTS);
  for (int64_t x : v) a.add_ints(x);
}
void setFloat(onnx::NodeProto& n, const std::string& name, float v) { attr(n, name, onnx::AttributeProto::FLOAT).set_f(v); }
void setString(onnx::NodeProto& n, const std::string& name, const std::string& v) {
  attr(n, name, onnx::AttributeProto::STRING).set_s(v);
}
void setTensor(onnx::NodeProto& n, const std::string& name, const onnx::TensorProto& t) {
  *attr(n, name, onnx::AttributeProto::TENSOR).mutable_t() = t;
}

onnx::TensorProto floatTensor(const std::string& name, const Shape& dims, const std::vector<float>& values) {
  onnx::TensorProto t;
  t.set_name(name);
  t.set_data_type(onnx::TensorProto::FLOAT);
  for (int64_t d : dims) t.add_dims(d);
  t.set_raw_data(std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float)));
  return t;
}

onnx::TensorProto intTensor(const std::string& name, const Shape& dims, const std::vector<int64_t>& values) {
  onnx::TensorProto t;
  t.set_name(name);
  t.set_data_type(onnx::TensorProto::INT64);
  for (int64_t d : dims) t.add_dims(d);
  for (int64_t v : values) t.add_int64_data(v);
  return t;
}

namespace {
bool readFile(const std::string& path, std::string& bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  bytes = ss.str();
  return true;
}
}  // namespace

bool readModel(const std::string& path, onnx::ModelProto& model) {
  std::string bytes;
  return readFile(path, bytes) && model.ParseFromString(bytes);
}

bool writeProto(const std::string& path, const google::protobuf::MessageLite& m) {
  std::ofstream out(path, std::ios::binary);
  return out && m.SerializeToOstream(&out);
}

bool readTensor(const std::string& path, onnx::TensorProto& t) {
  std::string bytes;
  return readFile(path, bytes) && t.ParseFromString(bytes);
}

bool floatValues(const onnx::TensorProto& t, std::vector<float>& values) {
  if (t.data_type() != onnx::TensorProto::FLOAT) return false;
  int64_t n = 1;
  for (int64_t d : t.dims()) n *= d;
  if (t.has_raw_data()) {
    if (t.raw_data().size() != static_cast<size_t>(n) * sizeof(float)) return false;
    values.resize(static_cast<size_t>(n));
    std::memcpy(values.data(), t.raw_data().data(), t.raw_data().size());
    return true;
  }
  if (t.float_data_size() != n) return false;
  values.assign(t.float_data().begin(), t.float_data().end());
  return true;
}

std::string compareClose(const std::vector<float>& actual, const std::vector<float>& expected, double rtol, double atol) {
  if (actual.size() != expected.size())
    return "element count " + std::to_string(actual.size()) + " vs expected " + std::to_string(expected.size());
  size_t bad = 0, worst = 0;
  double worstExcess = -1;
  for (size_t i = 0; i < actual.size(); ++i) {
    const double a = actual[i], e = expected[i];
    if (std::isnan(e) && std::isnan(a)) continue;
    if (std::isinf(e) && a == e) continue;
    const double excess = std::fabs(a - e) - (atol + rtol * std::fabs(e));
    if (!(excess <= 0)) {
      ++bad;
      if (!(excess <= worstExcess)) {
        worstExcess = std::isnan(excess) ? 1e300 : excess;
        worst = i;
      }
    }
  }
  if (bad == 0) return "";
  std::ostringstream ss;
  ss << bad << " of " << actual.size() << " values differ; worst at " << worst << ": got " << actual[worst] << ", expected "
     << expected[worst];
  return ss.str();
}

std::vector<float> randomValues(size_t n, uint32_t seed, float lo, float hi) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(n);
  for (float& x : v) x = dist(rng);
  return v;
}

}  // namespace eqw::onnxtest

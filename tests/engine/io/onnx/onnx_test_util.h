// Helpers for the ONNX importer tests: building small models with onnx_proto, reading the
// TensorProto files of ONNX test cases, comparing outputs with ONNX's tolerance rule.
#pragma once

#include <eqw/graph.h>
#include <eqw/tensor.h>

#include <onnx/onnx_pb.h>

#include <initializer_list>
#include <string>
#include <vector>

namespace eqw::onnxtest {

// A scratch directory for one test, emptied on each call; all are removed when the process exits.
std::string scratchDir(const std::string& name);

class ModelBuilder {
 public:
  explicit ModelBuilder(int opset = 13);
  onnx::ModelProto& model() { return model_; }
  onnx::GraphProto& graph() { return *model_.mutable_graph(); }

  // A dim of -1 is written as the symbolic dim "N".
  void input(const std::string& name, const Shape& dims, int elemType = onnx::TensorProto::FLOAT);
  void output(const std::string& name, int elemType = onnx::TensorProto::FLOAT);
  onnx::NodeProto& node(const std::string& op, std::vector<std::string> inputs, std::vector<std::string> outputs,
                        const std::string& name = "");
  void initializer(const std::string& name, const Shape& dims, const std::vector<float>& values);
  void initializerInts(const std::string& name, const Shape& dims, const std::vector<int64_t>& values);
  // Writes the model; returns the path.
  std::string write(const std::string& path) const;

 private:
  onnx::ModelProto model_;
};

void setInt(onnx::NodeProto& n, const std::string& name, int64_t v);
void setInts(onnx::NodeProto& n, const std::string& name, const std::vector<int64_t>& v);
void setFloat(onnx::NodeProto& n, const std::string& name, float v);
void setString(onnx::NodeProto& n, const std::string& name, const std::string& v);
void setTensor(onnx::NodeProto& n, const std::string& name, const onnx::TensorProto& t);

onnx::TensorProto floatTensor(const std::string& name, const Shape& dims, const std::vector<float>& values);
onnx::TensorProto intTensor(const std::string& name, const Shape& dims, const std::vector<int64_t>& values);

bool readModel(const std::string& path, onnx::ModelProto& model);
bool writeProto(const std::string& path, const google::protobuf::MessageLite& m);
bool readTensor(const std::string& path, onnx::TensorProto& t);
// The float values of a FLOAT tensor (raw_data or float_data); false for other types.
bool floatValues(const onnx::TensorProto& t, std::vector<float>& values);

// ONNX backend-test rule |actual - expected| <= atol + rtol * |expected| (NaN matches NaN).
// Returns "" when every value fits, else a description of the worst mismatch.
std::string compareClose(const std::vector<float>& actual, const std::vector<float>& expected, double rtol, double atol);

// Deterministic pseudo-random values in [lo, hi).
std::vector<float> randomValues(size_t n, uint32_t seed, float lo = -1.f, float hi = 1.f);

}  // namespace eqw::onnxtest

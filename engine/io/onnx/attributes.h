// Typed access to a NodeProto's attributes. A missing attribute gives the default; one with
// the wrong type records an error (read it with status()) instead of being silently ignored.
#pragma once

#include <eqw/status.h>

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <string>
#include <vector>

namespace eqw::onnximport {

class Attributes {
 public:
  // where prefixes errors ("model.onnx: Conv 'conv1'").
  Attributes(const onnx::NodeProto& node, std::string where);

  bool has(const std::string& name) const { return find(name) != nullptr; }
  int64_t i(const std::string& name, int64_t def) const;
  float f(const std::string& name, float def) const;
  std::string s(const std::string& name, const std::string& def) const;
  std::vector<int64_t> ints(const std::string& name, std::vector<int64_t> def = {}) const;
  std::vector<float> floats(const std::string& name, std::vector<float> def = {}) const;
  const onnx::TensorProto* t(const std::string& name) const;

  // The first type error met by a getter, or ok.
  const Status& status() const { return error_; }

 private:
  const onnx::AttributeProto* find(const std::string& name) const;
  const onnx::AttributeProto* typed(const std::string& name, onnx::AttributeProto::AttributeType want) const;

  const onnx::NodeProto& node_;
  std::string where_;
  mutable Status error_;
};

}  // namespace eqw::onnximport

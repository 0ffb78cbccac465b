// Reads a layer's parameters one after another and keeps the first error, so the mappers stay
// a flat list of look-ups followed by one status check.
#pragma once

#include <string>
#include <vector>

#include "io/ncnn/param_dict.h"

namespace eqw::ncnn {

class ParamReader {
 public:
  explicit ParamReader(const ParamDict& p) : p_(p) {}

  int i(int id, int def) { int v = def; keep(p_.getInt(id, def, &v)); return v; }
  float f(int id, float def) { float v = def; keep(p_.getFloat(id, def, &v)); return v; }
  std::vector<float> floats(int id) { std::vector<float> v; keep(p_.getFloatArray(id, &v)); return v; }
  std::vector<int> ints(int id) { std::vector<int> v; keep(p_.getIntArray(id, &v)); return v; }
  bool has(int id) const { return p_.has(id); }

  // Records a rule violation, e.g. require(k > 0, "kernel_w 1=", k, "must be positive").
  void require(bool ok, const std::string& message) {
    if (!ok && status_.isOk()) status_ = parseError(message);
  }
  void unsupportedIf(bool bad, const std::string& message) {
    if (bad && status_.isOk()) status_ = unsupported(message);
  }
  const Status& status() const { return status_; }

 private:
  void keep(Status s) {
    if (status_.isOk() && !s.isOk()) status_ = std::move(s);
  }
  const ParamDict& p_;
  Status status_;
};

// "name key=value" for messages.
inline std::string kv(const char* name, int key, long long value) {
  return std::string(name) + " " + std::to_string(key) + "=" + std::to_string(value);
}

}  // namespace eqw::ncnn

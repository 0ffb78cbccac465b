// Reading fields out of a parsed JSON document with errors that name the field's path. The first
// problem is kept and later reads return defaults, so a reader function reads every field and
// checks ok() once at the end, instead of testing after each one.
#pragma once

#include <eqw/status.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace eqw::project {

using nlohmann::json;

class JsonReader {
 public:
  bool ok() const { return error_.isOk(); }
  const Status& error() const { return error_; }
  // Records "field '<path>': <problem>" unless an error was recorded already.
  void fail(const std::string& path, const std::string& problem);

  static std::string join(const std::string& path, const std::string& key) { return path.empty() ? key : path + "." + key; }
  static std::string index(const std::string& path, size_t i) { return path + "[" + std::to_string(i) + "]"; }

  // obj[key] (obj at `path`); nullptr and an error when obj is not an object or lacks the key.
  const json* member(const json& obj, const std::string& path, const std::string& key);
  // Like member, but absent or null is no error (nullptr).
  const json* optional(const json& obj, const std::string& path, const std::string& key);
  // A member that must be an object / an array (nullptr and an error otherwise).
  const json* object(const json& obj, const std::string& path, const std::string& key);
  const json* array(const json& obj, const std::string& path, const std::string& key);

  // Typed values; `path` is the value's own path.
  std::string str(const json& v, const std::string& path);
  bool boolean(const json& v, const std::string& path);
  int64_t integer(const json& v, const std::string& path, int64_t lo, int64_t hi);
  double number(const json& v, const std::string& path);  // finite
  float finiteFloat(const json& v, const std::string& path);
  // A clipping threshold: finite and > 0 (>= 0 with allowZero: a FP32 layer's unused input).
  float threshold(const json& v, const std::string& path, bool allowZero = false);
  std::vector<float> thresholds(const json& v, const std::string& path);
  std::vector<float> floats(const json& v, const std::string& path);
  std::vector<double> numbers(const json& v, const std::string& path);

  // Member shorthands: str(obj, path, key) = str(member(obj, path, key), join(path, key)).
  std::string str(const json& obj, const std::string& path, const std::string& key);
  bool boolean(const json& obj, const std::string& path, const std::string& key);
  int64_t integer(const json& obj, const std::string& path, const std::string& key, int64_t lo, int64_t hi);
  double number(const json& obj, const std::string& path, const std::string& key);

  // One of `names` (value, name pairs); an error listing them otherwise.
  template <typename E>
  E choice(const json& obj, const std::string& path, const std::string& key,
           const std::vector<std::pair<E, const char*>>& names) {
    const std::string text = str(obj, path, key);
    for (const auto& [value, name] : names)
      if (text == name) return value;
    if (ok()) {
      std::string known;
      for (const auto& [value, name] : names) known += (known.empty() ? "" : ", ") + std::string(name);
      fail(join(path, key), "unknown value '" + text + "' (expected one of " + known + ")");
    }
    return names.front().first;
  }

 private:
  Status error_;
};

}  // namespace eqw::project

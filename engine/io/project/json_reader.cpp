#include "io/project/json_reader.h"

#include <cmath>
#include <cstdio>

namespace eqw::project {
namespace {

std::string got(const json& v) {
  if (v.is_number() || v.is_boolean()) return v.dump();
  if (v.is_string()) {
    std::string s = v.get<std::string>();
    if (s.size() > 40) s = s.substr(0, 40) + "...";
    return "the string \"" + s + "\"";
  }
  return v.type_name();
}

}  // namespace

void JsonReader::fail(const std::string& path, const std::string& problem) {
  if (ok()) error_ = parseError("field '" + path + "': " + problem);
}

const json* JsonReader::member(const json& obj, const std::string& path, const std::string& key) {
  if (!ok()) return nullptr;
  if (!obj.is_object()) {
    fail(path.empty() ? std::string("(document)") : path, "expected an object, got " + got(obj));
    return nullptr;
  }
  auto it = obj.find(key);
  if (it == obj.end()) {
    fail(join(path, key), "missing");
    return nullptr;
  }
  return &*it;
}

const json* JsonReader::optional(const json& obj, const std::string& /*path*/, const std::string& key) {
  if (!ok() || !obj.is_object()) return nullptr;
  auto it = obj.find(key);
  return it == obj.end() || it->is_null() ? nullptr : &*it;
}

const json* JsonReader::object(const json& obj, const std::string& path, const std::string& key) {
  const json* v = member(obj, path, key);
  if (v && !v->is_object()) {
    fail(join(path, key), "expected an object, got " + got(*v));
    return nullptr;
  }
  return v;
}

const json* JsonReader::array(const json& obj, const std::string& path, const std::string& key) {
  const json* v = member(obj, path, key);
  if (v && !v->is_array()) {
    fail(join(path, key), "expected an array, got " + got(*v));
    return nullptr;
  }
  return v;
}

std::string JsonReader::str(const json& v, const std::string& path) {
  if (!ok()) return {};
  if (!v.is_string()) return fail(path, "expected a string, got " + got(v)), std::string();
  return v.get<std::string>();
}

bool JsonReader::boolean(const json& v, const std::string& path) {
  if (!ok()) return false;
  if (!v.is_boolean()) return fail(path, "expected true or false, got " + got(v)), false;
  return v.get<bool>();
}

int64_t JsonReader::integer(const json& v, const std::string& path, int64_t lo, int64_t hi) {
  if (!ok()) return lo;
  if (!v.is_number_integer()) return fail(path, "expected an integer, got " + got(v)), lo;
  if (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX))
    return fail(path, "integer " + v.dump() + " is out of range"), lo;
  const int64_t i = v.get<int64_t>();
  if (i < lo || i > hi)
    return fail(path, std::to_string(i) + " is out of range [" + std::to_string(lo) + ", " + std::to_string(hi) + "]"), lo;
  return i;
}

double JsonReader::number(const json& v, const std::string& path) {
  if (!ok()) return 0.0;
  if (!v.is_number()) return fail(path, "expected a number, got " + got(v)), 0.0;
  const double d = v.get<double>();
  if (!std::isfinite(d)) return fail(path, "expected a finite number, got " + v.dump()), 0.0;
  return d;
}

float JsonReader::finiteFloat(const json& v, const std::string& path) {
  const double d = number(v, path);
  const float f = static_cast<float>(d);
  if (ok() && !std::isfinite(f)) return fail(path, v.dump() + " does not fit a 32-bit float"), 0.f;
  return f;
}

float JsonReader::threshold(const json& v, const std::string& path, bool allowZero) {
  const float t = finiteFloat(v, path);
  if (ok() && (t < 0.f || (t == 0.f && !allowZero)))
    return fail(path, "threshold " + v.dump() + " must be > 0"), 0.f;
  return t;
}

std::vector<float> JsonReader::thresholds(const json& v, const std::string& path) {
  std::vector<float> out;
  if (!ok()) return out;
  if (!v.is_array()) return fail(path, "expected an array of thresholds, got " + got(v)), out;
  out.reserve(v.size());
  for (size_t i = 0; i < v.size() && ok(); ++i) out.push_back(threshold(v[i], index(path, i)));
  return out;
}

std::vector<float> JsonReader::floats(const json& v, const std::string& path) {
  std::vector<float> out;
  if (!ok()) return out;
  if (!v.is_array()) return fail(path, "expected an array of numbers, got " + got(v)), out;
  out.reserve(v.size());
  for (size_t i = 0; i < v.size() && ok(); ++i) out.push_back(finiteFloat(v[i], index(path, i)));
  return out;
}

std::vector<double> JsonReader::numbers(const json& v, const std::string& path) {
  std::vector<double> out;
  if (!ok()) return out;
  if (!v.is_array()) return fail(path, "expected an array of numbers, got " + got(v)), out;
  out.reserve(v.size());
  for (size_t i = 0; i < v.size() && ok(); ++i) out.push_back(number(v[i], index(path, i)));
  return out;
}

std::string JsonReader::str(const json& obj, const std::string& path, const std::string& key) {
  const json* v = member(obj, path, key);
  return v ? str(*v, join(path, key)) : std::string();
}

bool JsonReader::boolean(const json& obj, const std::string& path, const std::string& key) {
  const json* v = member(obj, path, key);
  return v ? boolean(*v, join(path, key)) : false;
}

int64_t JsonReader::integer(const json& obj, const std::string& path, const std::string& key, int64_t lo, int64_t hi) {
  const json* v = member(obj, path, key);
  return v ? integer(*v, join(path, key), lo, hi) : lo;
}

double JsonReader::number(const json& obj, const std::string& path, const std::string& key) {
  const json* v = member(obj, path, key);
  return v ? number(*v, join(path, key)) : 0.0;
}

}  // namespace eqw::project

#include "io/ncnn/param_dict.h"

#include <charconv>
#include <climits>
#include <cmath>

namespace eqw::ncnn {

namespace {

// A hostile array count must not turn into a giant allocation; real files stay far below.
constexpr long long kMaxArrayLength = 1 << 20;

std::vector<std::string> splitCommas(const std::string& s) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t comma = s.find(',', start);
    parts.push_back(s.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return parts;
}

std::string keyText(int id, bool array) {
  return array ? std::to_string(kArrayKeyBase - id) : std::to_string(id);
}

}  // namespace

bool parseIntToken(const std::string& s, long long* out) {
  if (s.empty()) return false;
  const char* first = s.data();
  if (*first == '+') ++first;
  auto [ptr, ec] = std::from_chars(first, s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

bool parseNumberToken(const std::string& s, double* out, bool* isFloat) {
  long long i = 0;
  if (parseIntToken(s, &i)) {
    *out = static_cast<double>(i);
    *isFloat = false;
    return true;
  }
  if (s.empty()) return false;
  const char* first = s.data();
  if (*first == '+') ++first;
  auto [ptr, ec] = std::from_chars(first, s.data() + s.size(), *out, std::chars_format::general);
  if (ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(*out)) return false;
  *isFloat = true;
  return true;
}

Status ParamDict::parseToken(const std::string& token) {
  size_t eq = token.find('=');
  if (eq == std::string::npos || eq == 0)
    return parseError("expected key=value, got '" + token + "'");
  long long key = 0;
  if (!parseIntToken(token.substr(0, eq), &key))
    return parseError("key '" + token.substr(0, eq) + "' in '" + token + "' is not an integer");
  const bool array = key <= kArrayKeyBase;
  const long long id = array ? kArrayKeyBase - key : key;
  if (id < 0 || id >= kMaxParamId)
    return parseError("key " + std::to_string(key) + " is out of range (ncnn keys are 0.." +
                      std::to_string(kMaxParamId - 1) + ", arrays " + std::to_string(kArrayKeyBase) + ".." +
                      std::to_string(kArrayKeyBase - kMaxParamId + 1) + ")");
  std::map<int, ParamValue>& target = array ? arrays_ : values_;
  if (target.count(static_cast<int>(id))) return parseError("key " + std::to_string(key) + " is given twice");

  ParamValue v;
  v.is_array = array;
  v.text = token;
  const std::string body = token.substr(eq + 1);
  std::vector<std::string> parts = array ? splitCommas(body) : std::vector<std::string>{body};
  size_t first = 0;
  if (array) {
    long long n = 0;
    if (!parseIntToken(parts[0], &n) || n < 0)
      return parseError("array " + std::to_string(key) + ": element count '" + parts[0] + "' is not a non-negative integer");
    if (n > kMaxArrayLength)
      return parseError("array " + std::to_string(key) + ": element count " + std::to_string(n) + " exceeds the limit " +
                        std::to_string(kMaxArrayLength));
    if (static_cast<long long>(parts.size()) - 1 != n)
      return parseError("array " + std::to_string(key) + " declares " + std::to_string(n) + " values but has " +
                        std::to_string(parts.size() - 1));
    first = 1;
  }
  for (size_t i = first; i < parts.size(); ++i) {
    double d = 0;
    bool isFloat = false;
    if (!parseNumberToken(parts[i], &d, &isFloat))
      return parseError("key " + std::to_string(key) + ": '" + parts[i] + "' is not a number");
    v.numbers.push_back(d);
    v.written_as_float.push_back(isFloat);
  }
  target.emplace(static_cast<int>(id), std::move(v));
  return Status::ok();
}

static Status toInt(int id, bool array, double d, const std::string& text, int* out) {
  if (d != std::floor(d) || d < INT_MIN || d > INT_MAX)
    return parseError("key " + keyText(id, array) + ": '" + text + "' is not an integer in int range");
  *out = static_cast<int>(d);
  return Status::ok();
}

Status ParamDict::getInt(int id, int def, int* out) const {
  *out = def;
  auto it = values_.find(id);
  if (it == values_.end()) return Status::ok();
  return toInt(id, false, it->second.numbers[0], it->second.text, out);
}

Status ParamDict::getFloat(int id, float def, float* out) const {
  *out = def;
  auto it = values_.find(id);
  if (it == values_.end()) return Status::ok();
  double d = it->second.numbers[0];
  if (std::fabs(d) > 3.4e38) return parseError("key " + std::to_string(id) + ": '" + it->second.text + "' is out of float range");
  *out = static_cast<float>(d);
  return Status::ok();
}

Status ParamDict::getFloatArray(int id, std::vector<float>* out) const {
  out->clear();
  auto it = arrays_.find(id);
  if (it == arrays_.end()) return Status::ok();
  for (double d : it->second.numbers) {
    if (std::fabs(d) > 3.4e38) return parseError("array " + keyText(id, true) + ": value out of float range");
    out->push_back(static_cast<float>(d));
  }
  return Status::ok();
}

Status ParamDict::getIntArray(int id, std::vector<int>* out) const {
  out->clear();
  auto it = arrays_.find(id);
  if (it == arrays_.end()) return Status::ok();
  for (double d : it->second.numbers) {
    int v = 0;
    EQW_RETURN_IF_ERROR(toInt(id, true, d, it->second.text, &v));
    out->push_back(v);
  }
  return Status::ok();
}

}  // namespace eqw::ncnn

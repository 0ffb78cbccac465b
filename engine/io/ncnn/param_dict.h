// One ncnn layer's `key=value` parameters, with typed look-ups that explain a bad value.
// ncnn keys are 0..31; array values use key -23300 - id and are read here by their plain id.
#pragma once

#include <eqw/status.h>

#include <map>
#include <string>
#include <vector>

namespace eqw::ncnn {

inline constexpr int kMaxParamId = 32;          // ncnn's NCNN_MAX_PARAM_COUNT
inline constexpr int kArrayKeyBase = -23300;    // array key = kArrayKeyBase - id
inline constexpr int kShapeHintId = 30;         // -23330: output shape hints written by ncnnoptimize
inline constexpr int kUnset = -233;             // ncnn's "not given / derive it" marker

struct ParamValue {
  bool is_array = false;
  std::vector<double> numbers;   // one for a scalar; the elements for an array
  std::vector<bool> written_as_float;
  std::string text;              // as written, for messages
};

class ParamDict {
 public:
  // Parses one `key=value` token; the error says which token and why (no file context).
  Status parseToken(const std::string& token);

  bool has(int id) const { return values_.count(id) != 0; }
  bool hasArray(int id) const { return arrays_.count(id) != 0; }

  // Scalar look-ups: `def` when the key is absent; an error when the value is an array, not
  // an integer (for getInt) or out of int range.
  Status getInt(int id, int def, int* out) const;
  Status getFloat(int id, float def, float* out) const;
  // Array look-ups by plain id (0 reads key -23300). Absent: empty vector.
  Status getFloatArray(int id, std::vector<float>* out) const;
  Status getIntArray(int id, std::vector<int>* out) const;

 private:
  std::map<int, ParamValue> values_;   // plain ids
  std::map<int, ParamValue> arrays_;   // plain ids of array keys
};

// Integer and float token parsing shared with the .param header lines. A number is an integer
// when it parses whole as one; otherwise a finite float.
bool parseIntToken(const std::string& s, long long* out);
bool parseNumberToken(const std::string& s, double* out, bool* isFloat);

}  // namespace eqw::ncnn

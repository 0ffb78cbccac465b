#include "io/onnx/constant.h"

#include <cmath>
#include <cstring>
#include <limits>

namespace eqw::onnximport {

namespace {

using TP = onnx::TensorProto;

// Larger constants than this are not weights of a CNN but a corrupt or hostile file.
constexpr int64_t kMaxElements = int64_t{1} << 31;

size_t rawElementSize(int32_t dtype) {
  switch (dtype) {
    case TP::FLOAT: case TP::INT32: case TP::UINT32: return 4;
    case TP::DOUBLE: case TP::INT64: case TP::UINT64: return 8;
    case TP::FLOAT16: case TP::BFLOAT16: case TP::INT16: case TP::UINT16: return 2;
    case TP::INT8: case TP::UINT8: case TP::BOOL: return 1;
    default: return 0;
  }
}

template <typename T>
T loadRaw(const std::string& raw, size_t k) {
  T v;
  std::memcpy(&v, raw.data() + k * sizeof(T), sizeof(T));
  return v;
}

// Raw little-endian bytes, the layout every exporter writes.
void decodeRaw(const TP& t, int64_t n, ConstTensor& c) {
  const std::string& raw = t.raw_data();
  const size_t count = static_cast<size_t>(n);
  if (isFloatType(c.dtype)) c.f.resize(count);
  else c.i.resize(count);
  for (size_t k = 0; k < count; ++k) {
    switch (c.dtype) {
      case TP::FLOAT: c.f[k] = loadRaw<float>(raw, k); break;
      case TP::DOUBLE: c.f[k] = static_cast<float>(loadRaw<double>(raw, k)); break;
      case TP::FLOAT16: c.f[k] = halfToFloat(loadRaw<uint16_t>(raw, k)); break;
      case TP::BFLOAT16: c.f[k] = bfloat16ToFloat(loadRaw<uint16_t>(raw, k)); break;
      case TP::INT64: c.i[k] = loadRaw<int64_t>(raw, k); break;
      case TP::UINT64: c.i[k] = static_cast<int64_t>(loadRaw<uint64_t>(raw, k)); break;
      case TP::INT32: c.i[k] = loadRaw<int32_t>(raw, k); break;
      case TP::UINT32: c.i[k] = loadRaw<uint32_t>(raw, k); break;
      case TP::INT16: c.i[k] = loadRaw<int16_t>(raw, k); break;
      case TP::UINT16: c.i[k] = loadRaw<uint16_t>(raw, k); break;
      case TP::INT8: c.i[k] = loadRaw<int8_t>(raw, k); break;
      case TP::UINT8: case TP::BOOL: c.i[k] = loadRaw<uint8_t>(raw, k); break;
      default: break;
    }
  }
}

// Typed repeated fields: float_data, double_data, int64_data, uint64_data, and int32_data
// (which also carries the 16-bit floats' bits and every narrower integer type).
Status decodeTyped(const TP& t, int64_t n, ConstTensor& c, const std::string& where) {
  int64_t have = 0;
  switch (c.dtype) {
    case TP::FLOAT: have = t.float_data_size(); c.f.assign(t.float_data().begin(), t.float_data().end()); break;
    case TP::DOUBLE:
      have = t.double_data_size();
      for (double d : t.double_data()) c.f.push_back(static_cast<float>(d));
      break;
    case TP::FLOAT16: case TP::BFLOAT16:
      have = t.int32_data_size();
      for (int32_t v : t.int32_data())
        c.f.push_back(c.dtype == TP::FLOAT16 ? halfToFloat(static_cast<uint16_t>(v)) : bfloat16ToFloat(static_cast<uint16_t>(v)));
      break;
    case TP::INT64: have = t.int64_data_size(); c.i.assign(t.int64_data().begin(), t.int64_data().end()); break;
    case TP::UINT32: case TP::UINT64:
      have = t.uint64_data_size();
      for (uint64_t v : t.uint64_data()) c.i.push_back(static_cast<int64_t>(v));
      break;
    default:
      have = t.int32_data_size();
      c.i.assign(t.int32_data().begin(), t.int32_data().end());
      break;
  }
  if (have != n)
    return parseError(where + ": holds " + std::to_string(have) + " values, its dims " + toString(c.dims) +
                      " need " + std::to_string(n));
  return Status::ok();
}

}  // namespace

bool isFloatType(int32_t dtype) {
  return dtype == TP::FLOAT || dtype == TP::DOUBLE || dtype == TP::FLOAT16 || dtype == TP::BFLOAT16;
}

const char* dataTypeName(int32_t dtype) {
  if (!TP::DataType_IsValid(dtype)) return "UNKNOWN";
  return TP::DataType_Name(static_cast<TP::DataType>(dtype)).c_str();
}

ConstTensor ConstTensor::floats(Shape dims, std::vector<float> values) {
  ConstTensor c;
  c.dims = std::move(dims);
  c.dtype = TP::FLOAT;
  c.f = std::move(values);
  return c;
}

ConstTensor ConstTensor::ints(Shape dims, std::vector<int64_t> values) {
  ConstTensor c;
  c.dims = std::move(dims);
  c.dtype = TP::INT64;
  c.i = std::move(values);
  return c;
}

bool ConstTensor::isFloat() const { return isFloatType(dtype); }

int64_t ConstTensor::numel() const { return static_cast<int64_t>(isFloat() ? f.size() : i.size()); }

double ConstTensor::get(int64_t k) const { return isFloat() ? static_cast<double>(f[k]) : static_cast<double>(i[k]); }

std::vector<int64_t> ConstTensor::asInts() const {
  if (!isFloat()) return i;
  std::vector<int64_t> out;
  out.reserve(f.size());
  for (float v : f) out.push_back(std::isfinite(v) ? static_cast<int64_t>(v) : 0);
  return out;
}

std::vector<float> ConstTensor::asFloats() const {
  if (isFloat()) return f;
  std::vector<float> out;
  out.reserve(i.size());
  for (int64_t v : i) out.push_back(static_cast<float>(v));
  return out;
}

Tensor ConstTensor::toTensor() const {
  Shape shape = dims.empty() ? Shape{1} : dims;
  return Tensor::fromVector(shape, asFloats());
}

float halfToFloat(uint16_t h) {
  const uint32_t sign = (h >> 15) & 1u, exp = (h >> 10) & 0x1fu, mant = h & 0x3ffu;
  float v;
  if (exp == 0) v = std::ldexp(static_cast<float>(mant), -24);                  // zero / subnormal
  else if (exp == 31) v = mant ? std::numeric_limits<float>::quiet_NaN() : std::numeric_limits<float>::infinity();
  else v = std::ldexp(static_cast<float>(mant | 0x400u), static_cast<int>(exp) - 25);
  return sign ? -v : v;
}

float bfloat16ToFloat(uint16_t b) {
  uint32_t bits = static_cast<uint32_t>(b) << 16;
  float v;
  std::memcpy(&v, &bits, sizeof v);
  return v;
}

Result<ConstTensor> decodeTensor(const TP& t, const std::string& where) {
  if (t.data_location() == TP::EXTERNAL || t.external_data_size() > 0) {
    std::string location;
    for (const auto& kv : t.external_data())
      if (kv.key() == "location") location = kv.value();
    return unsupported(where + ": weights stored as external data" + (location.empty() ? "" : " ('" + location + "')") +
                       " are not supported; re-export the model with the weights inside the .onnx file");
  }
  ConstTensor c;
  c.dtype = t.data_type();
  if (rawElementSize(c.dtype) == 0)
    return unsupported(where + ": element type " + dataTypeName(c.dtype) + " is not supported");
  int64_t n = 1;
  for (int64_t d : t.dims()) {
    if (d < 0) return parseError(where + ": negative dimension " + std::to_string(d));
    if (d > 0 && n > kMaxElements / d) return parseError(where + ": dims are too large (more than 2^31 elements)");
    n *= d;
    c.dims.push_back(d);
  }
  try {
    if (t.has_raw_data()) {
      const size_t want = static_cast<size_t>(n) * rawElementSize(c.dtype);
      if (t.raw_data().size() != want)
        return parseError(where + ": raw_data has " + std::to_string(t.raw_data().size()) + " bytes, dims " +
                          toString(c.dims) + " of " + dataTypeName(c.dtype) + " need " + std::to_string(want));
      decodeRaw(t, n, c);
    } else {
      EQW_RETURN_IF_ERROR(decodeTyped(t, n, c, where));
    }
  } catch (const std::bad_alloc&) {
    return ioError(where + ": out of memory for " + std::to_string(n) + " elements");
  }
  return c;
}

}  // namespace eqw::onnximport

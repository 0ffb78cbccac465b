// Constant tensors met while importing an ONNX graph: initializers, Constant nodes and the
// results of folding shape arithmetic (Shape -> Gather -> Concat ...). Integers stay exact
// (int64: Slice ends are often INT64_MAX); every floating type is held as float32.
#pragma once

#include <eqw/status.h>
#include <eqw/tensor.h>

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <string>
#include <vector>

namespace eqw::onnximport {

struct ConstTensor {
  Shape dims;                          // {} for a scalar
  int32_t dtype = onnx::TensorProto::FLOAT;  // the ONNX element type it came from
  std::vector<float> f;                // floating types
  std::vector<int64_t> i;              // integer and bool types

  static ConstTensor floats(Shape dims, std::vector<float> values);
  static ConstTensor ints(Shape dims, std::vector<int64_t> values);

  bool isFloat() const;
  int64_t numel() const;
  double get(int64_t k) const;
  std::vector<int64_t> asInts() const;  // floats truncated toward zero
  std::vector<float> asFloats() const;
  // A float32 engine tensor with the same dims (a scalar becomes [1]).
  Tensor toTensor() const;
};

// True for the ONNX element types held in ConstTensor::f.
bool isFloatType(int32_t dtype);
const char* dataTypeName(int32_t dtype);

// Decodes an initializer or a Constant node's tensor. where names it in errors
// ("model.onnx: initializer 'conv1.weight'").
Result<ConstTensor> decodeTensor(const onnx::TensorProto& t, const std::string& where);

// IEEE half / bfloat16 bits to float.
float halfToFloat(uint16_t h);
float bfloat16ToFloat(uint16_t b);

}  // namespace eqw::onnximport

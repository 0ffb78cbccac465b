// Tensors: shapes and aligned, reference-counted storage for float32 / int8 / int32 data.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace eqw {

// Dimensions, outermost first. Image tensors are NCHW; the batch is always 1 in this engine
// (a symbolic batch in a model file is read as 1).
using Shape = std::vector<int64_t>;

int64_t numel(const Shape& shape);
std::string toString(const Shape& shape);  // "[1, 3, 224, 224]"

enum class DType : uint8_t { F32, I8, U8, I32 };
size_t elementSize(DType t);
const char* toString(DType t);

// Every tensor buffer starts on a 64-byte boundary (one AVX-512 register / cache line) and is
// padded to a multiple of 64 bytes, so kernels may load a full vector past the last element.
inline constexpr size_t kTensorAlignment = 64;

// A dense tensor. Copies share the buffer (like cv::Mat); clone() makes a deep copy.
// A default-constructed tensor is empty (no shape, no storage).
class Tensor {
 public:
  Tensor() = default;
  explicit Tensor(Shape shape, DType dtype = DType::F32);  // zero-filled

  static Tensor fromVector(Shape shape, const std::vector<float>& values);

  bool empty() const { return !storage_; }
  const Shape& shape() const { return shape_; }
  int rank() const { return static_cast<int>(shape_.size()); }
  // dim(i) accepts negative i counting from the end.
  int64_t dim(int i) const { return shape_[i < 0 ? i + rank() : i]; }
  int64_t numel() const { return eqw::numel(shape_); }
  DType dtype() const { return dtype_; }
  size_t bytes() const { return static_cast<size_t>(numel()) * elementSize(dtype_); }

  template <typename T> T* data() { return reinterpret_cast<T*>(storage_.get()); }
  template <typename T> const T* data() const { return reinterpret_cast<const T*>(storage_.get()); }
  float* f32() { return data<float>(); }
  const float* f32() const { return data<float>(); }

  Tensor clone() const;
  // Same storage, new shape with the same element count.
  Tensor reshaped(Shape shape) const;
  // Same storage seen as another shape and type that fits in it (an executor's reused buffer).
  Tensor viewAs(Shape shape, DType dtype) const;
  // Bytes allocated (a multiple of kTensorAlignment, >= bytes()).
  size_t capacity() const { return capacity_; }
  void fill(float value);

 private:
  Shape shape_;
  DType dtype_ = DType::F32;
  std::shared_ptr<std::byte[]> storage_;
  size_t capacity_ = 0;
};

}  // namespace eqw

#include <eqw/tensor.h>

#include <algorithm>
#include <cassert>
#include <cstring>
#include <new>
#include <stdexcept>

namespace eqw {

int64_t numel(const Shape& shape) {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

std::string toString(const Shape& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

size_t elementSize(DType t) {
  switch (t) {
    case DType::F32: return 4;
    case DType::I8: return 1;
    case DType::U8: return 1;
    case DType::I32: return 4;
  }
  return 1;
}

const char* toString(DType t) {
  switch (t) {
    case DType::F32: return "f32";
    case DType::I8: return "i8";
    case DType::U8: return "u8";
    case DType::I32: return "i32";
  }
  return "?";
}

namespace {
size_t paddedSize(size_t bytes) {
  return std::max<size_t>(kTensorAlignment, (bytes + kTensorAlignment - 1) / kTensorAlignment * kTensorAlignment);
}

std::shared_ptr<std::byte[]> allocateAligned(size_t bytes) {
  size_t padded = paddedSize(bytes);
  auto* p = static_cast<std::byte*>(::operator new[](padded, std::align_val_t(kTensorAlignment)));
  std::memset(p, 0, padded);
  return std::shared_ptr<std::byte[]>(p, [](std::byte* q) { ::operator delete[](q, std::align_val_t(kTensorAlignment)); });
}
}  // namespace

Tensor::Tensor(Shape shape, DType dtype) : shape_(std::move(shape)), dtype_(dtype) {
  for (int64_t d : shape_) {
    if (d < 0) throw std::invalid_argument("Tensor: negative dimension in " + eqw::toString(shape_));
  }
  storage_ = allocateAligned(bytes());
  capacity_ = paddedSize(bytes());
}

Tensor Tensor::fromVector(Shape shape, const std::vector<float>& values) {
  Tensor t(std::move(shape));
  if (static_cast<int64_t>(values.size()) != t.numel()) throw std::invalid_argument("Tensor::fromVector: size mismatch");
  std::copy(values.begin(), values.end(), t.f32());
  return t;
}

Tensor Tensor::clone() const {
  if (empty()) return {};
  Tensor t(shape_, dtype_);
  std::memcpy(t.storage_.get(), storage_.get(), bytes());
  return t;
}

Tensor Tensor::reshaped(Shape shape) const {
  if (eqw::numel(shape) != numel()) throw std::invalid_argument("Tensor::reshaped: " + eqw::toString(shape_) + " to " + eqw::toString(shape));
  Tensor t = *this;
  t.shape_ = std::move(shape);
  return t;
}

Tensor Tensor::viewAs(Shape shape, DType dtype) const {
  Tensor t;
  t.shape_ = std::move(shape);
  t.dtype_ = dtype;
  if (t.bytes() > capacity_) throw std::invalid_argument("Tensor::viewAs: " + eqw::toString(t.shape_) + " does not fit in " + std::to_string(capacity_) + " bytes");
  t.storage_ = storage_;
  t.capacity_ = capacity_;
  return t;
}

void Tensor::fill(float value) {
  assert(dtype_ == DType::F32);
  std::fill_n(f32(), numel(), value);
}

}  // namespace eqw

#include "io/caffe/blob_util.h"

#include <algorithm>
#include <new>

namespace eqw::caffe {

namespace {

// Largest blob we accept: vgg16's fc6 has 103 M values.
constexpr int64_t kMaxBlobValues = int64_t{1} << 30;

Shape withoutLeadingOnes(const Shape& s) {
  size_t i = 0;
  while (i < s.size() && s[i] == 1) ++i;
  return Shape(s.begin() + static_cast<std::ptrdiff_t>(i), s.end());
}

}  // namespace

Shape blobShape(const caffepb::BlobProto& blob) {
  if (blob.has_shape()) return Shape(blob.shape().dim().begin(), blob.shape().dim().end());
  if (blob.has_num() || blob.has_channels() || blob.has_height() || blob.has_width())
    return {blob.num(), blob.channels(), blob.height(), blob.width()};
  // No shape at all: a flat vector of its values (some writers store scalars so).
  const int64_t n = blob.data_size() > 0 ? blob.data_size() : blob.double_data_size();
  return {n};
}

bool sameBlobShape(const Shape& a, const Shape& b) { return withoutLeadingOnes(a) == withoutLeadingOnes(b); }

Result<Tensor> blobTensor(const caffepb::BlobProto& blob, const std::string& what) {
  const Shape shape = blobShape(blob);
  int64_t count = 1;
  for (int64_t d : shape) {
    if (d < 0 || d > kMaxBlobValues || (d > 0 && count > kMaxBlobValues / d))
      return parseError(what + ": shape " + toString(shape) + " is negative or too large");
    count *= d;
  }
  const int64_t have = blob.data_size() > 0 ? blob.data_size() : blob.double_data_size();
  if (have != count)
    return parseError(what + ": shape " + toString(shape) + " needs " + std::to_string(count) + " values but the blob stores " +
                      std::to_string(have));
  try {
    Tensor t(shape);
    float* dst = t.f32();
    if (blob.data_size() > 0) std::copy(blob.data().begin(), blob.data().end(), dst);
    else
      for (int64_t i = 0; i < count; ++i) dst[i] = static_cast<float>(blob.double_data(static_cast<int>(i)));
    return t;
  } catch (const std::bad_alloc&) {
    return internalError(what + ": out of memory for " + std::to_string(count) + " values");
  }
}

}  // namespace eqw::caffe

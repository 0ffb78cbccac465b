#include "io/ncnn/model_bin.h"

#include <cmath>
#include <cstring>
#include <filesystem>
#include <vector>

namespace eqw::ncnn {

namespace {

constexpr uint32_t kTagFloat32 = 0x0002C056;
constexpr uint32_t kTagFloat16 = 0x01306B47;
constexpr uint32_t kTagInt8 = 0x000D4B38;

uint64_t align4(uint64_t n) { return (n + 3) & ~uint64_t{3}; }

// Converts in chunks so a large blob never needs a second full-size buffer.
constexpr uint64_t kChunk = 1 << 20;

}  // namespace

const char* toString(BlobStorage s) {
  switch (s) {
    case BlobStorage::Float32: return "float32";
    case BlobStorage::Float16: return "float16";
    case BlobStorage::Int8: return "int8";
    case BlobStorage::Table: return "quantized table";
  }
  return "?";
}

float halfToFloat(uint16_t h) {
  const uint32_t sign = (h >> 15) & 1, exp = (h >> 10) & 0x1f, mant = h & 0x3ff;
  float v;
  if (exp == 0) v = std::ldexp(static_cast<float>(mant), -24);                 // zero / subnormal
  else if (exp == 31) v = mant ? NAN : INFINITY;
  else v = std::ldexp(static_cast<float>(mant | 0x400), static_cast<int>(exp) - 25);
  return sign ? -v : v;
}

Status ModelBin::open(const std::string& path) {
  path_ = path;
  std::error_code ec;
  uintmax_t sz = std::filesystem::file_size(path, ec);
  if (ec) return ioError(path + ": cannot read size: " + ec.message());
  in_.open(path, std::ios::binary);
  if (!in_) return ioError(path + ": cannot open for reading");
  size_ = sz;
  offset_ = 0;
  return Status::ok();
}

Status ModelBin::checkFits(int64_t count, bool tagged) const {
  const uint64_t n = static_cast<uint64_t>(count < 0 ? 0 : count);
  const uint64_t least = tagged ? 4 + n : 4 * n;  // int8 / table indices are one byte each
  if (count < 0 || least > size_ - offset_)
    return parseError(path_ + ": needs at least " + std::to_string(least) + " bytes at offset " + std::to_string(offset_) +
                      " for " + std::to_string(count) + " values, but only " + std::to_string(size_ - offset_) +
                      " are left (file size " + std::to_string(size_) + ")");
  return Status::ok();
}

Status ModelBin::need(uint64_t bytes, const char* what) {
  if (bytes > size_ - offset_)
    return parseError(path_ + ": " + what + " needs " + std::to_string(bytes) + " bytes at offset " + std::to_string(offset_) +
                      ", but only " + std::to_string(size_ - offset_) + " are left (file size " + std::to_string(size_) + ")");
  return Status::ok();
}

Status ModelBin::readBytes(void* dst, uint64_t bytes) {
  in_.read(static_cast<char*>(dst), static_cast<std::streamsize>(bytes));
  if (!in_) return ioError(path_ + ": read of " + std::to_string(bytes) + " bytes at offset " + std::to_string(offset_) + " failed");
  offset_ += bytes;
  return Status::ok();
}

Status ModelBin::read(int64_t count, bool tagged, float* dst, BlobStorage* storage) {
  if (count < 0) return internalError(path_ + ": negative blob size");
  const uint64_t n = static_cast<uint64_t>(count);
  *storage = BlobStorage::Float32;
  uint32_t tag = 0;
  if (tagged) {
    EQW_RETURN_IF_ERROR(need(4, "a weight tag"));
    unsigned char b[4];
    EQW_RETURN_IF_ERROR(readBytes(b, 4));
    tag = uint32_t{b[0]} | uint32_t{b[1]} << 8 | uint32_t{b[2]} << 16 | uint32_t{b[3]} << 24;
  }
  if (tag == 0 || tag == kTagFloat32) {
    EQW_RETURN_IF_ERROR(need(n * 4, "float32 data"));
    return readBytes(dst, n * 4);  // little endian on every platform the engine targets
  }
  std::vector<unsigned char> buf;
  if (tag == kTagFloat16) {
    *storage = BlobStorage::Float16;
    EQW_RETURN_IF_ERROR(need(align4(n * 2), "float16 data"));
    for (uint64_t done = 0; done < n; done += kChunk) {
      uint64_t m = std::min(kChunk, n - done);
      buf.resize(m * 2);
      EQW_RETURN_IF_ERROR(readBytes(buf.data(), m * 2));
      for (uint64_t i = 0; i < m; ++i) dst[done + i] = halfToFloat(static_cast<uint16_t>(buf[2 * i] | buf[2 * i + 1] << 8));
    }
    unsigned char pad[4];
    return readBytes(pad, align4(n * 2) - n * 2);
  }
  if (tag == kTagInt8) *storage = BlobStorage::Int8;
  else *storage = BlobStorage::Table;
  float table[256];
  if (*storage == BlobStorage::Table) {
    EQW_RETURN_IF_ERROR(need(256 * 4 + align4(n), "a quantized table and its indices"));
    EQW_RETURN_IF_ERROR(readBytes(table, sizeof(table)));
  } else {
    EQW_RETURN_IF_ERROR(need(align4(n), "int8 data"));
  }
  for (uint64_t done = 0; done < n; done += kChunk) {
    uint64_t m = std::min(kChunk, n - done);
    buf.resize(m);
    EQW_RETURN_IF_ERROR(readBytes(buf.data(), m));
    for (uint64_t i = 0; i < m; ++i)
      dst[done + i] = *storage == BlobStorage::Int8 ? static_cast<float>(static_cast<int8_t>(buf[i])) : table[buf[i]];
  }
  unsigned char pad[4];
  return readBytes(pad, align4(n) - n);
}

}  // namespace eqw::ncnn

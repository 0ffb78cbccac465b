// Reads the weight blobs of an ncnn .bin in the order the layers' load_model() asks for them.
// Tagged blobs (ALGORITHMS.md §5): 4-byte tag, then float32 / float16 / int8 / 256-entry table
// + uint8 indices; float16, int8 and index data are padded to 4 bytes. Raw blobs: float32 only.
#pragma once

#include <eqw/status.h>

#include <cstdint>
#include <fstream>
#include <string>

namespace eqw::ncnn {

enum class BlobStorage { Float32, Float16, Int8, Table };
const char* toString(BlobStorage s);

class ModelBin {
 public:
  // Opens the file; the error names it.
  Status open(const std::string& path);
  // Reads `count` values into dst (which holds at least count floats). tagged: a weight blob
  // with its 4-byte type tag (ncnn type 0); otherwise raw float32 (type 1). Int8 blobs are
  // returned as their integer values. The error says how many bytes were needed at which
  // offset and how many were left; the caller adds the layer.
  Status read(int64_t count, bool tagged, float* dst, BlobStorage* storage);

  // Fails, before anything is allocated, when the file cannot hold `count` values of the
  // smallest encoding (a hostile count in the .param must not become a giant allocation).
  Status checkFits(int64_t count, bool tagged) const;

  uint64_t offset() const { return offset_; }
  uint64_t size() const { return size_; }
  const std::string& path() const { return path_; }

 private:
  Status need(uint64_t bytes, const char* what);
  Status readBytes(void* dst, uint64_t bytes);

  std::string path_;
  std::ifstream in_;
  uint64_t size_ = 0;
  uint64_t offset_ = 0;
};

float halfToFloat(uint16_t h);

}  // namespace eqw::ncnn

// Reading and decoding one image file, with an error that says which file and why.
#include "data/image_decode.h"

#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <new>
#include <string>
#include <system_error>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace eqw {

namespace fs = std::filesystem;

namespace {

// Larger files are refused before reading them whole into memory.
constexpr std::uintmax_t kMaxFileBytes = std::uintmax_t{1} << 30;

Result<std::vector<uchar>> readBytes(const std::string& path) {
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (ec || !fs::exists(st)) return ioError(path + ": cannot load image: no such file");
  if (!fs::is_regular_file(st)) return ioError(path + ": cannot load image: not a regular file");
  const std::uintmax_t size = fs::file_size(path, ec);
  if (ec) return ioError(path + ": cannot load image: " + ec.message());
  if (size == 0) return ioError(path + ": cannot load image: the file is empty");
  if (size > kMaxFileBytes) return ioError(path + ": cannot load image: file too large (" + std::to_string(size) + " bytes)");
  std::vector<uchar> bytes(static_cast<size_t>(size));
  std::ifstream in(path, std::ios::binary);
  if (!in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size())))
    return ioError(path + ": cannot load image: read error");
  return bytes;
}

bool startsWith(const std::vector<uchar>& b, std::initializer_list<uchar> magic, size_t offset = 0) {
  if (b.size() < offset + magic.size()) return false;
  size_t i = offset;
  for (uchar m : magic)
    if (b[i++] != m) return false;
  return true;
}

// Names the format from the first bytes, so a failed decode can say "corrupt PNG" rather than
// a bare failure.
const char* sniffFormat(const std::vector<uchar>& b) {
  if (startsWith(b, {0xFF, 0xD8, 0xFF})) return "JPEG";
  if (startsWith(b, {0x89, 'P', 'N', 'G'})) return "PNG";
  if (startsWith(b, {'B', 'M'})) return "BMP";
  if (startsWith(b, {'R', 'I', 'F', 'F'}) && startsWith(b, {'W', 'E', 'B', 'P'}, 8)) return "WebP";
  return nullptr;
}

std::string firstBytesHex(const std::vector<uchar>& b) {
  std::string out;
  char buf[4];
  for (size_t i = 0; i < b.size() && i < 4; ++i) {
    std::snprintf(buf, sizeof buf, "%02x", b[i]);
    out += (i ? " " : "") + std::string(buf);
  }
  return out;
}

std::string whyNotDecoded(const std::vector<uchar>& bytes) {
  if (const char* format = sniffFormat(bytes)) return std::string("corrupt or truncated ") + format + " data";
  return "not an image in a supported format (first bytes " + firstBytesHex(bytes) + ")";
}

}  // namespace

Result<cv::Mat> decodeImage8(const std::string& path) {
  try {
    Result<std::vector<uchar>> bytes = readBytes(path);
    if (!bytes) return bytes.status();
    // Every format as cv::imread(path, IMREAD_COLOR) reads it for ncnn2table, so that a table
    // calibrated here sees the same bytes: JPEGs turned by their EXIF orientation, gray images
    // as three equal channels (ncnn's gray conversion gives the value back exactly), alpha
    // dropped, not composited, and 16-bit samples cut to their high byte as libpng's strip does
    // (0x12FF is 18, where a rounding 1/257 scale would give 19).
    const cv::Mat decoded = cv::imdecode(*bytes, cv::IMREAD_COLOR);
    if (decoded.empty() || decoded.cols <= 0 || decoded.rows <= 0)
      return ioError(path + ": cannot load image: " + whyNotDecoded(*bytes));
    if (decoded.type() != CV_8UC3)
      return ioError(path + ": cannot load image: decoded as OpenCV type " + std::to_string(decoded.type()) +
                     ", not 8-bit BGR");
    return decoded;
  } catch (const cv::Exception& e) {
    return ioError(path + ": cannot load image: " + e.err);
  } catch (const std::bad_alloc&) {
    return ioError(path + ": cannot load image: out of memory (image too large?)");
  } catch (const std::exception& e) {
    return ioError(path + ": cannot load image: " + e.what());
  }
}

}  // namespace eqw

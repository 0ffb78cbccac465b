#include "session/fingerprint.h"

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string_view>
#include <vector>

namespace eqw {
namespace {

namespace fs = std::filesystem;

class Fnv1a {
 public:
  void bytes(const void* data, size_t n) {
    const auto* p = static_cast<const unsigned char*>(data);
    for (size_t i = 0; i < n; ++i) h_ = (h_ ^ p[i]) * 0x100000001b3ull;
  }
  // Length-prefixed, so ("ab", "c") and ("a", "bc") differ.
  void text(std::string_view s) {
    number(static_cast<int64_t>(s.size()));
    bytes(s.data(), s.size());
  }
  void number(int64_t v) { bytes(&v, sizeof v); }
  // A missing or unreadable file hashes as a marker, so it differs from an empty one.
  void file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return text("<missing file>");
    std::vector<char> buf(1 << 16);
    while (in.read(buf.data(), static_cast<std::streamsize>(buf.size())) || in.gcount() > 0)
      bytes(buf.data(), static_cast<size_t>(in.gcount()));
  }
  std::string hex() const {
    char out[17];
    std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(h_));
    return out;
  }

 private:
  uint64_t h_ = 0xcbf29ce484222325ull;
};

std::string weightsFileOf(const std::string& modelPath, const ImportOptions& import) {
  if (!import.weights_path.empty()) return import.weights_path;
  fs::path p(modelPath);
  const std::string ext = p.extension().string();
  if (ext == ".param") return p.replace_extension(".bin").string();
  if (ext == ".prototxt") return p.replace_extension(".caffemodel").string();
  return {};
}

}  // namespace

std::string modelFingerprint(const std::string& modelPath, const ImportOptions& import,
                             const CanonicalizeOptions& canonicalize) {
  Fnv1a h;
  h.file(modelPath);
  const std::string weights = weightsFileOf(modelPath, import);
  std::error_code ec;
  if (!weights.empty() && fs::exists(weights, ec)) h.file(weights);
  h.number(static_cast<int64_t>(import.generate_seed));
  h.text(toString(import.input_shape));
  h.number(canonicalize.fold_batchnorm);
  h.number(canonicalize.fuse_activations);
  return h.hex();
}

std::string dataFingerprint(const Dataset& dataset, const Preprocess& preprocess, const CollectOptions& options) {
  Fnv1a h;
  fs::path root(dataset.source);
  if (dataset.layout == DatasetLayout::ListFile) root = root.parent_path();
  h.text(toString(dataset.layout));
  h.number(static_cast<int64_t>(dataset.samples.size()));
  for (const Sample& s : dataset.samples) {
    h.text(fs::path(s.path).lexically_relative(root).generic_string());
    h.number(s.label);
    std::error_code ec;
    const auto size = fs::file_size(s.path, ec);
    h.number(ec ? -1 : static_cast<int64_t>(size));
  }
  h.text(toString(preprocess));
  h.number(options.passes);
  // Only a sampled one-pass histogram adds to the hash: fingerprints from before hist_stride hold.
  if (options.passes == 1 && options.hist_stride != 1) h.number(options.hist_stride);
  h.number(options.max_images);
  return h.hex();
}

}  // namespace eqw

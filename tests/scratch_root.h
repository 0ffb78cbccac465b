#pragma once
// A scratch folder per test process under the system's temporary directory, named after the
// caller's prefix and the process id, and removed (with everything in it) when the process exits,
// so that thousands of test runs leave nothing behind in /tmp.

#include <unistd.h>

#include <filesystem>
#include <string>
#include <system_error>

namespace eqw::testing {

class ScratchRoot {
 public:
  explicit ScratchRoot(const std::string& prefix)
      : path_(std::filesystem::temp_directory_path() / (prefix + "_" + std::to_string(::getpid()))) {
    std::error_code ec;
    std::filesystem::create_directories(path_, ec);
  }
  ~ScratchRoot() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScratchRoot(const ScratchRoot&) = delete;
  ScratchRoot& operator=(const ScratchRoot&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace eqw::testing

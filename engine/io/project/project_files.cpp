// The project file on disk: atomic writes, bounded reads, paths relative to the project's folder.
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "io/project/project.h"

namespace eqw::project {

namespace fs = std::filesystem;

std::string storedPath(const std::string& path, const std::string& dir) {
  if (path.empty()) return path;
  const fs::path p = fs::path(path).lexically_normal();
  const fs::path rel = p.lexically_relative(fs::path(dir).lexically_normal());
  if (rel.empty() || rel.is_absolute() || *rel.begin() == "..") return p.generic_string();
  return rel.generic_string();
}

std::string resolvedPath(const std::string& stored, const std::string& dir) {
  if (stored.empty()) return stored;
  fs::path p(stored);
  if (p.is_relative()) p = fs::path(dir) / p;
  return p.lexically_normal().string();
}

namespace {

// A name no concurrent save of the same project picks (another process: the pid; another
// thread: the counter): the target's name and a suffix.
std::string temporaryName(const std::string& path) {
  static std::atomic<unsigned> counter{0};
  char suffix[48];
  std::snprintf(suffix, sizeof suffix, ".tmp-%ld-%u", static_cast<long>(::getpid()), counter++);
  return path + suffix;
}

// Writes all of `content` to the open descriptor and flushes it to the disk, so that the rename
// never publishes a file whose data is still only in the page cache.
bool writeAllAndSync(int fd, const std::string& content) {
  size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return ::fsync(fd) == 0;
}

}  // namespace

Status writeFileAtomically(const std::string& path, const std::string& content) {
  const std::string tmp = temporaryName(path);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return ioError("cannot save '" + path + "': cannot create '" + tmp + "' (" + std::strerror(errno) + ")");
  const bool written = writeAllAndSync(fd, content);
  const std::string why = std::strerror(errno);
  if (::close(fd) != 0 || !written) {
    std::remove(tmp.c_str());
    return ioError("cannot save '" + path + "': writing '" + tmp + "' failed (" + why + ")");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string renameWhy = std::strerror(errno);
    std::remove(tmp.c_str());
    return ioError("cannot save '" + path + "': renaming the temporary file over it failed (" + renameWhy + ")");
  }
  return Status::ok();
}

Result<std::string> readWholeFile(const std::string& path, uint64_t maxBytes) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return notFound("'" + path + "' does not exist");
  if (fs::is_directory(path, ec)) return ioError("'" + path + "' is a folder, not a file");
  const auto size = fs::file_size(path, ec);
  if (ec) return ioError("cannot read '" + path + "': " + ec.message());
  if (size > maxBytes)
    return ioError("'" + path + "' is " + std::to_string(size) + " bytes, more than the " + std::to_string(maxBytes) +
                   " a project may have");
  std::ifstream in(path, std::ios::binary);
  if (!in) return ioError("cannot open '" + path + "' (" + std::strerror(errno) + ")");
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return ioError("cannot read '" + path + "'");
  return buf.str();
}

}  // namespace eqw::project

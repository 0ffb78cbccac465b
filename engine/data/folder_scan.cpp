// Walking folders for image files (Folder and ClassFolders layouts).
#include "data/folder_scan.h"

#include <algorithm>
#include <set>
#include <system_error>

namespace eqw {

namespace fs = std::filesystem;

namespace {

bool isHidden(const fs::path& p) {
  const std::string name = p.filename().string();
  return !name.empty() && name.front() == '.';
}

void reportUnreadable(const fs::path& dir, const std::error_code& ec, Diagnostics& diagnostics) {
  diagnostics.push_back({Severity::Warning, dir.string() + ": cannot read folder: " + ec.message()});
}

}  // namespace

namespace {

// Depth-first walk, one directory_iterator per folder, so an unreadable folder is reported and
// the walk goes on. Folder links are followed; `visited` (canonical paths) breaks link cycles.
void walk(const fs::path& dir, int depth, std::set<fs::path>& visited, std::vector<std::string>& paths,
          Diagnostics& diagnostics) {
  constexpr int kMaxDepth = 64;
  std::error_code ec;
  const fs::path canonical = fs::canonical(dir, ec);
  if (!ec && !visited.insert(canonical).second) return;
  if (depth > kMaxDepth) {
    diagnostics.push_back({Severity::Warning, dir.string() + ": folders nested deeper than " +
                                                  std::to_string(kMaxDepth) + " levels were left out"});
    return;
  }
  fs::directory_iterator it(dir, ec);
  std::vector<fs::path> subfolders;
  for (const fs::directory_iterator end; !ec && it != end; it.increment(ec)) {
    const fs::path& p = it->path();
    if (isHidden(p)) continue;
    std::error_code typeEc;
    if (it->is_directory(typeEc))
      subfolders.push_back(p);
    else if (it->is_regular_file(typeEc) && isImageFileName(p.filename().string()))
      paths.push_back(p.string());
  }
  if (ec) reportUnreadable(dir, ec, diagnostics);
  for (const fs::path& sub : subfolders) walk(sub, depth + 1, visited, paths, diagnostics);
}

}  // namespace

std::vector<std::string> findImagesRecursive(const fs::path& dir, Diagnostics& diagnostics) {
  std::vector<std::string> paths;
  std::set<fs::path> visited;
  walk(dir, 0, visited, paths, diagnostics);
  std::sort(paths.begin(), paths.end());
  return paths;
}

Result<TopLevel> scanTopLevel(const fs::path& dir) {
  TopLevel top;
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  for (const fs::directory_iterator end; !ec && it != end; it.increment(ec)) {
    std::error_code typeEc;
    if (isHidden(it->path())) continue;
    if (it->is_directory(typeEc))
      top.subfolders.push_back(it->path().filename().string());
    else if (it->is_regular_file(typeEc) && isImageFileName(it->path().filename().string()))
      ++top.imageFiles;
  }
  if (ec) return ioError(dir.string() + ": cannot read folder: " + ec.message());
  std::sort(top.subfolders.begin(), top.subfolders.end());
  return top;
}

Status readClassFolders(const fs::path& root, Dataset& dataset) {
  Result<TopLevel> top = scanTopLevel(root);
  if (!top) return top.status();
  if (top->imageFiles > 0) {
    dataset.diagnostics.push_back(
        {Severity::Warning, root.string() + ": " + std::to_string(top->imageFiles) +
                                " image(s) directly in the root are in no class folder and were left out"});
  }
  dataset.classNames = top->subfolders;
  for (size_t label = 0; label < top->subfolders.size(); ++label) {
    const fs::path classDir = root / top->subfolders[label];
    std::vector<std::string> images = findImagesRecursive(classDir, dataset.diagnostics);
    if (images.empty()) {
      // The folder keeps its index so labels still follow the sorted folder order.
      dataset.diagnostics.push_back(
          {Severity::Warning, classDir.string() + ": class folder has no images (class " +
                                  std::to_string(label) + ")"});
    }
    for (std::string& path : images) dataset.samples.push_back({std::move(path), static_cast<int>(label)});
  }
  return Status::ok();
}

}  // namespace eqw

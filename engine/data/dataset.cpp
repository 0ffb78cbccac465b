// openDataset: picks the layout and hands the source to the reader for that layout.
#include <algorithm>
#include <cctype>
#include <exception>
#include <filesystem>
#include <new>
#include <system_error>

#include "data/folder_scan.h"
#include "data/list_file.h"
#include "eqw/data.h"

namespace eqw {

namespace fs = std::filesystem;

const char* toString(DatasetLayout layout) {
  switch (layout) {
    case DatasetLayout::Auto: return "auto";
    case DatasetLayout::Folder: return "folder";
    case DatasetLayout::ClassFolders: return "class-folders";
    case DatasetLayout::ListFile: return "list";
  }
  return "unknown";
}

bool isImageFileName(std::string_view fileName) {
  if (fileName.empty() || fileName.front() == '.') return false;
  const size_t dot = fileName.rfind('.');
  if (dot == std::string_view::npos) return false;
  std::string ext(fileName.substr(dot + 1));
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext == "jpg" || ext == "jpeg" || ext == "png" || ext == "bmp" || ext == "webp";
}

namespace {

Result<DatasetLayout> detectLayout(const fs::path& source) {
  std::error_code ec;
  const fs::file_status st = fs::status(source, ec);
  if (ec || !fs::exists(st)) return notFound(source.string() + ": no such file or folder");
  if (!fs::is_directory(st)) return DatasetLayout::ListFile;
  Result<TopLevel> top = scanTopLevel(source);
  if (!top) return top.status();
  const bool classes = top->imageFiles == 0 && !top->subfolders.empty();
  return classes ? DatasetLayout::ClassFolders : DatasetLayout::Folder;
}

Status readFolder(const fs::path& dir, Dataset& dataset) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return notFound(dir.string() + ": not a folder");
  for (std::string& path : findImagesRecursive(dir, dataset.diagnostics))
    dataset.samples.push_back({std::move(path), -1});
  return Status::ok();
}

Status readSource(const fs::path& source, Dataset& dataset) {
  switch (dataset.layout) {
    case DatasetLayout::Folder: return readFolder(source, dataset);
    case DatasetLayout::ClassFolders: return readClassFolders(source, dataset);
    case DatasetLayout::ListFile: return readListFile(source, dataset);
    case DatasetLayout::Auto: break;
  }
  return internalError("openDataset: layout was not resolved");
}

Result<Dataset> openDatasetUnguarded(const std::string& dirOrList, DatasetLayout layout) {
  if (dirOrList.empty()) return invalidArgument("dataset: empty path");
  const fs::path source(dirOrList);
  Dataset dataset;
  dataset.source = dirOrList;
  if (layout == DatasetLayout::Auto) {
    Result<DatasetLayout> detected = detectLayout(source);
    if (!detected) return detected.status();
    layout = *detected;
  }
  dataset.layout = layout;
  EQW_RETURN_IF_ERROR(readSource(source, dataset));
  if (dataset.samples.empty()) {
    std::string why = dirOrList + ": no images found (" + toString(layout) +
                      " layout; extensions jpg, jpeg, png, bmp, webp)";
    if (!dataset.diagnostics.empty()) why += "; first problem: " + dataset.diagnostics.front().message;
    return notFound(why);
  }
  return dataset;
}

}  // namespace

Result<Dataset> openDataset(const std::string& dirOrList, DatasetLayout layout) {
  // Filesystem and string code may throw on hostile input (huge paths, exhausted memory);
  // nothing escapes the engine API.
  try {
    return openDatasetUnguarded(dirOrList, layout);
  } catch (const std::bad_alloc&) {
    return ioError(dirOrList + ": out of memory while reading the dataset");
  } catch (const std::exception& e) {
    return ioError(dirOrList + ": " + e.what());
  }
}

}  // namespace eqw

// Finding image files on disk for the Folder and ClassFolders layouts.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "eqw/data.h"

namespace eqw {

// Every image file under dir, recursively, sorted by path. Hidden entries are skipped; folders
// that cannot be read are reported in diagnostics and skipped.
std::vector<std::string> findImagesRecursive(const std::filesystem::path& dir, Diagnostics& diagnostics);

// The sorted names of dir's direct, non-hidden subfolders, and whether dir directly holds images.
struct TopLevel {
  std::vector<std::string> subfolders;
  size_t imageFiles = 0;
};
Result<TopLevel> scanTopLevel(const std::filesystem::path& dir);

// Fills dataset.samples / classNames from root/<class>/<images>.
Status readClassFolders(const std::filesystem::path& root, Dataset& dataset);

}  // namespace eqw

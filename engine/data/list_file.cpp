// The list-file layout: one `path [label]` a line, '#' comments, paths relative to the list.
#include "data/list_file.h"

#include <charconv>
#include <fstream>
#include <optional>
#include <string>
#include <system_error>

namespace eqw {

namespace fs = std::filesystem;

namespace {

std::string_view trim(std::string_view s) {
  const char* ws = " \t\r\n\v\f";
  const size_t first = s.find_first_not_of(ws);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(ws) - first + 1);
}

std::optional<int> parseLabel(std::string_view token) {
  int value = 0;
  const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
  if (ec != std::errc() || end != token.data() + token.size() || value < 0) return std::nullopt;
  return value;
}

fs::path resolve(const fs::path& listDir, std::string_view entry) {
  const fs::path p{std::string(entry)};
  return p.is_relative() ? (listDir / p).lexically_normal() : p;
}

bool isFile(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec);
}

std::string where(const fs::path& listPath, int lineNo) {
  return listPath.string() + ":" + std::to_string(lineNo);
}

// One non-comment line -> sample. The label is the last token when it is a non-negative
// integer; a last token that is not a number is an error unless the whole line names a file
// (an unlabelled path with spaces).
Result<Sample> parseLine(std::string_view line, const fs::path& listPath, int lineNo) {
  const fs::path listDir = listPath.parent_path();
  const size_t split = line.find_last_of(" \t");
  if (split == std::string_view::npos) return Sample{resolve(listDir, line).string(), -1};
  const std::string_view tail = line.substr(split + 1);
  if (const std::optional<int> label = parseLabel(tail))
    return Sample{resolve(listDir, trim(line.substr(0, split))).string(), *label};
  if (isFile(resolve(listDir, line))) return Sample{resolve(listDir, line).string(), -1};
  return parseError(where(listPath, lineNo) + ": label '" + std::string(tail) +
                    "' is not a non-negative integer (expected `path [label]`)");
}

// classes.txt beside the list, else in the folder above it (a test/ or val/ list next to the
// model's class names).
std::vector<std::string> findClassNames(const fs::path& listPath) {
  const fs::path dir = listPath.parent_path();
  for (const fs::path& candidate : {dir / "classes.txt", dir.parent_path() / "classes.txt"}) {
    if (!isFile(candidate) || candidate == listPath) continue;
    std::ifstream in(candidate);
    std::vector<std::string> names;
    for (std::string line; std::getline(in, line);) {
      const std::string_view name = trim(line);
      if (!name.empty()) names.emplace_back(name);
    }
    return names;
  }
  return {};
}

void checkLabelRange(const Sample& s, const std::vector<std::string>& classes, const std::string& at,
                     Diagnostics& diagnostics) {
  if (classes.empty() || s.label < static_cast<int>(classes.size())) return;
  diagnostics.push_back({Severity::Warning, at + ": label " + std::to_string(s.label) + " is beyond the " +
                                                std::to_string(classes.size()) + " names in classes.txt"});
}

}  // namespace

Status readListFile(const fs::path& listPath, Dataset& dataset) {
  if (isImageFileName(listPath.filename().string()))
    return invalidArgument(listPath.string() + ": this is an image, not a list file (open its folder instead)");
  std::error_code ec;
  if (fs::is_directory(listPath, ec))
    return invalidArgument(listPath.string() + ": is a folder, not a list file");
  std::ifstream in(listPath);
  if (!in) return ioError(listPath.string() + ": cannot open list file");
  dataset.classNames = findClassNames(listPath);
  int lineNo = 0;
  for (std::string raw; std::getline(in, raw);) {
    ++lineNo;
    const std::string_view line = trim(raw);
    if (line.empty() || line.front() == '#') continue;
    Result<Sample> sample = parseLine(line, listPath, lineNo);
    if (!sample) return sample.status();
    if (!isFile(sample->path)) {
      dataset.diagnostics.push_back(
          {Severity::Warning, where(listPath, lineNo) + ": '" + sample->path + "' does not exist; skipped"});
      continue;
    }
    checkLabelRange(*sample, dataset.classNames, where(listPath, lineNo), dataset.diagnostics);
    dataset.samples.push_back(std::move(sample.value()));
  }
  if (in.bad()) return ioError(listPath.string() + ":" + std::to_string(lineNo) + ": read error");
  return Status::ok();
}

}  // namespace eqw

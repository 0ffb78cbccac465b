// The project file (.eqw): JSON holding everything a Session derives from its model — paths,
// options, datasets, the statistics cache, specs, EasyQuant records, manual overrides — so that
// reopening restores the exact state. Engine-internal: the public face is Session::save / load.
#pragma once

#include <eqw/calib.h>
#include <eqw/calibrate.h>
#include <eqw/easyquant.h>
#include <eqw/io.h>
#include <eqw/passes.h>
#include <eqw/quant.h>
#include <eqw/session.h>
#include <eqw/status.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace eqw::project {

inline constexpr const char* kFormat = "eqw-project";
inline constexpr int kVersion = 1;
// A project larger than this is refused before it is read (a statistics cache of a large model
// is a few MB).
inline constexpr uint64_t kMaxProjectBytes = uint64_t{1} << 30;

struct SavedStatistics {
  StatsSet stats;
  CollectOptions options;
  std::string model_fingerprint;  // what they were collected from (see engine/session/fingerprint.h)
  std::string data_fingerprint;
};

// Paths are absolute here; the file stores them relative to the project's folder when they lie
// under it.
struct ProjectData {
  std::string model_path;
  ImportOptions import;
  CanonicalizeOptions canonicalize;
  std::optional<DatasetSource> calibration, evaluation;
  std::optional<SavedStatistics> statistics;
  std::optional<QuantSpec> calibrated;   // calibrate()'s spec, before EasyQuant and overrides
  CalibrateOptions calibrate_options;    // meaningful with `calibrated`
  std::optional<EasyQuantResult> easyquant;
  EasyQuantOptions easyquant_options;    // meaningful with `easyquant`
  std::map<std::string, LayerOverride> overrides;
};

// The document, paths made relative to projectDir where they lie under it.
std::string toJson(const ProjectData& data, const std::string& projectDir);
// Reads a document; relative paths are resolved against projectDir. Errors: ParseError naming
// the field ("field 'spec.layers[2].input.value': ...") or the JSON syntax error's position; the
// caller adds the file name. Checks values on their own (finite thresholds > 0, known enum
// names, method names); whether they fit the model is the Session's check.
Result<ProjectData> fromJson(const std::string& text, const std::string& projectDir);

// `path` relative to `dir` when it lies under it (generic separators), else absolute.
std::string storedPath(const std::string& path, const std::string& dir);
// A stored path made absolute: relative ones are taken from `dir`.
std::string resolvedPath(const std::string& stored, const std::string& dir);

// Writes `content` to a temporary file in path's folder and renames it over `path`: a failed
// write leaves the previous file intact and no temporary behind. IoError naming the file.
Status writeFileAtomically(const std::string& path, const std::string& content);
// The whole file. NotFound when it does not exist, IoError when it cannot be read or is larger
// than maxBytes.
Result<std::string> readWholeFile(const std::string& path, uint64_t maxBytes);

}  // namespace eqw::project

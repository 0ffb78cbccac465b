// The Fashion-MNIST sample as a Session test sees it: model, preprocessing from meta.json, and
// the small image lists under tests/data/project (24 calibration, 30 evaluation images).
#pragma once

#include <eqw/data.h>
#include <eqw/session.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

namespace eqw::test {

inline const std::string kSampleDir = std::string(EQW_SOURCE_DIR) + "/samples/fashion-mnist";
inline const std::string kSampleModel = kSampleDir + "/model.onnx";
inline const std::string kProjectData = std::string(EQW_SOURCE_DIR) + "/tests/data/project";
inline const std::string kCalibList = kProjectData + "/calib24.txt";
inline const std::string kEvalList = kProjectData + "/eval30.txt";

// The sample's preprocessing (meta.json's eqw_flags); an error when the sample is missing.
inline Result<Preprocess> samplePreprocess() {
  std::ifstream meta(kSampleDir + "/meta.json");
  if (!meta) return notFound("samples/fashion-mnist/meta.json is missing");
  try {
    return parsePreprocess(nlohmann::json::parse(meta).at("preprocess").at("eqw_flags").get<std::string>());
  } catch (const std::exception& e) {
    return parseError(std::string("samples/fashion-mnist/meta.json: ") + e.what());
  }
}

// A Session with the sample open and both datasets set, or the Status that says why not.
inline Status openSample(Session& session) {
  auto pre = samplePreprocess();
  if (!pre) return pre.status();
  EQW_RETURN_IF_ERROR(session.open(kSampleModel));
  EQW_RETURN_IF_ERROR(session.setDataset(DatasetRole::Calibration, kCalibList, *pre));
  return session.setDataset(DatasetRole::Evaluation, kEvalList, *pre);
}

// A fresh empty folder under the build tree for one test.
inline std::string scratchDir(const std::string& name) {
  const std::filesystem::path dir = std::filesystem::path(EQW_BINARY_DIR) / "test-scratch" / "session" / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

}  // namespace eqw::test

// Opens the sample into `session`; skips the test when the sample is not in the tree, fails it
// when the sample is there but does not open.
#define EQW_OPEN_SAMPLE_OR_SKIP(session)                                              \
  do {                                                                                \
    if (!std::filesystem::exists(::eqw::test::kSampleModel))                          \
      GTEST_SKIP() << "samples/fashion-mnist/model.onnx is missing";                  \
    ::eqw::Status open_ = ::eqw::test::openSample(session);                          \
    ASSERT_TRUE(open_.isOk()) << open_.toString();                                    \
  } while (0)

// The bundled Fashion-MNIST sample for the collector tests: model, calibration images and the
// preprocessing its meta.json records.
#pragma once

#include <eqw/data.h>
#include <eqw/graph.h>

#include <string>

namespace eqw::calibtest {

inline const std::string kSample = std::string(EQW_SOURCE_DIR) + "/samples/fashion-mnist";

struct Sample {
  Graph graph;
  Dataset calib;
  Preprocess pre;
};

// Loads the sample, or explains why not (the caller skips).
std::string loadSample(Sample& s);

}  // namespace eqw::calibtest

#define LOAD_SAMPLE_OR_SKIP(s)                                                      \
  ::eqw::calibtest::Sample s;                                                         \
  if (std::string why = ::eqw::calibtest::loadSample(s); !why.empty()) GTEST_SKIP() << why

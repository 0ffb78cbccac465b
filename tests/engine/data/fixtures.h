// Paths of the image fixtures (tests/data/images, made by make_fixtures.py there).
#pragma once

#include <string>

namespace eqw::test {

inline std::string imageFixture(const std::string& rel) {
  return std::string(EQW_SOURCE_DIR) + "/tests/data/images/" + rel;
}

inline bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace eqw::test

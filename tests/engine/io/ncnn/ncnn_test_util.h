// Shared helpers of the ncnn importer tests: fixture paths, the .expected.txt oracle files
// written by tests/data/ncnn/make_fixtures.py, and an independent reader of -23330 shape hints.
#pragma once

#include <eqw/graph.h>
#include <eqw/status.h>

#include <map>
#include <string>
#include <vector>

namespace eqw::test {

std::string ncnnFixtureDir();             // tests/data/ncnn
std::string ncnnBenchDir();               // <shared>/models/ncnn-bench, "" when absent

// One line of an .expected.txt: `kind key... rank dims... values...`
// (kind input / output / value: one key, the blob name; weight: layer and index;
// quant: layer and what, then a count instead of rank + dims).
struct ExpectedEntry {
  std::string kind;
  std::vector<std::string> keys;
  Shape shape;
  std::vector<double> values;
};
std::vector<ExpectedEntry> readExpected(const std::string& path);
const ExpectedEntry* findExpected(const std::vector<ExpectedEntry>& all, const std::string& kind, const std::string& key0,
                                  const std::string& key1 = "");

// Output blob name -> ncnn shape hint (dims, w, h, c) read straight from the .param text.
struct ShapeHint {
  int dims = 0, w = 0, h = 0, c = 0;
  int line = 0;
};
std::map<std::string, ShapeHint> readShapeHints(const std::string& paramPath);
// ncnn dims 1 (w) -> [1, w]; 2 (w, h) -> [1, h, w]; 3 (w, h, c) -> [1, c, h, w].
Shape hintToShape(const ShapeHint& h);


std::vector<std::string> filesWithExtension(const std::string& dir, const std::string& ext);

}  // namespace eqw::test

#include "ncnn_test_util.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace eqw::test {

std::string ncnnFixtureDir() { return std::string(EQW_SOURCE_DIR) + "/tests/data/ncnn"; }

std::string ncnnBenchDir() {
  std::string dir = std::string(EQW_SHARED_DIR) + "/models/ncnn-bench";
  std::error_code ec;
  return std::filesystem::is_directory(dir, ec) ? dir : std::string();
}

std::vector<ExpectedEntry> readExpected(const std::string& path) {
  std::vector<ExpectedEntry> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    ExpectedEntry e;
    if (!(ls >> e.kind)) continue;
    const int nkeys = (e.kind == "weight" || e.kind == "quant") ? 2 : 1;
    for (int i = 0; i < nkeys; ++i) {
      std::string k;
      ls >> k;
      e.keys.push_back(k);
    }
    int64_t rank = 0;
    ls >> rank;
    if (e.kind == "quant") {
      e.shape = {rank};
    } else {
      for (int64_t i = 0; i < rank; ++i) {
        int64_t d = 0;
        ls >> d;
        e.shape.push_back(d);
      }
    }
    double v;
    while (ls >> v) e.values.push_back(v);
    out.push_back(std::move(e));
  }
  return out;
}

const ExpectedEntry* findExpected(const std::vector<ExpectedEntry>& all, const std::string& kind, const std::string& key0,
                                  const std::string& key1) {
  for (const ExpectedEntry& e : all)
    if (e.kind == kind && e.keys[0] == key0 && (key1.empty() || (e.keys.size() > 1 && e.keys[1] == key1))) return &e;
  return nullptr;
}

std::map<std::string, ShapeHint> readShapeHints(const std::string& paramPath) {
  std::map<std::string, ShapeHint> hints;
  std::ifstream in(paramPath);
  std::string line;
  int lineNo = 0;
  while (std::getline(in, line)) {
    ++lineNo;
    if (lineNo <= 2) continue;
    std::istringstream ls(line);
    std::vector<std::string> t;
    for (std::string s; ls >> s;) t.push_back(s);
    if (t.size() < 4) continue;
    const int nIn = std::stoi(t[2]), nOut = std::stoi(t[3]);
    for (const std::string& tok : t) {
      if (tok.rfind("-23330=", 0) != 0) continue;
      std::vector<int> v;
      std::stringstream vs(tok.substr(7));
      for (std::string x; std::getline(vs, x, ',');) v.push_back(std::stoi(x));
      if (v.empty() || v[0] != 4 * nOut || static_cast<int>(v.size()) != 1 + 4 * nOut) continue;
      for (int o = 0; o < nOut; ++o)
        hints[t[4 + nIn + o]] = ShapeHint{v[1 + 4 * o], v[2 + 4 * o], v[3 + 4 * o], v[4 + 4 * o], lineNo};
    }
  }
  return hints;
}

Shape hintToShape(const ShapeHint& h) {
  switch (h.dims) {
    case 1: return {1, h.w};
    case 2: return {1, h.h, h.w};
    case 3: return {1, h.c, h.h, h.w};
  }
  return {};
}

std::vector<std::string> filesWithExtension(const std::string& dir, const std::string& ext) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec))
    if (e.path().extension() == ext) out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace eqw::test

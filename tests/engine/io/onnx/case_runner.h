// Runs one ONNX test case folder (model.onnx + test_data_set_*/input_*.pb, output_*.pb) through
// the importer and the FP32 executor, as the ONNX backend tests do.
#pragma once

#include <eqw/status.h>

#include <set>
#include <string>
#include <vector>

namespace eqw::onnxtest {

struct CaseResult {
  enum Kind { Passed, ImportFailed, RunFailed, Mismatch, BadCase } kind = Passed;
  Status importStatus;         // when ImportFailed
  std::string detail;          // what failed, for the test log
  bool floatInterface = true;  // every data input and output is float32 (after freezing)
};

// ONNX's node tests feed weights, shapes, axes ... as graph inputs; the engine needs them as
// constants. Inputs read at such a slot (Conv's W, Reshape's shape ...) become initializers
// holding the data set's values before import.
struct CaseOptions {
  double rtol = 1e-3;
  double atol = 1e-5;
  std::string scratch;         // folder for the frozen model
};

CaseResult runCase(const std::string& caseDir, const CaseOptions& options);

// Op types the model's graph uses.
std::set<std::string> opTypes(const std::string& modelPath);

}  // namespace eqw::onnxtest

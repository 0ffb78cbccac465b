// The Fashion-MNIST sample, canonicalized, and a max-threshold INT8 / INT7 spec for it built from
// collected statistics (the evaluation tests' fixture).
#pragma once

#include <eqw/data.h>
#include <eqw/graph.h>
#include <eqw/quant.h>

#include <string>

namespace eqw::test {

struct EvalSample {
  Graph graph;        // canonicalized
  Dataset calib;      // 200 training images
  Dataset test;       // 500 test images with labels
  Preprocess pre;
};

// Loads the sample; returns why not (the caller skips) or "".
std::string loadEvalSample(EvalSample& s);

// Max thresholds for every quantizable layer's input (collected on the calibration images) and
// per-channel max weight thresholds. Errors are returned as a message in `why`.
QuantSpec maxSpec(const EvalSample& s, Precision precision, std::string& why);

}  // namespace eqw::test

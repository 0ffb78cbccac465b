// The fashion-mnist sample as a calibrated eqw::Session, for the widget and GUI tests: the
// sample's model, its 200 calibration images with packaging/quickstart.sh's preprocessing
// (gray, mean 0, norm 1/255), statistics of every value, KL thresholds at INT8.
#pragma once

#include <eqw/session.h>

#include <string>

namespace eqw::testing {

inline std::string sampleDir() { return std::string(EQW_SOURCE_DIR) + "/samples/fashion-mnist"; }
inline std::string sampleModel() { return sampleDir() + "/model.onnx"; }
inline std::string sampleCalib() { return sampleDir() + "/calib"; }
inline std::string sampleTest() { return sampleDir() + "/test/labels.txt"; }

inline Preprocess samplePreprocess() {
  Preprocess p;
  p.width = 28;
  p.height = 28;
  p.pixel = PixelOrder::GRAY;
  p.mean = {0.f, 0.f, 0.f};
  p.norm = {1.f / 255.f, 1.f / 255.f, 1.f / 255.f};
  return p;
}

// Opens the sample, sets its calibration images and (when `calibrate`) collects statistics and
// calibrates with KL at INT8.
inline Status prepareSample(Session& s, bool calibrate = true) {
  EQW_RETURN_IF_ERROR(s.open(sampleModel()));
  EQW_RETURN_IF_ERROR(s.setDataset(DatasetRole::Calibration, sampleCalib(), samplePreprocess()));
  if (!calibrate) return Status::ok();
  Diagnostics diags;
  CollectOptions co;
  co.threads = 2;
  EQW_RETURN_IF_ERROR(s.collectStatistics(co, {}, diags));
  CalibrateOptions options;
  options.method = "kl";
  return s.calibrate(options, &diags);
}

}  // namespace eqw::testing

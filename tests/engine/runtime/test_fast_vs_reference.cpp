// Whole networks: the fast executor (SIMD kernels, 2 threads) against the scalar reference
// executor on real architectures with generated weights.
#include <eqw/io.h>
#include <eqw/runtime.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <random>

namespace eqw {
namespace {

const std::string kBench = std::string(EQW_SHARED_DIR) + "/models/ncnn-bench/";

class FastVsReference : public ::testing::TestWithParam<std::string> {};

TEST_P(FastVsReference, OutputsAgree) {
  const std::string path = kBench + GetParam() + ".param";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " is absent (../shared not beside the checkout)";
  auto graph = loadModel(path);
  ASSERT_TRUE(graph.isOk()) << graph.status().toString();

  ExecutorOptions fastOptions;
  fastOptions.threads = 2;
  fastOptions.keep_values = true;
  ExecutorOptions refOptions;
  refOptions.reference = true;
  refOptions.keep_values = true;
  auto fast = Executor::create(*graph, fastOptions);
  auto ref = Executor::create(*graph, refOptions);
  ASSERT_TRUE(fast.isOk()) << fast.status().toString();
  ASSERT_TRUE(ref.isOk()) << ref.status().toString();

  std::mt19937 rng(7);
  std::uniform_real_distribution<float> dist(-1.f, 1.f);
  Tensor input(graph->values[graph->inputs[0]].shape);
  for (int64_t i = 0; i < input.numel(); ++i) input.f32()[i] = dist(rng);
  ASSERT_TRUE((*fast)->run({input}).isOk());
  ASSERT_TRUE((*ref)->run({input}).isOk());

  // Every intermediate value, not only the output: a wrong layer cannot hide behind softmax.
  for (size_t v = 0; v < graph->values.size(); ++v) {
    const Tensor& a = (*fast)->value(static_cast<int>(v));
    const Tensor& b = (*ref)->value(static_cast<int>(v));
    if (b.empty() || b.numel() == 0) continue;
    ASSERT_EQ(a.shape(), b.shape()) << graph->values[v].name;
    double maxAbs = 0.0, maxDiff = 0.0;
    for (int64_t i = 0; i < b.numel(); ++i) {
      ASSERT_TRUE(std::isfinite(a.f32()[i])) << graph->values[v].name;
      maxAbs = std::max(maxAbs, std::abs(static_cast<double>(b.f32()[i])));
      maxDiff = std::max(maxDiff, std::abs(static_cast<double>(a.f32()[i]) - b.f32()[i]));
    }
    EXPECT_LE(maxDiff, 1e-3 * std::max(maxAbs, 1e-3)) << "value '" << graph->values[v].name << "' of " << GetParam();
  }
}

INSTANTIATE_TEST_SUITE_P(NcnnBench, FastVsReference,
                         ::testing::Values("squeezenet", "mobilenet", "mobilenet_v2", "mobilenet_v3", "shufflenet_v2",
                                           "efficientnet_b0", "googlenet", "mobilenet_ssd"));

}  // namespace
}  // namespace eqw

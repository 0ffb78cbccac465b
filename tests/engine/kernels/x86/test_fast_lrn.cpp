// Fast LRN across channels against the reference, element by element: window sizes 1 to 7 (odd
// and even), more and fewer channels than the window, beta 0.75 (square roots) and others (pow),
// planes that are not a multiple of a task's run, 1 and 2 threads.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <sstream>

#include "core/parallel.h"
#include "fast_test_util.h"
#include "kernels/fast.h"
#include "kernels/kernel.h"

namespace eqw::testing {
namespace {

class FastLRN : public ::testing::TestWithParam<Isa> {
 protected:
  void SetUp() override {
    if (!isaSupported(GetParam())) GTEST_SKIP() << "this CPU does not run " << toString(GetParam());
  }
};

// Distance in units in the last place between two finite floats of the same sign.
int64_t ulps(float a, float b) {
  int32_t ia, ib;
  std::memcpy(&ia, &a, 4);
  std::memcpy(&ib, &b, 4);
  return std::llabs(static_cast<int64_t>(ia) - ib);
}

TEST_P(FastLRN, AcrossChannelsEqualsTheReferenceToAnUlp) {
  std::mt19937 rng(31);
  ThreadPool pool(2);
  int64_t values = 0, differing = 0;
  for (int i = 0; i < 40 && !HasFailure(); ++i) {
    LRNParams p;
    p.local_size = 1 + static_cast<int>(rng() % 7);
    p.alpha = i % 5 == 0 ? 1e-4f : 0.5f * static_cast<float>(rng() % 100) / 100.f + 1e-3f;
    p.beta = i % 3 == 2 ? 0.5f + static_cast<float>(rng() % 50) / 100.f : 0.75f;
    p.bias = i % 4 == 0 ? 1.f : 0.5f + static_cast<float>(rng() % 30) / 10.f;
    const int64_t c = 1 + static_cast<int64_t>(rng() % 20), h = 1 + static_cast<int64_t>(rng() % 30),
                  w = 1 + static_cast<int64_t>(rng() % 30);
    std::ostringstream what;
    what << "LRN [1," << c << "," << h << "," << w << "] size " << p.local_size << " alpha " << p.alpha << " beta " << p.beta
         << " bias " << p.bias;
    Node node = makeFastNode(OpKind::LRN, p);
    const std::vector<Tensor> inputs{randomTensor({1, c, h, w}, rng, -4.f, 4.f)};
    std::vector<Shape> outShapes;
    ASSERT_TRUE(inferShapes(node, inputs, &outShapes)) << what.str();
    auto ref = kernels::makeReferenceKernel(node, {inputs[0].shape()}, outShapes);
    auto fast = kernels::makeFastKernel(node, {inputs[0].shape()}, outShapes, GetParam());
    ASSERT_TRUE(ref.isOk() && fast.isOk()) << what.str();
    ASSERT_TRUE(*fast) << what.str() << ": no fast kernel";
    Status s;
    const Tensor want = runKernel(**ref, inputs, outShapes, nullptr, &s)[0];
    ASSERT_TRUE(s.isOk()) << s.toString();
    for (const ThreadPool* threads : {static_cast<const ThreadPool*>(nullptr), static_cast<const ThreadPool*>(&pool)}) {
      const Tensor got = runKernel(**fast, inputs, outShapes, threads, &s)[0];
      ASSERT_TRUE(s.isOk()) << (*fast)->name() << ": " << s.toString();
      for (int64_t j = 0; j < want.numel(); ++j) {
        const int64_t d = ulps(got.f32()[j], want.f32()[j]);
        ASSERT_LE(d, 1) << what.str() << " element " << j << ": " << got.f32()[j] << " vs " << want.f32()[j];
        values += 1;
        differing += d != 0;
      }
    }
  }
  // The sums are the reference's own; only the power may round differently, and rarely.
  EXPECT_LE(differing * 1000, values) << differing << " of " << values << " values differ by an ulp";
}

// LRN within a channel stays on the reference.
TEST_P(FastLRN, WithinChannelIsLeftToTheReference) {
  LRNParams p;
  p.region = LRNRegion::WithinChannel;
  Node node = makeFastNode(OpKind::LRN, p);
  std::mt19937 rng(3);
  const std::vector<Tensor> inputs{randomTensor({1, 3, 5, 5}, rng)};
  std::vector<Shape> outShapes;
  ASSERT_TRUE(inferShapes(node, inputs, &outShapes));
  auto fast = kernels::makeFastKernel(node, {inputs[0].shape()}, outShapes, GetParam());
  ASSERT_TRUE(fast.isOk());
  EXPECT_FALSE(*fast);
}

INSTANTIATE_TEST_SUITE_P(Isa, FastLRN, ::testing::ValuesIn(fastIsaLevels()),
                         [](const ::testing::TestParamInfo<Isa>& i) { return std::string(toString(i.param)); });

}  // namespace
}  // namespace eqw::testing

// Fast pooling against the reference: windows with pads, strides 1/2/3, ceil mode,
// count_include_pad, and global pooling, at every ISA level the CPU runs.
#include <gtest/gtest.h>

#include <random>
#include <sstream>

#include "fast_test_util.h"

namespace eqw::testing {
namespace {

class FastPool : public ::testing::TestWithParam<Isa> {
 protected:
  void SetUp() override {
    if (!isaSupported(GetParam())) GTEST_SKIP() << "this CPU does not run " << toString(GetParam());
  }
};

TEST_P(FastPool, WindowedRandomShapes) {
  std::mt19937 rng(21);
  auto pick = [&](int lo, int hi) { return lo + static_cast<int>(rng() % (hi - lo + 1)); };
  int made = 0;
  for (int i = 0; i < 150 && !HasFailure(); ++i) {
    PoolParams p;
    p.type = rng() % 2 ? PoolType::Max : PoolType::Avg;
    p.kernel_h = pick(1, 4), p.kernel_w = rng() % 3 ? p.kernel_h : pick(1, 4);
    p.stride_h = pick(1, 3), p.stride_w = rng() % 3 ? p.stride_h : pick(1, 3);
    p.pads = {pick(0, p.kernel_h - 1), pick(0, p.kernel_w - 1), pick(0, p.kernel_h - 1), pick(0, p.kernel_w - 1)};
    p.ceil_mode = rng() % 2;
    p.count_include_pad = rng() % 2;
    const int64_t c = pick(1, 9), h = pick(p.kernel_h, 40), w = pick(p.kernel_w, 45);
    std::ostringstream what;
    what << (p.type == PoolType::Max ? "max" : "avg") << " pool [1," << c << "," << h << "," << w << "] k" << p.kernel_h
         << "x" << p.kernel_w << " s" << p.stride_h << "x" << p.stride_w << " pad " << p.pads.top << "," << p.pads.left
         << "," << p.pads.bottom << "," << p.pads.right << " ceil " << p.ceil_mode << " incl " << p.count_include_pad;
    Node node = makeFastNode(OpKind::Pooling, p);
    const std::string name = compareWithReference(node, {randomTensor({1, c, h, w}, rng)}, GetParam(), 1e-5, what.str());
    made += !name.empty();
  }
  EXPECT_GT(made, 100) << "most random pooling cases should have a fast kernel";
}

TEST_P(FastPool, GlobalMaxAndAverage) {
  std::mt19937 rng(8);
  for (PoolType type : {PoolType::Max, PoolType::Avg}) {
    for (bool keep : {false, true}) {
      for (int64_t hw : {1, 7, 13, 56}) {
        PoolParams p;
        p.type = type, p.global = true, p.keep_dims = keep;
        Node node = makeFastNode(OpKind::Pooling, p);
        const std::string name =
            compareWithReference(node, {randomTensor({1, 37, hw, hw}, rng)}, GetParam(), 1e-5, "global pool");
        EXPECT_NE(name.find("global"), std::string::npos) << name;
      }
    }
  }
}

// A window that covers the whole plane without pads (resnet50's 7x7 pool5, stride 1, both
// rounding modes) runs as the global reduction; with a pad it stays a window pool.
TEST_P(FastPool, WholePlaneWindowIsTheGlobalReduction) {
  std::mt19937 rng(12);
  for (PoolType type : {PoolType::Max, PoolType::Avg})
    for (bool ceil : {false, true})
      for (int64_t hw : {1, 3, 7}) {
        PoolParams p;
        p.type = type, p.kernel_h = p.kernel_w = static_cast<int>(hw), p.stride_h = p.stride_w = 1, p.ceil_mode = ceil;
        p.count_include_pad = ceil;
        Node node = makeFastNode(OpKind::Pooling, p);
        const std::string what = std::string(type == PoolType::Max ? "max" : "avg") + " " + std::to_string(hw) + "x" + std::to_string(hw);
        const std::string name = compareWithReference(node, {randomTensor({1, 37, hw, hw}, rng)}, GetParam(), 1e-5, what);
        EXPECT_NE(name.find("global"), std::string::npos) << what << ": " << name;
      }
  PoolParams padded;
  padded.type = PoolType::Avg, padded.kernel_h = padded.kernel_w = 7, padded.stride_h = padded.stride_w = 7;
  padded.pads = {1, 1, 1, 1};
  const std::string name =
      compareWithReference(makeFastNode(OpKind::Pooling, padded), {randomTensor({1, 5, 7, 7}, rng)}, GetParam(), 1e-5, "padded 7x7");
  EXPECT_EQ(name.find("global"), std::string::npos) << name;
}

TEST_P(FastPool, ResnetMaxPool) {
  std::mt19937 rng(3);
  PoolParams p;
  p.type = PoolType::Max, p.kernel_h = p.kernel_w = 3, p.stride_h = p.stride_w = 2, p.pads = {0, 0, 1, 1};
  p.ceil_mode = true;
  Node node = makeFastNode(OpKind::Pooling, p);
  const std::string name = compareWithReference(node, {randomTensor({1, 64, 112, 112}, rng)}, GetParam(), 0, "pool1");
  EXPECT_EQ(name, std::string("f32_maxpool_") + toString(GetParam()));
}

INSTANTIATE_TEST_SUITE_P(Isa, FastPool, ::testing::ValuesIn(fastIsaLevels()),
                         [](const ::testing::TestParamInfo<Isa>& i) { return std::string(toString(i.param)); });

}  // namespace
}  // namespace eqw::testing

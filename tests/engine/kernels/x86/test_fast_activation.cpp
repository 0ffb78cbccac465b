// Fast standalone activations (every ActKind) against the reference kernel, element by
// element: random inputs in [-20, 20] plus edge values (zeros, infinities, the exp overflow
// and underflow borders, the largest floats), every tail length of the vector loop.
#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <random>

#include "core/parallel.h"
#include "fast_test_util.h"
#include "kernels/fast.h"
#include "kernels/fast_ukernels.h"

namespace eqw::testing {
namespace {

constexpr double kRel = 1e-5, kAbs = 1e-6;

const Activation kActs[] = {{ActKind::None, 0, 0},          {ActKind::ReLU, 0, 0},
                            {ActKind::LeakyReLU, 0.1f, 0},  {ActKind::Clip, -1.f, 6.f},
                            {ActKind::Sigmoid, 0, 0},       {ActKind::HardSigmoid, 0.2f, 0.5f},
                            {ActKind::HardSwish, 1 / 6.f, 0.5f}, {ActKind::Swish, 0, 0},
                            {ActKind::Mish, 0, 0},          {ActKind::TanH, 0, 0}};

bool transcendental(ActKind k) {
  return k == ActKind::Sigmoid || k == ActKind::Swish || k == ActKind::Mish || k == ActKind::TanH;
}

// Edge values first, then uniform [-20, 20]. NaN only for the transcendental kinds: the
// piecewise ones use max/min, which (like the epilogues) do not promise to keep a NaN.
Tensor activationInput(const Shape& shape, ActKind kind, std::mt19937& rng) {
  Tensor t = randomTensor(shape, rng, -20.f, 20.f);
  std::vector<float> edges = {0.f,     -0.f,   INFINITY, -INFINITY, 1e30f,   -1e30f,   FLT_MAX, -FLT_MAX,
                              88.f,    -88.f,  89.f,     -89.f,     87.5f,   -87.5f,   100.f,   -100.f,
                              20.f,    -20.f,  20.5f,    -20.5f,    0.625f,  -0.625f,  0.6249f, -0.6249f,
                              1e-30f,  -1e-30f, 1e-4f,   -1e-4f,    1e-7f,   -1e-7f,   5.f,     -5.f};
  if (transcendental(kind)) edges.push_back(std::nanf(""));
  for (size_t i = 0; i < edges.size() && static_cast<int64_t>(i) < t.numel(); ++i) t.f32()[i] = edges[i];
  return t;
}

// Every element within kAbs + kRel |want|; NaN where the reference has NaN; infinities equal.
void expectClose(const float* got, const float* want, const float* x, int64_t n, const std::string& what) {
  int bad = 0;
  for (int64_t i = 0; i < n && bad < 5; ++i) {
    const float g = got[i], w = want[i];
    const bool ok = std::isnan(w) ? std::isnan(g)
                    : std::isinf(w) ? g == w
                                    : std::fabs(double(g) - w) <= kAbs + kRel * std::fabs(double(w));
    if (!ok) {
      ++bad;
      ADD_FAILURE() << what << ": x[" << i << "] = " << x[i] << " gives " << g << ", reference " << w;
    }
  }
}

class FastActivation : public ::testing::TestWithParam<Isa> {
 protected:
  void SetUp() override {
    if (!isaSupported(GetParam())) GTEST_SKIP() << "this CPU does not run " << toString(GetParam());
  }
  // The fast kernel of an Activation node against the reference kernel; returns its name.
  std::string check(const Activation& act, const Shape& shape, const ThreadPool* pool) {
    const std::string what = std::string(toString(act.kind)) + " " + toString(GetParam());
    Node node = makeFastNode(OpKind::Activation, ActivationParams{act});
    std::vector<Tensor> in{activationInput(shape, act.kind, rng)};
    std::vector<Shape> out;
    if (!inferShapes(node, in, &out)) return "";
    auto ref = kernels::makeReferenceKernel(node, {shape}, out);
    auto fast = kernels::makeFastKernel(node, {shape}, out, GetParam());
    if (!ref || !*ref || !fast || !*fast) {
      ADD_FAILURE() << what << ": no reference or no fast kernel";
      return "";
    }
    Status s;
    const auto want = runKernel(**ref, in, out, nullptr, &s);
    EXPECT_TRUE(s.isOk()) << s.toString();
    const auto got = runKernel(**fast, in, out, pool, &s);
    EXPECT_TRUE(s.isOk()) << s.toString();
    expectClose(got[0].f32(), want[0].f32(), in[0].f32(), want[0].numel(), what + " via " + (*fast)->name());
    return (*fast)->name();
  }
  std::mt19937 rng{2024};
};

TEST_P(FastActivation, EveryKindMatchesReference) {
  const std::string suffix = std::string("_") + toString(GetParam());
  for (const Activation& a : kActs)
    for (const Shape& s : {Shape{1, 7, 13, 11}, Shape{1, 3}, Shape{1, 40}}) {
      const std::string name = check(a, s, nullptr);
      EXPECT_NE(name.find("activation"), std::string::npos) << toString(a.kind) << " ran '" << name << "'";
      EXPECT_EQ(name.find("_ref"), std::string::npos) << toString(a.kind) << " ran '" << name << "'";
    }
}

TEST_P(FastActivation, ThreadedBlocksMatchReference) {
  ThreadPool pool(2);
  for (const Activation& a : kActs)
    if (transcendental(a.kind)) check(a, Shape{1, 24, 57, 57}, &pool);
}

// The vector loop alone at every length up to four registers past the unrolled step, in place
// (y aliasing x, as the header allows), against ops.h applyActivation.
TEST_P(FastActivation, TailLengthsInPlace) {
  const kernels::FastUkernels* uk = kernels::fastUkernels(GetParam());
  ASSERT_NE(uk, nullptr);
  ASSERT_NE(uk->transAct, nullptr);
  const std::pair<ActKind, int32_t> codes[] = {{ActKind::Sigmoid, kernels::kF32TActSigmoid},
                                               {ActKind::Swish, kernels::kF32TActSwish},
                                               {ActKind::TanH, kernels::kF32TActTanH},
                                               {ActKind::Mish, kernels::kF32TActMish}};
  std::uniform_real_distribution<float> dist(-20.f, 20.f);
  for (const auto& [kind, code] : codes)
    for (int n = 0; n <= 6 * uk->vectorFloats; ++n) {
      std::vector<float> x(n + 1), buf(n + 1), want(n);
      for (float& v : x) v = dist(rng);
      buf = x;
      const float sentinel = buf[n];
      for (int i = 0; i < n; ++i) want[i] = applyActivation(Activation{kind, 0, 0}, x[i]);
      uk->transAct(code, buf.data(), buf.data(), n);
      expectClose(buf.data(), want.data(), x.data(), n, std::string(toString(kind)) + " n=" + std::to_string(n));
      EXPECT_EQ(buf[n], sentinel) << toString(kind) << " wrote past n=" << n;
    }
}

INSTANTIATE_TEST_SUITE_P(Isas, FastActivation, ::testing::ValuesIn(fastIsaLevels()),
                         [](const auto& info) { return std::string(toString(info.param)); });

}  // namespace
}  // namespace eqw::testing

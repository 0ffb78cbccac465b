// The integer engine on the Fashion-MNIST sample: with the same spec, its predictions equal the
// fake-quant executor's on at least 99.8 % of the 500 test images, for INT8 and INT7, at every
// kernel level this CPU runs (the integer reference included, on fewer images: it is slow), its
// outputs stay within the documented cosine bound, and evaluate() runs it.
#include <eqw/eval.h>
#include <eqw/fakequant.h>
#include <eqw/integer.h>
#include <eqw/runtime.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <tuple>

#include "engine/eval/sample_spec.h"

namespace eqw {
namespace {

int argmax(const Tensor& t) { return static_cast<int>(std::max_element(t.f32(), t.f32() + t.numel()) - t.f32()); }

struct Agreement {
  int64_t images = 0, same = 0;
  double worstCosine = 1.0;
};

Agreement compare(const test::EvalSample& s, const QuantSpec& spec, const ExecutorOptions& eo, int64_t maxImages) {
  Agreement a;
  auto fq = fakeQuantGraph(s.graph, spec);
  auto ig = integerGraph(s.graph, spec);
  EXPECT_TRUE(fq.isOk() && ig.isOk());
  if (!fq || !ig) return a;
  ExecutorOptions fo = eo;
  fo.reference = false;
  auto fe = Executor::create(*fq, fo);
  auto ie = Executor::create(*ig, eo);
  EXPECT_TRUE(fe.isOk() && ie.isOk());
  if (!fe || !ie) return a;
  Diagnostics diags;
  Status st = forEachSample(s.test, s.pre, [&](size_t, const Sample&, const Tensor& x) {
    EXPECT_TRUE((*fe)->run({x}).isOk());
    EXPECT_TRUE((*ie)->run({x}).isOk());
    const Tensor& f = (*fe)->output(0);
    const Tensor& q = (*ie)->output(0);
    a.same += argmax(f) == argmax(q);
    double dot = 0, ff = 0, qq = 0;
    for (int64_t i = 0; i < f.numel(); ++i) dot += f.f32()[i] * q.f32()[i], ff += f.f32()[i] * f.f32()[i], qq += q.f32()[i] * q.f32()[i];
    a.worstCosine = std::min(a.worstCosine, dot / std::sqrt(ff * qq));
    return ++a.images < maxImages;
  }, diags);
  EXPECT_TRUE(st.isOk() || st.code() == StatusCode::Cancelled) << st.toString();
  return a;
}

class IntegerSample : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::string why = test::loadEvalSample(s_); !why.empty()) GTEST_SKIP() << why;
  }
  test::EvalSample s_;
};

TEST_F(IntegerSample, PredictionsEqualTheFakeQuantExecutors) {
  for (Precision p : {Precision::Int8, Precision::Int7}) {
    std::string why;
    const QuantSpec spec = test::maxSpec(s_, p, why);
    ASSERT_TRUE(why.empty()) << why;
    struct Level {
      const char* name;
      Isa isa;
      bool reference;
      int64_t images;
    };
    for (Level l : {Level{"best", Isa::Avx512Vnni, false, 500}, Level{"avx2", Isa::Avx2, false, 200},
                    Level{"sse41", Isa::Sse41, false, 100}, Level{"integer reference", Isa::Scalar, true, 100}}) {
      ExecutorOptions eo;
      eo.isa = l.isa;
      eo.reference = l.reference;
      const Agreement a = compare(s_, spec, eo, l.images);
      ASSERT_GT(a.images, 0);
      const double share = static_cast<double>(a.same) / static_cast<double>(a.images);
      std::printf("%s %s: %lld / %lld same top-1 (%.2f %%), worst output cosine %.6f\n", toString(p), l.name,
                  static_cast<long long>(a.same), static_cast<long long>(a.images), 100.0 * share, a.worstCosine);
      EXPECT_GE(share, 0.998) << toString(p) << " " << l.name;
      // The documented bound: integer sums are exact where the fake-quant executor rounds its float
      // sums, so a value on a rounding boundary of the next layer's grid can land one step away;
      // seen here: worst per-image output cosine 0.99995 (INT8) and 0.9998 (INT7, coarser grid).
      EXPECT_GT(a.worstCosine, p == Precision::Int8 ? 0.9999 : 0.999) << toString(p) << " " << l.name;
    }
  }
}

// The int8 flow (planInt8Flow) changes where values are converted, not a single bit: every test
// image's output is byte-identical with the flow on and off, for INT8 and INT7, at every kernel
// level this CPU runs and on the integer reference.
TEST_F(IntegerSample, Int8FlowOutputsAreBitIdenticalToTheFloatRoundTrip) {
  for (Precision p : {Precision::Int8, Precision::Int7}) {
    std::string why;
    const QuantSpec spec = test::maxSpec(s_, p, why);
    ASSERT_TRUE(why.empty()) << why;
    auto on = integerGraph(s_.graph, spec);
    auto off = integerGraph(s_.graph, spec, IntegerGraphOptions{false});
    ASSERT_TRUE(on.isOk() && off.isOk());
    int integers = 0;
    for (size_t v = 0; v < on->values.size(); ++v) integers += valueDType(*on, static_cast<int>(v)) != DType::F32;
    EXPECT_GT(integers, 0) << "the sample has consecutive integer layers";
    for (auto [isa, reference, images] : {std::tuple{Isa::Avx512Vnni, false, 500}, std::tuple{Isa::Avx2, false, 200},
                                          std::tuple{Isa::Sse41, false, 100}, std::tuple{Isa::Scalar, true, 50}}) {
      ExecutorOptions eo;
      eo.isa = isa;
      eo.reference = reference;
      auto a = Executor::create(*on, eo);
      auto b = Executor::create(*off, eo);
      ASSERT_TRUE(a.isOk() && b.isOk());
      int64_t seen = 0, differ = 0;
      Diagnostics diags;
      Status st = forEachSample(s_.test, s_.pre, [&](size_t, const Sample&, const Tensor& x) {
        EXPECT_TRUE((*a)->run({x}).isOk());
        EXPECT_TRUE((*b)->run({x}).isOk());
        const Tensor& y = (*a)->output(0);
        const Tensor& z = (*b)->output(0);
        differ += y.numel() != z.numel() || std::memcmp(y.f32(), z.f32(), y.bytes()) != 0;
        return ++seen < images;
      }, diags);
      EXPECT_TRUE(st.isOk() || st.code() == StatusCode::Cancelled) << st.toString();
      EXPECT_EQ(differ, 0) << toString(p) << " " << toString(isa) << (reference ? " reference" : "") << ": " << differ << " of "
                           << seen << " outputs differ";
    }
  }
}

TEST_F(IntegerSample, EvaluateRunsTheIntegerEngine) {
  std::string why;
  const QuantSpec spec = test::maxSpec(s_, Precision::Int8, why);
  ASSERT_TRUE(why.empty()) << why;
  EvalOptions eo;
  eo.max_images = 200;
  Diagnostics diags;
  auto r = evaluate(s_.graph, {{"int8", spec, false}, {"int8-int", spec, true}}, s_.test, s_.pre, eo, {}, diags);
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  ASSERT_EQ(r->variants.size(), 2u);
  ASSERT_TRUE(r->variants[0].top1 && r->variants[1].top1);
  EXPECT_NEAR(*r->variants[1].top1, *r->variants[0].top1, 0.005);
  EXPECT_GT(r->variants[1].output.cosine, 0.99);
}

}  // namespace
}  // namespace eqw

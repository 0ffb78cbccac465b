// evaluate() on the Fashion-MNIST sample: FP32 accuracy as recorded in docs/accuracy.md, INT8
// (max thresholds) agreement, isolated vs cumulative error, an all-FP32 spec that must be exact,
// and a deliberately broken layer that must come out worst. Plus cancel, limits and bad input.
#include <eqw/eval.h>
#include <eqw/table.h>

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "engine/eval/sample_spec.h"

namespace eqw {
namespace {

using test::EvalSample;

#define LOAD_OR_SKIP(s)                                          \
  EvalSample s;                                                  \
  if (std::string why = test::loadEvalSample(s); !why.empty()) { GTEST_SKIP() << why; } \
  static_assert(true)

QuantSpec allFp32(const Graph& g) {
  QuantSpec spec;
  for (const Node& n : g.nodes)
    if (isQuantizable(n)) spec.layers.push_back(LayerQuant{n.name, Precision::Fp32, Granularity::PerChannel, false, {}, {}, ""});
  return spec;
}

const VariantEval* variant(const EvalReport& r, const std::string& name) {
  for (const VariantEval& v : r.variants)
    if (v.name == name) return &v;
  return nullptr;
}

TEST(Evaluate, FashionMnistInt8Fp32AndABrokenLayer) {
  LOAD_OR_SKIP(s);
  std::string why;
  QuantSpec int8 = test::maxSpec(s, Precision::Int8, why);
  ASSERT_TRUE(why.empty()) << why;
  ASSERT_GE(int8.layers.size(), 10u);

  // A layer in the middle of the network gets its input threshold cut by 50: heavy clipping.
  QuantSpec broken = int8;
  const std::string victim = broken.layers[broken.layers.size() / 2].layer;
  broken.layers[broken.layers.size() / 2].input.value /= 50.f;

  EvalOptions opt;
  opt.per_layer = true;
  Diagnostics diags;
  int64_t lastDone = 0, lastTotal = 0;
  auto report = evaluate(s.graph, {{"int8", int8}, {"fp32", allFp32(s.graph)}, {"broken", broken}}, s.test, s.pre, opt,
                         [&](int64_t done, int64_t total) {
                           lastDone = done;
                           lastTotal = total;
                           return true;
                         },
                         diags);
  ASSERT_TRUE(report.isOk()) << report.status().toString();
  EXPECT_TRUE(diags.empty());
  EXPECT_EQ(report->images, 500);
  EXPECT_EQ(report->labelled, 500);
  EXPECT_EQ(lastDone, 500);
  EXPECT_EQ(lastTotal, 500);
  ASSERT_TRUE(report->fp32_top1.has_value());
  EXPECT_NEAR(*report->fp32_top1, 0.938, 1e-9);  // docs/accuracy.md, samples/fashion-mnist/meta.json
  EXPECT_GE(*report->fp32_top5, *report->fp32_top1);

  const VariantEval* q = variant(*report, "int8");
  ASSERT_NE(q, nullptr);
  EXPECT_GT(q->agreement, 0.97);
  EXPECT_NEAR(*q->top1, *report->fp32_top1, 0.02);
  EXPECT_GT(q->output.cosine, 0.99);
  EXPECT_LT(q->output.cosine, 1.0);
  std::printf("int8 (max): top-1 %.4f, top-5 %.4f, agreement %.4f, output cosine %.6f, SQNR %.2f dB\n", *q->top1, *q->top5,
              q->agreement, q->output.cosine, q->output.sqnr_db);

  // Isolated error is the layer's own; cumulative adds what it inherits, so isolated cosine is
  // at least the cumulative one for most layers (not all: errors can cancel).
  ASSERT_EQ(q->layers.size(), int8.layers.size());
  int atLeast = 0;
  for (const LayerEval& l : q->layers) {
    EXPECT_TRUE(l.quantized);
    EXPECT_EQ(l.cumulative.images, 500);
    EXPECT_EQ(l.isolated.images, 500);
    EXPECT_GT(l.isolated.cosine, 0.9) << l.layer;
    atLeast += l.isolated.cosine >= l.cumulative.cosine - 1e-9;
  }
  EXPECT_GE(atLeast * 4, static_cast<int>(q->layers.size()) * 3) << atLeast << " of " << q->layers.size();
  // The first quantized layer reads the graph input, so isolated and cumulative are the same
  // computation done by two paths (the kernel alone vs the fake-quant graph).
  EXPECT_NEAR(q->layers.front().isolated.cosine, q->layers.front().cumulative.cosine, 1e-12);
  EXPECT_NEAR(q->layers.front().isolated.sqnr_db, q->layers.front().cumulative.sqnr_db, 1e-6);

  const VariantEval* f = variant(*report, "fp32");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->output.cosine, 1.0);
  EXPECT_EQ(f->agreement, 1.0);
  EXPECT_EQ(*f->top1, *report->fp32_top1);
  for (const LayerEval& l : f->layers) {
    EXPECT_FALSE(l.quantized);
    EXPECT_EQ(l.cumulative.cosine, 1.0) << l.layer;
    EXPECT_TRUE(std::isinf(l.cumulative.sqnr_db)) << l.layer;
    EXPECT_EQ(l.isolated.cosine, 1.0) << l.layer;
    EXPECT_EQ(l.isolated.images, 500) << l.layer;
  }
  EXPECT_TRUE(worstLayers(*f, RankBy::Isolated, 10).empty());

  const VariantEval* b = variant(*report, "broken");
  ASSERT_NE(b, nullptr);
  auto worst = worstLayers(*b, RankBy::Isolated, 3);
  ASSERT_EQ(worst.size(), 3u);
  EXPECT_EQ(worst[0].layer, victim);
  EXPECT_LE(worst[0].isolated.cosine, worst[1].isolated.cosine);
  auto worstCum = worstLayers(*b, RankBy::Cumulative, 100);
  EXPECT_EQ(worstCum.size(), b->layers.size());
  for (const LayerEval& l : worstLayers(*q, RankBy::Isolated, 5))
    std::printf("int8 worst isolated: %-24s cosine %.6f SQNR %.2f dB\n", l.layer.c_str(), l.isolated.cosine, l.isolated.sqnr_db);
  for (const LayerEval& l : worstLayers(*q, RankBy::Cumulative, 5))
    std::printf("int8 worst cumulative: %-24s cosine %.6f SQNR %.2f dB\n", l.layer.c_str(), l.cumulative.cosine,
                l.cumulative.sqnr_db);
}

// With only layer L quantized, the whole network's error at L is L's own: the cumulative metrics
// (fake-quant graph, FakeQuant node + conv kernel) must equal the isolated ones (the cached
// kernel on the FP32 input, quantized by the evaluator) — two independent paths.
TEST(Evaluate, IsolatedEqualsCumulativeWhenOnlyThatLayerIsQuantized) {
  LOAD_OR_SKIP(s);
  std::string why;
  QuantSpec int8 = test::maxSpec(s, Precision::Int8, why);
  ASSERT_TRUE(why.empty()) << why;
  std::vector<EvalVariant> variants;
  for (size_t pick : {size_t{3}, int8.layers.size() / 2, int8.layers.size() - 1}) {
    QuantSpec one = allFp32(s.graph);
    one.layers[pick] = int8.layers[pick];
    variants.push_back({"only_" + std::to_string(pick), one});
  }
  EvalOptions opt;
  opt.per_layer = true;
  opt.max_images = 40;
  Diagnostics diags;
  auto report = evaluate(s.graph, variants, s.test, s.pre, opt, {}, diags);
  ASSERT_TRUE(report.isOk()) << report.status().toString();
  for (const VariantEval& v : report->variants) {
    auto worst = worstLayers(v, RankBy::Isolated, 10);
    ASSERT_EQ(worst.size(), 1u) << v.name;
    const LayerEval& l = worst[0];
    EXPECT_LT(l.isolated.cosine, 1.0) << l.layer;
    EXPECT_NEAR(l.isolated.cosine, l.cumulative.cosine, 1e-9) << l.layer;
    EXPECT_NEAR(l.isolated.sqnr_db, l.cumulative.sqnr_db, 1e-4) << l.layer;
    EXPECT_NEAR(l.isolated.mse, l.cumulative.mse, 1e-6 * l.cumulative.mse) << l.layer;
    EXPECT_NEAR(l.isolated.max_abs, l.cumulative.max_abs, 1e-5) << l.layer;
    // Layers before L are untouched in every sense.
    for (const LayerEval& e : v.layers) {
      if (e.layer == l.layer) break;
      EXPECT_EQ(e.cumulative.cosine, 1.0) << e.layer;
      EXPECT_EQ(e.cumulative.max_abs, 0.0) << e.layer;
    }
  }
}

TEST(Evaluate, WorstLayersRanking) {
  VariantEval v;
  auto layer = [](const char* name, bool quantized, double iso, double cum, double cumSqnr) {
    LayerEval l;
    l.layer = name;
    l.quantized = quantized;
    l.isolated.cosine = iso;
    l.cumulative.cosine = cum;
    l.cumulative.sqnr_db = cumSqnr;
    return l;
  };
  v.layers = {layer("a", true, 0.99, 0.99, 20), layer("b", false, 1.0, 0.95, 15), layer("c", true, 0.97, 0.95, 10),
              layer("d", true, 0.999, 0.98, 25)};
  auto iso = worstLayers(v, RankBy::Isolated, 10);
  ASSERT_EQ(iso.size(), 3u);  // the FP32 layer has no error of its own
  EXPECT_EQ(iso[0].layer, "c");
  EXPECT_EQ(iso[1].layer, "a");
  EXPECT_EQ(iso[2].layer, "d");
  auto cum = worstLayers(v, RankBy::Cumulative, 2);
  ASSERT_EQ(cum.size(), 2u);
  EXPECT_EQ(cum[0].layer, "c");  // same cosine as b, lower SQNR
  EXPECT_EQ(cum[1].layer, "b");
}

TEST(Evaluate, Int7IsWorseThanInt8WithoutPerLayer) {
  LOAD_OR_SKIP(s);
  std::string why;
  QuantSpec int8 = test::maxSpec(s, Precision::Int8, why);
  QuantSpec int7 = test::maxSpec(s, Precision::Int7, why);
  ASSERT_TRUE(why.empty()) << why;
  EvalOptions opt;
  opt.max_images = 200;
  opt.threads = 2;
  Diagnostics diags;
  auto report = evaluate(s.graph, {{"int8", int8}, {"int7", int7}}, s.test, s.pre, opt, {}, diags);
  ASSERT_TRUE(report.isOk()) << report.status().toString();
  EXPECT_EQ(report->images, 200);
  ASSERT_EQ(report->variants.size(), 2u);
  EXPECT_TRUE(report->variants[0].layers.empty());
  EXPECT_GT(report->variants[0].output.sqnr_db, report->variants[1].output.sqnr_db);
}

TEST(Evaluate, CancelLimitsAndBadInput) {
  LOAD_OR_SKIP(s);
  Diagnostics diags;
  auto cancelled = evaluate(s.graph, {}, s.test, s.pre, {}, [](int64_t done, int64_t) { return done < 3; }, diags);
  EXPECT_EQ(cancelled.status().code(), StatusCode::Cancelled);

  QuantSpec spec = allFp32(s.graph);
  auto dup = evaluate(s.graph, {{"a", spec}, {"a", spec}}, s.test, s.pre, {}, {}, diags);
  EXPECT_EQ(dup.status().code(), StatusCode::InvalidArgument);
  EXPECT_NE(dup.status().message().find("'a' given twice"), std::string::npos) << dup.status().message();

  QuantSpec bad = spec;
  bad.layers.push_back(LayerQuant{"no_such_layer", Precision::Int8, Granularity::PerTensor, false, {1.f, "max"}, {1.f}, "max"});
  auto unknown = evaluate(s.graph, {{"bad", bad}}, s.test, s.pre, {}, {}, diags);
  EXPECT_FALSE(unknown.isOk());
  EXPECT_NE(unknown.status().message().find("no_such_layer"), std::string::npos) << unknown.status().message();

  Dataset missing;
  missing.source = "nowhere";
  missing.samples = {{"/nonexistent/a.png", 1}, {"/nonexistent/b.png", 2}};
  Diagnostics skipped;
  auto none = evaluate(s.graph, {}, missing, s.pre, {}, {}, skipped);
  EXPECT_EQ(none.status().code(), StatusCode::InvalidArgument);
  EXPECT_EQ(skipped.size(), 2u);

  Preprocess wrongSize = s.pre;
  wrongSize.width = 32;
  auto mismatch = evaluate(s.graph, {}, s.test, wrongSize, {}, {}, diags);
  EXPECT_FALSE(mismatch.isOk());
}

// The CLI test's table (tests/data/eval/fashion_mnist_max.table) is what this spec writes:
// max thresholds from the 200 calibration images. EQW_UPDATE_FIXTURES=1 rewrites it.
TEST(Evaluate, CommittedTableMatchesTheMaxSpec) {
  LOAD_OR_SKIP(s);
  std::string why;
  QuantSpec int8 = test::maxSpec(s, Precision::Int8, why);
  ASSERT_TRUE(why.empty()) << why;
  const std::string path = std::string(EQW_SOURCE_DIR) + "/tests/data/eval/fashion_mnist_max.table";
  if (std::getenv("EQW_UPDATE_FIXTURES")) {
    ASSERT_TRUE(writeNcnnTable(s.graph, int8, path).isOk());
  }
  Diagnostics diags;
  auto read = readNcnnTable(s.graph, path, 8, {}, &diags);
  ASSERT_TRUE(read.isOk()) << read.status().toString();
  EXPECT_TRUE(diags.empty());
  ASSERT_EQ(read->layers.size(), int8.layers.size());
  for (size_t i = 0; i < int8.layers.size(); ++i) {
    const LayerQuant &a = read->layers[i], &b = int8.layers[i];
    EXPECT_EQ(a.layer, b.layer);
    EXPECT_NEAR(a.input.value, b.input.value, 1e-4 * b.input.value) << a.layer;
    ASSERT_EQ(a.weight_thresholds.size(), b.weight_thresholds.size()) << a.layer;
    for (size_t c = 0; c < a.weight_thresholds.size(); ++c)
      EXPECT_NEAR(a.weight_thresholds[c], b.weight_thresholds[c], 1e-4 * b.weight_thresholds[c]) << a.layer << " channel " << c;
  }
}

}  // namespace
}  // namespace eqw

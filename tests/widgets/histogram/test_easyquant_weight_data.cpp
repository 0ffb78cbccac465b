// EasyQuantCurveData from a real (small) EasyQuant run on the sample: the chosen point is the
// threshold EasyQuant put in the Session's spec and the best candidate of the curve.
// WeightRangeData against a brute-force min / max over the node's weights, with the spec's
// thresholds per channel (and per tensor).
#include "histogram/easyquant_curve_data.h"
#include "histogram/weight_range_data.h"
#include "widgets/sample_session.h"

#include <QTest>

#include <algorithm>
#include <cmath>

using namespace eqw;
using eqw::widgets::EasyQuantCurveData;
using eqw::widgets::WeightRangeData;

class EasyQuantWeightDataTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void easyQuantCurveOfARealRun() {
    Session session;
    Status s = testing::prepareSample(session);
    QVERIFY2(s.isOk(), s.message().c_str());
    EasyQuantOptions options;
    options.images = 8;
    options.candidates = 12;
    options.max_rounds = 2;
    options.threads = 2;
    Diagnostics diags;
    s = session.refineEasyQuant(options, {}, diags);
    QVERIFY2(s.isOk(), s.message().c_str());
    const EasyQuantResult* eq = session.easyQuant();
    QVERIFY(eq && !eq->layers.empty());
    for (const EasyQuantLayer& rec : eq->layers) {
      auto data = EasyQuantCurveData::make(*eq, rec.layer);
      QVERIFY2(data.isOk(), data.status().message().c_str());
      // The chosen point is the spec's threshold (no overrides here) ...
      const LayerQuant* lq = session.spec()->find(rec.layer);
      QVERIFY(lq);
      QCOMPARE(data->chosenThreshold(), lq->input.value);
      QCOMPARE(lq->input.method, std::string("eq"));
      // ... at a candidate of the curve, within float rounding of qmax / T ...
      const double expectedScale = qmax(rec.bits, lq->unsigned_input) / static_cast<double>(lq->input.value);
      const double candidate = data->scales()[static_cast<size_t>(data->chosenIndex())];
      QVERIFY2(std::abs(candidate - expectedScale) <= 1e-5 * expectedScale, rec.layer.c_str());
      // ... and the best objective of the search.
      QCOMPARE(data->chosenObjective(), *std::max_element(data->objective().begin(), data->objective().end()));
      QCOMPARE(data->scales().size(), rec.activation_curve.scales.size());
      QVERIFY(std::is_sorted(data->scales().begin(), data->scales().end()));
      QCOMPARE(data->rounds().size(), rec.rounds.size());
      QCOMPARE(data->bits(), rec.bits);
    }
    QCOMPARE(EasyQuantCurveData::make(*eq, "no such layer").status().code(), StatusCode::NotFound);
  }

  void weightRangesAreBruteForceMinMax() {
    Session session;
    Status s = testing::prepareSample(session);
    QVERIFY2(s.isOk(), s.message().c_str());
    const Graph& g = session.canonicalGraph();
    int layers = 0;
    for (const Node& n : g.nodes) {
      if (!isQuantizable(n)) {
        QVERIFY(!WeightRangeData::make(g, n.name, session.spec()).isOk());
        continue;
      }
      auto data = WeightRangeData::make(g, n.name, session.spec());
      QVERIFY2(data.isOk(), data.status().message().c_str());
      const Tensor& w = n.weights[0];
      const int64_t out = w.dim(0);
      QCOMPARE(static_cast<int64_t>(data->channels()), out);
      std::vector<float> lo(out, INFINITY), hi(out, -INFINITY);
      for (int64_t i = 0; i < w.numel(); ++i) {
        const int64_t o = i / (w.numel() / out);
        lo[o] = std::min(lo[o], w.f32()[i]);
        hi[o] = std::max(hi[o], w.f32()[i]);
      }
      for (int64_t o = 0; o < out; ++o) {
        QCOMPARE(data->mins()[o], lo[o]);
        QCOMPARE(data->maxs()[o], hi[o]);
      }
      const LayerQuant* lq = session.spec()->find(n.name);
      QVERIFY(lq);
      QCOMPARE(data->thresholds().size(), static_cast<size_t>(out));
      if (lq->weight_granularity == Granularity::PerChannel)
        for (int64_t o = 0; o < out; ++o) QCOMPARE(data->thresholds()[o], lq->weight_thresholds[o]);
      // The same layer per tensor: one threshold for every channel.
      QuantSpec perTensor = *session.spec();
      LayerQuant* edited = perTensor.find(n.name);
      edited->weight_granularity = Granularity::PerTensor;
      edited->weight_thresholds = {0.75f};
      auto one = WeightRangeData::make(g, n.name, &perTensor);
      QVERIFY(one.isOk());
      QCOMPARE(one->thresholds(), std::vector<float>(out, 0.75f));
      // No spec: the ranges alone.
      auto bare = WeightRangeData::make(g, n.name, nullptr);
      QVERIFY(bare.isOk() && bare->thresholds().empty());
      ++layers;
    }
    QVERIFY(layers >= 3);
    QCOMPARE(WeightRangeData::make(g, "no such layer", nullptr).status().code(), StatusCode::NotFound);
  }
};

QTEST_MAIN(EasyQuantWeightDataTest)
#include "test_easyquant_weight_data.moc"

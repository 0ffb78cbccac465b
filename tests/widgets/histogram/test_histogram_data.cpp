// HistogramData: the thresholds are the engine's methods' own (checked against
// makeCalibrationMethod on the sample's real statistics), failures are kept with their reason,
// and the clipped mass and the grid match independent computations on known data.
#include "histogram/histogram_data.h"
#include "widgets/sample_session.h"

#include <QTest>

#include <cmath>
#include <numeric>

using namespace eqw;
using eqw::widgets::HistogramData;

class HistogramDataTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void thresholdsAreTheEnginesOnTheSample() {
    Session session;
    Status s = testing::prepareSample(session);
    QVERIFY2(s.isOk(), s.message().c_str());
    const Graph& g = session.canonicalGraph();
    int layers = 0;
    for (const Node& n : g.nodes) {
      if (!isQuantizable(n)) continue;
      const TensorStats* ts = session.statistics()->find(n.inputs[0]);
      QVERIFY(ts);
      for (int bits : {8, 7}) {
        auto data = HistogramData::make(*ts, bits);
        QVERIFY2(data.isOk(), data.status().message().c_str());
        QCOMPARE(data->thresholds().size() + data->failures().size(), calibrationMethodNames().size());
        for (const std::string& name : calibrationMethodNames()) {
          auto expected = (*makeCalibrationMethod(name))->threshold(*ts, bits);
          const auto got = data->threshold(name);
          QCOMPARE(got.has_value(), expected.isOk());
          if (got) QCOMPARE(*got, *expected);
        }
        // The series covers the histogram: log10(1 + count) at bin centres.
        QCOMPARE(data->logCounts().size(), static_cast<size_t>(kHistogramBins));
        for (int i : {0, 100, kHistogramBins - 1})
          QCOMPARE(data->logCounts()[i], std::log10(1.0 + static_cast<double>(ts->histogram[i])));
        QVERIFY(std::abs(data->binCenters()[0] - 0.5 * ts->binWidth()) < 1e-12);
        // KL has a curve, max has none.
        QVERIFY(data->curve("kl").has_value());
        QVERIFY(!data->curve("max").has_value());
      }
      ++layers;
    }
    QVERIFY(layers > 5);
  }

  void clippedFractionOfUniformData() {
    // 1..1000 and 1000 zeros: above T = 250 lie 750 of 2000 elements.
    std::vector<float> values(2000, 0.f);
    for (int i = 0; i < 1000; ++i) values[i] = static_cast<float>(i + 1);
    TensorStats stats = computeStats(values.data(), static_cast<int64_t>(values.size()));
    stats.name = "uniform";
    auto data = HistogramData::make(stats, 8);
    QVERIFY2(data.isOk(), data.status().message().c_str());
    QVERIFY(std::abs(data->clippedFraction(250.0) - 0.375) < 0.002);
    QVERIFY(std::abs(data->clippedFraction(900.0) - 0.05) < 0.002);
    QCOMPARE(data->clippedFraction(1000.0), 0.0);
    QCOMPARE(data->clippedFraction(5000.0), 0.0);
    QCOMPARE(data->clippedFraction(0.0), 0.5);  // every non-zero element
    QCOMPARE(*data->threshold("max"), 1000.f);
  }

  void gridPoints() {
    auto g8 = HistogramData::gridPoints(2.54, 8);
    QCOMPARE(g8.size(), size_t(128));
    QCOMPARE(g8.front(), 0.0);
    QVERIFY(std::abs(g8.back() - 2.54) < 1e-12);
    QVERIFY(std::abs(g8[1] - 0.02) < 1e-12);
    QCOMPARE(HistogramData::gridPoints(1.0, 7).size(), size_t(64));
    QVERIFY(HistogramData::gridPoints(1.0, 1).empty());
    QVERIFY(HistogramData::gridPoints(0.0, 8).empty());
  }

  void badInput() {
    TensorStats empty;
    empty.name = "t";
    QVERIFY(!HistogramData::make(empty, 8).isOk());
    std::vector<float> v = {1.f, 2.f, 3.f};
    TensorStats stats = computeStats(v.data(), 3);
    QVERIFY(!HistogramData::make(stats, 12).isOk());
    // All-zero data: no method can pick a threshold; every failure keeps its reason.
    std::vector<float> zeros(16, 0.f);
    TensorStats z = computeStats(zeros.data(), 16);
    z.name = "zeros";
    z.histogram.assign(kHistogramBins, 0);
    auto data = HistogramData::make(z, 8);
    QVERIFY2(data.isOk(), data.status().message().c_str());
    QVERIFY(data->thresholds().empty());
    QCOMPARE(data->failures().size(), calibrationMethodNames().size());
    for (const auto& f : data->failures()) QVERIFY(!f.reason.empty());
  }
};

QTEST_MAIN(HistogramDataTest)
#include "test_histogram_data.moc"

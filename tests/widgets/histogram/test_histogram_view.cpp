// HistogramView: a drag simulated with QTest mouse events emits manualThresholdChanged while
// moving and manualThresholdCommitted on release, with thresholds inside the axis range that
// follow the mouse; one legend entry per method; the plot saves as PNG and PDF.
#include "common/plot_export.h"
#include "histogram/histogram_view.h"

#include <qcustomplot.h>

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace eqw;
using eqw::widgets::HistogramData;
using eqw::widgets::HistogramView;

namespace {

// A half-normal-looking tensor: many small values, a long tail.
TensorStats tailStats() {
  std::vector<float> v;
  for (int i = 0; i < 20000; ++i) v.push_back(std::pow(static_cast<float>(i % 997) / 997.f, 3.f) * 8.f);
  TensorStats s = computeStats(v.data(), static_cast<int64_t>(v.size()));
  s.name = "conv_in";
  s.sample_elements = 20000;
  return s;
}

}  // namespace

class HistogramViewTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void dragEmitsThresholds() {
    auto data = HistogramData::make(tailStats(), 8);
    QVERIFY2(data.isOk(), data.status().message().c_str());
    HistogramView view;
    view.resize(800, 600);
    view.setData(*data, data->threshold("kl"), QStringLiteral("kl"));
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.plot()->replot();
    QCOMPARE(view.manualThreshold(), *data->threshold("kl"));
    QCOMPARE(view.plot()->legend->itemCount(), static_cast<int>(data->thresholds().size()));
    QCOMPARE(view.plot()->axisRectCount(), 2);  // the KL curve below

    QSignalSpy changed(&view, &HistogramView::manualThresholdChanged);
    QSignalSpy committed(&view, &HistogramView::manualThresholdCommitted);
    const QRect r = view.histogramRect();
    QVERIFY(r.width() > 100);
    const QPoint start(r.left() + r.width() / 4, r.center().y());
    const QPoint end(r.left() + r.width() * 3 / 4, r.center().y());
    QTest::mousePress(view.plot(), Qt::LeftButton, Qt::NoModifier, start);
    for (int step = 1; step <= 4; ++step)
      QTest::mouseMove(view.plot(), start + (end - start) * step / 4);
    QTest::mouseRelease(view.plot(), Qt::LeftButton, Qt::NoModifier, end);

    QVERIFY(changed.count() >= 2);
    QCOMPARE(committed.count(), 1);
    const auto [lo, hi] = view.xRange();
    const float first = changed.first().at(0).toFloat();
    const float last = committed.first().at(0).toFloat();
    QVERIFY(first > lo && first <= hi);
    QVERIFY(last > lo && last <= hi);
    QVERIFY(last > first);  // it follows the mouse to the right
    // Three quarters across the axis.
    QVERIFY(std::abs(last - (lo + 0.75 * (hi - lo))) < 0.02 * (hi - lo));
    QCOMPARE(view.manualThreshold(), last);

    // A move without a press drags nothing.
    QTest::mouseMove(view.plot(), start);
    QCOMPARE(committed.count(), 1);
  }

  void gridShowsWhenZoomedIn() {
    auto data = HistogramData::make(tailStats(), 8);
    QVERIFY(data.isOk());
    HistogramView view;
    view.resize(800, 600);
    view.setData(*data, 2.54f, QStringLiteral("kl"));
    QCOMPARE(view.visibleGridPoints(), 0);  // 128 points over the whole range: too dense
    view.plot()->xAxis->setRange(0.0, 0.51);
    // Points k * 2.54 / 127 = k * 0.02 in [0, 0.51]: k = 0..25.
    QCOMPARE(view.visibleGridPoints(), 26);
    view.plot()->xAxis->setRange(0.0, 8.0);
    QCOMPARE(view.visibleGridPoints(), 0);
  }

  void extraThresholds() {
    auto data = HistogramData::make(tailStats(), 8);
    QVERIFY(data.isOk());
    const size_t n = data->thresholds().size();
    data->addThreshold({"eq", 3.5f});
    data->addThreshold({"eq", 3.25f});
    data->addThreshold({"manual", -1.f});
    QCOMPARE(data->thresholds().size(), n + 1);
    QCOMPARE(*data->threshold("eq"), 3.25f);
  }

  void noDataNoDrag() {
    HistogramView view;
    view.resize(400, 300);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QSignalSpy changed(&view, &HistogramView::manualThresholdChanged);
    QTest::mousePress(view.plot(), Qt::LeftButton, Qt::NoModifier, QPoint(200, 150));
    QTest::mouseRelease(view.plot(), Qt::LeftButton, Qt::NoModifier, QPoint(220, 150));
    QCOMPARE(changed.count(), 0);
    QVERIFY(!view.hasData());
  }

  void savesPngAndPdf() {
    auto data = HistogramData::make(tailStats(), 7);
    QVERIFY(data.isOk());
    HistogramView view;
    view.resize(640, 480);
    view.setData(*data, std::nullopt, QStringLiteral("mse"));
    QTemporaryDir dir;
    QString error;
    for (const char* name : {"plot.png", "plot.pdf", "plot.svg"}) {
      const QString path = dir.filePath(QString::fromLatin1(name));
      QVERIFY2(widgets::savePlot(view.plot(), path, &error), qPrintable(error));
      QVERIFY(QFileInfo(path).size() > 1000);
    }
    QVERIFY(!widgets::savePlot(view.plot(), dir.filePath(QStringLiteral("plot.gif")), &error));
    QVERIFY(error.contains(QLatin1String("gif")));
  }
};

QTEST_MAIN(HistogramViewTest)
#include "test_histogram_view.moc"

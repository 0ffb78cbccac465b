// ProbeMetricsView: the numbers it is given appear in its table, formatted per metric (infinite
// SQNR as ∞), and clear() empties it with a message.
#include "histogram/probe_metrics_view.h"

#include <QTableWidget>
#include <QTest>

#include <cmath>
#include <limits>

using eqw::ErrorMetrics;
using eqw::widgets::ProbeMetricsView;

class ProbeMetricsViewTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void showsAndClears() {
    ProbeMetricsView v;
    QVERIFY(!v.hasMetrics());
    QVERIFY(std::isnan(v.value(ProbeMetricsView::Cosine, ProbeMetricsView::AtThreshold)));
    ErrorMetrics at, spec;
    at.cosine = 0.987654321;
    at.sqnr_db = 21.456;
    at.mse = 0.00123;
    at.max_abs = 0.5;
    spec.cosine = 1.0;
    spec.sqnr_db = std::numeric_limits<double>::infinity();
    v.setMetrics(2.5f, at, 3.0f, spec, 16);
    QVERIFY(v.hasMetrics());
    QCOMPARE(v.threshold(), 2.5f);
    QCOMPARE(v.value(ProbeMetricsView::Sqnr, ProbeMetricsView::AtThreshold), 21.456);
    QCOMPARE(v.table()->item(ProbeMetricsView::Cosine, ProbeMetricsView::AtThreshold)->text(), QStringLiteral("0.987654"));
    QCOMPARE(v.table()->item(ProbeMetricsView::Sqnr, ProbeMetricsView::AtThreshold)->text(), QStringLiteral("21.46"));
    QCOMPARE(v.table()->item(ProbeMetricsView::Sqnr, ProbeMetricsView::AtSpec)->text(), QString::fromUtf8("∞"));
    QCOMPARE(v.table()->item(ProbeMetricsView::Mse, ProbeMetricsView::AtThreshold)->text(), QStringLiteral("0.00123"));
    QVERIFY(v.table()->horizontalHeaderItem(0)->text().contains(QLatin1String("2.5")));
    QVERIFY(v.message().contains(QLatin1String("16")));
    v.clear(QStringLiteral("computing"));
    QVERIFY(!v.hasMetrics());
    QCOMPARE(v.message(), QStringLiteral("computing"));
    QVERIFY(!v.table()->item(0, 0));
  }
};

QTEST_MAIN(ProbeMetricsViewTest)
#include "test_probe_metrics_view.moc"

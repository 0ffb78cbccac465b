// The EasyQuant and weight range views (empty state, data shown) and plot export: SVG beside
// PNG / PDF, an unknown suffix refused with a message.
#include "common/plot_export.h"
#include "histogram/easyquant_curve_view.h"
#include "histogram/weight_range_view.h"
#include "widgets/sample_session.h"

#include <qcustomplot.h>

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace eqw;

namespace {

QByteArray head(const QString& path, int n) {
  QFile f(path);
  return f.open(QIODevice::ReadOnly) ? f.read(n) : QByteArray();
}

}  // namespace

class PlotExportSvgTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void viewsAndSvgExport() {
    Session session;
    Status s = testing::prepareSample(session);
    QVERIFY2(s.isOk(), s.message().c_str());
    widgets::EasyQuantCurveView eqView;
    QVERIFY(!eqView.hasData());
    QVERIFY(eqView.message().contains(QLatin1String("EasyQuant has not run")));
    EasyQuantOptions options;
    options.images = 4;
    options.candidates = 8;
    options.max_rounds = 1;
    options.threads = 2;
    Diagnostics diags;
    s = session.refineEasyQuant(options, {}, diags);
    QVERIFY2(s.isOk(), s.message().c_str());
    const std::string layer = session.easyQuant()->layers.front().layer;
    auto curve = widgets::EasyQuantCurveData::make(*session.easyQuant(), layer);
    QVERIFY(curve.isOk());
    eqView.resize(500, 300);
    eqView.setData(*curve);
    QVERIFY(eqView.hasData());
    QCOMPARE(eqView.plot()->graphCount(), 2);  // the curve and the chosen point

    widgets::WeightRangeView wView;
    wView.resize(500, 300);
    auto ranges = widgets::WeightRangeData::make(session.canonicalGraph(), layer, session.spec());
    QVERIFY(ranges.isOk());
    wView.setData(*ranges);
    QVERIFY(wView.hasData());

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    for (QCustomPlot* plot : {eqView.plot(), wView.plot()}) {
      const QString svg = dir.filePath(QStringLiteral("plot%1.svg").arg(reinterpret_cast<quintptr>(plot)));
      QString error;
      QVERIFY2(widgets::savePlot(plot, svg, &error), qPrintable(error));
      const QByteArray start = head(svg, 5);
      QVERIFY2(start == "<?xml" || start.startsWith("<svg"), start.constData());
      QVERIFY(QFile(svg).size() > 1000);
      QVERIFY(head(svg, 1 << 20).contains("<svg"));
    }
    QString error;
    QVERIFY(widgets::savePlot(eqView.plot(), dir.filePath(QStringLiteral("p.png")), &error));
    QVERIFY(head(dir.filePath(QStringLiteral("p.png")), 4) == "\x89PNG");
    QVERIFY(!widgets::savePlot(eqView.plot(), dir.filePath(QStringLiteral("p.gif")), &error));
    QVERIFY(error.contains(QLatin1String(".svg")));
    QVERIFY(widgets::plotFileFilter().contains(QLatin1String("*.svg")));

    eqView.clear(QStringLiteral("gone"));
    QVERIFY(!eqView.hasData());
  }
};

QTEST_MAIN(PlotExportSvgTest)
#include "test_plot_export_svg.moc"

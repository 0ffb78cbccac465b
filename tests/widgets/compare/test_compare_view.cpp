// CompareView on the fashion-mnist sample evaluated at INT8 and INT7 (labelled test images): the
// table shows the EvalReport's numbers (FP32 | INT8 | INT7), latency is "—" until a benchmark fills it, the bars hold the
// same values, the cumulative-cosine curves follow the per-layer report, and clicking a point of
// the INT7 curve selects that layer.
#include "compare/compare_model.h"
#include "compare/compare_view.h"
#include "widgets/sample_session.h"

#include <qcustomplot.h>

#include <QSignalSpy>
#include <QTableView>
#include <QTest>

using namespace eqw;
using eqw::widgets::CompareModel;
using eqw::widgets::CompareView;

class CompareViewTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() {
    Status s = testing::prepareSample(session_);
    QVERIFY2(s.isOk(), s.message().c_str());
    s = session_.setDataset(DatasetRole::Evaluation, testing::sampleTest(), testing::samplePreprocess());
    QVERIFY2(s.isOk(), s.message().c_str());
    EvalOptions o;
    o.per_layer = true;
    o.max_images = 100;
    o.threads = 2;
    Diagnostics diags;
    auto r = session_.evaluate({Precision::Int8, Precision::Int7}, o, {}, diags);
    QVERIFY2(r.isOk(), r.status().message().c_str());
    report_ = std::move(*r);
    QVERIFY(report_.fp32_top1);
    QCOMPARE(report_.variants.size(), size_t(2));
  }

  void tableShowsTheReport() {
    CompareView view;
    view.setReport(report_);
    CompareModel* m = view.model();
    QCOMPARE(m->columnCount(), 3);
    QCOMPARE(m->rowCount(), static_cast<int>(CompareModel::RowCount));
    QCOMPARE(m->headerData(0, Qt::Horizontal).toString(), QStringLiteral("FP32"));
    QCOMPARE(m->headerData(1, Qt::Horizontal).toString(), QStringLiteral("INT8"));
    QCOMPARE(m->headerData(2, Qt::Horizontal).toString(), QStringLiteral("INT7"));
    QCOMPARE(*m->value(CompareModel::Top1, 0), *report_.fp32_top1);
    for (int c = 1; c <= 2; ++c) {
      const VariantEval& v = report_.variants[static_cast<size_t>(c - 1)];
      QCOMPARE(*m->value(CompareModel::Top1, c), *v.top1);
      QCOMPARE(*m->value(CompareModel::Agreement, c), v.agreement);
      QCOMPARE(*m->value(CompareModel::OutputCosine, c), v.output.cosine);
      QCOMPARE(m->index(CompareModel::Top1, c).data().toString(), QString::number(100.0 * *v.top1, 'f', 2) + QStringLiteral(" %"));
      QCOMPARE(m->index(CompareModel::OutputCosine, c).data().toString(), QString::number(v.output.cosine, 'f', 6));
      QVERIFY(!m->value(CompareModel::Latency, c));
      QCOMPARE(m->index(CompareModel::Latency, c).data().toString(), QString::fromUtf8("—"));
    }
    QCOMPARE(*m->value(CompareModel::Agreement, 0), 1.0);

    // Bars: one per network, top-1 / agreement / cosine groups with the table's values.
    QCOMPARE(view.barPlot()->plottableCount(), 3);
    for (int c = 0; c < 3; ++c) {
      auto* bars = qobject_cast<QCPBars*>(view.barPlot()->plottable(c));
      QVERIFY(bars);
      QCOMPARE(bars->dataCount(), 3);
      QCOMPARE(bars->data()->at(0)->value, *m->value(CompareModel::Top1, c));
      QCOMPARE(bars->data()->at(2)->value, *m->value(CompareModel::OutputCosine, c));
    }

    view.setReport(std::nullopt);
    QCOMPARE(view.model()->columnCount(), 1);
    QCOMPARE(view.curveCount(), 0);
  }

  // Latency from a real Session::benchmark: its own row and bar plot, with or without a report.
  void latencyFromTheSessionBenchmark() {
    BenchOptions o;
    o.loops = 3;
    o.warmup = 1;
    auto r = session_.benchmark({Precision::Fp32, Precision::Int8, Precision::Int7}, o);
    QVERIFY2(r.isOk(), r.status().message().c_str());
    std::vector<CompareModel::LatencyEntry> latency;
    for (const Session::Latency& l : *r)
      latency.push_back({QString::fromUtf8(toString(l.precision)).toUpper(), l.result.median_ms,
                         static_cast<int>(l.result.run_ms.size()), l.result.threads, QString::fromUtf8(toString(l.result.isa))});
    CompareView view;
    view.setLatency(latency);  // no report yet: three latency-only columns
    CompareModel* m = view.model();
    QCOMPARE(m->columnCount(), 3);
    QCOMPARE(m->columnName(2), QStringLiteral("INT7"));
    QVERIFY(!m->value(CompareModel::Top1, 1));
    QCOMPARE(m->index(CompareModel::Top1, 1).data().toString(), QString::fromUtf8("—"));
    for (int c = 0; c < 3; ++c) {
      QCOMPARE(*m->value(CompareModel::Latency, c), (*r)[static_cast<size_t>(c)].result.median_ms);
      QCOMPARE(m->index(CompareModel::Latency, c).data().toString(),
               QString::number((*r)[static_cast<size_t>(c)].result.median_ms, 'f', 3) + QStringLiteral(" ms"));
    }
    QCOMPARE(view.latencyPlot()->plottableCount(), 3);
    auto* int8 = qobject_cast<QCPBars*>(view.latencyPlot()->plottable(1));
    QVERIFY(int8);
    QCOMPARE(int8->data()->at(0)->value, (*r)[1].result.median_ms);

    // The report arrives: same three columns, accuracy and latency side by side, bars for both.
    view.setReport(report_);
    QCOMPARE(m->columnCount(), 3);
    QCOMPARE(*m->value(CompareModel::Top1, 2), *report_.variants[1].top1);
    QCOMPARE(*m->value(CompareModel::Latency, 2), (*r)[2].result.median_ms);
    QCOMPARE(view.barPlot()->plottableCount(), 3);
    QCOMPARE(view.latencyPlot()->plottableCount(), 3);
    view.setLatency({});
    QVERIFY(!m->value(CompareModel::Latency, 1));
    QCOMPARE(view.latencyPlot()->plottableCount(), 0);
  }

  void clickingACurvePointSelectsItsLayer() {
    CompareView view;
    view.resize(700, 900);
    view.setReport(report_);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QCOMPARE(view.curveCount(), 2);
    const VariantEval& int7 = report_.variants[1];
    QCOMPARE(view.curve(1)->dataCount(), static_cast<int>(int7.layers.size()));
    for (size_t i = 0; i < int7.layers.size(); ++i) {
      QCOMPARE(view.curve(1)->data()->at(static_cast<int>(i))->value, int7.layers[i].cumulative.cosine);
      QCOMPARE(view.curveLayers(1)[i], QString::fromStdString(int7.layers[i].layer));
    }
    view.curvePlot()->replot();
    QSignalSpy selected(&view, &CompareView::layerSelected);
    const int index = static_cast<int>(int7.layers.size()) - 2;
    const QPoint p = view.pointPixel(1, index);
    QVERIFY(view.curvePlot()->rect().contains(p));
    QTest::mouseClick(view.curvePlot(), Qt::LeftButton, Qt::NoModifier, p);
    QCOMPARE(selected.count(), 1);
    // Both curves list the same layers in graph order: either point at this index is this layer.
    const QString got = selected.at(0).at(0).toString();
    QCOMPARE(got, QString::fromStdString(int7.layers[static_cast<size_t>(index)].layer));
  }

 private:
  Session session_;
  EvalReport report_;
};

QTEST_MAIN(CompareViewTest)
#include "test_compare_view.moc"

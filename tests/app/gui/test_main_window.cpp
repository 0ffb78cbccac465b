// MainWindow: dropping a model opens it, dropping a folder makes it the calibration set, a broken
// model keeps the open one, selecting a layer shows its histogram and a committed manual threshold
// becomes an undoable override; --screenshot renders a non-empty PNG of a real project.
#include "document.h"
#include "issues_panel.h"
#include "main_window.h"
#include "screenshot.h"

#include "compare/compare_model.h"
#include "compare/compare_view.h"
#include "histogram/histogram_view.h"
#include "histogram/probe_metrics_view.h"
#include "layers/layer_table_model.h"
#include "layers/layer_table_view.h"
#include "widgets/sample_session.h"

#include <qcustomplot.h>

#include <QAction>
#include <QElapsedTimer>
#include <QThread>
#include <QImage>
#include <QTimer>
#include <QMenuBar>
#include <QTranslator>
#include <QMimeData>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

using namespace eqw;
using eqw::gui::MainWindow;

namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }

// A menu action by its (untranslated) text, as a user finds it in the menu bar.
QAction* findAction(MainWindow& w, const QString& text) {
  for (QAction* a : w.findChildren<QAction*>())
    if (a->text() == text) return a;
  return nullptr;
}

// Sends a drop of one local path onto the window, as a file manager would.
void drop(MainWindow& w, const QString& path) {
  QMimeData mime;
  mime.setUrls({QUrl::fromLocalFile(path)});
  QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(&w, &enter);
  QVERIFY(enter.isAccepted());
  QDropEvent dropEvent(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(&w, &dropEvent);
}

}  // namespace

class MainWindowTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() {
    QCoreApplication::setOrganizationName(QStringLiteral("EQWorkbenchTest"));
    QCoreApplication::setApplicationName(QStringLiteral("gui_main_window"));
    QVERIFY(dir_.isValid());
  }

  void dropsOpenModelAndFolder() {
    MainWindow w;
    w.show();
    drop(w, q(testing::sampleModel()));
    QVERIFY(w.document()->session().isOpen());
    QVERIFY(w.layerModel()->rowCount() > 5);
    QVERIFY(w.windowTitle().contains(QLatin1String("model.onnx")));
    drop(w, q(testing::sampleCalib()));
    const DatasetSource* d = w.document()->session().dataset(DatasetRole::Calibration);
    QVERIFY(d);
    QCOMPARE(d->preprocess.pixel, PixelOrder::GRAY);

    // A broken model keeps the open one.
    const QString broken = dir_.filePath(QStringLiteral("broken.param"));
    QFile f(broken);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("7767517\n1 1\nNoSuchLayer x 0 1 y\n");
    f.close();
    Status s = w.openModelFile(broken, /*quiet=*/true);
    QVERIFY(!s.isOk());
    QCOMPARE(w.document()->session().modelPath(), testing::sampleModel());
    QVERIFY(w.layerModel()->rowCount() > 5);
  }

  void calibrateSelectAndDragThreshold() {
    MainWindow w;
    w.resize(1280, 800);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(w.openModelFile(q(testing::sampleModel()), true).isOk());
    QVERIFY(w.useCalibrationFolder(q(testing::sampleCalib()), testing::samplePreprocess(), true).isOk());
    QSignalSpy finished(w.jobs(), &gui::JobRunner::finished);
    // The GUI thread keeps turning while the job runs: the longest gap between 10 ms timer ticks
    // is reported (the issue's target is 50 ms; the check here is loose for a shared machine).
    QElapsedTimer clock;
    qint64 last = 0, longest = 0;
    QTimer tick;
    connect(&tick, &QTimer::timeout, [&] {
      longest = std::max(longest, clock.elapsed() - last);
      last = clock.elapsed();
    });
    clock.start();
    tick.start(10);
    QVERIFY(w.calibrateNow());
    QVERIFY(!w.document()->session().spec() || w.document()->busy());
    QVERIFY(finished.wait(120000));
    tick.stop();
    qInfo("calibration job: %lld ms, longest GUI-thread gap %lld ms", static_cast<long long>(clock.elapsed()),
          static_cast<long long>(longest));
    QVERIFY(longest < 1000);
    QVERIFY(finished.at(0).at(0).toBool());
    QVERIFY(w.document()->session().spec());

    const QString layer = w.layerModel()->index(1, 0).data().toString();
    QVERIFY(w.layerView()->selectLayer(layer));
    QVERIFY(w.histogram()->hasData());
    const float spec = w.document()->session().spec()->find(layer.toStdString())->input.value;
    QCOMPARE(w.histogram()->manualThreshold(), spec);

    // Drag the manual line: the released threshold becomes the layer's override, undoably.
    w.histogram()->plot()->replot();
    const QRect r = w.histogram()->histogramRect();
    const QPoint a(r.left() + r.width() / 3, r.center().y()), b(r.left() + r.width() / 2, r.center().y());
    QTest::mousePress(w.histogram()->plot(), Qt::LeftButton, Qt::NoModifier, a);
    QTest::mouseMove(w.histogram()->plot(), b);
    QTest::mouseRelease(w.histogram()->plot(), Qt::LeftButton, Qt::NoModifier, b);
    const LayerOverride* o = w.document()->session().layerOverride(layer.toStdString());
    QVERIFY(o && o->input_threshold);
    QCOMPARE(*o->input_threshold, w.histogram()->manualThreshold());
    QCOMPARE(w.document()->session().spec()->find(layer.toStdString())->input.value, *o->input_threshold);
    w.document()->undoStack()->undo();
    QVERIFY(!w.document()->session().layerOverride(layer.toStdString()));
    QCOMPARE(w.document()->session().spec()->find(layer.toStdString())->input.value, spec);

    // Evaluate (on the calibration images: the project has no evaluation set of its own): the
    // metric columns fill, the worst layers are highlighted.
    QVERIFY(w.evaluateNow());
    QVERIFY(finished.wait(120000));
    QVERIFY2(finished.last().at(0).toBool(), qPrintable(finished.last().at(1).toString()));
    QVERIFY(w.document()->evalReport());
    QCOMPARE(w.document()->evalReport()->variants.size(), size_t(2));  // int8, int7
    int highlighted = 0;
    for (int r = 0; r < w.layerModel()->rowCount(); ++r) {
      QVERIFY(w.layerModel()->index(r, widgets::LayerTableModel::IsolatedCosine).data().isValid());
      highlighted += w.layerModel()->index(r, 0).data(Qt::BackgroundRole).isValid();
    }
    QCOMPARE(highlighted, static_cast<int>(widgets::LayerTableModel::kWorstHighlighted));
    // The Compare dock shows the same report; a click on a curve point selects that layer.
    widgets::CompareView* cmp = w.compare();
    QCOMPARE(cmp->model()->columnCount(), 3);
    QCOMPARE(*cmp->model()->value(widgets::CompareModel::Agreement, 1), w.document()->evalReport()->variants[0].agreement);
    QCOMPARE(*cmp->model()->value(widgets::CompareModel::OutputCosine, 2), w.document()->evalReport()->variants[1].output.cosine);
    cmp->parentWidget()->raise();
    cmp->show();
    QTRY_VERIFY(cmp->curvePlot()->isVisible() && cmp->curvePlot()->width() > 50);
    cmp->curvePlot()->replot();
    const QString target = cmp->curveLayers(0).at(3);
    QTest::mouseClick(cmp->curvePlot(), Qt::LeftButton, Qt::NoModifier, cmp->pointPixel(0, 3));
    QCOMPARE(w.layerView()->selectedLayer(), target);

    QVERIFY(w.saveProjectFile(dir_.filePath(QStringLiteral("gui.eqw")), true).isOk());
  }

  // EasyQuant and the latency benchmark through the Calibrate menu's actions: the spec's
  // thresholds become EasyQuant's, its records reach the Session, the Compare table gets one
  // median latency per network, and Cancel stops a job with the previous state kept.
  void easyQuantAndBenchmarkJobs() {
    MainWindow w;
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(w.openModelFile(q(testing::sampleModel()), true).isOk());
    QVERIFY(w.useCalibrationFolder(q(testing::sampleCalib()), testing::samplePreprocess(), true).isOk());
    QSignalSpy finished(w.jobs(), &gui::JobRunner::finished);
    QAction* easyQuant = findAction(w, QStringLiteral("Refine with Easy&Quant"));
    QAction* benchmark = findAction(w, QStringLiteral("&Benchmark latency"));
    QVERIFY(easyQuant && benchmark);
    QVERIFY(!easyQuant->isEnabled());  // nothing to refine before calibration
    QVERIFY(benchmark->isEnabled());   // FP32 latency needs no spec
    QVERIFY(w.calibrateNow());
    QVERIFY(finished.wait(120000));
    QVERIFY(easyQuant->isEnabled());

    easyQuant->trigger();
    QVERIFY(w.document()->busy());
    QVERIFY(!benchmark->isEnabled());  // one job at a time
    QVERIFY(finished.wait(300000));
    QVERIFY2(finished.last().at(0).toBool(), qPrintable(finished.last().at(1).toString()));
    const Session& s = w.document()->session();
    QVERIFY(s.easyQuant());
    QVERIFY(!s.easyQuant()->layers.empty());
    const EasyQuantLayer& first = s.easyQuant()->layers.front();
    QCOMPARE(s.spec()->find(first.layer)->input.method, std::string("eq"));
    QVERIFY(first.after >= first.before);

    benchmark->trigger();
    QVERIFY(finished.wait(120000));
    QVERIFY2(finished.last().at(0).toBool(), qPrintable(finished.last().at(1).toString()));
    QCOMPARE(w.document()->latency().size(), size_t(3));
    widgets::CompareModel* m = w.compare()->model();
    QCOMPARE(m->columnName(1), QStringLiteral("INT8"));
    for (int c = 0; c < 3; ++c) QCOMPARE(*m->value(widgets::CompareModel::Latency, c), w.document()->latency()[static_cast<size_t>(c)].result.median_ms);

    // Cancel: the job ends with Cancelled and the latencies stay those of the last full run.
    const double before = w.document()->latency()[0].result.median_ms;
    benchmark->trigger();
    w.jobs()->cancel();
    QVERIFY(finished.wait(120000));
    QVERIFY(!finished.last().at(0).toBool());
    QCOMPARE(w.document()->latency()[0].result.median_ms, before);
  }

  // Dragging the manual threshold updates the layer's isolated metrics next to the plot; they are
  // LayerProbe's for the last threshold the drag reached (checked against a probe built here).
  void dragUpdatesIsolatedMetrics() {
    MainWindow w;
    w.resize(1280, 800);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(w.openModelFile(q(testing::sampleModel()), true).isOk());
    QVERIFY(w.useCalibrationFolder(q(testing::sampleCalib()), testing::samplePreprocess(), true).isOk());
    QSignalSpy finished(w.jobs(), &gui::JobRunner::finished);
    QVERIFY(w.calibrateNow());
    QVERIFY(finished.wait(120000));
    QVERIFY(finished.at(0).at(0).toBool());

    const QString layer = w.layerModel()->index(2, 0).data().toString();
    QVERIFY(w.layerView()->selectLayer(layer));
    QVERIFY(w.probe()->waitForIdle(60000));
    QVERIFY2(w.probe()->ready(), qPrintable(w.probeMetrics()->message()));
    const Session& s = w.document()->session();
    const float specT = s.spec()->find(layer.toStdString())->input.value;
    // Before any drag: the spec's own threshold in both columns.
    QVERIFY(w.probeMetrics()->hasMetrics());
    QCOMPARE(w.probeMetrics()->threshold(), specT);

    // The reference: a probe over the same images, built here.
    auto dataset = openDataset(testing::sampleCalib());
    QVERIFY(dataset.isOk());
    ProbeOptions o;
    o.max_images = gui::ProbeController::kImages;
    o.threads = QThread::idealThreadCount();
    Diagnostics diags;
    auto ref = LayerProbe::create(s.canonicalGraph(), *s.spec(), layer.toStdString(), *dataset, testing::samplePreprocess(), o, diags);
    QVERIFY2(ref.isOk(), ref.status().message().c_str());
    auto atSpec = ref->metrics(specT);
    QVERIFY(atSpec.isOk());
    QCOMPARE(w.probeMetrics()->value(widgets::ProbeMetricsView::Sqnr, widgets::ProbeMetricsView::AtSpec), atSpec->sqnr_db);

    // Drag without releasing (nothing is committed): several moves, the last one wins.
    w.histogram()->plot()->replot();
    const QRect r = w.histogram()->histogramRect();
    const QPoint a(r.left() + r.width() / 3, r.center().y()), b(r.left() + r.width() / 8, r.center().y());
    QTest::mousePress(w.histogram()->plot(), Qt::LeftButton, Qt::NoModifier, a);
    for (int step = 1; step <= 6; ++step) QTest::mouseMove(w.histogram()->plot(), a + (b - a) * step / 6);
    const float dragged = w.histogram()->manualThreshold();
    QVERIFY(dragged != specT);
    QVERIFY(w.probe()->waitForIdle(60000));
    QCOMPARE(w.probeMetrics()->threshold(), dragged);
    auto atDragged = ref->metrics(dragged);
    QVERIFY(atDragged.isOk());
    using V = widgets::ProbeMetricsView;
    QCOMPARE(w.probeMetrics()->value(V::Cosine, V::AtThreshold), atDragged->cosine);
    QCOMPARE(w.probeMetrics()->value(V::Sqnr, V::AtThreshold), atDragged->sqnr_db);
    QCOMPARE(w.probeMetrics()->value(V::Mse, V::AtThreshold), atDragged->mse);
    QCOMPARE(w.probeMetrics()->value(V::MaxAbs, V::AtThreshold), atDragged->max_abs);
    QCOMPARE(w.probeMetrics()->value(V::Sqnr, V::AtSpec), atSpec->sqnr_db);
    QVERIFY(w.probeMetrics()->table()->item(V::Sqnr, V::AtThreshold));

    // Releasing commits the threshold: it becomes the spec's, and both columns show it.
    QTest::mouseRelease(w.histogram()->plot(), Qt::LeftButton, Qt::NoModifier, b);
    QTRY_VERIFY_WITH_TIMEOUT(s.spec()->find(layer.toStdString())->input.value == dragged, 5000);
    QTRY_VERIFY_WITH_TIMEOUT(w.probe()->idle() && w.probeMetrics()->hasMetrics() &&
                                 w.probeMetrics()->value(V::Sqnr, V::AtSpec) == atDragged->sqnr_db, 30000);
    QCOMPARE(w.probeMetrics()->threshold(), dragged);
  }

  void issuesSelectTheirLayer() {
    MainWindow w;
    QVERIFY(w.openModelFile(q(testing::sampleModel()), true).isOk());
    const QString layer = w.layerModel()->index(3, 0).data().toString();
    Diagnostic d;
    d.message = "layer '" + layer.toStdString() + "': a warning for the test";
    w.document()->addDiagnostics({d});
    QCOMPARE(w.issues()->count(), static_cast<int>(w.document()->diagnostics().size()));
    QListWidgetItem* item = w.issues()->item(w.issues()->count() - 1);
    QCOMPARE(gui::IssuesPanel::layerOf(item), layer);
    QSignalSpy selected(w.layerView(), &widgets::LayerTableView::layerSelected);
    Q_EMIT w.issues()->itemClicked(item);
    QCOMPARE(w.layerView()->selectedLayer(), layer);
  }

  void translatedToChinese() {
    // The zh_CN catalogue eq-workbench embeds, as lrelease wrote it in the build tree.
    const QString qm = QStringLiteral(EQW_BINARY_DIR "/app/gui/eqworkbench_zh_CN.qm");
    if (!QFileInfo::exists(qm)) QSKIP("eq-workbench was built without translations (no Qt6 LinguistTools)");
    QTranslator translator;
    QVERIFY(translator.load(qm));
    QCoreApplication::installTranslator(&translator);
    {
      MainWindow w;
      QCOMPARE(w.menuBar()->actions().first()->text(), QString::fromUtf8("文件(&F)"));
      QCOMPARE(w.layerModel()->headerData(0, Qt::Horizontal).toString(), QString::fromUtf8("层"));
    }
    QCoreApplication::removeTranslator(&translator);
  }

  void screenshotOfAProject() {
    const QString project = dir_.filePath(QStringLiteral("gui.eqw"));
    QVERIFY(QFileInfo::exists(project));
    const QString png = dir_.filePath(QStringLiteral("shot.png"));
    QCOMPARE(gui::renderScreenshot(png, project), 0);
    QImage image(png);
    QVERIFY(!image.isNull());
    QVERIFY(image.width() >= 640 && image.height() >= 400);
    QCOMPARE(gui::renderScreenshot(dir_.filePath(QStringLiteral("x.png")), dir_.filePath(QStringLiteral("none.eqw"))), 1);
  }

 private:
  QTemporaryDir dir_;
};

QTEST_MAIN(MainWindowTest)
#include "test_main_window.moc"

// The live histogram: while a calibration collects statistics on the sample, the selected
// layer's histogram shows the partial statistics (with a "live: N / M images" caption), another
// layer selected meanwhile shows its own partial data, and the final statistics take over when the
// job ends; a cancelled collection leaves the previous statistics, and the view, as they were.
#include "document.h"
#include "job_runner.h"
#include "main_window.h"

#include "histogram/histogram_data.h"
#include "histogram/histogram_view.h"
#include "layers/layer_table_model.h"
#include "layers/layer_table_view.h"
#include "widgets/sample_session.h"

#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>
#include <QThread>

using namespace eqw;
using eqw::gui::JobRunner;
using eqw::gui::LiveStats;
using eqw::gui::MainWindow;

namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }

// The name of the value a layer reads (its histogram's tensor), from the idle Session.
std::string inputOf(const Session& s, const QString& layer) {
  const Graph& g = s.canonicalGraph();
  const int node = g.findNode(layer.toStdString());
  return node >= 0 ? g.values[g.nodes[node].inputs[0]].name : std::string();
}

// The view shows partial data of `tensor`: a live caption and a histogram of that tensor.
bool showsLive(MainWindow& w, const std::string& tensor) {
  const widgets::HistogramData* d = w.histogram()->data();
  return w.histogram()->caption().startsWith(QLatin1String("live:")) && d && d->tensor() == tensor;
}

// "live: N / M images" -> N, M.
std::pair<int, int> captionCounts(const QString& caption) {
  const auto m = QRegularExpression(QStringLiteral("(\\d+) / (\\d+)")).match(caption);
  return m.hasMatch() ? std::pair{m.captured(1).toInt(), m.captured(2).toInt()} : std::pair{-1, -1};
}

std::vector<double> finalLogCounts(const Session& s, const std::string& tensor) {
  const TensorStats* ts = s.statistics() ? s.statistics()->find(tensor) : nullptr;
  if (!ts) return {};
  auto d = widgets::HistogramData::make(*ts, 8);
  return d ? d->logCounts() : std::vector<double>{};
}

// Every snapshot of the job costs the worker a few ms more, so that a job on the small sample
// lasts long enough for several redraws (the slot runs on the worker: a direct connection).
void slowDownSnapshots(JobRunner* jobs) {
  jobs->setLiveInterval(0);
  QObject::connect(jobs, &JobRunner::liveStatistics, jobs, [](const LiveStats&) { QThread::msleep(12); },
                   Qt::DirectConnection);
}

}  // namespace

class LiveHistogramTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() {
    QCoreApplication::setOrganizationName(QStringLiteral("EQWorkbenchTest"));
    QCoreApplication::setApplicationName(QStringLiteral("gui_live_histogram"));
  }

  void partialDataWhileCalibrating() {
    MainWindow w;
    w.setUnattended(true);
    w.resize(1280, 800);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(w.openModelFile(q(testing::sampleModel()), true).isOk());
    QVERIFY(w.useCalibrationFolder(q(testing::sampleCalib()), testing::samplePreprocess(), true).isOk());
    QVERIFY(w.layerModel()->rowCount() >= 3);
    const QString a = w.layerModel()->index(1, 0).data().toString(), b = w.layerModel()->index(2, 0).data().toString();
    const std::string aInput = inputOf(w.document()->session(), a), bInput = inputOf(w.document()->session(), b);
    QVERIFY(!aInput.empty() && !bInput.empty() && aInput != bInput);
    QVERIFY(w.layerView()->selectLayer(a));
    QVERIFY(!w.histogram()->hasData());  // nothing collected yet

    slowDownSnapshots(w.jobs());
    QSignalSpy finished(w.jobs(), &JobRunner::finished);
    QVERIFY(w.calibrateNow());
    // Partial data of the selected layer before the job ends.
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 0 && showsLive(w, aInput), 60000);
    const auto [done, total] = captionCounts(w.histogram()->caption());
    QVERIFY2(done > 0 && done < total, qPrintable(w.histogram()->caption()));
    QCOMPARE(total, 200);
    const std::vector<double> partialA = w.histogram()->data()->logCounts();
    QVERIFY(!w.histogram()->data()->thresholds().empty());  // the methods' picks on the partial data
    QVERIFY(w.liveStatistics().has_value());

    // Another layer selected during the job shows its own partial data.
    QVERIFY(w.layerView()->selectLayer(b));
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 0 && showsLive(w, bInput), 30000);

    // The end: the final statistics take over, without the caption.
    QVERIFY(finished.count() > 0 || finished.wait(120000));
    QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(finished.at(0).at(1).toString()));
    QTRY_VERIFY_WITH_TIMEOUT(w.histogram()->hasData() && w.histogram()->caption().isEmpty() &&
                                 w.histogram()->data()->tensor() == bInput &&
                                 w.histogram()->data()->logCounts() == finalLogCounts(w.document()->session(), bInput),
                             5000);
    QVERIFY(!w.liveStatistics().has_value());
    const Session& s = w.document()->session();
    QVERIFY(s.statistics() && s.statistics()->images == 200);
    QCOMPARE(w.histogram()->data()->logCounts(), finalLogCounts(s, bInput));
    // What was shown for A mid-way was not yet the final histogram.
    const std::vector<double> finalA = finalLogCounts(s, aInput);
    QCOMPARE(finalA.size(), partialA.size());
    QVERIFY(finalA != partialA);
  }

  void cancelKeepsPreviousStatistics() {
    MainWindow w;
    w.setUnattended(true);
    w.resize(1280, 800);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(w.openModelFile(q(testing::sampleModel()), true).isOk());
    QVERIFY(w.useCalibrationFolder(q(testing::sampleCalib()), testing::samplePreprocess(), true).isOk());
    QSignalSpy finished(w.jobs(), &JobRunner::finished);
    QVERIFY(w.calibrateNow());
    QVERIFY(finished.wait(120000));
    QVERIFY(finished.at(0).at(0).toBool());
    const Session& s = w.document()->session();
    QVERIFY(s.statistics());
    const StatsSet before = *s.statistics();
    const QuantSpec specBefore = *s.spec();
    const QString a = w.layerModel()->index(1, 0).data().toString();
    const std::string aInput = inputOf(s, a);
    QVERIFY(w.layerView()->selectLayer(a));
    QVERIFY(w.histogram()->hasData());
    const std::vector<double> shownBefore = w.histogram()->data()->logCounts();
    const float manualBefore = w.histogram()->manualThreshold();

    // One-pass statistics are another collection (the two-pass cache does not serve them):
    // started, shown live, then cancelled from the status bar's button.
    slowDownSnapshots(w.jobs());
    CollectOptions onePass;
    onePass.threads = 2;
    onePass.passes = 1;
    QVERIFY(w.jobs()->startCalibration(w.document(), onePass, w.calibrateOptions()));
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1 && showsLive(w, aInput), 60000);
    QVERIFY(w.histogram()->data()->logCounts() != shownBefore);
    QPushButton* cancel = nullptr;
    for (QPushButton* button : w.findChildren<QPushButton*>())
      if (button->text() == QLatin1String("Cancel") && button->isVisible()) cancel = button;
    QVERIFY(cancel);
    QTest::mouseClick(cancel, Qt::LeftButton);
    QVERIFY(finished.count() > 1 || finished.wait(120000));
    QCOMPARE(finished.count(), 2);
    QVERIFY(!finished.at(1).at(0).toBool());

    // The previous statistics, spec and view.
    QVERIFY(s.statistics());
    QVERIFY(*s.statistics() == before);
    QCOMPARE(s.statisticsOptions()->passes, 2);
    QVERIFY(*s.spec() == specBefore);
    // (Redrawn by a worker once the job has ended.)
    QTRY_VERIFY_WITH_TIMEOUT(w.histogram()->hasData() && w.histogram()->caption().isEmpty() &&
                                 w.histogram()->data()->logCounts() == shownBefore,
                             5000);
    QCOMPARE(w.histogram()->data()->tensor(), aInput);
    QCOMPARE(w.histogram()->data()->logCounts(), shownBefore);
    QCOMPARE(w.histogram()->manualThreshold(), manualBefore);
  }
};

QTEST_MAIN(LiveHistogramTest)
#include "test_live_histogram.moc"

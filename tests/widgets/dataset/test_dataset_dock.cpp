// The Calibration set dock and the layer plots inside the real main window: the dock follows the
// Document's calibration set, applying preprocessing is one undoable step (undo puts the Session
// and the form back), unreadable images reach the Issues panel, and the EasyQuant curve and the
// weight ranges follow the selected layer once a real EasyQuant job has run.
#include "document.h"
#include "main_window.h"

#include "dataset/dataset_panel.h"
#include "histogram/easyquant_curve_view.h"
#include "histogram/weight_range_view.h"
#include "layers/layer_table_view.h"
#include "widgets/sample_session.h"

#include <QDir>
#include <QFile>
#include <QLineEdit>
#include <QTemporaryDir>
#include <QTest>
#include <QUndoStack>

using namespace eqw;
using eqw::gui::MainWindow;

class DatasetDockTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void applyUndoAndIssues() {
    MainWindow w;
    QVERIFY(w.openModelFile(QString::fromStdString(testing::sampleModel()), true).isOk());
    const QString calib = QString::fromStdString(testing::sampleCalib());
    QVERIFY(w.useCalibrationFolder(calib, testing::samplePreprocess(), true).isOk());
    widgets::DatasetPanel* panel = w.datasetPanel();
    QCOMPARE(panel->model()->rowCount(), static_cast<int>(QDir(calib).entryList({QStringLiteral("*.png")}, QDir::Files).size()));

    const std::string original = toString(w.document()->session().dataset(DatasetRole::Calibration)->preprocess);
    const int undoBefore = w.document()->undoStack()->count();
    panel->form()->normEdit()->setText(QStringLiteral("0.5"));
    const Status applied = panel->apply();
    QVERIFY2(applied.isOk(), applied.message().c_str());
    QCOMPARE(w.document()->session().dataset(DatasetRole::Calibration)->preprocess.norm[0], 0.5f);
    QCOMPARE(w.document()->undoStack()->count(), undoBefore + 1);
    w.document()->undoStack()->undo();
    QCOMPARE(toString(w.document()->session().dataset(DatasetRole::Calibration)->preprocess), original);
    QCOMPARE(panel->form()->normEdit()->text(), QString::number(1.f / 255.f, 'g', 9));

    // A folder with a corrupt image: listed in the dock and in the Issues panel.
    QTemporaryDir dir;
    const QStringList pngs = QDir(calib).entryList({QStringLiteral("*.png")}, QDir::Files);
    QVERIFY(QFile::copy(calib + QLatin1Char('/') + pngs[0], dir.filePath(pngs[0])));
    QFile bad(dir.filePath(QStringLiteral("garbage.jpg")));
    QVERIFY(bad.open(QIODevice::WriteOnly));
    bad.write("definitely not an image");
    bad.close();
    QVERIFY(w.useCalibrationFolder(dir.path(), testing::samplePreprocess(), true).isOk());
    QTRY_COMPARE_WITH_TIMEOUT(panel->model()->loadedCount(), 2, 20000);
    bool listed = false;
    for (const Diagnostic& d : w.document()->diagnostics())
      listed = listed || QString::fromStdString(d.message).contains(QLatin1String("garbage.jpg"));
    QVERIFY(listed);
  }

  void layerPlotsFollowEasyQuant() {
    MainWindow w;
    QVERIFY(w.openModelFile(QString::fromStdString(testing::sampleModel()), true).isOk());
    QVERIFY(w.useCalibrationFolder(QString::fromStdString(testing::sampleCalib()), testing::samplePreprocess(), true).isOk());
    QVERIFY(w.calibrateNow());
    QTRY_VERIFY_WITH_TIMEOUT(!w.jobs()->running(), 120000);
    QVERIFY(w.document()->session().spec());
    const std::string layer = w.document()->session().spec()->layers.front().layer;
    QVERIFY(w.layerView()->selectLayer(QString::fromStdString(layer)));
    QTRY_VERIFY(w.weightRange()->hasData());
    QVERIFY(!w.easyQuantCurve()->hasData());
    QVERIFY(w.easyQuantCurve()->message().contains(QLatin1String("EasyQuant has not run")));

    EasyQuantOptions options;
    options.images = 4;
    options.candidates = 8;
    options.max_rounds = 1;
    options.threads = 2;
    QVERIFY(w.jobs()->startEasyQuant(w.document(), options));
    QTRY_VERIFY_WITH_TIMEOUT(!w.jobs()->running(), 120000);
    QVERIFY(w.document()->session().easyQuant());
    QTRY_VERIFY(w.easyQuantCurve()->hasData());
    // For a look at the layout: EQW_SCREENSHOT_DIR=/tmp/shots ./widgets_dataset_dock
    if (qEnvironmentVariableIsSet("EQW_SCREENSHOT_DIR")) {
      w.resize(1600, 1000);
      w.show();
      QTest::qWait(300);
      QVERIFY(w.grab().save(qEnvironmentVariable("EQW_SCREENSHOT_DIR") + QStringLiteral("/dataset_dock.png")));
    }
  }
};

QTEST_MAIN(DatasetDockTest)
#include "test_dataset_dock.moc"

// Document, SetOverrideCommand and JobRunner on the fashion-mnist sample: calibration on a worker
// thread, a precision edit from the layer table through the undo stack (undo restores the previous
// override, redo re-applies it), a manual threshold edit, project save / load keeping the
// overrides, and bad input (broken model, corrupt project, folder without images) leaving the
// Document as it was.
#include "document.h"
#include "job_runner.h"
#include "layers/layer_table_model.h"
#include "widgets/sample_session.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace eqw;
using eqw::gui::Document;
using eqw::gui::JobRunner;
using eqw::widgets::LayerTableModel;

namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }

void writeFile(const QString& path, const QByteArray& bytes) {
  QFile f(path);
  QVERIFY(f.open(QIODevice::WriteOnly));
  f.write(bytes);
}

}  // namespace

class DocumentTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    Status s = doc_.openModel(q(testing::sampleModel()));
    QVERIFY2(s.isOk(), s.message().c_str());
    s = doc_.setCalibrationFolder(q(testing::sampleCalib()), testing::samplePreprocess());
    QVERIFY2(s.isOk(), s.message().c_str());
    QVERIFY(doc_.session().dataset(DatasetRole::Evaluation));  // follows the calibration set
    QCOMPARE(doc_.undoStack()->count(), 1);  // choosing the images is an edit
    doc_.undoStack()->clear();               // the tests below count their own steps
  }

  void calibrationRunsOnAWorker() {
    JobRunner jobs;
    QSignalSpy finished(&jobs, &JobRunner::finished);
    QSignalSpy progress(&jobs, &JobRunner::progress);
    QSignalSpy busy(&doc_, &Document::busyChanged);
    CollectOptions co;
    co.threads = 2;
    CalibrateOptions options;
    QVERIFY(jobs.startCalibration(&doc_, co, options));
    QVERIFY(doc_.busy());
    QVERIFY(!jobs.startCalibration(&doc_, co, options));  // one job at a time
    QVERIFY(finished.wait(120000));
    QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(finished.at(0).at(1).toString()));
    QVERIFY(!doc_.busy());
    QCOMPARE(busy.count(), 2);
    QVERIFY(progress.count() >= 1);
    QCOMPARE(progress.last().at(1).toLongLong(), progress.last().at(2).toLongLong());  // the last one is complete
    QVERIFY(doc_.session().spec());
    QCOMPARE(doc_.session().statisticsRuns(), int64_t(1));
  }

  void cancelledEvaluationKeepsTheDocument() {
    JobRunner jobs;
    QSignalSpy finished(&jobs, &JobRunner::finished);
    EvalOptions options;
    options.per_layer = true;
    QVERIFY(jobs.startEvaluation(&doc_, {Precision::Int8}, options));
    jobs.cancel();
    QVERIFY(finished.wait(120000));
    // Either it was cancelled or (on a fast machine) done before the flag was seen.
    if (!finished.at(0).at(0).toBool()) {
      QVERIFY(finished.at(0).at(1).toString().contains(QLatin1String("cancel"), Qt::CaseInsensitive));
      QVERIFY(!doc_.evalReport());
    }
    QVERIFY(!doc_.busy());
    QVERIFY(doc_.session().spec());
  }

  void precisionEditUndoRedo() {
    LayerTableModel model;
    model.setSession(&doc_.session());
    // Wired as MainWindow does.
    connect(&model, &LayerTableModel::precisionEditRequested, &doc_,
            [this](const QString& layer, Precision p) { QVERIFY(doc_.setLayerPrecision(layer, p).isOk()); });
    connect(&doc_, &Document::changed, &model, &LayerTableModel::refresh);
    const int row = 2;
    const QString layer = model.index(row, LayerTableModel::Name).data().toString();
    const std::string name = layer.toStdString();
    QVERIFY(!doc_.session().layerOverride(name));
    QCOMPARE(doc_.session().spec()->find(name)->precision, Precision::Int8);

    QVERIFY(model.setData(model.index(row, LayerTableModel::PrecisionColumn), QStringLiteral("INT7")));
    QVERIFY(doc_.session().layerOverride(name));
    QCOMPARE(*doc_.session().layerOverride(name)->precision, Precision::Int7);
    QCOMPARE(doc_.session().spec()->find(name)->precision, Precision::Int7);
    QCOMPARE(model.index(row, LayerTableModel::PrecisionColumn).data(Qt::EditRole).toString(), QStringLiteral("INT7"));
    QCOMPARE(doc_.undoStack()->count(), 1);

    doc_.undoStack()->undo();
    QVERIFY(!doc_.session().layerOverride(name));  // the previous override: none
    QCOMPARE(doc_.session().spec()->find(name)->precision, Precision::Int8);
    QCOMPARE(model.index(row, LayerTableModel::PrecisionColumn).data(Qt::EditRole).toString(), QStringLiteral("INT8"));

    doc_.undoStack()->redo();
    QCOMPARE(*doc_.session().layerOverride(name)->precision, Precision::Int7);
    QCOMPARE(model.index(row, LayerTableModel::PrecisionColumn).data(Qt::EditRole).toString(), QStringLiteral("INT7"));

    // A second edit of the same layer: undo goes back to INT7, not to nothing.
    QVERIFY(model.setData(model.index(row, LayerTableModel::PrecisionColumn), QStringLiteral("FP32")));
    QCOMPARE(*doc_.session().layerOverride(name)->precision, Precision::Fp32);
    doc_.undoStack()->undo();
    QCOMPARE(*doc_.session().layerOverride(name)->precision, Precision::Int7);
    disconnect(&model, nullptr, &doc_, nullptr);
    disconnect(&doc_, nullptr, &model, nullptr);
  }

  void manualThresholdIsUndoable() {
    const std::string layer = doc_.session().spec()->layers[1].layer;
    const float before = doc_.session().spec()->find(layer)->input.value;
    QVERIFY(doc_.setLayerInputThreshold(q(layer), before * 0.5f).isOk());
    QCOMPARE(doc_.session().spec()->find(layer)->input.value, before * 0.5f);
    QCOMPARE(q(doc_.session().spec()->find(layer)->input.method), QStringLiteral("manual"));
    doc_.undoStack()->undo();
    QCOMPARE(doc_.session().spec()->find(layer)->input.value, before);
    doc_.undoStack()->redo();
    // A bad value is refused by the Session and pushes nothing.
    const int count = doc_.undoStack()->count();
    QVERIFY(!doc_.setLayerInputThreshold(q(layer), -1.f).isOk());
    QVERIFY(!doc_.setLayerInputThreshold(QStringLiteral("no-such-layer"), 1.f).isOk());
    QCOMPARE(doc_.undoStack()->count(), count);
  }

  // Changing the calibration images or their preprocessing is one undoable step; undo gives back
  // the previous images with their statistics (no model run), redo the new ones; statistics
  // collected after the change survive an undo / redo round trip.
  void datasetChangesAreUndoable() {
    Document doc;
    doc.setAutosaveInterval(0);
    QVERIFY(doc.openModel(q(testing::sampleModel())).isOk());
    const QString calib = QFileInfo(q(testing::sampleCalib())).absoluteFilePath();
    QVERIFY(doc.setCalibrationFolder(calib, testing::samplePreprocess()).isOk());
    JobRunner jobs;
    QSignalSpy finished(&jobs, &JobRunner::finished);
    QVERIFY(jobs.startCalibration(&doc, CollectOptions{}, CalibrateOptions{}));
    QVERIFY(finished.wait(120000));
    QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(finished.at(0).at(1).toString()));
    QVERIFY(doc.session().statistics());
    const int64_t runs = doc.session().statisticsRuns();
    const int steps = doc.undoStack()->count();

    // Other images: a folder holding a copy of a few calibration images.
    QTemporaryDir other;
    const QStringList images = QDir(calib).entryList(QDir::Files, QDir::Name).mid(0, 5);
    for (const QString& f : images) QVERIFY(QFile::copy(QDir(calib).filePath(f), QDir(other.path()).filePath(f)));
    QSignalSpy changed(&doc, &Document::changed);
    QVERIFY(doc.setCalibrationFolder(other.path(), testing::samplePreprocess()).isOk());
    QCOMPARE(doc.undoStack()->count(), steps + 1);
    QVERIFY(changed.count() >= 1);
    QVERIFY(!doc.session().statistics());
    QCOMPARE(q(doc.session().dataset(DatasetRole::Evaluation)->source), QFileInfo(other.path()).absoluteFilePath());
    // The same folder again is no step.
    QVERIFY(doc.setCalibrationFolder(other.path(), testing::samplePreprocess()).isOk());
    QCOMPARE(doc.undoStack()->count(), steps + 1);

    doc.undoStack()->undo();
    QCOMPARE(q(doc.session().dataset(DatasetRole::Calibration)->source), calib);
    QCOMPARE(q(doc.session().dataset(DatasetRole::Evaluation)->source), calib);
    QVERIFY(doc.session().statistics());
    QVERIFY(doc.session().statistics()->images > int64_t(images.size()));
    QVERIFY(doc.calibrate(CalibrateOptions{}).isOk());
    QCOMPARE(doc.session().statisticsRuns(), runs);  // the restored statistics served

    doc.undoStack()->redo();
    QCOMPARE(q(doc.session().dataset(DatasetRole::Calibration)->source), QFileInfo(other.path()).absoluteFilePath());
    QVERIFY(!doc.session().statistics());
    QVERIFY(jobs.startCalibration(&doc, CollectOptions{}, CalibrateOptions{}));
    QVERIFY(finished.wait(120000));
    QCOMPARE(doc.session().statisticsRuns(), runs + 1);
    QCOMPARE(doc.session().statistics()->images, int64_t(images.size()));
    doc.undoStack()->undo();  // back to the sample's images and statistics ...
    QVERIFY(doc.session().statistics()->images > int64_t(images.size()));
    doc.undoStack()->redo();  // ... and forward to the five images' statistics, kept by the undo
    QVERIFY(doc.session().statistics());
    QCOMPARE(doc.session().statistics()->images, int64_t(images.size()));
    QCOMPARE(doc.session().statisticsRuns(), runs + 1);

    // Preprocessing is a step of its own, with its own text.
    Preprocess scaled = testing::samplePreprocess();
    scaled.norm[0] = 0.5f / 255.f;
    QVERIFY(doc.setCalibrationFolder(other.path(), scaled, QStringLiteral("Set preprocessing")).isOk());
    QCOMPARE(doc.undoStack()->undoText(), QStringLiteral("Set preprocessing"));
    doc.undoStack()->undo();
    QCOMPARE(toString(doc.session().dataset(DatasetRole::Calibration)->preprocess), toString(testing::samplePreprocess()));
    QVERIFY(doc.session().statistics());

    // Evaluation images apart: undoable too; failures push nothing.
    const int before = doc.undoStack()->index();
    QVERIFY(doc.setEvaluationSource(calib).isOk());
    QCOMPARE(doc.undoStack()->index(), before + 1);
    QVERIFY(!doc.setEvaluationSource(dir_.filePath(QStringLiteral("nowhere"))).isOk());
    QCOMPARE(doc.undoStack()->index(), before + 1);
    QCOMPARE(doc.undoStack()->count(), before + 1);
    doc.undoStack()->undo();
    QCOMPARE(q(doc.session().dataset(DatasetRole::Evaluation)->source), QFileInfo(other.path()).absoluteFilePath());
  }

  void projectRoundTripKeepsOverrides() {
    const QString path = dir_.filePath(QStringLiteral("sample.eqw"));
    QVERIFY(!doc_.session().overrides().empty());
    Status s = doc_.saveProject(path);
    QVERIFY2(s.isOk(), s.message().c_str());
    QCOMPARE(doc_.projectPath(), path);
    QVERIFY(doc_.undoStack()->isClean());
    Document other;
    QSignalSpy reset(&other, &Document::reset);
    s = other.openProject(path);
    QVERIFY2(s.isOk(), s.message().c_str());
    QCOMPARE(reset.count(), 1);
    QVERIFY(other.session().overrides() == doc_.session().overrides());
    QVERIFY(*other.session().spec() == *doc_.session().spec());
    QCOMPARE(other.session().statisticsRuns(), int64_t(0));  // the statistics came from the file
  }

  void badInputKeepsTheDocument() {
    const auto overrides = doc_.session().overrides();
    const std::string model = doc_.session().modelPath();
    const QString project = doc_.projectPath();
    const int undo = doc_.undoStack()->count();
    QSignalSpy reset(&doc_, &Document::reset);

    const QString broken = dir_.filePath(QStringLiteral("broken.onnx"));
    writeFile(broken, QByteArray("this is not an onnx model\n"));
    Status s = doc_.openModel(broken);
    QVERIFY(!s.isOk());
    QVERIFY(!s.message().empty());

    const QString corrupt = dir_.filePath(QStringLiteral("corrupt.eqw"));
    writeFile(corrupt, QByteArray("{\"format\": \"eqw-project\", \"version\": 1, \"model\": "));
    s = doc_.openProject(corrupt);
    QVERIFY(!s.isOk());
    QCOMPARE(s.code(), StatusCode::ParseError);
    QVERIFY2(s.message().find("corrupt.eqw") != std::string::npos, s.message().c_str());

    s = doc_.openProject(dir_.filePath(QStringLiteral("missing.eqw")));
    QCOMPARE(s.code(), StatusCode::NotFound);

    QTemporaryDir empty;
    s = doc_.setCalibrationFolder(empty.path(), testing::samplePreprocess());
    QCOMPARE(s.code(), StatusCode::NotFound);

    QCOMPARE(reset.count(), 0);
    QCOMPARE(doc_.session().modelPath(), model);
    QVERIFY(doc_.session().overrides() == overrides);
    QCOMPARE(doc_.projectPath(), project);
    QCOMPARE(doc_.undoStack()->count(), undo);
    QCOMPARE(q(doc_.session().dataset(DatasetRole::Calibration)->source), QFileInfo(q(testing::sampleCalib())).absoluteFilePath());
  }

  // Autosave: an untitled document autosaves under the application data folder, a saved project
  // beside itself; saving removes the autosave; a newer autosave recovers the unsaved edit under the
  // project's own path; a corrupt autosave is a clear error that keeps the Document.
  void autosaveAndRecover() {
    QStandardPaths::setTestModeEnabled(true);
    Document doc;
    doc.setAutosaveInterval(0);
    QVERIFY(doc.autosave().isOk());  // nothing open: nothing written
    QVERIFY(doc.openModel(q(testing::sampleModel())).isOk());
    QVERIFY(!doc.modified());
    QVERIFY(doc.setCalibrationFolder(q(testing::sampleCalib()), testing::samplePreprocess()).isOk());
    QVERIFY(doc.modified());
    const QString untitled = doc.autosavePath();
    QVERIFY(untitled.endsWith(QStringLiteral("/autosave/model.eqw")));
    QFile::remove(untitled);
    Status s = doc.autosave();
    QVERIFY2(s.isOk(), s.message().c_str());
    QVERIFY(QFileInfo::exists(untitled));

    JobRunner jobs;
    QSignalSpy finished(&jobs, &JobRunner::finished);
    QVERIFY(jobs.startCalibration(&doc, {}, {}));
    QVERIFY(doc.autosave().isOk());  // busy: the worker owns the Session, nothing happens
    QVERIFY(finished.wait(120000));
    const QString path = dir_.filePath(QStringLiteral("autosave.eqw"));
    QVERIFY(doc.saveProject(path).isOk());
    QVERIFY(!QFileInfo::exists(untitled));  // the untitled autosave went with the save
    QVERIFY(!doc.modified());
    QCOMPARE(doc.autosavePath(), path + QStringLiteral(".autosave"));

    const std::string layer = doc.session().spec()->layers[1].layer;
    QVERIFY(doc.setLayerPrecision(q(layer), Precision::Fp32).isOk());
    QVERIFY(doc.modified());
    QTest::qWait(1100);  // file times: the autosave must be strictly newer than the project
    QVERIFY(doc.autosave().isOk());
    QCOMPARE(Document::newerAutosave(path), QFileInfo(path + QStringLiteral(".autosave")).absoluteFilePath());

    Document recovered;
    s = recovered.recoverAutosave(path);
    QVERIFY2(s.isOk(), s.message().c_str());
    QCOMPARE(recovered.projectPath(), QFileInfo(path).absoluteFilePath());
    QVERIFY(recovered.modified());
    QVERIFY(recovered.session().layerOverride(layer));
    QCOMPARE(*recovered.session().layerOverride(layer)->precision, Precision::Fp32);
    Document plain;  // the project file itself never saw the edit
    QVERIFY(plain.openProject(path).isOk());
    QVERIFY(!plain.session().layerOverride(layer));

    writeFile(path + QStringLiteral(".autosave"), QByteArray("{ not json"));
    s = recovered.recoverAutosave(path);
    QVERIFY(!s.isOk());
    QVERIFY2(s.message().find("autosave.eqw.autosave") != std::string::npos, s.message().c_str());
    QVERIFY(recovered.session().layerOverride(layer));  // kept

    QVERIFY(doc.saveProject(path).isOk());
    QVERIFY(Document::newerAutosave(path).isEmpty());
    QVERIFY(!QFileInfo::exists(path + QStringLiteral(".autosave")));
  }

  // An evaluation list apart from the calibration images: the calibration set's preprocessing, the
  // old report dropped; a missing list is an error naming it that changes nothing.
  void evaluationImagesApart() {
    Document doc;
    QVERIFY(doc.openModel(q(testing::sampleModel())).isOk());
    QVERIFY(doc.setCalibrationFolder(q(testing::sampleCalib()), testing::samplePreprocess()).isOk());
    Status s = doc.setEvaluationSource(q(testing::sampleTest()));
    QVERIFY2(s.isOk(), s.message().c_str());
    const DatasetSource* eval = doc.session().dataset(DatasetRole::Evaluation);
    QVERIFY(eval);
    QVERIFY(QString::fromStdString(eval->source).endsWith(QStringLiteral("labels.txt")));
    QCOMPARE(toString(eval->preprocess), toString(doc.session().dataset(DatasetRole::Calibration)->preprocess));
    QVERIFY(doc.modified());
    s = doc.setEvaluationSource(QStringLiteral("/no/such/list.txt"));
    QVERIFY(!s.isOk());
    QVERIFY2(s.message().find("/no/such/list.txt") != std::string::npos, s.message().c_str());
    QVERIFY(QString::fromStdString(doc.session().dataset(DatasetRole::Evaluation)->source).endsWith(QStringLiteral("labels.txt")));
    // A new calibration folder no longer moves the evaluation set that was chosen apart.
    QVERIFY(doc.setCalibrationFolder(q(testing::sampleCalib()), testing::samplePreprocess()).isOk());
    QVERIFY(QString::fromStdString(doc.session().dataset(DatasetRole::Evaluation)->source).endsWith(QStringLiteral("labels.txt")));
  }

  void defaultPreprocessFollowsTheModel() {
    Document fresh;
    QVERIFY(fresh.openModel(q(testing::sampleModel())).isOk());
    const Preprocess p = fresh.defaultPreprocess();
    QCOMPARE(p.width, 28);
    QCOMPARE(p.height, 28);
    QCOMPARE(p.pixel, PixelOrder::GRAY);
    QCOMPARE(toString(p), toString(testing::samplePreprocess()));
  }

 private:
  QTemporaryDir dir_;
  Document doc_;
};

QTEST_MAIN(DocumentTest)
#include "test_document.moc"

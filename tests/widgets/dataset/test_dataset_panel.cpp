// The calibration set panel on real data: the sample's calib folder gives its image count and
// loads every thumbnail; a corrupt .jpg is listed with its name and the engine's message; an empty
// folder says why; the preview's ranges are loadImageTensor's own min / max; a bad preprocessing
// shows the engine's message, marks the field and applies nothing; undo restores the settings.
#include "dataset/dataset_panel.h"
#include "widgets/sample_session.h"

#include <QDir>
#include <QElapsedTimer>
#include <QTimer>
#include <QFile>
#include <QListWidget>
#include <QSignalSpy>
#include <QSpinBox>
#include <QComboBox>
#include <QLineEdit>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

using namespace eqw;
using eqw::widgets::ChannelPreview;
using eqw::widgets::DatasetPanel;
using eqw::widgets::ThumbnailModel;

namespace {

int pngCount(const QString& folder) {
  return static_cast<int>(QDir(folder).entryList({QStringLiteral("*.png")}, QDir::Files).size());
}

// Min and max of channel c of a [1, C, H, W] tensor, by plain indexing.
std::pair<float, float> channelRange(const Tensor& t, int c) {
  const int64_t plane = t.dim(2) * t.dim(3);
  float lo = t.f32()[c * plane], hi = lo;
  for (int64_t i = 0; i < plane; ++i) lo = std::min(lo, t.f32()[c * plane + i]), hi = std::max(hi, t.f32()[c * plane + i]);
  return {lo, hi};
}

// Waits for the preview to show `path`.
bool waitForPreview(DatasetPanel& panel, const QString& path) {
  QSignalSpy spy(panel.preview(), &widgets::TensorPreviewView::updated);
  for (int i = 0; i < 100; ++i) {
    if (!spy.wait(200)) continue;
    if (panel.preview()->path() == path) return true;
  }
  return false;
}

}  // namespace

class DatasetPanelTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void sampleFolderCountAndThumbnails() {
    const QString calib = QString::fromStdString(testing::sampleCalib());
    const int expected = pngCount(calib);
    QVERIFY(expected > 100);
    DatasetPanel panel;
    panel.setDataset(calib, testing::samplePreprocess());
    QCOMPARE(panel.model()->rowCount(), expected);
    QTRY_COMPARE_WITH_TIMEOUT(panel.model()->loadedCount(), expected, 60000);
    QVERIFY(panel.model()->unreadable().empty());
    QVERIFY2(panel.summary().contains(QString::number(expected)), qPrintable(panel.summary()));
    // A loaded thumbnail is the engine's decode at the thumbnail size.
    const QPixmap pm = panel.model()->data(panel.model()->index(5), Qt::DecorationRole).value<QPixmap>();
    QCOMPARE(pm.width(), ThumbnailModel::kThumbSize);
    QVERIFY(panel.model()->data(panel.model()->index(5), ThumbnailModel::LoadedRole).toBool());
  }

  void thousandImagesKeepTheEventLoopRunning() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString calib = QString::fromStdString(testing::sampleCalib());
    const QStringList pngs = QDir(calib).entryList({QStringLiteral("*.png")}, QDir::Files);
    for (int i = 0; i < 1000; ++i)
      QVERIFY(QFile::copy(calib + QLatin1Char('/') + pngs[i % pngs.size()], dir.filePath(QStringLiteral("img%1.png").arg(i, 4, 10, QLatin1Char('0')))));
    DatasetPanel panel;
    panel.resize(800, 600);
    panel.show();
    // The longest the event loop waited between two 10 ms ticks while thumbnails loaded.
    QElapsedTimer clock, gap;
    qint64 worst = 0;
    QTimer tick;
    tick.setInterval(10);
    QObject::connect(&tick, &QTimer::timeout, [&] {
      worst = std::max(worst, gap.restart());
    });
    clock.start();
    panel.setDataset(dir.path(), testing::samplePreprocess());
    const qint64 opening = clock.elapsed();
    QCOMPARE(panel.model()->rowCount(), 1000);
    QVERIFY2(opening < 1500, qPrintable(QStringLiteral("setDataset took %1 ms").arg(opening)));
    QVERIFY(panel.model()->loading());
    gap.start();
    tick.start();
    QTRY_COMPARE_WITH_TIMEOUT(panel.model()->loadedCount(), 1000, 120000);
    tick.stop();
    qInfo("1000 thumbnails in %lld ms, longest event-loop gap %lld ms", static_cast<long long>(clock.elapsed()),
          static_cast<long long>(worst));
    QVERIFY2(worst < 250, qPrintable(QStringLiteral("the GUI thread blocked for %1 ms").arg(worst)));
    QVERIFY(panel.model()->unreadable().empty());
  }

  void corruptJpegIsListedNotFatal() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString calib = QString::fromStdString(testing::sampleCalib());
    const QStringList pngs = QDir(calib).entryList({QStringLiteral("*.png")}, QDir::Files);
    for (int i = 0; i < 2; ++i) QVERIFY(QFile::copy(calib + QLatin1Char('/') + pngs[i], dir.filePath(pngs[i])));
    QFile bad(dir.filePath(QStringLiteral("broken.jpg")));
    QVERIFY(bad.open(QIODevice::WriteOnly));
    bad.write(QByteArray("\xff\xd8\xff\xe0 this is not a jpeg at all \x01\x02\x03", 40));
    bad.close();

    DatasetPanel panel;
    QSignalSpy found(&panel, &DatasetPanel::unreadableFound);
    panel.setDataset(dir.path(), testing::samplePreprocess());
    QCOMPARE(panel.model()->rowCount(), 3);
    QTRY_COMPARE_WITH_TIMEOUT(panel.model()->loadedCount(), 3, 30000);
    QCOMPARE(panel.model()->unreadable().size(), size_t{1});
    const widgets::UnreadableImage& u = panel.model()->unreadable()[0];
    QVERIFY(u.path.endsWith(QLatin1String("broken.jpg")));
    // The engine's own message for the file.
    const Result<Tensor> direct = loadImageTensor(u.path.toStdString(), testing::samplePreprocess());
    QVERIFY(!direct.isOk());
    QVERIFY2(u.message.contains(QLatin1String("broken.jpg")), qPrintable(u.message));
    QCOMPARE(panel.unreadableList()->count(), 1);
    QVERIFY(panel.unreadableList()->item(0)->text().startsWith(QLatin1String("broken.jpg: ")));
    QCOMPARE(found.count(), 1);
    QVERIFY2(panel.summary().contains(QLatin1String("unreadable")), qPrintable(panel.summary()));
    // The readable ones still preview.
    panel.selectRow(0);
    QVERIFY(waitForPreview(panel, panel.model()->path(0)));
    QCOMPARE(panel.preview()->channels().size(), size_t{1});
  }

  void emptyFolderSaysWhy() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const Result<Dataset> direct = openDataset(dir.path().toStdString());
    QVERIFY(!direct.isOk());
    DatasetPanel panel;
    panel.setDataset(dir.path(), testing::samplePreprocess());
    QCOMPARE(panel.model()->rowCount(), 0);
    QCOMPARE(panel.summary(), QString::fromStdString(direct.status().message()));
    QVERIFY(panel.summary().contains(dir.path()));
  }

  void previewRangesAreTheTensors() {
    const QString calib = QString::fromStdString(testing::sampleCalib());
    DatasetPanel panel;
    panel.setDataset(calib, testing::samplePreprocess());
    panel.selectRow(7);
    const QString path = panel.model()->path(7);
    QVERIFY(waitForPreview(panel, path));
    Result<Tensor> t = loadImageTensor(path.toStdString(), testing::samplePreprocess());
    QVERIFY(t.isOk());
    QCOMPARE(panel.preview()->channels().size(), size_t{1});
    const auto [lo, hi] = channelRange(*t, 0);
    QCOMPARE(panel.preview()->channels()[0].min, lo);
    QCOMPARE(panel.preview()->channels()[0].max, hi);

    // Edited, not applied: RGB, per-channel mean and norm, a crop; the preview follows the form.
    widgets::PreprocessForm* form = panel.form();
    form->pixelBox()->setCurrentIndex(form->pixelBox()->findText(QStringLiteral("RGB")));
    form->meanEdit()->setText(QStringLiteral("10, 20, 30"));
    form->normEdit()->setText(QStringLiteral("0.5, 0.25, 0.125"));
    form->widthBox()->setValue(20);
    form->heightBox()->setValue(24);
    form->modeBox()->setCurrentIndex(1);
    form->shorterBox()->setValue(26);
    QVERIFY2(form->errorText().isEmpty(), qPrintable(form->errorText()));
    QSignalSpy spy(panel.preview(), &widgets::TensorPreviewView::updated);
    QVERIFY(spy.wait(5000));
    Preprocess rgb;
    rgb.width = 20;
    rgb.height = 24;
    rgb.pixel = PixelOrder::RGB;
    rgb.mode = ResizeMode::ShorterSideThenCenterCrop;
    rgb.resizeShorter = 26;
    rgb.mean = {10.f, 20.f, 30.f};
    rgb.norm = {0.5f, 0.25f, 0.125f};
    Result<Tensor> t3 = loadImageTensor(path.toStdString(), rgb);
    QVERIFY(t3.isOk());
    const std::vector<ChannelPreview>& ch = panel.preview()->channels();
    QCOMPARE(ch.size(), size_t{3});
    for (int c = 0; c < 3; ++c) {
      const auto [l, h] = channelRange(*t3, c);
      QCOMPARE(ch[c].min, l);
      QCOMPARE(ch[c].max, h);
      QCOMPARE(ch[c].image.size(), QSize(20, 24));
    }
    QCOMPARE(ch[0].name, QStringLiteral("R"));
    // Each channel image spans black to white over its own range.
    const auto [l0, h0] = channelRange(*t3, 0);
    if (h0 > l0) {
      int darkest = 255, brightest = 0;
      for (int y = 0; y < 24; ++y)
        for (int x = 0; x < 20; ++x) darkest = std::min(darkest, qGray(ch[0].image.pixel(x, y))), brightest = std::max(brightest, qGray(ch[0].image.pixel(x, y)));
      QCOMPARE(darkest, 0);
      QCOMPARE(brightest, 255);
    }
  }

  void badPreprocessingAppliesNothing() {
    Session session;
    Status s = testing::prepareSample(session, /*calibrate=*/false);
    QVERIFY2(s.isOk(), s.message().c_str());
    const std::string before = toString(session.dataset(DatasetRole::Calibration)->preprocess);
    int applied = 0;
    DatasetPanel panel;
    panel.setApplyFunction([&](const Preprocess& p) {
      ++applied;
      return session.setDataset(DatasetRole::Calibration, testing::sampleCalib(), p);
    });
    panel.setDataset(QString::fromStdString(testing::sampleCalib()), testing::samplePreprocess());
    widgets::PreprocessForm* form = panel.form();

    // Two norms for three channels: parsePreprocess's message, the norm field marked.
    form->pixelBox()->setCurrentIndex(form->pixelBox()->findText(QStringLiteral("RGB")));
    form->normEdit()->setText(QStringLiteral("0.1, 0.2"));
    QVERIFY2(form->errorText().contains(QLatin1String("norm has 2 values")), qPrintable(form->errorText()));
    QCOMPARE(form->invalidFields(), QStringList{QStringLiteral("norm")});
    QVERIFY(!panel.apply().isOk());

    // Size 0: eqw::validate's message word for word, the width marked.
    form->pixelBox()->setCurrentIndex(form->pixelBox()->findText(QStringLiteral("GRAY")));
    QVERIFY2(form->errorText().isEmpty(), qPrintable(form->errorText()));
    form->widthBox()->setValue(0);
    Preprocess zero = testing::samplePreprocess();
    zero.width = 0;
    QCOMPARE(form->errorText(), QString::fromStdString(validate(zero).message()));
    QCOMPARE(form->invalidFields(), QStringList{QStringLiteral("width")});
    const Status rejected = panel.apply();
    QVERIFY(!rejected.isOk());
    QCOMPARE(QString::fromStdString(rejected.message()), form->errorText());

    QCOMPARE(applied, 0);
    QCOMPARE(toString(session.dataset(DatasetRole::Calibration)->preprocess), before);

    // Valid for the form but not for the model (its input is 28 x 28): the Session's message.
    form->widthBox()->setValue(32);
    QVERIFY(form->errorText().isEmpty());
    QVERIFY(!panel.apply().isOk());
    QCOMPARE(applied, 1);
    QVERIFY(!form->errorText().isEmpty());
    QCOMPARE(toString(session.dataset(DatasetRole::Calibration)->preprocess), before);
  }
};

QTEST_MAIN(DatasetPanelTest)
#include "test_dataset_panel.moc"

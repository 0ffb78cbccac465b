// ProbeController on the calibrated fashion-mnist sample: a burst of threshold requests while one
// computation runs is coalesced to the latest threshold (exactly two answers: the first request
// and the last), the answers equal LayerProbe's own numbers, a layer kept FP32 or a missing layer
// is reported, not probed, and a new input threshold in the spec keeps the probe.
#include "probe_controller.h"
#include "widgets/sample_session.h"

#include <QSignalSpy>
#include <QTest>
#include <QThread>

using namespace eqw;
using eqw::gui::ProbeController;

Q_DECLARE_METATYPE(eqw::ErrorMetrics)

class ProbeControllerTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() {
    qRegisterMetaType<eqw::ErrorMetrics>();
    Status s = testing::prepareSample(session_);
    QVERIFY2(s.isOk(), s.message().c_str());
    layer_ = QString::fromStdString(session_.spec()->layers[1].layer);
  }

  void coalescesToTheLatestThreshold() {
    ProbeController c;
    QSignalSpy ready(&c, &ProbeController::metricsReady);
    c.setLayer(session_, layer_);
    QVERIFY(!c.idle());
    QVERIFY(c.waitForIdle(60000));
    QVERIFY(c.ready());
    QCOMPARE(ready.count(), 1);  // the spec's own threshold, shown at once
    const float t = session_.spec()->find(layer_.toStdString())->input.value;
    QCOMPARE(ready.at(0).at(0).toFloat(), t);

    ready.clear();
    for (int i = 1; i <= 50; ++i) c.request(t * (0.5f + 0.02f * static_cast<float>(i)));
    QVERIFY(c.waitForIdle(60000));
    QCOMPARE(ready.count(), 2);
    const float last = t * (0.5f + 0.02f * 50.f);
    QCOMPARE(ready.at(0).at(0).toFloat(), t * 0.52f);
    QCOMPARE(ready.at(1).at(0).toFloat(), last);

    // The numbers are LayerProbe's for the same images.
    auto dataset = openDataset(testing::sampleCalib());
    QVERIFY(dataset.isOk());
    ProbeOptions o;
    o.max_images = ProbeController::kImages;
    o.threads = QThread::idealThreadCount();
    Diagnostics diags;
    auto probe = LayerProbe::create(session_.canonicalGraph(), *session_.spec(), layer_.toStdString(), *dataset,
                                    testing::samplePreprocess(), o, diags);
    QVERIFY2(probe.isOk(), probe.status().message().c_str());
    auto m = probe->metrics(last);
    auto ms = probe->metrics(t);
    QVERIFY(m.isOk() && ms.isOk());
    const auto at = ready.at(1).at(1).value<ErrorMetrics>();
    const auto spec = ready.at(1).at(3).value<ErrorMetrics>();
    QCOMPARE(at.sqnr_db, m->sqnr_db);
    QCOMPARE(at.cosine, m->cosine);
    QCOMPARE(spec.sqnr_db, ms->sqnr_db);
    QCOMPARE(ready.at(1).at(4).toLongLong(), static_cast<qint64>(ProbeController::kImages));

    // A new input threshold for the layer: same probe, the spec column follows.
    QVERIFY(session_.setLayerOverride(layer_.toStdString(), LayerOverride{{}, t * 0.7f, {}}).isOk());
    ready.clear();
    c.setLayer(session_, layer_);
    QVERIFY(c.ready());
    QVERIFY(c.waitForIdle(60000));
    QCOMPARE(ready.count(), 1);
    QCOMPARE(ready.at(0).at(2).toFloat(), t * 0.7f);
    QVERIFY(session_.setLayerOverride(layer_.toStdString(), LayerOverride{}).isOk());
  }

  void unprobeableLayersAreReported() {
    ProbeController c;
    QSignalSpy failed(&c, &ProbeController::failed);
    QSignalSpy ready(&c, &ProbeController::metricsReady);
    c.setLayer(session_, QStringLiteral("no-such-layer"));
    QCOMPARE(failed.count(), 1);
    QVERIFY(failed.at(0).at(1).toString().contains(QLatin1String("no-such-layer")));
    QVERIFY(session_.setLayerOverride(layer_.toStdString(), LayerOverride{Precision::Fp32, {}, {}}).isOk());
    c.setLayer(session_, layer_);
    QCOMPARE(failed.count(), 2);
    c.request(1.f);
    QVERIFY(c.idle());
    QVERIFY(c.waitForIdle(1000));
    QCOMPARE(ready.count(), 0);
    QVERIFY(!c.ready());
    QVERIFY(session_.setLayerOverride(layer_.toStdString(), LayerOverride{}).isOk());
  }

 private:
  Session session_;
  QString layer_;
};

QTEST_MAIN(ProbeControllerTest)
#include "test_probe_controller.moc"

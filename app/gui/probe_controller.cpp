#include "probe_controller.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QThread>
#include <QtConcurrent/QtConcurrentRun>

namespace eqw::gui {

namespace {

// Everything but the input threshold: what the probe's kernel and grid width depend on.
bool sameKernel(const LayerQuant& a, const LayerQuant& b) {
  LayerQuant x = a, y = b;
  x.input = y.input;
  return x == y;
}

}  // namespace

ProbeController::ProbeController(QObject* parent) : QObject(parent) {
  connect(&build_, &QFutureWatcher<Built>::finished, this, &ProbeController::onBuilt);
  connect(&answer_, &QFutureWatcher<Answer>::finished, this, &ProbeController::onAnswered);
}

ProbeController::~ProbeController() {
  // The workers hold shared pointers and copies only: waiting keeps them from outliving the app.
  build_.waitForFinished();
  answer_.waitForFinished();
}

void ProbeController::clear() {
  ++generation_;
  layer_.clear();
  probe_.reset();
  specMetrics_.reset();
  pending_.reset();
}

void ProbeController::setLayer(const Session& session, const QString& layer) {
  const QuantSpec* spec = session.spec();
  const LayerQuant* lq = spec && !layer.isEmpty() ? spec->find(layer.toStdString()) : nullptr;
  if (!lq || activationBits(lq->precision) == 0) {
    clear();
    layer_ = layer;
    if (!layer.isEmpty())
      Q_EMIT failed(layer, tr("%1 has no quantized input in the spec: nothing to probe").arg(layer));
    return;
  }
  if (layer == layer_ && (probe_ || building_) && sameKernel(*lq, quant_)) {
    const bool moved = lq->input.value != quant_.input.value;
    quant_ = *lq;
    if (moved) {
      specMetrics_.reset();
      request(quant_.input.value);  // the histogram's line goes back to the spec's threshold too
    }
    return;
  }
  const DatasetSource* d = session.dataset(DatasetRole::Evaluation);
  if (!d) d = session.dataset(DatasetRole::Calibration);
  if (!d) {
    clear();
    layer_ = layer;
    Q_EMIT failed(layer, tr("No images to probe %1 with: choose a calibration folder").arg(layer));
    return;
  }
  clear();
  layer_ = layer;
  quant_ = *lq;
  buildGeneration_ = generation_;
  // Copies: the worker must not read the Session, which a job may own by the time it runs.
  auto graph = std::make_shared<Graph>(session.canonicalGraph());
  QuantSpec specCopy = *spec;
  DatasetSource source = *d;
  const std::string name = layer.toStdString();
  Q_EMIT building(layer);
  building_ = true;
  build_.setFuture(QtConcurrent::run([graph, specCopy, source, name]() -> Built {
    auto dataset = openDataset(source.source, source.layout);
    if (!dataset) return {dataset.status(), nullptr};
    ProbeOptions o;
    o.max_images = kImages;
    o.threads = QThread::idealThreadCount();
    Diagnostics diags;
    auto probe = LayerProbe::create(*graph, specCopy, name, *dataset, source.preprocess, o, diags);
    if (!probe) return {probe.status(), nullptr};
    return {Status::ok(), std::make_shared<LayerProbe>(std::move(*probe))};
  }));
}

void ProbeController::onBuilt() {
  building_ = false;
  Built b = build_.result();
  if (buildGeneration_ != generation_) return startNext();  // a newer layer was asked for meanwhile
  if (!b.status.isOk()) {
    Q_EMIT failed(layer_, QString::fromStdString(b.status.message()));
    return;
  }
  probe_ = b.probe;
  Q_EMIT probeReady(layer_);
  if (!pending_) pending_ = quant_.input.value;  // show the spec's own numbers at once
  startNext();
}

void ProbeController::request(float threshold) {
  if (layer_.isEmpty()) return;
  pending_ = threshold;
  startNext();
}

void ProbeController::startNext() {
  if (computing_ || building_ || !probe_ || !pending_) return;
  const float t = *pending_;
  pending_.reset();
  answerGeneration_ = generation_;
  const float specT = quant_.input.value;
  const bool needSpec = !specMetrics_;
  std::shared_ptr<LayerProbe> probe = probe_;
  computing_ = true;
  answer_.setFuture(QtConcurrent::run([probe, t, specT, needSpec]() -> Answer {
    Answer a;
    a.threshold = t;
    a.specThreshold = specT;
    auto at = probe->metrics(t);
    if (!at) return {at.status(), t, specT, {}, {}};
    a.at = *at;
    if (needSpec) {
      auto s = t == specT ? at : probe->metrics(specT);
      if (!s) return {s.status(), t, specT, {}, {}};
      a.spec = *s;
    }
    return a;
  }));
}

void ProbeController::onAnswered() {
  computing_ = false;
  Answer a = answer_.result();
  if (answerGeneration_ == generation_) {
    if (!a.status.isOk()) {
      Q_EMIT failed(layer_, QString::fromStdString(a.status.message()));
    } else if (a.specThreshold == quant_.input.value) {
      if (!specMetrics_) specMetrics_ = a.spec;
      Q_EMIT metricsReady(a.threshold, a.at, a.specThreshold, *specMetrics_, probe_ ? probe_->images() : 0);
    } else if (!pending_) {
      pending_ = a.threshold;  // the spec moved while computing: recompute its column too
    }
  }
  startNext();
}

bool ProbeController::idle() const { return !building_ && !computing_ && !(pending_ && probe_); }

bool ProbeController::waitForIdle(int ms) {
  QDeadlineTimer deadline(ms);
  while (!idle()) {
    if (deadline.hasExpired()) return false;
    QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
    QThread::msleep(1);
  }
  return true;
}

}  // namespace eqw::gui

// Keeps an eqw::LayerProbe for the selected layer and answers threshold requests while the user
// drags: the probe is built on a worker (one FP32 run over a few images of the evaluation set, or
// the calibration set when there is none), and metrics are computed on a worker too, at most one
// computation in flight; requests arriving meanwhile are coalesced, the latest threshold wins.
// It reads the Session only on the GUI thread, in setLayer(), and the caller calls that only
// while no job owns the Session.
#pragma once

#include <eqw/probe.h>
#include <eqw/session.h>

#include <QFutureWatcher>
#include <QObject>
#include <QString>

#include <memory>
#include <optional>

namespace eqw::gui {

class ProbeController : public QObject {
  Q_OBJECT

 public:
  static constexpr int kImages = 16;

  explicit ProbeController(QObject* parent = nullptr);
  ~ProbeController() override;

  // Probes `layer` of the session's current spec; an empty layer (or one that cannot be probed)
  // drops the probe. A layer whose quantization differs from the probe's only by its input
  // threshold keeps the probe (the FP32 run does not depend on it).
  void setLayer(const Session& session, const QString& layer);
  void clear();
  // Asks for the metrics at `threshold`; answered by metricsReady (maybe for a later threshold).
  void request(float threshold);

  const QString& layer() const { return layer_; }
  bool ready() const { return probe_ != nullptr; }
  // No build and no computation running or pending.
  bool idle() const;
  // Blocks, running the event loop, until idle or `ms` passed (tests, shutdown); false on timeout.
  bool waitForIdle(int ms);

 Q_SIGNALS:
  void building(const QString& layer);
  void probeReady(const QString& layer);
  void failed(const QString& layer, const QString& message);
  void metricsReady(float threshold, const eqw::ErrorMetrics& at, float specThreshold, const eqw::ErrorMetrics& spec,
                    qint64 images);

 private:
  struct Answer {
    Status status;
    float threshold = 0.f, specThreshold = 0.f;
    ErrorMetrics at, spec;
  };
  struct Built {
    Status status;
    std::shared_ptr<LayerProbe> probe;
  };
  void onBuilt();
  void onAnswered();
  void startNext();

  QString layer_;
  LayerQuant quant_;                        // the layer's spec entry the probe was asked for
  std::shared_ptr<LayerProbe> probe_;
  std::optional<ErrorMetrics> specMetrics_;  // at quant_.input.value, once computed
  std::optional<float> pending_;
  int generation_ = 0;                       // bumped by setLayer: older builds / answers are dropped
  int buildGeneration_ = 0, answerGeneration_ = 0;
  // Set when a worker starts, cleared when its finished() is handled (not when the thread ends:
  // the result is only ours once the GUI thread has taken it).
  bool building_ = false, computing_ = false;
  QFutureWatcher<Built> build_;
  QFutureWatcher<Answer> answer_;
};

}  // namespace eqw::gui

// What the EasyQuant curve plot draws for one layer, from Session::easyQuant() without a widget:
// the objective (mean cosine) of every input-scale candidate of the layer's last activation search,
// the chosen point (the refined threshold EasyQuant wrote into its spec) and the rounds. Plain
// data over the engine's records; nothing is computed here but the scale of the chosen threshold.
#pragma once

#include <eqw/easyquant.h>
#include <eqw/status.h>

#include <string>
#include <vector>

namespace eqw::widgets {

class EasyQuantCurveData {
 public:
  // NotFound when EasyQuant did not search `layer`; InvalidArgument when its record has no curve.
  static Result<EasyQuantCurveData> make(const EasyQuantResult& result, const std::string& layer);

  const std::string& layer() const { return layer_; }
  int bits() const { return bits_; }
  // The candidates sorted by scale (ascending) and the objective at each.
  const std::vector<double>& scales() const { return scales_; }
  const std::vector<double>& objective() const { return objective_; }
  // The chosen input threshold (EasyQuant's spec), its scale qmax / T and the candidate it is.
  float chosenThreshold() const { return threshold_; }
  double chosenScale() const { return scale_; }
  int chosenIndex() const { return index_; }
  double chosenObjective() const { return objective_[static_cast<size_t>(index_)]; }
  double before() const { return before_; }  // objective with the start spec's thresholds
  double after() const { return after_; }    // with the refined ones
  const std::vector<EasyQuantRound>& rounds() const { return rounds_; }

 private:
  std::string layer_;
  int bits_ = 0;
  std::vector<double> scales_, objective_;
  float threshold_ = 0.f;
  double scale_ = 0.0;
  int index_ = 0;
  double before_ = 0.0, after_ = 0.0;
  std::vector<EasyQuantRound> rounds_;
};

}  // namespace eqw::widgets

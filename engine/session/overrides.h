// Manual per-layer overrides: checking one against the model and the spec, and applying them on
// top of a calibrated or refined spec.
#pragma once

#include <eqw/graph.h>
#include <eqw/quant.h>
#include <eqw/session.h>
#include <eqw/status.h>

#include <map>
#include <string>

namespace eqw {

// Whether `override` may be set on `layer`: the layer is a quantizable node of `canonical`
// (NotFound / InvalidArgument), thresholds are finite and > 0, the weight threshold count fits
// one of the layer's granularities, and, when `base` (the spec before overrides) has the layer,
// applying it there gives a valid layer. Messages name the layer and the bad value.
Status checkOverride(const Graph& canonical, const QuantSpec* base, const std::string& layer,
                     const LayerOverride& override, bool winograd6bit);

// Applies one override to its spec layer; on error (it does not fit) the layer is unchanged. A
// precision override also sets the weight width ncnn gives the layer at that precision
// (ncnnWeightBits: 6 bits on Winograd layers at INT8 when winograd6bit, the calibration's rule).
Status applyOverride(const Graph& canonical, const LayerOverride& override, bool winograd6bit, LayerQuant& layer);

// Applies every override to `spec`; one that does not fit is skipped with a Warning naming the
// layer (a recalibration changed the granularity, or the layer is not in the spec).
void applyOverrides(const Graph& canonical, const std::map<std::string, LayerOverride>& overrides, bool winograd6bit,
                    QuantSpec& spec, Diagnostics* diags);

}  // namespace eqw

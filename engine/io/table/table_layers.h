// How a quantizable layer's weight scales look in an ncnn table: their count, grid and the
// mapping from the spec's thresholds.
#pragma once

#include <eqw/graph.h>
#include <eqw/quant.h>
#include <eqw/status.h>
#include <eqw/table.h>

#include <vector>

namespace eqw::table {

// ncnn keeps one weight scale per output channel, or per group for a grouped convolution
// (ConvolutionDepthWise).
int64_t ncnnWeightCount(const Node& node);
Granularity ncnnGranularity(const Node& node);

// The weight grid's qmax for this layer in an ncnn table, from the layer's precision and weight
// width (effectiveWeightBits; 0 for an FP32 layer, whose line is written on the INT8 grid): with
// winograd_6bit, a layer ncnnRunsWinograd is capped at 6 bits (31), what ncnn will run — INT7
// layers excepted, which keep 7 bits (eqw/quant.h ncnnWeightBits).
int ncnnWeightQmax(const Node& node, Precision precision, int weightBits, const NcnnTableOptions& options);

// Whether writing this layer moves weights the spec evaluates on more than 6 bits onto ncnn's
// 6-bit Winograd grid (an Int8 layer without weight_bits 6, e.g. calibrated with the rule off).
bool widenedByWinograd(const Node& node, const LayerQuant& lq, const NcnnTableOptions& options);

// The spec's thresholds (one, one per channel, or one per group) as ncnnWeightCount values:
// one is repeated; per-channel thresholds of a grouped convolution take their group's maximum.
Result<std::vector<float>> ncnnWeightThresholds(const Node& node, const std::vector<float>& thresholds);

// max |W| per output channel (or per group / whole tensor); an all-zero slice gives 1.
std::vector<float> weightAbsMax(const Node& node, Granularity g);

}  // namespace eqw::table

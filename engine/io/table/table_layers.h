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

// The weight grid's qmax for this layer in an ncnn table: the precision's, or 31 for the
// 6-bit Winograd rule (3x3, stride 1, dilation 1, ungrouped) when the options ask for it.
int ncnnWeightQmax(const Node& node, Precision precision, const NcnnTableOptions& options);

// The spec's thresholds (one, one per channel, or one per group) as ncnnWeightCount values:
// one is repeated; per-channel thresholds of a grouped convolution take their group's maximum.
Result<std::vector<float>> ncnnWeightThresholds(const Node& node, const std::vector<float>& thresholds);

// max |W| per output channel (or per group / whole tensor); an all-zero slice gives 1.
std::vector<float> weightAbsMax(const Node& node, Granularity g);

}  // namespace eqw::table

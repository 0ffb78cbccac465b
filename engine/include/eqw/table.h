// ncnn scale tables (.table): what ncnn2table writes and ncnn2int8 reads (ALGORITHMS.md §5).
//   <layer>_param_0 s_0 ... s_(C-1)   weight scales, one per output channel (per group for a
//                                     grouped convolution: ncnn's ConvolutionDepthWise)
//   <layer> s                         the scale of the layer's input, keyed by the CONSUMING
//                                     layer's name
// scale = qmax / threshold. A layer kept in FP32 has its weight line but no activation line
// (leaving a weight line out stops ncnn2int8 from quantizing every later layer).
#pragma once

#include <eqw/graph.h>
#include <eqw/quant.h>
#include <eqw/status.h>

#include <string>
#include <vector>

namespace eqw {

struct NcnnTableOptions {
  // ncnn's int8 Winograd F(4,3) needs 6-bit weights: for 3x3, stride-1, dilation-1, ungrouped
  // convolutions ncnn2table writes weight scales as 31 / threshold. A table ncnn will run
  // must follow it; reading applies the same rule in reverse.
  bool winograd_6bit = true;
};

// One line of a table file, as written.
struct TableLine {
  int line = 0;                 // 1-based line number
  std::string key;
  std::vector<float> values;
};

// Reads the lines. Errors (ParseError naming the file and line): a value that is not a number,
// inf / NaN / zero / negative scales, a key without values, a key given twice.
Result<std::vector<TableLine>> parseNcnnTable(const std::string& path);

// The table's lines for a spec: one weight line per quantizable layer (FP32 ones included),
// one activation line per layer whose precision quantizes its input. The spec is validated first.
Result<std::vector<TableLine>> ncnnTableLines(const Graph& graph, const QuantSpec& spec, const NcnnTableOptions& options = {});

// Writes the lines (weight lines first, as ncnn2table does), atomically: a temporary file is
// renamed over the target, so a failed write never leaves half a table.
Status writeNcnnTable(const Graph& graph, const QuantSpec& spec, const std::string& path,
                      const NcnnTableOptions& options = {});

// A spec from a table for this graph: layers with an activation line become `bits`-bit
// (8 or 7), the others Fp32; thresholds are qmax / scale with method "table". Warnings
// (Diagnostics): keys naming no layer of the model, or a layer that cannot be quantized;
// quantizable layers without a weight line (ncnn2int8 would stop quantizing there); weight
// line lengths that do not match the layer.
Result<QuantSpec> readNcnnTable(const Graph& graph, const std::string& path, int bits = 8,
                                const NcnnTableOptions& options = {}, Diagnostics* diags = nullptr);

}  // namespace eqw

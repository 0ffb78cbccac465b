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
  // ncnn's int8 Winograd F(4,3) needs 6-bit weights: for the convolutions ncnnRunsWinograd
  // (eqw/quant.h: 3x3, stride 1, dilation 1, ungrouped) ncnn2table writes weight scales as
  // 31 / threshold. A table ncnn will run must follow it, so with this on such a layer is written
  // with 31 / T whatever its spec says: a weight_bits 6 layer as it is, an INT8 layer with wider
  // weights (calibrated with the rule off) moved onto the 6-bit grid with a warning. Reading
  // applies the rule in reverse: those layers come back with weight_bits 6, so a spec calibrated
  // with the rule on survives write -> read. INT7 layers are exempt (ncnnWeightBits): 63 / T.
  // Off: every weight line is qmax(effectiveWeightBits) / T and is read back on the precision's
  // grid (a table does not record widths, so a weight_bits 6 layer then reads back as 8-bit).
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
// one activation line per layer whose precision quantizes its input. Weight scales are
// qmax(effectiveWeightBits) / T, with the Winograd rule above. The spec is validated first.
// Warnings (diags): layers whose wider weights the Winograd rule moves onto 6 bits.
Result<std::vector<TableLine>> ncnnTableLines(const Graph& graph, const QuantSpec& spec, const NcnnTableOptions& options = {},
                                              Diagnostics* diags = nullptr);

// Writes the lines (weight lines first, as ncnn2table does), atomically: a temporary file is
// renamed over the target, so a failed write never leaves half a table.
Status writeNcnnTable(const Graph& graph, const QuantSpec& spec, const std::string& path,
                      const NcnnTableOptions& options = {}, Diagnostics* diags = nullptr);

// A spec from a table for this graph: layers with an activation line become `bits`-bit
// (8 or 7), the others Fp32; thresholds are qmax / scale with method "table"; with
// winograd_6bit, INT8 layers ncnn runs with Winograd get weight_bits 6 (31 / scale). Warnings
// (Diagnostics): keys naming no layer of the model, or a layer that cannot be quantized;
// quantizable layers without a weight line (ncnn2int8 would stop quantizing there); weight
// line lengths that do not match the layer.
Result<QuantSpec> readNcnnTable(const Graph& graph, const std::string& path, int bits = 8,
                                const NcnnTableOptions& options = {}, Diagnostics* diags = nullptr);

}  // namespace eqw

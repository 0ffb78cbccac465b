// Which converter handles which ONNX op type (default domain). An explicit list: an op type
// not named here is unsupported, with its node named in the error.
#include <algorithm>
#include <iterator>
#include <string_view>

#include "io/onnx/converters.h"

namespace eqw::onnximport {

namespace {

struct Entry {
  std::string_view op;
  ConvertFn fn;
};

// Sorted by op type (a static_assert below checks it) for the binary search.
constexpr Entry kTable[] = {
    {"Abs", convertUnary},
    {"Add", convertBinary},
    {"AveragePool", convertPool},
    {"BatchNormalization", convertBatchNorm},
    {"Cast", convertIdentity},
    {"Ceil", convertUnary},
    {"Clip", convertClip},
    {"Concat", convertConcat},
    {"Conv", convertConv},
    {"ConvTranspose", convertConvTranspose},
    {"Cos", convertUnary},
    {"Div", convertBinary},
    {"Dropout", convertIdentity},
    {"Erf", convertUnary},
    {"Exp", convertUnary},
    {"Flatten", convertFlatten},
    {"Floor", convertUnary},
    {"Gather", convertGather},
    {"Gemm", convertGemm},
    {"GlobalAveragePool", convertGlobalPool},
    {"GlobalMaxPool", convertGlobalPool},
    {"HardSigmoid", convertActivation},
    {"HardSwish", convertActivation},
    {"Identity", convertIdentity},
    {"LRN", convertLRN},
    {"LayerNormalization", convertLayerNorm},
    {"LeakyRelu", convertActivation},
    {"Log", convertUnary},
    {"MatMul", convertMatMul},
    {"Max", convertVariadic},
    {"MaxPool", convertPool},
    {"Mean", convertVariadic},
    {"Min", convertVariadic},
    {"Mul", convertBinary},
    {"Neg", convertUnary},
    {"PRelu", convertPRelu},
    {"Pad", convertPad},
    {"Pow", convertBinary},
    {"Reciprocal", convertUnary},
    {"ReduceL1", convertReduce},
    {"ReduceL2", convertReduce},
    {"ReduceMax", convertReduce},
    {"ReduceMean", convertReduce},
    {"ReduceMin", convertReduce},
    {"ReduceProd", convertReduce},
    {"ReduceSum", convertReduce},
    {"ReduceSumSquare", convertReduce},
    {"Relu", convertActivation},
    {"Reshape", convertReshape},
    {"Resize", convertResize},
    {"Sigmoid", convertActivation},
    {"Sin", convertUnary},
    {"Slice", convertSlice},
    {"Softmax", convertSoftmax},
    {"Split", convertSplit},
    {"Sqrt", convertUnary},
    {"Squeeze", convertSqueeze},
    {"Sub", convertBinary},
    {"Sum", convertVariadic},
    {"Tan", convertUnary},
    {"Tanh", convertActivation},
    {"Transpose", convertTranspose},
    {"Unsqueeze", convertSqueeze},
    {"Upsample", convertUpsample},
};

constexpr bool sortedTable() {
  for (size_t k = 1; k < std::size(kTable); ++k)
    if (!(kTable[k - 1].op < kTable[k].op)) return false;
  return true;
}
static_assert(sortedTable(), "kTable must be sorted by op type");

}  // namespace

ConvertFn findConverter(const std::string& opType) {
  auto it = std::lower_bound(std::begin(kTable), std::end(kTable), std::string_view(opType),
                             [](const Entry& e, std::string_view op) { return e.op < op; });
  return it != std::end(kTable) && it->op == opType ? it->fn : nullptr;
}

}  // namespace eqw::onnximport

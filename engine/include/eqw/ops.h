// The operator set of the graph IR: one op kind per operation, each with a typed parameter
// struct. Importers translate their formats into these; shape inference, MAC counting and
// every kernel read them. Axes count the batch dimension (axis 1 = channels for NCHW).
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace eqw {

enum class OpKind : uint8_t {
  Input,
  Convolution,     // also depthwise (group == channels)
  Deconvolution,
  InnerProduct,
  MatMul,
  Pooling,
  Activation,
  PReLU,
  BatchNorm,
  Scale,
  Eltwise,
  Binary,
  Unary,
  Concat,
  Split,           // fan-out: every output is the input
  Slice,           // cut one axis into consecutive pieces (ncnn Slice, ONNX Split)
  Crop,            // one strided window (ncnn Crop, ONNX Slice)
  Softmax,
  Flatten,
  Reshape,
  Permute,
  Padding,
  ShuffleChannel,
  Interp,
  LRN,
  Normalize,
  PriorBox,
  DetectionOutput,
  Reduce,
  LayerNorm,
  Identity,        // Dropout and other no-ops at inference
  FakeQuant,       // quantize-dequantize on a symmetric grid (the fake-quant executor inserts it)
};
const char* toString(OpKind kind);

// ---- activation, usable standalone (ActivationParams) or fused into conv / fc ----
enum class ActKind : uint8_t { None, ReLU, LeakyReLU, Clip, Sigmoid, HardSigmoid, HardSwish, Swish, Mish, TanH };
const char* toString(ActKind kind);

// Parameters by kind:
//   LeakyReLU    y = x > 0 ? x : a * x          (ReLU: a = 0)
//   Clip         y = min(max(x, a), b)
//   HardSigmoid  y = clamp(a * x + b, 0, 1)     (ncnn default a = 0.2, b = 0.5; ONNX the same)
//   HardSwish    y = x * clamp(a * x + b, 0, 1) (a = 1/6, b = 0.5)
//   Swish        y = x * sigmoid(x)
//   Mish         y = x * tanh(softplus(x))
struct Activation {
  ActKind kind = ActKind::None;
  float a = 0.f;
  float b = 0.f;
  bool operator==(const Activation&) const = default;
};
float applyActivation(const Activation& act, float x);

// How padding is decided for conv / pooling. Same* pads are resolved into explicit pads by
// shape inference (total = max((ceil(in/stride)-1)*stride + eff_kernel - in, 0); SameUpper puts
// the odd pixel at the end, SameLower at the start).
enum class PadMode : uint8_t { Explicit, SameUpper, SameLower, Valid };

struct Pads2d {
  int top = 0, left = 0, bottom = 0, right = 0;
  bool operator==(const Pads2d&) const = default;
};

struct InputParams {};

// weights[0]: W, Convolution [num_output, in_channels / group, kernel_h, kernel_w];
//             Deconvolution [in_channels, num_output / group, kernel_h, kernel_w] (ONNX layout).
// weights[1]: bias [num_output], present iff bias is true.
struct ConvParams {
  int num_output = 0;
  int kernel_h = 1, kernel_w = 1;
  int stride_h = 1, stride_w = 1;
  int dilation_h = 1, dilation_w = 1;
  Pads2d pads;
  PadMode pad_mode = PadMode::Explicit;
  float pad_value = 0.f;
  int group = 1;
  bool bias = false;
  Activation act;                // fused, applied after bias
  int output_pad_h = 0, output_pad_w = 0;  // Deconvolution only (ONNX output_padding)
};

// y[o] = act(sum_k W[o, k] * x_flat[k] + b[o]); the input is flattened from axis 1.
// weights[0]: W [num_output, K]; weights[1]: bias [num_output] iff bias. Output [1, num_output].
struct InnerProductParams {
  int num_output = 0;
  bool bias = false;
  Activation act;
};

// y = A @ B (numpy matmul broadcasting). With one input, B is weights[0] [K, N] and
// weights[1] (optional) a bias [N] added to the last axis.
struct MatMulParams {
  bool bias = false;
};

enum class PoolType : uint8_t { Max, Avg };
struct PoolParams {
  PoolType type = PoolType::Max;
  int kernel_h = 1, kernel_w = 1;
  int stride_h = 1, stride_w = 1;
  Pads2d pads;
  PadMode pad_mode = PadMode::Explicit;
  bool global = false;           // kernel = whole plane
  bool keep_dims = true;         // global only: false gives [1, C] (ncnn), true [1, C, 1, 1] (ONNX)
  bool ceil_mode = false;        // output size rounds up (Caffe / ncnn pad_mode 0)
  bool count_include_pad = false;  // Avg: divide by the full kernel area incl. explicit pads
};

struct ActivationParams {
  Activation act;
};

// y = x > 0 ? x : slope[c] * x. weights[0]: slope [C] or [1].
struct PReLUParams {};

// y = slope * (x - mean) / sqrt(var + eps) + bias, per channel (axis 1).
// weights: [0] slope (gamma) [C], [1] mean [C], [2] var [C], [3] bias (beta) [C].
struct BatchNormParams {
  float eps = 1e-5f;
};

// y = x * scale[c] (+ bias[c]), per channel (axis 1). weights[0] scale [C], weights[1] bias iff bias.
struct ScaleParams {
  bool bias = false;
};

enum class EltwiseOp : uint8_t { Prod, Sum, Max };
// Same-shape n-ary op. Sum uses coeffs when non-empty (one per input).
struct EltwiseParams {
  EltwiseOp op = EltwiseOp::Sum;
  std::vector<float> coeffs;
};

enum class BinaryOpKind : uint8_t { Add, Sub, Mul, Div, Max, Min, Pow, RSub, RDiv };
// y = a op b with numpy broadcasting. b is, in order of precedence: the scalar (with_scalar),
// the second input, or weights[0] (a constant). RSub is b - a, RDiv b / a.
// b_view: when non-empty, b is read with this shape instead of its own (same element count);
// shape inference sets it for ncnn's broadcasting rules ([1,C] against [1,C,H,W] means per channel).
struct BinaryParams {
  BinaryOpKind op = BinaryOpKind::Add;
  bool with_scalar = false;
  float scalar = 0.f;
  bool ncnn_broadcast = false;   // importer flag: derive b_view by ncnn's rules
  std::vector<int64_t> b_view;
};

enum class UnaryOpKind : uint8_t { Abs, Neg, Floor, Ceil, Square, Sqrt, Rsqrt, Exp, Log, Sin, Cos, Tan, Reciprocal, Tanh, Erf };
struct UnaryParams {
  UnaryOpKind op = UnaryOpKind::Abs;
};

struct ConcatParams {
  int axis = 1;                  // negative counts from the end
};

struct SplitParams {};

// Cut `axis` into outputs of the given sizes; a size of -1 takes what is left (at most one).
// An empty sizes list splits evenly into as many pieces as there are outputs.
struct SliceParams {
  int axis = 1;
  std::vector<int64_t> sizes;
};

// ONNX Slice semantics: for each listed axis, start/end (clamped, negative from the end), step.
struct CropParams {
  std::vector<int64_t> starts, ends, axes, steps;
};

struct SoftmaxParams {
  int axis = 1;
};

// Output [prod(dims[:axis]), prod(dims[axis:])].
struct FlattenParams {
  int axis = 1;
};

// ONNX semantics: 0 copies the input's dim at the same index, -1 is inferred (at most one).
struct ReshapeParams {
  std::vector<int64_t> shape;
};

struct PermuteParams {
  std::vector<int> perm;         // output dim i is input dim perm[i]; includes the batch axis
};

enum class PadKind : uint8_t { Constant, Reflect, Edge };
struct PaddingParams {
  std::vector<int64_t> pads;     // ONNX order: begin of each axis, then end of each axis (rank * 2)
  PadKind mode = PadKind::Constant;
  float value = 0.f;
};

struct ShuffleChannelParams {
  int group = 1;
  bool reverse = false;
};

enum class InterpMode : uint8_t { Nearest, Bilinear, Bicubic };
enum class CoordMode : uint8_t { HalfPixel, PytorchHalfPixel, AlignCorners, Asymmetric, TfHalfPixelForNn };
enum class NearestRound : uint8_t { RoundPreferFloor, RoundPreferCeil, Floor, Ceil };
// Resize the two innermost axes. Output size: out_h/out_w when > 0, else floor(in * scale).
struct InterpParams {
  InterpMode mode = InterpMode::Nearest;
  CoordMode coord = CoordMode::HalfPixel;
  NearestRound nearest = NearestRound::RoundPreferFloor;
  float scale_h = 1.f, scale_w = 1.f;
  int out_h = 0, out_w = 0;
  float cubic_a = -0.75f;
  bool exclude_outside = false;  // bicubic: taps outside the input get weight 0, the rest renormalised
};

enum class LRNRegion : uint8_t { AcrossChannels, WithinChannel };
// y = x / (bias + alpha / size * sum(x^2 over the window))^beta (Caffe/ONNX convention).
struct LRNParams {
  LRNRegion region = LRNRegion::AcrossChannels;
  int local_size = 5;
  float alpha = 1e-4f, beta = 0.75f, bias = 1.f;
};

// SSD's Normalize (Caffe / ncnn): L2 normalisation across channels (per position) or across
// the whole tensor, then a learned scale. weights[0]: scale [C] or [1].
struct NormalizeParams {
  bool across_spatial = false;
  bool channel_shared = false;
  float eps = 1e-10f;
  int eps_mode = 0;              // ncnn: 0 = caffe (sqrt(sum + eps)), 1 = pytorch max(sqrt(sum), eps), 2 = tf sqrt(max(sum, eps))
};

// SSD prior boxes. inputs: [feature map, image]. Output [1, 2, num_priors * 4]: boxes then variances.
struct PriorBoxParams {
  std::vector<float> min_sizes, max_sizes, aspect_ratios;
  float variances[4] = {0.1f, 0.1f, 0.2f, 0.2f};
  bool flip = true, clip = false;
  int image_w = 0, image_h = 0;  // 0: from the image input
  float step_w = 0.f, step_h = 0.f;  // 0: image size / feature size
  float offset = 0.5f;
  bool step_mmdetection = false;
  bool center_mmdetection = false;
};

// SSD detection output. inputs: [loc, conf, priorbox]. Output [1, num_detections, 6]:
// (label, score, xmin, ymin, xmax, ymax) per detection, normalised coordinates.
struct DetectionOutputParams {
  int num_class = 0;
  float nms_threshold = 0.45f;
  int nms_top_k = 400;
  int keep_top_k = 200;
  float confidence_threshold = 0.01f;
  float variances[4] = {0.1f, 0.1f, 0.2f, 0.2f};
};

enum class ReduceOp : uint8_t { Sum, Mean, Max, Min, Prod, SumSquare, L1, L2 };
struct ReduceParams {
  ReduceOp op = ReduceOp::Mean;
  std::vector<int> axes;         // empty: all axes
  bool keep_dims = true;
};

// Normalise over the axes from `axis` to the end; weights[0] gamma, weights[1] beta (optional).
struct LayerNormParams {
  int axis = -1;
  float eps = 1e-5f;
  bool affine = false;
};

struct IdentityParams {};

// y = clamp(round(x * scale), lo, qmax) / scale, rounding half away from zero (ALGORITHMS.md §1);
// lo = -qmax, or 0 on an unsigned grid.
struct FakeQuantParams {
  float scale = 1.f;
  int qmax = 127;
  bool is_unsigned = false;
};

using OpParams = std::variant<InputParams, ConvParams, InnerProductParams, MatMulParams, PoolParams,
                              ActivationParams, PReLUParams, BatchNormParams, ScaleParams, EltwiseParams,
                              BinaryParams, UnaryParams, ConcatParams, SplitParams, SliceParams, CropParams,
                              SoftmaxParams, FlattenParams, ReshapeParams, PermuteParams, PaddingParams,
                              ShuffleChannelParams, InterpParams, LRNParams, NormalizeParams, PriorBoxParams,
                              DetectionOutputParams, ReduceParams, LayerNormParams, IdentityParams,
                              FakeQuantParams>;

}  // namespace eqw

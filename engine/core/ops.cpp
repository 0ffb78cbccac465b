#include <eqw/ops.h>

#include <algorithm>
#include <cmath>

namespace eqw {

const char* toString(OpKind kind) {
  switch (kind) {
    case OpKind::Input: return "Input";
    case OpKind::Convolution: return "Convolution";
    case OpKind::Deconvolution: return "Deconvolution";
    case OpKind::InnerProduct: return "InnerProduct";
    case OpKind::MatMul: return "MatMul";
    case OpKind::Pooling: return "Pooling";
    case OpKind::Activation: return "Activation";
    case OpKind::PReLU: return "PReLU";
    case OpKind::BatchNorm: return "BatchNorm";
    case OpKind::Scale: return "Scale";
    case OpKind::Eltwise: return "Eltwise";
    case OpKind::Binary: return "Binary";
    case OpKind::Unary: return "Unary";
    case OpKind::Concat: return "Concat";
    case OpKind::Split: return "Split";
    case OpKind::Slice: return "Slice";
    case OpKind::Crop: return "Crop";
    case OpKind::Softmax: return "Softmax";
    case OpKind::Flatten: return "Flatten";
    case OpKind::Reshape: return "Reshape";
    case OpKind::Permute: return "Permute";
    case OpKind::Padding: return "Padding";
    case OpKind::ShuffleChannel: return "ShuffleChannel";
    case OpKind::Interp: return "Interp";
    case OpKind::LRN: return "LRN";
    case OpKind::Normalize: return "Normalize";
    case OpKind::PriorBox: return "PriorBox";
    case OpKind::DetectionOutput: return "DetectionOutput";
    case OpKind::Reduce: return "Reduce";
    case OpKind::LayerNorm: return "LayerNorm";
    case OpKind::Identity: return "Identity";
    case OpKind::FakeQuant: return "FakeQuant";
  }
  return "?";
}

const char* toString(ActKind kind) {
  switch (kind) {
    case ActKind::None: return "none";
    case ActKind::ReLU: return "relu";
    case ActKind::LeakyReLU: return "leakyrelu";
    case ActKind::Clip: return "clip";
    case ActKind::Sigmoid: return "sigmoid";
    case ActKind::HardSigmoid: return "hardsigmoid";
    case ActKind::HardSwish: return "hardswish";
    case ActKind::Swish: return "swish";
    case ActKind::Mish: return "mish";
    case ActKind::TanH: return "tanh";
  }
  return "?";
}

float applyActivation(const Activation& act, float x) {
  switch (act.kind) {
    case ActKind::None: return x;
    case ActKind::ReLU: return x > 0.f ? x : 0.f;
    case ActKind::LeakyReLU: return x > 0.f ? x : act.a * x;
    case ActKind::Clip: return std::min(std::max(x, act.a), act.b);
    case ActKind::Sigmoid: return 1.f / (1.f + std::exp(-x));
    case ActKind::HardSigmoid: return std::min(std::max(act.a * x + act.b, 0.f), 1.f);
    case ActKind::HardSwish: return x * std::min(std::max(act.a * x + act.b, 0.f), 1.f);
    case ActKind::Swish: return x / (1.f + std::exp(-x));
    case ActKind::Mish: return x * std::tanh(std::log1p(std::exp(x)));
    case ActKind::TanH: return std::tanh(x);
  }
  return x;
}

}  // namespace eqw

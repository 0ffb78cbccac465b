// Element-wise micro-kernels: binary ops, per-channel affine maps (BatchNorm, Scale) and the
// activations the epilogue knows. Plain data and function declarations only.
#pragma once

#include "kernels/gemm/f32_epilogue.h"

#include <cstdint>

namespace eqw::kernels {

enum F32BinaryCode : int32_t {
  kF32Add = 0,
  kF32Sub = 1,   // a - b
  kF32Mul = 2,
  kF32Div = 3,   // a / b
  kF32Max = 4,
  kF32Min = 5,
  kF32RSub = 6,  // b - a
  kF32RDiv = 7,  // b / a
};

// Activations the epilogue codes (F32ActCode) leave out: transcendental, so they run as their
// own vector loop (exp by a range-reduced polynomial) rather than in every micro-kernel.
enum F32TransActCode : int32_t {
  kF32TActSigmoid = 0,  // 1 / (1 + exp(-x))
  kF32TActSwish = 1,    // x * sigmoid(x)
  kF32TActTanH = 2,
  kF32TActMish = 3,     // x * tanh(softplus(x))
};

// y[i] = a[i] op b[i] for i < n (y may alias a or b).
using F32BinaryFn = void (*)(int32_t op, const float* a, const float* b, float* y, int64_t n);
// y[i] = a[i] op b (y may alias a).
using F32BinaryScalarFn = void (*)(int32_t op, const float* a, float b, float* y, int64_t n);
// y[i] = epilogue(x[i] * s + t) (y may alias x).
using F32AffineFn = void (*)(const float* x, float s, float t, float* y, int64_t n, const F32Epilogue& ep);
// y[i] = ca * a[i] + cb * b[i] (y may alias a or b).
using F32AxpbyFn = void (*)(float ca, const float* a, float cb, const float* b, float* y, int64_t n);
// y[i] = act(x[i]) for an F32TransActCode act (y may alias x); NaN in, NaN out.
using F32TransActFn = void (*)(int32_t act, const float* x, float* y, int64_t n);

namespace avx512 {
void f32_binary_avx512(int32_t op, const float* a, const float* b, float* y, int64_t n);
void f32_binary_scalar_avx512(int32_t op, const float* a, float b, float* y, int64_t n);
void f32_affine_avx512(const float* x, float s, float t, float* y, int64_t n, const F32Epilogue& ep);
void f32_axpby_avx512(float ca, const float* a, float cb, const float* b, float* y, int64_t n);
void f32_trans_act_avx512(int32_t act, const float* x, float* y, int64_t n);
}  // namespace avx512
namespace avx2 {
void f32_binary_avx2(int32_t op, const float* a, const float* b, float* y, int64_t n);
void f32_binary_scalar_avx2(int32_t op, const float* a, float b, float* y, int64_t n);
void f32_affine_avx2(const float* x, float s, float t, float* y, int64_t n, const F32Epilogue& ep);
void f32_axpby_avx2(float ca, const float* a, float cb, const float* b, float* y, int64_t n);
void f32_trans_act_avx2(int32_t act, const float* x, float* y, int64_t n);
}  // namespace avx2

}  // namespace eqw::kernels

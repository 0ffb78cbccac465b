#include "kernels/conv/f32_conv2d.h"

#include "kernels/conv/f32_conv2d_depthwise.h"
#include "kernels/conv/f32_conv2d_gemm.h"
#include "kernels/conv/f32_conv2d_gemm_t.h"
#include "kernels/conv/f32_conv2d_winograd.h"
#include "kernels/conv/f32_conv_setup.h"

namespace eqw::kernels {

Result<KernelPtr> makeF32Conv2d(const Node& node, const std::vector<Shape>& in, const std::vector<Shape>& out,
                                const FastUkernels& uk) {
  F32ConvSetup setup;
  bool supported = false;
  EQW_RETURN_IF_ERROR(setupF32Conv(node, in, out, &setup, &supported));
  if (!supported) return KernelPtr{};
  if (isDepthwise(setup)) return makeF32Conv2dDepthwise(node, setup, uk);
  if (preferF32Winograd(setup, uk)) return makeF32Conv2dWinograd(node, setup, uk);
  // The transposed GEMM packs the whole im2col matrix once per run: only for small outputs.
  const double colsBytes = 4.0 * setup.group * setup.kGroup * setup.oh * setup.ow;
  if (colsBytes <= 16e6 && f32ConvTransposedCostRatio(setup, uk) < 0.9) return makeF32Conv2dGemmT(node, setup, uk);
  return makeF32Conv2dGemm(node, setup, uk);
}

}  // namespace eqw::kernels

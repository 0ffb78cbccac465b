// Fast-kernel dispatch: the ISA picks one micro-kernel table, once; the op kind picks the driver.
#include "kernels/fast.h"

#include "kernels/conv/f32_conv2d.h"
#include "kernels/eltwise/f32_eltwise.h"
#include "kernels/gemm/f32_inner_product.h"
#include "kernels/norm/f32_lrn.h"
#include "kernels/pool/f32_pool.h"
#include "kernels/fast_ukernels.h"

#include <exception>
#include <new>

namespace eqw::kernels {

#if defined(EQW_X86_KERNELS)
namespace {

constexpr FastUkernels kAvx512{
    Isa::Avx512, "avx512", 16,
    F32GemmUkernels{"f32_gemm_12x32_avx512", 12, 32, 16, avx512::f32_gemm_12x32_avx512, avx512::f32_gemm_12x16_avx512,
                    avx512::f32_gemm_t_12x32_avx512, avx512::f32_gemm_t_12x16_avx512, avx512::f32_gemv_4rows_avx512},
    avx512::f32_im2col_pack_avx512, avx512::f32_dwconv_avx512, avx512::f32_dwconv_direct_avx512,
    avx512::f32_dwconv_blocked_avx512,
    avx512::f32_maxpool_avx512, avx512::f32_avgpool_avx512, avx512::f32_reduce_sum_avx512, avx512::f32_reduce_max_avx512,
    avx512::f32_binary_avx512, avx512::f32_binary_scalar_avx512, avx512::f32_affine_avx512, avx512::f32_axpby_avx512,
    avx512::f32_trans_act_avx512,
    WinogradFns{avx512::f32_wg43_pack_input_avx512, avx512::f32_wg43_input_transform_avx512,
                avx512::f32_wg43_output_transform_avx512, avx512::f32_gemm_rows_12x32_avx512,
                avx512::f32_gemm_rows_12x16_avx512}};

constexpr FastUkernels kAvx2{
    Isa::Avx2, "avx2", 8,
    F32GemmUkernels{"f32_gemm_6x16_avx2", 6, 16, 8, avx2::f32_gemm_6x16_avx2, avx2::f32_gemm_6x8_avx2,
                    avx2::f32_gemm_t_6x16_avx2, avx2::f32_gemm_t_6x8_avx2, avx2::f32_gemv_4rows_avx2},
    avx2::f32_im2col_pack_avx2, avx2::f32_dwconv_avx2, nullptr, nullptr,
    avx2::f32_maxpool_avx2, avx2::f32_avgpool_avx2, avx2::f32_reduce_sum_avx2, avx2::f32_reduce_max_avx2,
    avx2::f32_binary_avx2, avx2::f32_binary_scalar_avx2, avx2::f32_affine_avx2, avx2::f32_axpby_avx2,
    avx2::f32_trans_act_avx2,
    WinogradFns{}};

}  // namespace
#endif

const FastUkernels* fastUkernels(Isa isa) {
#if defined(EQW_X86_KERNELS)
  // The requested level, never above what this CPU runs (a stale or hand-made Isa must not
  // reach an illegal instruction).
  const int level = static_cast<int>(isa);
  if (level >= static_cast<int>(Isa::Avx512) && isaSupported(Isa::Avx512)) return &kAvx512;
  if (level >= static_cast<int>(Isa::Avx2) && isaSupported(Isa::Avx2)) return &kAvx2;
#else
  (void)isa;
#endif
  return nullptr;
}

namespace {

Result<KernelPtr> makeByKind(const Node& node, const std::vector<Shape>& in, const std::vector<Shape>& out,
                             const FastUkernels& uk) {
  switch (node.kind) {
    case OpKind::Convolution: return makeF32Conv2d(node, in, out, uk);
    case OpKind::InnerProduct: return makeF32InnerProduct(node, in, out, uk);
    case OpKind::Pooling: return makeF32Pool(node, in, out, uk);
    case OpKind::Eltwise: return makeF32Eltwise(node, in, out, uk);
    case OpKind::LRN: return makeF32LRN(node, in, out, uk);
    case OpKind::Binary: return makeF32Binary(node, in, out, uk);
    case OpKind::Activation:
    case OpKind::PReLU:
    case OpKind::BatchNorm:
    case OpKind::Scale: return makeF32ChannelAffine(node, in, out, uk);
    default: return KernelPtr{};
  }
}

}  // namespace

Result<KernelPtr> makeFastKernelResolved(const Node& resolved, const std::vector<Shape>& inShapes,
                                         const std::vector<Shape>& outShapes, Isa isa) {
  const FastUkernels* uk = fastUkernels(isa);
  if (!uk) return KernelPtr{};
  try {
    return makeByKind(resolved, inShapes, outShapes, *uk);
  } catch (const std::bad_alloc&) {
    return internalError("node '" + resolved.name + "': out of memory while building its fast kernel");
  } catch (const std::exception& e) {
    return internalError("node '" + resolved.name + "': " + e.what());
  }
}

Result<KernelPtr> makeFastKernel(const Node& node, const std::vector<Shape>& inShapes,
                                 const std::vector<Shape>& outShapes, Isa isa) {
  // A node that does not resolve is left to the reference kernel, which reports it.
  Result<Node> resolved = resolveNode(node, inShapes, outShapes);
  if (!resolved) return KernelPtr{};
  return makeFastKernelResolved(*resolved, inShapes, outShapes, isa);
}

}  // namespace eqw::kernels

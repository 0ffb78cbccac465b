// The micro-kernel table of one ISA level: every fast kernel's driver (generic C++) calls its
// ISA-specific inner loops through this table, chosen once from the ISA (STYLE.md 8).
#pragma once

#include "kernels/conv/f32_conv_ukernel.h"
#include "kernels/conv/f32_winograd_ukernel.h"
#include "kernels/eltwise/f32_eltwise_ukernel.h"
#include "kernels/gemm/f32_gemm_ukernel.h"
#include "kernels/pool/f32_pool_ukernel.h"

#include <eqw/cpu.h>

namespace eqw::kernels {

// Winograd F(4x4, 3x3) pieces; all null when the ISA has none (the GEMM path runs).
struct WinogradFns {
  F32WgPackInputFn packInput;
  F32WgInputTransformFn inputTransform;
  F32WgOutputTransformFn outputTransform;
  F32GemmRowsFn gemmRows;        // wide weight panels (gemm.nr)
  F32GemmRowsFn gemmRowsNarrow;  // narrow (gemm.nrNarrow)
};

struct FastUkernels {
  Isa isa;                       // the level the table was compiled for (Avx2 or Avx512)
  const char* isaName;           // "avx2", "avx512": the suffix of kernel names
  int vectorFloats;              // floats per vector register (8 or 16)
  F32GemmUkernels gemm;
  F32Im2colPackFn im2colPack;
  F32DwConvPlaneFn dwConv;
  F32DwConvDirectFn dwConvDirect;    // may be null
  F32DwConvBlockedFn dwConvBlocked;  // may be null
  F32MaxPoolPlaneFn maxPool;
  F32AvgPoolPlaneFn avgPool;
  F32ReduceFn reduceSum;
  F32ReduceFn reduceMax;
  F32BinaryFn binary;
  F32BinaryScalarFn binaryScalar;
  F32AffineFn affine;
  F32AxpbyFn axpby;
  F32TransActFn transAct;        // Sigmoid, Swish, TanH, Mish
  WinogradFns winograd;
};

// The table for the strongest family `isa` allows and the CPU runs, or null (scalar levels and
// non-x86 builds: the reference kernels run).
const FastUkernels* fastUkernels(Isa isa);

}  // namespace eqw::kernels

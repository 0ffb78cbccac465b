// The ISA picks the micro-kernel family once: scalar and SSE4.1 get none (the reference runs),
// AVX2 / AVX-VNNI the AVX2 family, AVX-512 / AVX-512 VNNI the AVX-512 family — never one the
// CPU cannot run — and ops without a fast kernel fall back to the reference.
#include <gtest/gtest.h>

#include <random>

#include "fast_test_util.h"
#include "kernels/fast.h"
#include "kernels/fast_ukernels.h"

namespace eqw::testing {
namespace {

TEST(FastDispatch, FamilyPerIsaLevel) {
  EXPECT_EQ(kernels::fastUkernels(Isa::Scalar), nullptr);
  EXPECT_EQ(kernels::fastUkernels(Isa::Sse41), nullptr);
  for (Isa isa : {Isa::Avx2, Isa::AvxVnni, Isa::Avx512, Isa::Avx512Vnni}) {
    const kernels::FastUkernels* uk = kernels::fastUkernels(isa);
    if (!isaSupported(Isa::Avx2)) {
      EXPECT_EQ(uk, nullptr) << toString(isa);
      continue;
    }
    ASSERT_NE(uk, nullptr) << toString(isa);
    EXPECT_TRUE(isaSupported(uk->isa)) << toString(isa) << " gave " << toString(uk->isa);
    EXPECT_LE(static_cast<int>(uk->isa), static_cast<int>(isa)) << toString(isa) << " gave " << toString(uk->isa);
    const bool wide = isa >= Isa::Avx512 && isaSupported(Isa::Avx512);
    EXPECT_EQ(uk->isa, wide ? Isa::Avx512 : Isa::Avx2) << toString(isa);
  }
}

TEST(FastDispatch, UncoveredCasesFallBackToReference) {
  std::mt19937 rng(1);
  const Tensor x = randomTensor({1, 4, 6, 6}, rng);
  // No fast kernel for this op kind: null, not an error.
  Node softmax = makeFastNode(OpKind::Softmax, SoftmaxParams{});
  std::vector<Shape> out;
  ASSERT_TRUE(inferShapes(softmax, {x}, &out));
  auto k = kernels::makeFastKernel(softmax, {x.shape()}, out, Isa::Avx512Vnni);
  ASSERT_TRUE(k.isOk()) << k.status().toString();
  EXPECT_FALSE(*k);
  // Scalar level: no fast kernel even for a convolution; makeKernel gives the reference.
  ConvParams p;
  p.num_output = 2, p.kernel_h = p.kernel_w = 3;
  Node conv = makeFastNode(OpKind::Convolution, p, {randomTensor({2, 4, 3, 3}, rng)});
  ASSERT_TRUE(inferShapes(conv, {x}, &out));
  auto scalar = kernels::makeFastKernel(conv, {x.shape()}, out, Isa::Scalar);
  ASSERT_TRUE(scalar.isOk());
  EXPECT_FALSE(*scalar);
  auto any = kernels::makeKernel(conv, {x.shape()}, out, Isa::Scalar);
  ASSERT_TRUE(any.isOk() && *any);
  EXPECT_NE(std::string((*any)->name()).find("ref"), std::string::npos) << (*any)->name();
  // Output shapes the node cannot produce: left to the reference, which reports them.
  auto wrong = kernels::makeFastKernel(conv, {x.shape()}, {{1, 2, 5, 5}}, Isa::Avx512Vnni);
  ASSERT_TRUE(wrong.isOk());
  EXPECT_FALSE(*wrong);
}

}  // namespace
}  // namespace eqw::testing

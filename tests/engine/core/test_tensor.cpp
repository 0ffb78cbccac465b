#include <eqw/tensor.h>

#include <gtest/gtest.h>

#include <cstdint>

namespace eqw {

TEST(Tensor, AlignedZeroFilledAndShared) {
  Tensor t({1, 3, 5, 7});
  EXPECT_EQ(t.numel(), 105);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(t.f32()) % kTensorAlignment, 0u);
  for (int64_t i = 0; i < t.numel(); ++i) EXPECT_EQ(t.f32()[i], 0.f);
  Tensor view = t.reshaped({3, 35});
  view.f32()[4] = 2.5f;
  EXPECT_EQ(t.f32()[4], 2.5f);
  Tensor deep = t.clone();
  deep.f32()[4] = 1.f;
  EXPECT_EQ(t.f32()[4], 2.5f);
  EXPECT_THROW(t.reshaped({4, 4}), std::invalid_argument);
}

TEST(Tensor, Int8Storage) {
  Tensor t({2, 65}, DType::I8);
  EXPECT_EQ(t.bytes(), 130u);
  t.data<int8_t>()[129] = -127;
  EXPECT_EQ(t.data<int8_t>()[129], -127);
  EXPECT_EQ(toString(t.shape()), "[2, 65]");
}

}  // namespace eqw

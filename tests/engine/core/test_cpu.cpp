#include <eqw/cpu.h>

#include <gtest/gtest.h>

namespace eqw {

TEST(Cpu, CapLowersActiveIsa) {
  const Isa saved = isaCap();
  setIsaCap(Isa::Avx2);
  EXPECT_LE(static_cast<int>(activeIsa()), static_cast<int>(Isa::Avx2));
  setIsaCap(Isa::Scalar);
  EXPECT_EQ(activeIsa(), Isa::Scalar);
  setIsaCap(saved);
  EXPECT_TRUE(isaSupported(Isa::Scalar));
  EXPECT_TRUE(isaSupported(cpuFeatures().best()));
}

TEST(Cpu, ParseIsaNames) {
  Isa isa;
  ASSERT_TRUE(parseIsa("avx512vnni", &isa));
  EXPECT_EQ(isa, Isa::Avx512Vnni);
  ASSERT_TRUE(parseIsa("sse41", &isa));
  EXPECT_EQ(isa, Isa::Sse41);
  EXPECT_FALSE(parseIsa("neon", &isa));
}

}  // namespace eqw

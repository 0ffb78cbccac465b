// CPU feature probe and the instruction-set cap used to pick kernels.
#pragma once

#include <string>

namespace eqw {

// Ordered from weakest to strongest: a cap at level L allows every level <= L.
enum class Isa : int {
  Scalar = 0,
  Sse41 = 1,
  Avx2 = 2,        // AVX2 + FMA
  AvxVnni = 3,     // AVX2 + FMA + AVX-VNNI (vpdpbusd on ymm)
  Avx512 = 4,      // AVX-512 F/BW/VL/DQ
  Avx512Vnni = 5,  // AVX-512 with VNNI
};
const char* toString(Isa isa);
bool parseIsa(const std::string& text, Isa* isa);  // "auto" is not an Isa: callers handle it

struct CpuFeatures {
  bool sse41 = false, avx = false, avx2 = false, fma = false;
  bool avx512f = false, avx512bw = false, avx512vl = false, avx512dq = false, avx512vnni = false;
  bool avxvnni = false;
  std::string brand;
  Isa best() const;              // the strongest level the CPU fully supports
  std::string describe() const;  // "avx512vnni (sse4.1 avx2 fma avx512f ...)"
};

const CpuFeatures& cpuFeatures();   // probed once (cpuid + xgetbv)

// The level kernels use: min(best(), cap). The cap starts from EQW_MAX_ISA when set
// ("sse41", "avx2", "avxvnni", "avx512", "avx512vnni", "scalar") and can be changed at run time.
Isa activeIsa();
void setIsaCap(Isa cap);
Isa isaCap();
bool isaSupported(Isa isa);        // does this CPU run code compiled for isa?

}  // namespace eqw

#include <eqw/cpu.h>

#include <cpuid.h>

#include <atomic>
#include <cstdlib>
#include <cstring>

namespace eqw {

const char* toString(Isa isa) {
  switch (isa) {
    case Isa::Scalar: return "scalar";
    case Isa::Sse41: return "sse41";
    case Isa::Avx2: return "avx2";
    case Isa::AvxVnni: return "avxvnni";
    case Isa::Avx512: return "avx512";
    case Isa::Avx512Vnni: return "avx512vnni";
  }
  return "?";
}

bool parseIsa(const std::string& text, Isa* isa) {
  for (Isa i : {Isa::Scalar, Isa::Sse41, Isa::Avx2, Isa::AvxVnni, Isa::Avx512, Isa::Avx512Vnni}) {
    if (text == toString(i)) {
      *isa = i;
      return true;
    }
  }
  if (text == "sse4.1") { *isa = Isa::Sse41; return true; }
  return false;
}

namespace {

CpuFeatures probe() {
  CpuFeatures f;
  unsigned a, b, c, d;
  if (!__get_cpuid(0, &a, &b, &c, &d)) return f;
  unsigned maxLeaf = a;
  __get_cpuid(1, &a, &b, &c, &d);
  f.sse41 = c & bit_SSE4_1;
  f.fma = c & bit_FMA;
  bool osxsave = c & bit_OSXSAVE;
  f.avx = (c & bit_AVX) && osxsave;
  unsigned long long xcr0 = 0;
  if (osxsave) {
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    xcr0 = (static_cast<unsigned long long>(hi) << 32) | lo;
  }
  bool ymmOs = (xcr0 & 0x6) == 0x6;
  bool zmmOs = (xcr0 & 0xe6) == 0xe6;
  f.avx = f.avx && ymmOs;
  f.fma = f.fma && ymmOs;
  if (maxLeaf >= 7) {
    __cpuid_count(7, 0, a, b, c, d);
    f.avx2 = (b & bit_AVX2) && ymmOs;
    f.avx512f = (b & bit_AVX512F) && zmmOs;
    f.avx512dq = (b & bit_AVX512DQ) && zmmOs;
    f.avx512bw = (b & bit_AVX512BW) && zmmOs;
    f.avx512vl = (b & bit_AVX512VL) && zmmOs;
    f.avx512vnni = (c & bit_AVX512VNNI) && zmmOs;
    __cpuid_count(7, 1, a, b, c, d);
    f.avxvnni = (a & (1u << 4)) && ymmOs;
  }
  char brand[49] = {};
  unsigned ext = 0;
  __get_cpuid(0x80000000, &ext, &b, &c, &d);
  if (ext >= 0x80000004) {
    unsigned* p = reinterpret_cast<unsigned*>(brand);
    for (unsigned leaf = 0; leaf < 3; ++leaf) __get_cpuid(0x80000002 + leaf, p + 4 * leaf, p + 4 * leaf + 1, p + 4 * leaf + 2, p + 4 * leaf + 3);
  }
  f.brand = brand;
  while (!f.brand.empty() && f.brand.back() == ' ') f.brand.pop_back();
  return f;
}

Isa initialCap() {
  const char* env = std::getenv("EQW_MAX_ISA");
  Isa isa = Isa::Avx512Vnni;
  if (env && *env && std::strcmp(env, "auto") != 0 && !parseIsa(env, &isa)) return Isa::Avx512Vnni;
  return isa;
}

std::atomic<int>& capStorage() {
  static std::atomic<int> cap{static_cast<int>(initialCap())};
  return cap;
}

}  // namespace

Isa CpuFeatures::best() const {
  bool avx2Level = avx2 && fma;
  bool avx512Level = avx2Level && avx512f && avx512bw && avx512vl && avx512dq;
  if (avx512Level && avx512vnni) return Isa::Avx512Vnni;
  if (avx512Level) return Isa::Avx512;
  if (avx2Level && avxvnni) return Isa::AvxVnni;
  if (avx2Level) return Isa::Avx2;
  if (sse41) return Isa::Sse41;
  return Isa::Scalar;
}

std::string CpuFeatures::describe() const {
  std::string s = toString(best());
  s += " (";
  const std::pair<bool, const char*> flags[] = {{sse41, "sse4.1"}, {avx2, "avx2"}, {fma, "fma"}, {avx512f, "avx512f"},
                                                {avx512bw, "avx512bw"}, {avx512vl, "avx512vl"}, {avx512dq, "avx512dq"},
                                                {avx512vnni, "avx512vnni"}, {avxvnni, "avxvnni"}};
  bool first = true;
  for (auto& [on, name] : flags) {
    if (!on) continue;
    if (!first) s += ' ';
    s += name;
    first = false;
  }
  return s + ")";
}

const CpuFeatures& cpuFeatures() {
  static const CpuFeatures f = probe();
  return f;
}

bool isaSupported(Isa isa) {
  Isa best = cpuFeatures().best();
  if (isa == Isa::AvxVnni) return cpuFeatures().avxvnni && static_cast<int>(best) >= static_cast<int>(Isa::Avx2);
  return static_cast<int>(isa) <= static_cast<int>(best);
}

Isa isaCap() { return static_cast<Isa>(capStorage().load()); }
void setIsaCap(Isa cap) { capStorage().store(static_cast<int>(cap)); }

Isa activeIsa() {
  Isa best = cpuFeatures().best();
  Isa cap = isaCap();
  Isa level = static_cast<int>(best) < static_cast<int>(cap) ? best : cap;
  // AVX-VNNI is not implied by AVX-512: an avx512 CPU capped at avxvnni without the
  // ymm VNNI encoding runs AVX2 kernels.
  if (level == Isa::AvxVnni && !cpuFeatures().avxvnni) level = Isa::Avx2;
  return level;
}

}  // namespace eqw

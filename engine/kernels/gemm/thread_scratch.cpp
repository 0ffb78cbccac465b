#include "kernels/gemm/thread_scratch.h"

#include <algorithm>
#include <memory>
#include <new>

namespace eqw::kernels {
namespace {

struct AlignedFree {
  void operator()(float* p) const { ::operator delete[](p, std::align_val_t(64)); }
};

struct Buffer {
  std::unique_ptr<float[], AlignedFree> data;
  size_t capacity = 0;
};

}  // namespace

float* threadScratch(size_t floats, int slot) {
  thread_local Buffer buffers[kThreadScratchSlots];
  if (slot < 0 || slot >= kThreadScratchSlots) return nullptr;
  Buffer& b = buffers[slot];
  if (b.capacity < floats) {
    // Round up so that slowly growing requests do not reallocate every time; 16 spare floats
    // let kernels read one vector past the end.
    size_t want = std::max(floats + 16, b.capacity + b.capacity / 2);
    b.data.reset();
    b.capacity = 0;
    auto* p = static_cast<float*>(::operator new[](want * sizeof(float), std::align_val_t(64), std::nothrow));
    if (!p) return nullptr;
    b.data.reset(p);
    b.capacity = want;
  }
  return b.data.get();
}

}  // namespace eqw::kernels

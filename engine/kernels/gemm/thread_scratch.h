// Per-thread scratch for packed panels: each worker thread keeps its own 64-byte aligned
// buffer, grown on demand and reused across calls (no allocation in the steady state).
#pragma once

#include <cstddef>

namespace eqw::kernels {

// A buffer of at least `floats` floats for the calling thread, valid until the next call on the
// same thread with the same slot. Slots let one task hold several buffers at once. Returns null
// when the allocation fails.
float* threadScratch(size_t floats, int slot = 0);

inline constexpr int kThreadScratchSlots = 4;

}  // namespace eqw::kernels

#include "core/parallel.h"

#include <tbb/blocked_range.h>
#include <tbb/info.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <atomic>
#include <limits>
#include <memory>

namespace eqw {

struct ThreadPool::Impl {
  explicit Impl(int n) : arena(n) {}
  tbb::task_arena arena;
};

ThreadPool::ThreadPool(int threads) {
  int hw = std::max(1, tbb::info::default_concurrency());
  threads_ = threads <= 0 ? hw : threads;
  impl_ = std::make_unique<Impl>(threads_);
}

ThreadPool::~ThreadPool() = default;

namespace {

// One thread's share of a parallelFor, in units of `grain` elements: its owner takes units from
// the front, a thread that has run out of its own takes them from the back. Front (low half) and
// back (high half) share one word so that either end is claimed by one compare-and-swap.
struct alignas(64) Slice {
  std::atomic<uint64_t> ends{0};

  void reset(uint64_t front, uint64_t back) { ends.store(front | (back << 32), std::memory_order_relaxed); }
  // The next unit from the front (owner) or the back (thief), or -1 when the slice is empty.
  int64_t take(bool fromFront) {
    uint64_t v = ends.load(std::memory_order_relaxed);
    for (;;) {
      const uint64_t front = v & 0xffffffffu, back = v >> 32;
      if (front >= back) return -1;
      const uint64_t next = fromFront ? (front + 1) | (back << 32) : front | ((back - 1) << 32);
      if (ends.compare_exchange_weak(v, next, std::memory_order_relaxed))
        return static_cast<int64_t>(fromFront ? front : back - 1);
    }
  }
};

}  // namespace

// Thread s of the arena starts on slice s, the same contiguous part of [0, n) in every call:
// kernels that split a tensor the same way in consecutive layers (by pixels, STYLE.md 10) then
// find what this core wrote in its own cache, which simple or static partitioning in TBB does
// not promise (a 2-core host measured in-place residual layers slower on 2 threads than on 1
// when the other core had written their shortcut). Work stealing from the back of other slices
// keeps the balance where a core is slow or busy.
void ThreadPool::parallelFor(int64_t n, int64_t grain, RangeFn fn) const {
  if (n <= 0) return;
  grain = std::max<int64_t>(1, grain);
  if (threads_ == 1 || n <= grain) {
    fn(0, n);
    return;
  }
  const int64_t units = (n - 1) / grain + 1;
  if (units >= std::numeric_limits<uint32_t>::max()) {
    impl_->arena.execute([&] {
      tbb::parallel_for(tbb::blocked_range<int64_t>(0, n, grain),
                        [&](const tbb::blocked_range<int64_t>& r) { fn(r.begin(), r.end()); },
                        tbb::simple_partitioner());
    });
    return;
  }
  const int slices = static_cast<int>(std::min<int64_t>(threads_, units));
  constexpr int kLocal = 16;
  Slice local[kLocal];
  std::unique_ptr<Slice[]> heap;
  Slice* slice = local;
  if (slices > kLocal) {
    heap = std::make_unique<Slice[]>(static_cast<size_t>(slices));
    slice = heap.get();
  }
  for (int s = 0; s < slices; ++s)
    slice[s].reset(static_cast<uint64_t>(s * units / slices), static_cast<uint64_t>((s + 1) * units / slices));
  auto run = [&](int64_t u) { fn(u * grain, std::min(n, (u + 1) * grain)); };
  auto work = [&] {
    const int own = tbb::this_task_arena::current_thread_index();
    if (own >= 0 && own < slices)
      for (int64_t u; (u = slice[own].take(true)) >= 0;) run(u);
    for (int k = 1; k <= slices; ++k) {
      Slice& other = slice[((own < 0 ? 0 : own) + k) % slices];
      for (int64_t u; (u = other.take(false)) >= 0;) run(u);
    }
  };
  impl_->arena.execute([&] {
    tbb::parallel_for(0, slices, 1, [&](int) { work(); }, tbb::static_partitioner());
  });
}

void ThreadPool::execute(RangeFn f) const {
  impl_->arena.execute([&] { f(0, 0); });
}

}  // namespace eqw

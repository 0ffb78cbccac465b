#include "core/parallel.h"

#include <tbb/blocked_range.h>
#include <tbb/info.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>

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

void ThreadPool::parallelFor(int64_t n, int64_t grain, RangeFn fn) const {
  if (n <= 0) return;
  grain = std::max<int64_t>(1, grain);
  if (threads_ == 1 || n <= grain) {
    fn(0, n);
    return;
  }
  impl_->arena.execute([&] {
    tbb::parallel_for(tbb::blocked_range<int64_t>(0, n, grain),
                      [&](const tbb::blocked_range<int64_t>& r) { fn(r.begin(), r.end()); },
                      tbb::simple_partitioner());
  });
}

void ThreadPool::execute(RangeFn f) const {
  impl_->arena.execute([&] { f(0, 0); });
}

}  // namespace eqw

// The one parallelism wrapper (STYLE.md 10): a ThreadPool owns a tbb::task_arena sized by the
// user's thread count; kernels split work into ranges and never create threads themselves.
#pragma once

#include <cstdint>
#include <memory>
#include <type_traits>
#include <utility>

namespace eqw {

// A non-owning reference to a callable void(int64_t begin, int64_t end); no allocation.
class RangeFn {
 public:
  template <typename F, typename = std::enable_if_t<!std::is_same_v<std::decay_t<F>, RangeFn>>>
  RangeFn(F&& f)  // NOLINT(google-explicit-constructor)
      : obj_(const_cast<void*>(static_cast<const void*>(&f))),
        call_([](void* o, int64_t b, int64_t e) { (*static_cast<std::remove_reference_t<F>*>(o))(b, e); }) {}
  void operator()(int64_t b, int64_t e) const { call_(obj_, b, e); }

 private:
  void* obj_;
  void (*call_)(void*, int64_t, int64_t);
};

class ThreadPool {
 public:
  // threads <= 0: every hardware thread.
  explicit ThreadPool(int threads = 1);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int threads() const { return threads_; }

  // Calls fn(begin, end) on disjoint ranges covering [0, n), each `grain` long (except the
  // last), in parallel inside this pool's arena. Runs inline when n <= grain or the pool has one
  // thread. Thread s of the arena starts on the s-th contiguous share of the ranges, the same
  // share in every call (a kernel that splits its tensors alike in consecutive layers finds its
  // part in this core's cache), and takes what is left of the others' shares when done.
  void parallelFor(int64_t n, int64_t grain, RangeFn fn) const;

  // Runs f inside the arena, so that nested parallelFor calls use this pool's threads.
  void execute(RangeFn f) const;

 private:
  int threads_;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// parallelFor on `pool`, or serially when pool is null.
inline void parallelFor(const ThreadPool* pool, int64_t n, int64_t grain, RangeFn fn) {
  if (n <= 0) return;
  if (pool) pool->parallelFor(n, grain, fn);
  else fn(0, n);
}

}  // namespace eqw

#include "core/parallel.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

namespace eqw {

// Every index of [0, n) is handed out exactly once, in ranges of `grain` (only the last one
// shorter), for thread counts below, at and above the pool's local slice storage and the
// number of ranges.
TEST(ThreadPool, ParallelForCoversEveryIndexOnce) {
  for (int threads : {1, 2, 3, 5, 17, 40}) {
    ThreadPool pool(threads);
    for (int64_t n : {1, 2, 3, 7, 64, 100, 1001, 4096})
      for (int64_t grain : {1, 3, 16, 64, 5000}) {
        std::vector<std::atomic<int>> hits(static_cast<size_t>(n));
        std::atomic<int> shortRanges{0}, badRanges{0};
        pool.parallelFor(n, grain, [&](int64_t b, int64_t e) {
          if (b < 0 || e > n || b >= e) {
            badRanges += 1;
            return;
          }
          if (e - b < grain && e != n) shortRanges += 1;
          for (int64_t i = b; i < e; ++i) hits[static_cast<size_t>(i)] += 1;
        });
        EXPECT_EQ(badRanges.load(), 0) << threads << " threads, n " << n << ", grain " << grain;
        EXPECT_EQ(shortRanges.load(), 0) << threads << " threads, n " << n << ", grain " << grain;
        int64_t wrong = 0;
        for (auto& h : hits) wrong += h.load() != 1;
        EXPECT_EQ(wrong, 0) << threads << " threads, n " << n << ", grain " << grain;
      }
  }
}

TEST(ThreadPool, NestedParallelForCompletes) {
  ThreadPool pool(2);
  std::atomic<int64_t> sum{0};
  pool.parallelFor(8, 1, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i)
      pool.parallelFor(100, 7, [&](int64_t bb, int64_t ee) {
        for (int64_t j = bb; j < ee; ++j) sum += i * 100 + j;
      });
  });
  EXPECT_EQ(sum.load(), 799 * 800 / 2);
}

// Each thread starts on its own slice, but a thread that has finished takes what is left of the
// others: with the first range held until every other range is done, the call still returns
// (the rest of the first slice is taken from its back by the other thread). Without stealing the
// first range would wait forever; it gives up after 20 s so that the test fails instead.
TEST(ThreadPool, IdleThreadTakesTheRestOfABusySlice) {
  ThreadPool pool(2);
  constexpr int64_t n = 64;
  std::atomic<int64_t> done{0};
  std::atomic<bool> gaveUp{false};
  pool.parallelFor(n, 1, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) {
      if (i == 0) {
        const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while (done.load() < n - 1) {
          if (std::chrono::steady_clock::now() > until) {
            gaveUp = true;
            break;
          }
          std::this_thread::yield();
        }
      }
      done += 1;
    }
  });
  EXPECT_FALSE(gaveUp.load()) << "the other thread did not take the rest of the first slice";
  EXPECT_EQ(done.load(), n);
}

}  // namespace eqw

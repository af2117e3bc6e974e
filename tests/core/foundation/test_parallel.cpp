// The worker pool: every index runs exactly once whatever the thread count, and an exception in
// any job reaches the caller.
#include "core/foundation/parallel.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <stdexcept>
#include <vector>

using namespace hrsnn;

TEST_CASE("parallel_for runs every index once for 1, 2, 3 and 7 threads") {
  for (unsigned threads : {1U, 2U, 3U, 7U}) {
    std::vector<std::atomic<int>> hits(50);
    parallel_for(hits.size(), threads, [&](size_t i) { hits[i].fetch_add(1); });
    for (const auto& h : hits) CHECK(h.load() == 1);
  }
  parallel_for(0, 4, [](size_t) { FAIL("no index to run"); });
}

TEST_CASE("parallel_for rethrows a job's exception after the others stopped") {
  // Several threads: the exception reaches the caller (how many jobs ran first depends on timing).
  CHECK_THROWS_WITH(parallel_for(100, 3,
                                 [](size_t i) {
                                   if (i == 5) throw std::runtime_error("job 5 failed");
                                 }),
                    "job 5 failed");
  // One thread takes the indices in order and stops at the failure: exactly jobs 0..5 ran.
  int ran = 0;
  CHECK_THROWS_WITH(parallel_for(100, 1,
                                 [&](size_t i) {
                                   ++ran;
                                   if (i == 5) throw std::runtime_error("job 5 failed");
                                 }),
                    "job 5 failed");
  CHECK(ran == 6);
  CHECK(resolve_threads(0) >= 1);
  CHECK(resolve_threads(3) == 3);
}

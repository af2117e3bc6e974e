#include "core/foundation/step_team.hpp"

#include <algorithm>
#include <chrono>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace hrsnn {

namespace {
inline void cpu_pause() {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#endif
}

// Waits until `word` no longer holds `old`. The other members are usually microseconds away,
// and a sleeping thread takes tens of microseconds to wake (more in a VM), so it spins with the
// CPU's pause hint for up to kSpinBudget; only then it sleeps on the word (a futex). Whoever
// changes the word notifies it. With more members than hardware threads (the tests' 7 threads
// on 2 cores) it also yields every 64 rounds so that the late ones run; with a core each it
// does not: a yield is a system call, which costs about a microsecond in a VM.
constexpr auto kSpinBudget = std::chrono::microseconds(500);

template <typename T>
void wait_while_equal(const std::atomic<T>& word, T old, bool oversubscribed) {
  const auto start = std::chrono::steady_clock::now();
  for (unsigned k = 1; word.load(std::memory_order_acquire) == old; ++k) {
    if (k % 64 != 0) {
      cpu_pause();
    } else if (std::chrono::steady_clock::now() - start < kSpinBudget) {
      if (oversubscribed) std::this_thread::yield();
    } else {
      word.wait(old, std::memory_order_acquire);
    }
  }
}
}  // namespace

StepTeam::StepTeam(unsigned threads)
    : size_(std::max(1U, threads)), oversubscribed_(size_ > std::max(1U, std::thread::hardware_concurrency())) {
  workers_.reserve(size_ - 1);
  for (unsigned k = 1; k < size_; ++k) workers_.emplace_back([this, k] { worker(k); });
}

StepTeam::~StepTeam() {
  stop_.store(true, std::memory_order_release);
  generation_.fetch_add(1, std::memory_order_acq_rel);
  generation_.notify_all();
  for (auto& t : workers_) t.join();
}

void StepTeam::run(const std::function<void(unsigned)>& body) {
  if (size_ == 1) {
    body(0);
    return;
  }
  body_ = &body;
  done_.store(0, std::memory_order_relaxed);
  generation_.fetch_add(1, std::memory_order_release);
  generation_.notify_all();
  body(0);
  for (unsigned done = done_.load(std::memory_order_acquire); done != size_ - 1;
       done = done_.load(std::memory_order_acquire))
    wait_while_equal(done_, done, oversubscribed_);
  body_ = nullptr;
}

void StepTeam::barrier() {
  if (size_ == 1) return;
  const uint32_t sense = sense_.load(std::memory_order_relaxed);
  if (arrived_.fetch_add(1, std::memory_order_acq_rel) + 1 == size_) {
    arrived_.store(0, std::memory_order_relaxed);
    sense_.store(sense ^ 1U, std::memory_order_release);
    sense_.notify_all();
  } else {
    wait_while_equal(sense_, sense, oversubscribed_);
  }
}

void StepTeam::worker(unsigned member) {
  uint64_t seen = 0;
  for (;;) {
    // Spin a while for the next step (they come every few microseconds while a simulation
    // runs), then sleep on the counter until run() or the destructor bumps it.
    wait_while_equal(generation_, seen, oversubscribed_);
    seen = generation_.load(std::memory_order_acquire);
    if (stop_.load(std::memory_order_acquire)) return;
    (*body_)(member);
    done_.fetch_add(1, std::memory_order_acq_rel);
    done_.notify_all();
  }
}

}  // namespace hrsnn

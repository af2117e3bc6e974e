// A fixed team of threads that runs one simulation step together: the calling thread is member
// 0, the others are workers owned by the team for its whole life. A step is `run(body)`: every
// member calls body(member), and `barrier()` inside the body separates its phases (every member
// must call it the same number of times). The team suits work of microseconds per phase:
// members spin on an atomic counter (with a pause, then yields) instead of sleeping in the
// kernel, and between steps the workers spin a while, then block on the atomic (C++20 wait).
//
// Bodies must not throw: a member that left a phase early would leave the others waiting at its
// barrier. The simulators' step bodies do not allocate or throw.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <thread>
#include <vector>

namespace hrsnn {

class StepTeam {
 public:
  // `threads` members (at least 1); 1 runs every body on the calling thread, with no workers.
  explicit StepTeam(unsigned threads);
  ~StepTeam();
  StepTeam(const StepTeam&) = delete;
  StepTeam& operator=(const StepTeam&) = delete;

  unsigned size() const { return size_; }

  // Runs body(0) on the calling thread and body(k) on worker k, returns when all have returned.
  void run(const std::function<void(unsigned)>& body);

  // Waits until every member has reached this barrier (sense-reversing, spinning).
  void barrier();

 private:
  void worker(unsigned member);

  unsigned size_;
  bool oversubscribed_;  // more members than the machine's hardware threads: waits also yield
  std::vector<std::thread> workers_;
  const std::function<void(unsigned)>* body_ = nullptr;
  alignas(64) std::atomic<uint64_t> generation_{0};  // bumped by run(): a new step to do
  alignas(64) std::atomic<unsigned> arrived_{0};     // members at the current barrier
  alignas(64) std::atomic<uint32_t> sense_{0};       // flips when a barrier opens
  alignas(64) std::atomic<unsigned> done_{0};        // workers finished with the current step
  std::atomic<bool> stop_{false};
};

}  // namespace hrsnn

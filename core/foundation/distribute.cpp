#include "core/foundation/distribute.hpp"

#include "core/foundation/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <thread>

#ifdef HRSNN_HAVE_MPI
#define OMPI_SKIP_MPICXX 1
#include <mpi.h>
#endif

namespace hrsnn {

namespace {
int g_rank = 0;
int g_size = 1;
bool g_initialized = false;

bool launched_by_mpi() { return std::getenv("OMPI_COMM_WORLD_SIZE") != nullptr || std::getenv("PMI_SIZE") != nullptr; }

// One process: parallel_for, the results handed to `done` under a lock.
void distribute_locally(const std::vector<std::size_t>& order, unsigned threads,
                        const std::function<std::string(std::size_t)>& run,
                        const std::function<void(std::size_t, std::string&&)>& done) {
  std::mutex mu;
  parallel_for(order.size(), threads, [&](std::size_t k) {
    std::string payload = run(order[k]);
    const std::lock_guard<std::mutex> lock(mu);
    done(order[k], std::move(payload));
  });
}
}  // namespace

bool mpi_available() {
#ifdef HRSNN_HAVE_MPI
  return true;
#else
  return false;
#endif
}

MpiSession::MpiSession(int* argc, char*** argv) {
#ifdef HRSNN_HAVE_MPI
  if (!launched_by_mpi()) return;
  int provided = 0;
  MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);
  MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &g_size);
  g_initialized = true;
#else
  (void)argc;
  (void)argv;
#endif
}

MpiSession::~MpiSession() {
#ifdef HRSNN_HAVE_MPI
  if (g_initialized) MPI_Finalize();
#endif
}

void abort_world_on_error(int code) {
#ifdef HRSNN_HAVE_MPI
  if (g_initialized && g_size > 1) MPI_Abort(MPI_COMM_WORLD, code);
#else
  (void)code;
#endif
}

int world_rank() { return g_rank; }
int world_size() { return g_size; }

#ifdef HRSNN_HAVE_MPI
namespace {
// Messages: a worker sends kTagReport = {int64 index or -1, status byte, payload}; rank 0
// answers kTagJob = {int64 index, task text}, or an index kRoundOver (no more work in this
// call) or kServiceOver (serve_tasks ends).
constexpr int kTagReport = 71;
constexpr int kTagJob = 72;
constexpr char kOk = 'R';
constexpr char kFailed = 'E';
constexpr int64_t kRoundOver = -1;
constexpr int64_t kServiceOver = -2;

std::string index_message(int64_t index, std::string_view text) {
  std::string m(sizeof(int64_t), '\0');
  std::memcpy(m.data(), &index, sizeof(int64_t));
  m += text;
  return m;
}

std::string report_message(int64_t index, char status, const std::string& payload) {
  std::string m = index_message(index, {});
  m += status;
  m += payload;
  return m;
}

int64_t message_index(const std::string& m) {
  int64_t index = -1;
  std::memcpy(&index, m.data(), sizeof(int64_t));
  return index;
}

// Receives one message with `tag` from `source` (any size).
std::string receive(int source, int tag, MPI_Status* out_status = nullptr) {
  MPI_Status status;
  MPI_Probe(source, tag, MPI_COMM_WORLD, &status);
  int count = 0;
  MPI_Get_count(&status, MPI_BYTE, &count);
  std::string buffer(static_cast<std::size_t>(count), '\0');
  MPI_Recv(buffer.data(), count, MPI_BYTE, status.MPI_SOURCE, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  if (out_status) *out_status = status;
  return buffer;
}

void send(const std::string& m, int rank, int tag) {
  MPI_Send(m.data(), static_cast<int>(m.size()), MPI_BYTE, rank, tag, MPI_COMM_WORLD);
}

// Serves rank 0 until it says the round or the service is over; returns that index.
int64_t worker_loop(const std::function<std::string(std::size_t, const std::string&)>& run) {
  std::string message = report_message(-1, kOk, {});
  for (;;) {
    send(message, 0, kTagReport);
    const std::string job = receive(0, kTagJob);
    const int64_t index = message_index(job);
    if (index < 0) return index;
    try {
      message = report_message(index, kOk, run(static_cast<std::size_t>(index), job.substr(sizeof(int64_t))));
    } catch (const std::exception& e) {
      message = report_message(index, kFailed, e.what());
    }
  }
}

// `order` lists job indices; task(index) is the text a worker gets with it.
void root_loop(const std::vector<std::size_t>& order, unsigned threads,
               const std::function<std::string(std::size_t)>& task, const std::function<std::string(std::size_t)>& run,
               const std::function<void(std::size_t, std::string&&)>& done) {
  std::mutex mu;  // guards next, failure and the calls of done
  std::size_t next = 0;
  std::optional<std::string> failure;
  const auto take = [&]() -> int64_t {
    const std::lock_guard<std::mutex> lock(mu);
    if (failure || next >= order.size()) return -1;
    return static_cast<int64_t>(order[next++]);
  };
  const auto finish = [&](std::size_t index, std::string&& payload, bool ok, int rank) {
    const std::lock_guard<std::mutex> lock(mu);
    if (!ok) {
      if (!failure) failure = "job " + std::to_string(index) + " on rank " + std::to_string(rank) + ": " + payload;
      return;
    }
    if (!failure) done(index, std::move(payload));
  };
  // Rank 0's own threads take jobs from the same queue (no MPI calls).
  std::vector<std::thread> local;
  const unsigned n_local = std::max(1U, resolve_threads(threads));
  local.reserve(n_local);
  for (unsigned t = 0; t < n_local; ++t)
    local.emplace_back([&] {
      for (int64_t index = take(); index >= 0; index = take()) {
        const auto i = static_cast<std::size_t>(index);
        try {
          std::string payload = run(i);
          finish(i, std::move(payload), true, 0);
        } catch (const std::exception& e) {
          finish(i, e.what(), false, 0);
        }
      }
    });
  // This thread serves the other ranks until each has been told the round is over. A rank told
  // so is not listened to again in this call: its next message (the ready report with which it
  // asks for work) belongs to the next call.
  std::vector<char> over(static_cast<std::size_t>(g_size), 0);
  int stopped = 0;
  while (stopped < g_size - 1) {
    bool heard = false;
    for (int rank = 1; rank < g_size; ++rank) {
      if (over[static_cast<std::size_t>(rank)]) continue;
      int flag = 0;
      MPI_Iprobe(rank, kTagReport, MPI_COMM_WORLD, &flag, MPI_STATUS_IGNORE);
      if (!flag) continue;
      heard = true;
      const std::string buffer = receive(rank, kTagReport);
      const int64_t index = message_index(buffer);
      if (index >= 0)
        finish(static_cast<std::size_t>(index), buffer.substr(sizeof(int64_t) + 1), buffer[sizeof(int64_t)] == kOk,
               rank);
      const int64_t job = take();
      send(index_message(job < 0 ? kRoundOver : job, job < 0 ? std::string{} : task(static_cast<std::size_t>(job))),
           rank, kTagJob);
      if (job < 0) {
        over[static_cast<std::size_t>(rank)] = 1;
        ++stopped;
      }
    }
    if (!heard) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  for (auto& t : local) t.join();
  if (failure) throw std::runtime_error(*failure);
}

bool distributed() { return g_initialized && g_size > 1; }
}  // namespace
#endif

void distribute_jobs(const std::vector<std::size_t>& order, unsigned threads,
                     const std::function<std::string(std::size_t)>& run,
                     const std::function<void(std::size_t, std::string&&)>& done) {
#ifdef HRSNN_HAVE_MPI
  if (distributed()) {
    if (g_rank == 0)
      root_loop(
          order, threads, [](std::size_t) { return std::string{}; }, run, done);
    else
      worker_loop([&](std::size_t index, const std::string&) { return run(index); });
    return;
  }
#endif
  distribute_locally(order, threads, run, done);
}

Shard parse_shard(const std::string& text, const std::string& option) {
  const auto bad = [&] {
    return std::invalid_argument(option + " '" + text +
                                 "': expected K/N with whole numbers 1 <= K <= N <= 100000 (shard K of N)");
  };
  const std::size_t slash = text.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 >= text.size()) throw bad();
  const auto whole = [&](std::string_view digits) {
    if (digits.empty() || digits.size() > 6) throw bad();
    unsigned v = 0;
    for (char c : digits) {
      if (c < '0' || c > '9') throw bad();
      v = v * 10 + static_cast<unsigned>(c - '0');
    }
    return v;
  };
  Shard s;
  s.index = whole(std::string_view(text).substr(0, slash));
  s.count = whole(std::string_view(text).substr(slash + 1));
  if (s.index < 1 || s.count < 1 || s.index > s.count || s.count > 100000) throw bad();
  return s;
}

void serve_tasks(const TaskFunction& run) {
#ifdef HRSNN_HAVE_MPI
  if (distributed() && g_rank != 0) {
    while (worker_loop([&](std::size_t, const std::string& task) { return run(task); }) != kServiceOver) {}
    return;
  }
#endif
  (void)run;
}

void run_tasks(const std::vector<std::string>& tasks, unsigned threads, const TaskFunction& run,
               const std::function<void(std::size_t, std::string&&)>& done) {
  std::vector<std::size_t> order(tasks.size());
  for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
  const auto run_index = [&](std::size_t k) { return run(tasks[k]); };
#ifdef HRSNN_HAVE_MPI
  if (distributed()) {
    if (g_rank != 0) throw std::logic_error("run_tasks: called on a rank other than 0 (call serve_tasks there)");
    root_loop(
        order, threads, [&](std::size_t k) { return tasks[k]; }, run_index, done);
    return;
  }
#endif
  distribute_locally(order, threads, run_index, done);
}

void end_tasks() {
#ifdef HRSNN_HAVE_MPI
  if (distributed() && g_rank == 0) {
    for (int w = 1; w < g_size; ++w) {
      MPI_Status status;
      const std::string ready = receive(MPI_ANY_SOURCE, kTagReport, &status);
      if (message_index(ready) >= 0) throw std::logic_error("end_tasks: a worker reported a result outside a round");
      send(index_message(kServiceOver, {}), status.MPI_SOURCE, kTagJob);
    }
  }
#endif
}

}  // namespace hrsnn

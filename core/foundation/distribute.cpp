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
// answers kTagJob = {int64 index, or -1: no more work}.
constexpr int kTagReport = 71;
constexpr int kTagJob = 72;
constexpr char kOk = 'R';
constexpr char kFailed = 'E';

std::string report_message(int64_t index, char status, const std::string& payload) {
  std::string m(sizeof(int64_t) + 1, '\0');
  std::memcpy(m.data(), &index, sizeof(int64_t));
  m[sizeof(int64_t)] = status;
  m += payload;
  return m;
}

void send_job(int rank, int64_t index) { MPI_Send(&index, 1, MPI_INT64_T, rank, kTagJob, MPI_COMM_WORLD); }

void worker_loop(const std::function<std::string(std::size_t)>& run) {
  std::string message = report_message(-1, kOk, {});
  for (;;) {
    MPI_Send(message.data(), static_cast<int>(message.size()), MPI_BYTE, 0, kTagReport, MPI_COMM_WORLD);
    int64_t index = -1;
    MPI_Recv(&index, 1, MPI_INT64_T, 0, kTagJob, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (index < 0) return;
    try {
      message = report_message(index, kOk, run(static_cast<std::size_t>(index)));
    } catch (const std::exception& e) {
      message = report_message(index, kFailed, e.what());
    }
  }
}

void root_loop(const std::vector<std::size_t>& order, unsigned threads,
               const std::function<std::string(std::size_t)>& run,
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
  // This thread serves the other ranks until each has been told to stop.
  int stopped = 0;
  std::string buffer;
  while (stopped < g_size - 1) {
    int flag = 0;
    MPI_Status status;
    MPI_Iprobe(MPI_ANY_SOURCE, kTagReport, MPI_COMM_WORLD, &flag, &status);
    if (!flag) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      continue;
    }
    int count = 0;
    MPI_Get_count(&status, MPI_BYTE, &count);
    buffer.resize(static_cast<std::size_t>(count));
    MPI_Recv(buffer.data(), count, MPI_BYTE, status.MPI_SOURCE, kTagReport, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    int64_t index = -1;
    std::memcpy(&index, buffer.data(), sizeof(int64_t));
    if (index >= 0)
      finish(static_cast<std::size_t>(index), buffer.substr(sizeof(int64_t) + 1), buffer[sizeof(int64_t)] == kOk,
             status.MPI_SOURCE);
    const int64_t job = take();
    send_job(status.MPI_SOURCE, job);
    if (job < 0) ++stopped;
  }
  for (auto& t : local) t.join();
  if (failure) throw std::runtime_error(*failure);
}
}  // namespace
#endif

void distribute_jobs(const std::vector<std::size_t>& order, unsigned threads,
                     const std::function<std::string(std::size_t)>& run,
                     const std::function<void(std::size_t, std::string&&)>& done) {
#ifdef HRSNN_HAVE_MPI
  if (g_initialized && g_size > 1) {
    if (g_rank == 0)
      root_loop(order, threads, run, done);
    else
      worker_loop(run);
    return;
  }
#endif
  distribute_locally(order, threads, run, done);
}

}  // namespace hrsnn

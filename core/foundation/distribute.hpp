// Independent jobs across the processes of an MPI launch (`mpirun -n N hrsnn study ...`), or
// across threads in one process. The sweeps (study cells, quantization points) call
// distribute_jobs(); with one process it is parallel_for with the results handed over one at a
// time, so the two give the same files.
//
// Under MPI, rank 0 hands out the job indices in the given order (callers sort them
// longest-first), one at a time, to whichever rank asks next, runs jobs on its own `threads`
// threads too, and receives every result; only rank 0 calls `done`, records results, prints
// progress and writes files. Every rank runs the same setup before (deterministic, so each
// builds the same jobs). Only rank 0's main thread calls MPI (MPI_THREAD_FUNNELED).
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace hrsnn {

// MPI for the life of main(): initialized when the build has MPI and the process was started by
// an MPI launcher (Open MPI's OMPI_COMM_WORLD_SIZE, or PMI_SIZE, in the environment); otherwise
// nothing, and the process is rank 0 of 1.
class MpiSession {
 public:
  MpiSession(int* argc, char*** argv);
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
};

int world_rank();  // 0 without MPI
int world_size();  // 1 without MPI
inline bool is_root_rank() { return world_rank() == 0; }
// Whether this build can distribute over MPI.
bool mpi_available();
// After an error on one rank of a launch of several: ends every rank (MPI_Abort), so that none
// waits for a message that will not come. Returns (does nothing) with one process.
void abort_world_on_error(int code);

// Runs run(order[k]) for every k: its payload goes to done(index, payload) on rank 0, one call
// at a time, in completion order. On other ranks the call returns when rank 0 has no job left.
// A job that throws on any rank: the error is rethrown on rank 0 once the jobs in flight are
// back ("job <index> on rank <r>: <message>"), and no further jobs are handed out.
void distribute_jobs(const std::vector<std::size_t>& order, unsigned threads,
                     const std::function<std::string(std::size_t)>& run,
                     const std::function<void(std::size_t, std::string&&)>& done);

// Work known only on rank 0 as it goes (the rounds of a Bayesian optimization, each planned from
// the results of the rounds before): every other rank calls serve_tasks(run) once and stays in
// it, running whatever task text rank 0 sends, until rank 0 calls end_tasks(). Rank 0 calls
// run_tasks() once per batch: each task runs on some rank (rank 0's own `threads` threads
// included) and its result goes to done(k, result) on rank 0, in completion order, k indexing
// `tasks`. An exception in run on any rank is rethrown by run_tasks, as in distribute_jobs; run
// should turn the errors it expects into results. With one process, run_tasks is parallel_for
// and serve_tasks and end_tasks do nothing.
// Job arrays without MPI (`--shard K/N`): shard K of N (1 <= K <= N) runs the jobs at positions
// K - 1, K - 1 + N, K - 1 + 2N, ... of the full job list in its fixed order (the study's is
// longest-first, so the shards get similar work), whatever a resume finds already done. Each
// shard keeps its own checkpoint; `--merge DIR...` reads the shards' checkpoints back.
struct Shard {
  unsigned index = 1;  // K
  unsigned count = 1;  // N; 1: no sharding
  bool active() const { return count > 1; }
  bool owns(std::size_t position) const { return position % count == index - 1; }
  std::string text() const { return std::to_string(index) + "/" + std::to_string(count); }
};
// Parses "K/N" (1 <= K <= N <= 100000); throws std::invalid_argument naming `option` and the rule.
Shard parse_shard(const std::string& text, const std::string& option = "--shard");

using TaskFunction = std::function<std::string(const std::string& task)>;
void serve_tasks(const TaskFunction& run);
void run_tasks(const std::vector<std::string>& tasks, unsigned threads, const TaskFunction& run,
               const std::function<void(std::size_t, std::string&&)>& done);
void end_tasks();

}  // namespace hrsnn

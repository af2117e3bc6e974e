// The paper's study on the spiking networks (docs/study.md): memory capacity, prediction
// (Mackey-Glass, Lorenz-63, NARMA-10) and spoken-digit classification (FSDD) for four network
// variants, MRSNN, heterogeneous neurons only, heterogeneous STDP only and HRSNN, each on the
// float reference and the fixed-point core, over several seeds, next to an echo state network of
// the same size and a linear readout of the delay-embedded input; then the paper's three claims
// tested on paired seeds. docs/study.md describes the protocol and the measured numbers.
//
// This header is the study's front door: it runs a whole study and includes its parts,
//   study/study_config.hpp   the configuration (examples/study.toml) and the task kinds;
//   study/variants.hpp       the four network variants derived from two specs;
//   study/task_runs.hpp      one model on one task over seeds (spiking, ESN, linear);
//   study/study_results.hpp  records, per-cell summaries, the StudyResult;
//   study/claims.hpp         the three claims and their paired statistics;
//   study/study_output.hpp   JSON, CSV, text tables and the result files;
//   study/study_checkpoint.hpp  the per-job checkpoint a long study resumes from.
#pragma once

#include "core/foundation/distribute.hpp"
#include "study/claims.hpp"
#include "study/study_config.hpp"
#include "study/study_output.hpp"
#include "study/study_results.hpp"
#include "study/task_runs.hpp"
#include "study/variants.hpp"

#include <filesystem>
#include <functional>
#include <string>

namespace hrsnn::study {

// Runs every (task, model, arith, seed) cell and the baselines on config.threads threads,
// longest first, reporting each finished cell through `progress` (may be empty); then the
// summaries and the claims. Deterministic: the results do not depend on the number of threads.
StudyResult run_study(const StudyConfig& config, const std::function<void(const std::string&)>& progress = {});

struct StudyRunOptions {
  std::function<void(const std::string&)> progress;  // may be empty
  // Empty: no checkpoint (as the two-argument run_study). Otherwise every finished job is
  // appended to this file (study/study_checkpoint.hpp); an existing file is refused unless
  // `resume`, and then the jobs it holds are read back, not run. The StudyResult is the same as an
  // uninterrupted run's (records, table, claims; the timings apart).
  std::filesystem::path checkpoint;
  bool resume = false;
  // Job arrays without MPI: run only this shard's cells (core/foundation/distribute.hpp: Shard),
  // leaving them in the checkpoint; the result is `partial`.
  Shard shard;
  // Checkpoints of finished shards (DIR/study.checkpoint.jsonl of each shard's --out), copied
  // into this run's checkpoint before anything runs; every cell must then be there. Implies
  // resume of this run's own checkpoint.
  std::vector<std::filesystem::path> merge;
};
StudyResult run_study(const StudyConfig& config, const StudyRunOptions& options);

}  // namespace hrsnn::study

// The study's task runs: one spiking model, echo state network or linear readout on one task
// (memory capacity and NARMA-10, Mackey-Glass, Lorenz-63, spoken digits), each giving a Record
// per seed. Every model reads out the same way (study/reservoir.hpp features,
// study/gram_ridge.hpp ridge readouts with lambda chosen on validation rows), so the study
// compares reservoirs, not readouts. study/study.hpp schedules these runs for a whole study.
#pragma once

#include "core/input.hpp"
#include "core/spec.hpp"
#include "study/esn.hpp"
#include "study/fsdd_task.hpp"
#include "study/study_config.hpp"
#include "study/study_results.hpp"

#include <Eigen/Dense>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace hrsnn::study {

// The spec a task runs on: FSDD rewires the input to one channel per mel band (input weights
// uniform on [-w, w], steps_per_sample = steps_per_frame, the configured encoder).
NetworkSpec task_spec(const NetworkSpec& spec, TaskKind task, const StudyConfig& config, const FsddData* fsdd);

// One spiking model (spec with its seed already set; `model` names it in the record) on one task.
Record run_snn_task(const NetworkSpec& spec, const std::string& model, TaskKind task, Arith arith,
                    const StudyConfig& config, const FsddData* fsdd);

// One spec on one task for config.seeds seeds (first_seed, first_seed + 1, ...) on
// config.threads threads, in seed order (`hrsnn mc` and `hrsnn task`). The spec is scaled by
// config.size_scale; `progress` is called after each seed.
std::vector<Record> run_spec_task(const NetworkSpec& spec, TaskKind task, Arith arith, const StudyConfig& config,
                                  const FsddData* fsdd, const std::function<void(const Record&)>& progress = {});

// Echo state networks drawn once per (seed, inputs) with spectral radius 1 and input scaling 1;
// a grid point rescales them (study/esn.hpp: the draws do not depend on the scalings). Drawing
// one solves a dense eigenvalue problem (~5 s at 1000 units), so the tasks share them.
// Thread-safe: concurrent requests for one network build it once.
class EsnBank {
 public:
  explicit EsnBank(std::size_t units) : units_(units) {}
  std::size_t units() const { return units_; }
  std::shared_ptr<const EchoStateNetwork> get(uint64_t seed, std::size_t inputs);

 private:
  struct Entry {
    std::once_flag built;
    std::shared_ptr<const EchoStateNetwork> esn;
  };
  std::size_t units_;
  std::mutex mu_;
  std::map<std::pair<uint64_t, std::size_t>, std::shared_ptr<Entry>> entries_;
};

// The baselines on one task for every seed (the ESN's hyper-parameters are tuned on
// validation data of the first seed and kept for the others).
std::vector<Record> run_esn_task(TaskKind task, EsnBank& bank, const StudyConfig& config, const FsddData* fsdd);
std::vector<Record> run_linear_task(TaskKind task, const StudyConfig& config, const FsddData* fsdd);

}  // namespace hrsnn::study

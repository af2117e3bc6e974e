// The objective `hrsnn optimize` minimizes: a network spec, instantiated from a point of the
// search space, measured on the spiking network by the study layer (study/study.hpp:
// run_snn_task, the same reservoir features, readouts and memory capacity as `hrsnn mc` and
// `hrsnn study`), on several network seeds, averaged.
//
//   efficiency: E = S / MC, the paper's objective (Chakraborty & Mukhopadhyay 2023): spiking
//               activity (spikes per neuron per step) over memory capacity, each seed's E
//               averaged over the seeds;
//   task:       task error + activity_weight * S (NRMSE of a prediction task, or 1 - accuracy
//               on FSDD), averaged over the seeds.
//
// A seed whose network fails (an invalid spec drawn from the space, a quantize() error on the
// fixed core, a NaN, no memory (MC <= 1e-6) or no spikes at all) makes the whole evaluation a
// failed one, with the reason: the optimizer records it and models where failures happen
// (optimize/bo.hpp), it never stops the run.
#pragma once

#include "core/run.hpp"
#include "core/spec.hpp"
#include "optimize/space.hpp"
#include "study/study.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace hrsnn::opt {

// efficiency: E = S / MC; task: task error + lambda S; capacity: -MC (the largest memory).
enum class ObjectiveKind { efficiency, task, capacity };
ObjectiveKind parse_objective_kind(const std::string& name);  // "E" | "efficiency" | "task" | "MC" | "capacity"
const char* to_string(ObjectiveKind kind);                    // "E", "task", "MC"

struct NetworkObjectiveConfig {
  ObjectiveKind kind = ObjectiveKind::efficiency;
  // kind == task: which task's error. memory means NARMA-10 (the memory run scores it).
  study::TaskKind task = study::TaskKind::memory;
  Arith arith = Arith::Float64;
  // Networks per evaluation, averaged. With common seeds (default) every evaluation uses the
  // network seeds first_seed .. first_seed + seeds - 1, so two points are compared on the same
  // connectivity and input draws; fresh_seeds derives them from the evaluation index instead
  // (an unbiased but noisier objective; the GP's noise term absorbs it).
  uint32_t seeds = 2;
  uint64_t first_seed = 1;
  bool fresh_seeds = false;
  double activity_weight = 1.0;  // lambda of task error + lambda * S
  // Samples, MC delays, washout, readout features, FSDD front end: the study's settings.
  study::StudyConfig study = study::quick_study_config();
};

// One network (the spec's seed already set) measured once: the study's record.
using NetworkMeasure = std::function<study::Record(const NetworkSpec& spec)>;

// The study's measurement: run_snn_task on config.study with config.arith, on the task the
// objective needs (memory for E), size scaled by config.study.size_scale. fsdd must outlive the
// measure and be non-null when the task is FSDD.
NetworkMeasure study_measure(const NetworkObjectiveConfig& config, const study::FsddData* fsdd);

// The network seeds of evaluation `index`.
std::vector<uint64_t> evaluation_seeds(const NetworkObjectiveConfig& config, uint64_t index);

// The evaluation's value, metrics and constraint values from the per-seed records: value E or
// error + lambda S (NaN and a reason when a seed failed); metrics S, mc, E, mc_per_S, the task
// error, rate_hz, each the mean over seeds, plus per-seed values under "seeds". `constraints`
// names the metrics returned as constraint values, in order (e.g. {"mc"}).
Evaluation combine_records(const NetworkObjectiveConfig& config, const std::vector<study::Record>& records,
                           const std::vector<std::string>& constraints);

// A SpecEvaluator for spec_objective(): parses the instantiated spec, measures it on every seed
// of the evaluation and combines the records. `source` names the spec in error messages.
SpecEvaluator network_evaluator(NetworkObjectiveConfig config, NetworkMeasure measure,
                                std::vector<std::string> constraints, std::string source);

// The metric a task objective reads from a study record: "nrmse", "narma10_nrmse" or
// "accuracy" (as 1 - accuracy).
std::string task_error_metric(study::TaskKind task);

}  // namespace hrsnn::opt

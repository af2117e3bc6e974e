// The Bayesian-optimization loop: a space-filling initial design, then rounds of q points
// chosen by expected improvement on a Gaussian-process surrogate (or, as the baseline, drawn
// uniformly: same budget, same initial design), every finished evaluation checkpointed.
//
// Determinism. Round r's proposals are a pure function of (seed, r, the evaluations of rounds
// before r, the hyper-parameters fitted in round r - 1); every random draw comes from
// Rng(seed, derive_stream(purpose, r, slot)). Each round's proposals and fitted
// hyper-parameters are checkpointed before its evaluations start, and doubles are written in
// their shortest round-tripping form, so a killed and resumed run evaluates exactly the points,
// with exactly the indices, of an uninterrupted run with the same options, and never repeats
// or loses a finished evaluation. The budget may be raised on resume.
//
// Checkpoint (optimize/checkpoint.hpp; JSON Lines, one object per line, appended with write +
// fsync):
//   {"type":"header", "format":"hrsnn-bo-checkpoint/1", <the options that fix the run>}
//   {"type":"round", "round":r, "first_index":i, "proposals":[[u...],...], "hyper":{...}, ...}
//   {"type":"evaluation", "index":i, "round":r, "x":[u...], "value":v|null, "ok":b, ...}
#pragma once

#include "optimize/acquisition.hpp"
#include "optimize/design.hpp"
#include "optimize/gp.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hrsnn::opt {

class SearchSpace;

// What one evaluation of the objective returns.
struct Evaluation {
  double value = std::numeric_limits<double>::quiet_NaN();  // to be minimized
  bool ok = true;                                           // false: failed (recorded and penalized, never fatal)
  std::vector<double> constraints;                          // one value per Options::constraints, in that order
  nlohmann::json metrics = nlohmann::json::object();        // anything worth keeping (S, MC, ...)
  std::string error;                                        // why it failed
};

// Called with a point of the unit cube [0, 1]^d and the evaluation's index (0, 1, ...: a
// stable id, e.g. to derive the network seed). Called concurrently from batch_size threads
// when threads > 1. An exception or a NaN value counts as a failed evaluation.
using Objective = std::function<Evaluation(const std::vector<double>& unit_x, uint64_t eval_index)>;

// Feasible where lower <= constraint value <= upper (e.g. memory capacity >= 5: lower = 5).
struct Constraint {
  std::string name;
  double lower = -std::numeric_limits<double>::infinity();
  double upper = std::numeric_limits<double>::infinity();
};

// probability_of_feasibility: each constraint gets its own GP and EI is multiplied by the
// probability that the point is feasible (Gardner et al. 2014). penalty: one GP, on the value
// plus a penalty growing linearly with the constraint violation (see Options::penalty_weight).
enum class ConstraintHandling { probability_of_feasibility, penalty };
enum class Strategy { bayesian, random_search };

// Failed evaluations (and, with log_values, values <= 0). impute: modelled as the worst value
// seen plus Options::failure_margin of the range. classify: left out of the objective's GP; a
// GP on worked / failed labels gives the probability that a point works, which multiplies the
// acquisition like a constraint's. Imputing puts a cliff into the objective's surface next to
// the failing region; classifying keeps that surface smooth.
enum class FailureHandling { classify, impute };

struct Record {
  uint64_t index = 0;
  uint64_t round = 0;
  std::vector<double> x;  // unit cube
  double value = std::numeric_limits<double>::quiet_NaN();
  bool ok = false;
  bool feasible = false;  // ok and every constraint satisfied
  std::vector<double> constraints;
  nlohmann::json metrics = nlohmann::json::object();
  std::string error;
  double eval_seconds = 0.0;
};

// Call-back after each finished evaluation: the record, how many are done, the budget.
using ProgressCallback = std::function<void(const Record& record, std::size_t done, uint64_t budget)>;

struct Options {
  uint64_t budget = 50;              // evaluations in total, the initial design included
  uint64_t initial_design_size = 0;  // 0: 2 (d + 1)
  DesignKind design = DesignKind::sobol;
  // Points evaluated first, before the design (e.g. the spec's own point, space.to_unit(read)).
  Points initial_points;
  uint32_t batch_size = 1;  // q points per round (kriging believer)
  uint32_t threads = 0;     // parallel evaluations; 0: min(q, hardware threads)
  uint64_t seed = 1;
  Strategy strategy = Strategy::bayesian;
  std::vector<Constraint> constraints;
  ConstraintHandling constraint_handling = ConstraintHandling::probability_of_feasibility;
  // Model log(value): for positive objectives spanning decades (E = S / MC). Values <= 0 are
  // then modelled like failures.
  bool log_values = false;
  FailureHandling failure_handling = FailureHandling::classify;
  // With FailureHandling::impute, failed evaluations are modelled at the worst modelled value
  // plus this fraction of the range of modelled values.
  double failure_margin = 0.1;
  // With ConstraintHandling::penalty an infeasible evaluation is modelled as its value plus
  // penalty_weight * (range of modelled values) * (sum of its violations, each divided by the
  // spread of that constraint's observed values).
  double penalty_weight = 1.0;
  GpFitOptions gp;
  AcquisitionOptions acquisition;
  // JSONL checkpoint; empty: none. resume = true continues an existing checkpoint (which must
  // have been written with the same options, the budget apart); false refuses to overwrite one.
  std::filesystem::path checkpoint;
  bool resume = true;
  ProgressCallback on_evaluation;
};

struct RoundInfo {
  uint64_t round = 0;
  uint64_t first_index = 0;
  Points proposals;              // the whole round, even the part beyond the budget
  double surrogate_seconds = 0;  // planning the round: fitting the models and maximizing the acquisition
  double fit_seconds = 0;        // of which fitting the GP hyper-parameters
  nlohmann::json hyper;          // fitted hyper-parameters: objective, constraints, failure
                                 // (null for the design and random rounds)
};

struct Result {
  std::vector<Record> history;      // by index, the evaluations below the budget
  std::vector<double> best_so_far;  // per evaluation: best feasible value so far, NaN before any
  std::optional<std::size_t> best;  // position in history of the best feasible evaluation
  std::vector<RoundInfo> rounds;
  double surrogate_seconds = 0.0;       // all rounds, including those read from the checkpoint
  double evaluation_seconds = 0.0;      // sum of the evaluations' own durations
  double wall_seconds = 0.0;            // this call only
  std::size_t resumed_evaluations = 0;  // read from the checkpoint
  std::size_t dims = 0;
  bool worker = false;  // an MPI rank other than 0: it evaluated points for rank 0 and has no results
};

// Minimizes objective over the unit cube [0, 1]^dims. Under an MPI launch of several ranks,
// every rank calls it with the same arguments: rank 0 plans the rounds, checkpoints and returns
// the result; the others evaluate the points it sends (each round's batch spread over the ranks
// and rank 0's threads) and return a Result with `worker` set. Throws std::invalid_argument for bad
// options and std::runtime_error for an unreadable or mismatched checkpoint.
Result minimize(const Objective& objective, std::size_t dims, const Options& options);

std::string to_string(Strategy strategy);
std::string to_string(ConstraintHandling handling);
std::string to_string(FailureHandling handling);

// Outputs (optimize/history.cpp). With a space, the physical values of each point are written
// beside the unit ones. The files are written durably (core/foundation/durable.hpp): a reader
// never sees half a file.
nlohmann::ordered_json to_json(const Result& result, const SearchSpace* space = nullptr);
std::string history_csv(const Result& result, const SearchSpace* space = nullptr);
void write_history_json(const Result& result, const std::filesystem::path& path, const SearchSpace* space = nullptr);
void write_history_csv(const Result& result, const std::filesystem::path& path, const SearchSpace* space = nullptr);

}  // namespace hrsnn::opt

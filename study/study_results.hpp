// What a study produces: one Record per (model, arith, seed, task) cell, the per-cell summaries
// of every metric over the seeds, and the whole StudyResult (study/study_output.hpp writes it).
#pragma once

#include "study/study_config.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace hrsnn::study {

// One model on one task with one seed.
struct Record {
  std::string model;  // a variant name, "esn" or "linear"
  std::string arith;  // "float64", "float32", "fixed" ("float64" for the baselines)
  uint64_t seed = 0;
  TaskKind task = TaskKind::memory;
  std::map<std::string, double> metrics;             // e.g. mc, S, E, mc_per_S, narma10_nrmse, nrmse, accuracy
  nlohmann::json detail = nlohmann::json::object();  // MC curve, chosen hyper-parameters, counts
  std::string error;                                 // set when the cell failed (the rest of the study goes on)
  double wall_time_s = 0.0;
};
nlohmann::json to_json(const Record& r);
// The inverse of to_json (the study's checkpoint reads its records back): every field, metrics
// written as "nan", "inf", "-inf" included; doubles come back bit for bit. Throws
// std::exception with a message on a malformed record.
Record record_from_json(const nlohmann::json& j);

// A number for the JSON files: finite values as they are, NaN and infinities as "nan", "inf",
// "-inf" (JSON has no such numbers).
nlohmann::json finite_or_string(double x);
// The inverse: a number, or one of the strings finite_or_string writes.
double number_or_string(const nlohmann::json& j);

// Mean, sample standard deviation and count of one metric of one (model, arith) cell.
struct Summary {
  double mean = 0, sd = 0;
  std::size_t n = 0;
};
// (model, arith) -> "task.metric" -> summary
using SummaryTable = std::map<std::pair<std::string, std::string>, std::map<std::string, Summary>>;

// The summaries of the records that did not fail.
SummaryTable summarize(const std::vector<Record>& records);

struct StudyResult {
  StudyConfig config;
  std::vector<Record> records;
  SummaryTable table;
  nlohmann::json claims = nlohmann::json::array();  // study/claims.hpp: evaluate_claims
  double wall_time_s = 0.0;
  double cpu_time_s = 0.0;  // user + system time of the process over the study (all threads)
  // With a checkpoint (study/study.hpp: StudyRunOptions): jobs read back from it and jobs run by
  // this process (a job is one cell, or one baseline over all seeds).
  std::size_t resumed_jobs = 0, computed_jobs = 0;
  int ranks = 1;        // processes of the MPI launch that ran it (1: none)
  bool worker = false;  // true on ranks > 0 of an MPI launch: no records here, nothing to write
  // A --shard run: its cells are in its checkpoint only (merged later with --merge); no records.
  bool partial = false;
  std::size_t shard_jobs = 0;   // cells of this shard (of `jobs` in all)
  std::size_t merged_jobs = 0;  // cells copied from the --merge checkpoints
  std::size_t jobs = 0;         // cells of the whole study
  // [rate_calibration]: per model and arithmetic, the input gain found and the rate it gave
  // (study/rate_calibration.hpp); an empty array when the rates are not matched.
  nlohmann::json rate_calibration = nlohmann::json::array();
};

}  // namespace hrsnn::study

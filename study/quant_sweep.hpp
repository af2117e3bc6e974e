// Quantization and hardware-heterogeneity sweeps (docs/quantization.md, `hrsnn quantize`): the same network
// and input simulated on the float reference and on the fixed-point core under many register
// formats ([hardware] fields one at a time from a base format, or as a grid) and numbers K of
// shared decay profiles, each point scored for
//   - fidelity to the float reference (study/fidelity.hpp): coincidence factor, Victor-Purpura
//     distance, first divergence step, per-population rate error, membrane RMSE on probes;
//   - spiking activity S, energy under chosen chip models (hw_model/energy), the memory
//     footprint (bits of state per neuron and per synapse) of its register image;
//   - memory capacity, a prediction task and FSDD accuracy through a TaskEvaluator (the study's
//     reservoir code, study/quant_tasks.hpp).
// The sweep is three parts: its configuration (study/quant_config.hpp), the evaluator of one
// job (study/quant_evaluator.hpp) and the summary of the records (study/quant_summary.hpp); this
// file runs the jobs on a checkpoint. The sweep file format and the outputs (quant.jsonl
// checkpoint, quant.json, quant.csv) are described in docs/quantization.md.
#pragma once

#include "core/fixed/quantize.hpp"
#include "core/foundation/distribute.hpp"
#include "core/network.hpp"
#include "core/run.hpp"
#include "core/spec.hpp"
#include "study/quant_config.hpp"
#include "study/quant_evaluator.hpp"
#include "study/quant_summary.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace hrsnn::study {

struct QuantRunOptions {
  std::filesystem::path out_dir = "out/quant";
  bool resume = false;
  unsigned threads = 0;                              // 0: the config's
  TaskEvaluator tasks;                               // empty: no task scores
  std::function<void(const std::string&)> progress;  // one line per finished job
  std::optional<NetworkSpec> baseline;               // the baseline (MRSNN) spec, already loaded
  // A network not generated from the spec (an imported NIR model): the spec then only names it
  // (source) and carries the base [hardware]; no tasks, no baseline.
  std::optional<QuantModel> model;
  uint64_t max_jobs = 0;  // stop after this many new jobs (0: all); tests use it to interrupt
  // Job arrays without MPI: only the points of this shard (core/foundation/distribute.hpp), kept
  // in this run's checkpoint; the result is then `partial` and nothing else is written.
  Shard shard;
  // Finished shards' checkpoints (each shard's DIR/quant.jsonl): their records are copied into
  // this run's checkpoint first, and every point must then be there. Implies resume.
  std::vector<std::filesystem::path> merge;
};

struct QuantResult {
  std::vector<QuantRecord> records;  // job order
  uint64_t resumed = 0;              // records read from the checkpoint
  uint64_t computed = 0;
  bool complete = false;    // every job has a record
  nlohmann::json summary;   // quant.json
  bool worker = false;      // rank > 0 of an MPI launch: its points' records went to rank 0
  bool partial = false;     // a --shard run: its points are in its checkpoint only
  uint64_t shard_jobs = 0;  // points of this shard (all points without --shard)
  uint64_t merged = 0;      // records copied from the --merge checkpoints
  uint64_t jobs = 0;        // jobs of the whole sweep
};

// Runs every job not yet in DIR/quant.jsonl on options.threads threads, appending one line per
// finished job; then writes DIR/quant.json and DIR/quant.csv durably (when complete).
// Throws std::runtime_error when the checkpoint exists and resume is off, or belongs to a
// different sweep; a JournalError (file:line) when one of its records is malformed or a
// duplicate.
QuantResult run_quant_sweep(const NetworkSpec& spec, const QuantSweepConfig& config, const QuantRunOptions& options);

}  // namespace hrsnn::study

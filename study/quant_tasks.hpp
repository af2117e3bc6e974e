// Task scores of the quantization sweep through the study's reservoir code (study/study.hpp:
// run_snn_task, the same features and readouts as `hrsnn mc`, `hrsnn task` and `hrsnn study`),
// so a sweep point's MC, prediction NRMSE and FSDD accuracy are directly comparable with the
// study's table. No second feature extractor.
#pragma once

#include "study/quant_sweep.hpp"

namespace hrsnn::study {

// Runs the enabled tasks of `config` on a spec (seed and [hardware] already set) and backend.
// Metrics: "memory.<m>" (mc, S, E, mc_per_S, narma10_nrmse, ...), "<prediction task>.<m>"
// (nrmse, S, ...), "fsdd.<m>" (accuracy, S, ...). The FSDD recordings are read once, on the
// first call that needs them, and shared by every later call (thread-safe).
TaskEvaluator make_study_task_evaluator(const QuantTaskConfig& config);

}  // namespace hrsnn::study

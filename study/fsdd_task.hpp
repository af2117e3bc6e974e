// The spoken-digit task (FSDD) of the study: the stream of mel frames every spiking model is
// fed, the per-utterance pooled features read from it, and the ridge classifier scored on the
// customary split. study/task_runs.hpp runs it beside the time-series tasks.
#pragma once

#include "core/input.hpp"
#include "core/network.hpp"
#include "core/spec.hpp"
#include "study/reservoir.hpp"
#include "study/study_config.hpp"
#include "study/study_results.hpp"

#include <Eigen/Dense>

#include <cstdint>
#include <vector>

namespace hrsnn::study {

// FSDD prepared once per study: the stream of frames every spiking model is fed, and the
// per-utterance features the baselines use.
struct FsddData {
  std::vector<Eigen::MatrixXd> utterances;  // normalized log-mel, frames x bands, in stream order
  std::vector<int> labels;                  // digit per utterance
  std::vector<int> role;                    // 0 fit, 1 validation, 2 test, per utterance
  InputSignal stream;                       // frames (learning, warm-up, utterances, gaps) x bands
  // Per frame after the learning phase: utterance index, or -1 (warm-up or gap).
  std::vector<int64_t> utterance_of_frame;
  uint64_t learning_frames = 0;  // the stream's first frames: the learning phase (no feature rows)
  uint64_t warmup_frames = 0;    // then the warm-up (washout) frames
  uint32_t bands = 0;
};
FsddData load_fsdd_data(const FsddTaskConfig& config);

// The spec the FSDD task runs on: the input rewired to one channel per mel band (input weights
// uniform on [-w, w], steps_per_sample = steps_per_frame, the configured encoder).
NetworkSpec fsdd_task_spec(const NetworkSpec& spec, const FsddTaskConfig& config, const FsddData& fsdd);

// One spiking network driven over the stream: the learning frames with plasticity on, then
// the rest with plasticity as config.reservoir says; its activity and per-utterance pooled
// features (utterances x bins * filters * neurons, in stream order; square-rooted if
// config.fsdd.sqrt_features).
struct FsddFeatureRun {
  Activity activity;
  Eigen::MatrixXd pooled;
};
FsddFeatureRun fsdd_features(const Network& net, const Backend& backend, const StudyConfig& config,
                             const FsddData& fsdd);

// Fit on role 0, lambda on role 1 (grid 1e-8 .. 1e2 with config.fsdd.lambdas_per_decade),
// score on role 2: the test accuracy (details into r). Features standardized if config.standardize.
double classify_fsdd(const Eigen::MatrixXd& x, const FsddData& d, const StudyConfig& config, Record& r);

}  // namespace hrsnn::study

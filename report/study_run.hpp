// The study the report runs when no finished one is given: its configuration and the run,
// written as `hrsnn study` writes its results.
#pragma once

#include "study/study.hpp"

#include <filesystem>

namespace hrsnn::report {

// `hrsnn study`'s defaults (examples/study.toml: both example specs, all four variants in
// float64 and fixed, every task, ESN and linear baselines, paired claims over 5 seeds; 6.7 min
// wall, 13 min CPU on 2 cores). quick: the study's quick configuration made smaller still
// (2 seeds, 60-neuron networks; seconds, for tests).
study::StudyConfig report_study_config(bool quick);

// Runs the study (progress on stderr) and writes dir/study.json and dir/study.csv.
study::StudyResult run_study_into(const study::StudyConfig& config, const std::filesystem::path& dir);

}  // namespace hrsnn::report

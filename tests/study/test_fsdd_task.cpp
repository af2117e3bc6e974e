// The FSDD task's stream phases: a learning phase of fit utterances with plasticity on that
// gives no feature rows, then a measurement on the frozen network.
#include "core/spec.hpp"
#include "study/fsdd_task.hpp"
#include "study/task_runs.hpp"
#include "study/variants.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace hrsnn;
using namespace hrsnn::study;

TEST_CASE("the FSDD stream's learning phase has no feature rows and the frozen measurement no plastic updates",
          "[study][fsdd][phases]") {
  StudyConfig c = quick_study_config();
  c.seeds = 1;
  c.threads = 1;
  c.fsdd.fit_per_group = 1;  // 60 fit, 60 validation, 60 test utterances
  c.fsdd.learning_utterances = 0;
  const FsddData plain = load_fsdd_data(c.fsdd);
  c.fsdd.learning_utterances = 70;  // more than the fit utterances: they are cycled
  const FsddData d = load_fsdd_data(c.fsdd);
  REQUIRE(plain.learning_frames == 0);
  REQUIRE(d.learning_frames > 0);
  // The learning frames come first and number no utterance; what follows is the plain stream.
  CHECK(d.stream.values.size() == (d.learning_frames + d.utterance_of_frame.size()) * d.bands);
  CHECK(d.utterance_of_frame == plain.utterance_of_frame);
  CHECK(d.warmup_frames == plain.warmup_frames);
  CHECK(std::vector<double>(d.stream.values.end() - static_cast<std::ptrdiff_t>(plain.stream.values.size()),
                            d.stream.values.end()) == plain.stream.values);

  c.reservoir.plastic_during_measurement = false;
  const NetworkSpec spec = scale_network(load_spec(std::string(HRSNN_SOURCE_DIR "/examples/hrsnn.toml")), 0.1);
  const std::vector<Record> frozen = run_spec_task(spec, TaskKind::fsdd, Arith::Float64, c, &d);
  REQUIRE(frozen.size() == 1);
  INFO(frozen[0].error);
  REQUIRE(frozen[0].error.empty());
  CHECK(frozen[0].detail.at("counts_window").at("plastic_updates").get<uint64_t>() == 0);
  CHECK_FALSE(frozen[0].detail.at("learning_rate_hz").empty());
  CHECK(frozen[0].detail.at("fit_utterances").get<size_t>() == 60);
  CHECK(frozen[0].detail.at("validation_accuracy").get<double>() >= 0.0);
  CHECK(frozen[0].metrics.count("accuracy") == 1);
  // Still learning while measured: updates in the window.
  c.reservoir.plastic_during_measurement = true;
  const std::vector<Record> learning = run_spec_task(spec, TaskKind::fsdd, Arith::Float64, c, &d);
  REQUIRE(learning[0].error.empty());
  CHECK(learning[0].detail.at("counts_window").at("plastic_updates").get<uint64_t>() > 0);
}

TEST_CASE("several FSDD readout filters concatenate, the first equal to the reservoir's own filter", "[study][fsdd]") {
  StudyConfig c = quick_study_config();
  c.seeds = 1;
  c.threads = 1;
  c.fsdd.fit_per_group = 1;
  c.reservoir.plastic_during_measurement = false;  // no STDP: both runs see one network
  const FsddData d = load_fsdd_data(c.fsdd);
  const NetworkSpec spec = scale_network(load_spec(std::string(HRSNN_SOURCE_DIR "/examples/hrsnn.toml")), 0.1);
  const Network net = build_network(task_spec(spec, TaskKind::fsdd, c, &d));
  const Backend backend{Arith::Float64, spec.hardware};
  const FsddFeatureRun one = fsdd_features(net, backend, c, d);
  c.fsdd.extra_filter_taus_ms = {30.0};
  const FsddFeatureRun two = fsdd_features(net, backend, c, d);
  const auto n = static_cast<Eigen::Index>(net.size());
  REQUIRE(two.pooled.cols() == 2 * one.pooled.cols());
  for (Eigen::Index b = 0; b < static_cast<Eigen::Index>(c.fsdd.bins); ++b)
    CHECK(two.pooled.middleCols(2 * b * n, n).isApprox(one.pooled.middleCols(b * n, n), 1e-12));
}

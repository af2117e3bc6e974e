// The study (study/study.hpp): the four variants share their connectivity, network scaling,
// the configuration file (the whole study end to end through the CLI is
// tests/tools/test_study_cli.cpp).
#include "core/io.hpp"
#include "core/network.hpp"
#include "study/study.hpp"
#include "tests/support/scratch_dir.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <string>

using namespace hrsnn;
using namespace hrsnn::study;
using hrsnn::test::ScratchDir;

namespace {

NetworkSpec example(const char* name) { return load_spec(std::string(HRSNN_SOURCE_DIR "/examples/") + name); }

}  // namespace

TEST_CASE("the four variants take neurons and STDP from the right spec and share connectivity for a seed",
          "[study][variants]") {
  const NetworkSpec hom = scale_network(example("mrsnn.toml"), 0.1);
  const NetworkSpec het = scale_network(example("hrsnn.toml"), 0.1);
  std::map<Variant, Network> nets;
  for (Variant v : kAllVariants) nets.emplace(v, build_network(make_variant(hom, het, v)));
  const auto& m = nets.at(Variant::mrsnn);
  for (Variant v : kAllVariants) {
    INFO(to_string(v));
    const Network& n = nets.at(v);
    REQUIRE(n.projections.size() == m.projections.size());
    for (size_t p = 0; p < n.projections.size(); ++p) {
      CHECK(n.projections[p].post == m.projections[p].post);
      CHECK(n.projections[p].row_offset == m.projections[p].row_offset);
      CHECK(n.projections[p].weight == m.projections[p].weight);
    }
    CHECK(n.input.weight == m.input.weight);
    const bool het_neurons = v == Variant::het_neurons || v == Variant::hrsnn;
    const bool het_stdp = v == Variant::het_stdp || v == Variant::hrsnn;
    CHECK((n.dv != m.dv) == het_neurons);
    CHECK((n.projections[0].eta_plus != m.projections[0].eta_plus) == het_stdp);
    CHECK((n.dx != m.dx) == het_stdp);
  }
  // The heterogeneous spec's own network is the hrsnn variant.
  CHECK(build_network(het).dv == nets.at(Variant::hrsnn).dv);
}

TEST_CASE("scaling a network keeps the expected in-degree", "[study][variants]") {
  const NetworkSpec s = scale_network(example("mrsnn.toml"), 0.25);
  CHECK(s.total_neurons() == 250);
  CHECK(s.projections[0].p == Approx(0.4));
  const NetworkSpec tiny = scale_network(example("mrsnn.toml"), 0.05);
  CHECK(tiny.projections[0].p == 1.0);  // capped
  CHECK_THROWS(scale_network(example("mrsnn.toml"), 0.0));
}

TEST_CASE("make_variant refuses specs with different populations", "[study][variants]") {
  NetworkSpec het = example("hrsnn.toml");
  het.populations[0].size = 10;
  CHECK_THROWS_WITH(make_variant(example("mrsnn.toml"), het, Variant::hrsnn), Catch::Contains("population 0"));
}

TEST_CASE("study configuration files are read over a base, relative paths resolved, errors located",
          "[study][config]") {
  const ScratchDir dir("config");
  write_text_atomic(dir.path() / "s.toml", R"(
[study]
homogeneous = "a.toml"
models = ["mrsnn", "hrsnn"]
arith = ["fixed"]
seeds = 7
[memory]
max_delay = 33
[fsdd]
bins = 3
)");
  const StudyConfig c = load_study_config((dir.path() / "s.toml").string(), quick_study_config());
  CHECK(c.homogeneous_spec == (dir.path() / "a.toml").string());
  CHECK(c.models == std::vector<Variant>{Variant::mrsnn, Variant::hrsnn});
  CHECK(c.arithmetics == std::vector<Arith>{Arith::Fixed});
  CHECK(c.seeds == 7);
  CHECK(c.memory.max_delay == 33);
  CHECK(c.fsdd.bins == 3);
  CHECK(c.size_scale == quick_study_config().size_scale);  // untouched keys keep the base's value

  write_text_atomic(dir.path() / "bad.toml", "[study]\nseeds = 5\n[memory]\nmax_dealy = 3\n");
  CHECK_THROWS_WITH(load_study_config((dir.path() / "bad.toml").string()), Catch::Contains("bad.toml:4") &&
                                                                               Catch::Contains("memory.max_dealy") &&
                                                                               Catch::Contains("unknown key"));
  write_text_atomic(dir.path() / "bad2.toml", "[study]\nmodels = [\"mrsnn\", \"lsm\"]\n");
  CHECK_THROWS_WITH(load_study_config((dir.path() / "bad2.toml").string()),
                    Catch::Contains("study.models") && Catch::Contains("unknown model 'lsm'"));
  write_text_atomic(dir.path() / "bad3.toml", "[features]\nfilter_tau_ms = -1\n");
  CHECK_THROWS_WITH(load_study_config((dir.path() / "bad3.toml").string()), Catch::Contains("out of range"));
}

TEST_CASE("examples/study.toml states exactly the built-in defaults", "[study][config]") {
  // The documented file is what `hrsnn study` runs without --config: read over the quick
  // configuration, it must restore every default key.
  nlohmann::json from_file = to_json(load_study_config(HRSNN_SOURCE_DIR "/examples/study.toml", quick_study_config()));
  nlohmann::json defaults = to_json(default_study_config());
  from_file.erase("source");
  defaults.erase("source");
  // Paths are resolved differently (relative to the file vs from the source dir): compare canonically.
  for (auto* j : {&from_file, &defaults})
    for (auto* value : {&(*j)["homogeneous_spec"], &(*j)["heterogeneous_spec"], &(*j)["fsdd"]["data"]})
      *value = std::filesystem::weakly_canonical(value->get<std::string>()).string();
  CHECK(from_file.dump(1) == defaults.dump(1));
}

TEST_CASE("a memory task with a learning phase then frozen plasticity measures a network that no longer learns",
          "[study][phases]") {
  StudyConfig c = quick_study_config();
  c.seeds = 1;
  c.threads = 1;
  c.reservoir.learning_samples = 150;
  c.reservoir.plastic_during_measurement = false;
  const NetworkSpec spec = scale_network(example("hrsnn.toml"), 0.1);
  const std::vector<Record> frozen = run_spec_task(spec, TaskKind::memory, Arith::Float64, c, nullptr);
  REQUIRE(frozen.size() == 1);
  INFO(frozen[0].error);
  REQUIRE(frozen[0].error.empty());
  CHECK(frozen[0].detail.at("counts_window").at("plastic_updates").get<uint64_t>() == 0);
  CHECK(frozen[0].detail.at("learning_rate_hz").size() == 3);  // blocks of 50 samples (the quick config)
  CHECK(frozen[0].metrics.count("mc") == 1);
  // The same seed measured while still learning is a different experiment, with updates in its window.
  c.reservoir.plastic_during_measurement = true;
  const std::vector<Record> learning = run_spec_task(spec, TaskKind::memory, Arith::Float64, c, nullptr);
  REQUIRE(learning[0].error.empty());
  CHECK(learning[0].detail.at("counts_window").at("plastic_updates").get<uint64_t>() > 0);
}

TEST_CASE("the study config reads the learning phase and the measurement's plasticity", "[study][config]") {
  const ScratchDir dir("phases_config");
  std::ofstream(dir.path() / "p.toml") << "[features]\nlearning_samples = 500\nplasticity = \"frozen\"\n";
  const StudyConfig c = load_study_config((dir.path() / "p.toml").string(), quick_study_config());
  CHECK(c.reservoir.learning_samples == 500);
  CHECK_FALSE(c.reservoir.plastic_during_measurement);
  std::ofstream(dir.path() / "bad.toml") << "[features]\n\nplasticity = \"sometimes\"\n";
  CHECK_THROWS_WITH(load_study_config((dir.path() / "bad.toml").string(), quick_study_config()),
                    Catch::Contains("bad.toml:3: features.plasticity: 'sometimes' is not one of: on, frozen"));
}

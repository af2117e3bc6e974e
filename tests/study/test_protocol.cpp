// The study's measurement protocol (docs/study.md "The protocol"): the chance-corrected memory
// capacity, readout sizing, the [protocol] table of a study file, and the het-synapses variant.
#include "core/network.hpp"
#include "core/spec.hpp"
#include "study/gram_ridge.hpp"
#include "study/study.hpp"
#include "tests/support/scratch_dir.hpp"

#include <catch2/catch.hpp>

#include <Eigen/Dense>

#include <fstream>
#include <random>
#include <string>
#include <vector>

using namespace hrsnn;
using namespace hrsnn::study;
using hrsnn::test::ScratchDir;

namespace {

std::vector<double> uniform_series(std::size_t n, unsigned seed) {
  std::mt19937_64 g(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<double> x(n);
  for (double& v : x) v = u(g);
  return x;
}

NetworkSpec example(const char* name) { return load_spec(std::string(HRSNN_SOURCE_DIR "/examples/") + name); }

}  // namespace

TEST_CASE("chance-corrected MC: features holding exact delays keep their capacity, unrelated ones score ~0",
          "[study][protocol]") {
  const std::size_t steps = 4000, features = 40;
  const std::vector<double> u = uniform_series(steps, 1);
  const std::vector<double> null = uniform_series(steps, 2);
  MemoryCapacityConfig mc;
  mc.max_delay = 20;
  mc.null_delays = 20;
  mc.washout = 20;
  mc.standardize = false;
  SECTION("features are u(t-1) .. u(t-5) plus noise columns: MC = 5, chance ~ 0") {
    Eigen::MatrixXd x(static_cast<Eigen::Index>(steps), static_cast<Eigen::Index>(features));
    const std::vector<double> noise = uniform_series(steps * features, 3);
    for (std::size_t t = 0; t < steps; ++t)
      for (std::size_t f = 0; f < features; ++f)
        x(static_cast<Eigen::Index>(t), static_cast<Eigen::Index>(f)) =
            f < 5 ? (t > f ? u[t - f - 1] : 0.0) : noise[t * features + f];
    const MemoryCapacityResult m = memory_capacity_gram(x, u, mc, null);
    CHECK(m.capacity == Approx(5.0).margin(0.05));
    CHECK(m.r2_null_by_delay.size() == 20);
    // K x the mean null r^2: each about 1 / test rows (1592 here) for 40 fitted features.
    CHECK(m.chance > 0.0);
    CHECK(m.chance < 0.1);
    CHECK(m.capacity_corrected == Approx(m.capacity - m.chance));
  }
  SECTION("features unrelated to the input: the raw MC is chance, the corrected one ~0") {
    Eigen::MatrixXd x(static_cast<Eigen::Index>(steps), static_cast<Eigen::Index>(features));
    const std::vector<double> noise = uniform_series(steps * features, 4);
    for (std::size_t t = 0; t < steps; ++t)
      for (std::size_t f = 0; f < features; ++f)
        x(static_cast<Eigen::Index>(t), static_cast<Eigen::Index>(f)) = noise[t * features + f];
    const MemoryCapacityResult m = memory_capacity_gram(x, u, mc, null);
    CHECK(m.capacity > 0.0);
    CHECK(std::abs(m.capacity_corrected) < 0.06);
    CHECK(std::abs(m.capacity_corrected) < 0.5 * m.capacity);
  }
  SECTION("the shared readout of MC and prediction gives the same chance as MC alone") {
    Eigen::MatrixXd x = Eigen::MatrixXd::Random(static_cast<Eigen::Index>(steps), 10);
    PredictionConfig pc;
    pc.washout = 20;
    pc.standardize = false;
    const std::vector<double> target = uniform_series(steps, 5);
    const MemoryAndPrediction both = memory_and_prediction_gram(x, u, target, mc, pc, null);
    const MemoryCapacityResult alone = memory_capacity_gram(x, u, mc, null);
    CHECK(both.memory.chance == Approx(alone.chance).epsilon(1e-9));
    CHECK(both.memory.capacity == Approx(alone.capacity).epsilon(1e-9));
  }
  SECTION("without a null series there is no correction") {
    const Eigen::MatrixXd x = Eigen::MatrixXd::Random(static_cast<Eigen::Index>(steps), 10);
    const MemoryCapacityResult m = memory_capacity_gram(x, u, mc);
    CHECK(m.chance == 0.0);
    CHECK(m.capacity_corrected == m.capacity);
    CHECK_THROWS_WITH(memory_capacity_gram(x, u, mc, std::span<const double>(null).first(100)),
                      Catch::Contains("null input has 100 samples"));
  }
}

TEST_CASE("readout sizing gives the fewest samples with 10 fitting rows per feature", "[study][protocol]") {
  // The row split of every readout: 60% of the rows after the first train, 20% of those validate.
  const auto fit_rows = [](uint64_t samples, uint64_t first) {
    const uint64_t usable = samples - first;
    const auto train = static_cast<uint64_t>(std::floor(0.6 * static_cast<double>(usable)));
    return train - static_cast<uint64_t>(std::llround(0.2 * static_cast<double>(train)));
  };
  for (std::size_t features : {1U, 7U, 100U, 1000U}) {
    const uint64_t n = sized_samples(20, 200, features, 10);
    INFO(features);
    CHECK(fit_rows(n, 200) >= 10 * features);
    CHECK(fit_rows(n - 1, 200) < 10 * features);
  }
  CHECK(sized_samples(50000, 200, 1000, 10) == 50000);  // never shortened
  CHECK(sized_samples(2000, 200, 1000, 0) == 2000);     // sizing off
  StudyConfig c = default_study_config();
  const StudyConfig sized = sized_for(c, 1000);
  // The ESN's K (2 x 1000 delays) sets the first row of the memory series: 2000 + 20,834.
  CHECK(sized.memory.samples == 22834);
  CHECK(sized.prediction.samples == sized_samples(2000, 200, 1000, 10));
}

TEST_CASE("a study file's protocol table fixes the seeds of each phase and its hash", "[study][protocol]") {
  const ScratchDir dir("protocol");
  const std::string text =
      "[protocol]\nname = \"t\"\nexploration_first_seed = 1\nexploration_seeds = 3\n"
      "confirmation_first_seed = 100\nconfirmation_seeds = 12\n";
  std::ofstream(dir.path() / "p.toml") << text;
  StudyConfig c = load_study_config((dir.path() / "p.toml").string(), quick_study_config());
  CHECK(c.protocol.present);
  CHECK(c.protocol.phase == "exploration");
  CHECK(c.first_seed == 1);
  CHECK(c.seeds == 3);
  CHECK(c.protocol.sha256.size() == 64);
  apply_protocol_phase(c, "confirmation");
  CHECK(c.first_seed == 100);
  CHECK(c.seeds == 12);
  CHECK(to_json(c)["protocol"]["phase"] == "confirmation");
  CHECK(to_json(c)["protocol"]["sha256"] == c.protocol.sha256);

  SECTION("the hash is SHA-256 of the file's bytes") {
    std::ofstream(dir.path() / "abc.toml", std::ios::binary) << "[protocol]\nname = \"abc\"\n";
    const StudyConfig h = load_study_config((dir.path() / "abc.toml").string(), quick_study_config());
    // sha256sum of those 24 bytes
    CHECK(h.protocol.sha256 == "07744c673cb81c281245e4d9b06150316c41eca060e7aebe10b9d6710fbf91e7");
  }
  SECTION("overlapping seeds, fewer than 10 confirmation seeds, or [study] seeds are refused") {
    std::ofstream(dir.path() / "overlap.toml")
        << "[protocol]\nname = \"t\"\nexploration_first_seed = 1\nexploration_seeds = 5\n"
           "confirmation_first_seed = 5\n";
    CHECK_THROWS_WITH(load_study_config((dir.path() / "overlap.toml").string(), quick_study_config()),
                      Catch::Contains("overlap the exploration seeds 1..5"));
    std::ofstream(dir.path() / "few.toml") << "[protocol]\nname = \"t\"\nconfirmation_seeds = 5\n";
    CHECK_THROWS_WITH(load_study_config((dir.path() / "few.toml").string(), quick_study_config()),
                      Catch::Contains("few.toml:3: protocol.confirmation_seeds"));
    std::ofstream(dir.path() / "seeds.toml") << "[study]\nseeds = 4\n[protocol]\nname = \"t\"\n";
    CHECK_THROWS_WITH(load_study_config((dir.path() / "seeds.toml").string(), quick_study_config()),
                      Catch::Contains("seeds.toml:2: study.seeds: the seeds come from [protocol]"));
    CHECK_THROWS_WITH(apply_protocol_phase(c, "later"), Catch::Contains("unknown protocol phase"));
  }
  SECTION("the example protocol parses, with disjoint seeds and a margin fixed in advance") {
    const StudyConfig p = load_study_config(HRSNN_SOURCE_DIR "/examples/protocol_slow.toml", default_study_config());
    CHECK(p.protocol.confirmation_seeds >= 10);
    CHECK(p.claims.mc_margin_abs > 0.0);
    CHECK(p.claims.mc_metric == "mc_corrected");
  }
}

TEST_CASE("het-synapses takes only the synaptic time constants from the heterogeneous spec", "[study][variants]") {
  const NetworkSpec hom = scale_network(example("mrsnn_slow.toml"), 0.1);
  const NetworkSpec het = scale_network(example("hrsnn_slow.toml"), 0.1);
  const Network m = build_network(make_variant(hom, het, Variant::mrsnn));
  const Network syn = build_network(make_variant(hom, het, Variant::het_synapses));
  const Network neu = build_network(make_variant(hom, het, Variant::het_neurons));
  const Network all = build_network(make_variant(hom, het, Variant::hrsnn));
  CHECK(syn.du != m.du);
  CHECK(syn.dv == m.dv);
  CHECK(syn.projections[0].eta_plus == m.projections[0].eta_plus);
  CHECK(neu.du == m.du);
  CHECK(neu.dv != m.dv);
  CHECK(all.du == syn.du);
  CHECK(all.dv == neu.dv);
  CHECK(parse_variant("het-synapses") == Variant::het_synapses);
}

TEST_CASE("models_from = specs runs the two specs as written, the mixed variants are refused", "[study][variants]") {
  const NetworkSpec hom = scale_network(example("mrsnn_slow.toml"), 0.1);
  NetworkSpec het = scale_network(example("hrsnn_slow.toml"), 0.1);
  het.input.weight = Distribution::uniform(-0.3, 0.3);  // e.g. a separately optimized input scale
  const Network mixed = build_network(make_model(hom, het, Variant::hrsnn, false));
  const Network as_written = build_network(make_model(hom, het, Variant::hrsnn, true));
  const Network direct = build_network(het);
  CHECK(as_written.input.weight == direct.input.weight);
  CHECK(mixed.input.weight != direct.input.weight);  // the ablation takes the input from hom
  CHECK(as_written.du == mixed.du);                  // and the heterogeneity from het in both
  CHECK(build_network(make_model(hom, het, Variant::mrsnn, true)).input.weight == build_network(hom).input.weight);
  CHECK_THROWS_WITH(make_model(hom, het, Variant::het_neurons, true), Catch::Contains("mixes the two specs"));

  ScratchDir dir("models_from");
  std::ofstream(dir.path() / "s.toml") << "[study]\nmodels_from = \"specs\"\nmodels = [\"mrsnn\", \"hrsnn\"]\n";
  const StudyConfig c = load_study_config((dir.path() / "s.toml").string(), quick_study_config());
  CHECK(c.models_as_written);
  CHECK(to_json(c)["models_from"] == "specs");
  std::ofstream(dir.path() / "bad.toml") << "[study]\nmodels_from = \"specs\"\nmodels = [\"mrsnn\", \"het-stdp\"]\n";
  CHECK_THROWS_WITH(load_study_config((dir.path() / "bad.toml").string(), quick_study_config()),
                    Catch::Contains("bad.toml:3: study.models: models_from = \"specs\" runs the two specs as written"));
}

// The study (study/study.hpp): the four variants share their connectivity, network scaling,
// the configuration file, and the whole study end to end on a tiny configuration through the CLI.
#include "core/io.hpp"
#include "core/network.hpp"
#include "study/study.hpp"
#include "temp_dir.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <string>

using namespace hrsnn;
using namespace hrsnn::study;
using hrsnn::study::testing::TempDir;

namespace {

NetworkSpec example(const char* name) { return load_spec(std::string(HRSNN_SOURCE_DIR "/examples/") + name); }

std::pair<int, std::string> run_cli(const std::string& args) {
  const std::string cmd = std::string(HRSNN_CLI_PATH) + " " + args + " 2>&1";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
  std::string out;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, pipe.get())) out.append(buf, n);
  const int status = pclose(pipe.release());
  return {status, out};
}

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
  const TempDir dir("config");
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
  CHECK_THROWS_WITH(load_study_config((dir.path() / "bad.toml").string()),
                    Catch::Contains("bad.toml:4") && Catch::Contains("memory.max_dealy") &&
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

TEST_CASE("hrsnn study on a tiny configuration writes every row and every claim", "[study][cli][slow]") {
  const TempDir dir("study_e2e");
  // The quick configuration made smaller still: 2 seeds, 60-neuron networks, 120 FSDD recordings.
  write_text_atomic(dir.path() / "tiny.toml", R"(
[study]
seeds = 2
size_scale = 0.06
[memory]
samples = 300
max_delay = 10
[prediction]
samples = 300
[fsdd]
fit_per_group = 1
warmup_utterances = 1
)");
  const auto [status, out] =
      run_cli("study --quick --config " + (dir.path() / "tiny.toml").string() + " --out " + dir.path().string());
  INFO(out);
  REQUIRE(status == 0);
  const nlohmann::json j = nlohmann::json::parse(read_text_file(dir.path() / "study.json"));
  CHECK(j["format"] == "hrsnn-study/1");
  std::set<std::pair<std::string, std::string>> rows;
  for (const auto& r : j["table"]) rows.emplace(r["model"], r["arith"]);
  for (const char* m : {"mrsnn", "het-neurons", "het-stdp", "hrsnn"})
    for (const char* a : {"float64", "fixed"}) CHECK(rows.count({m, a}) == 1);
  CHECK(rows.count({"esn", "float64"}) == 1);
  CHECK(rows.count({"linear", "float64"}) == 1);
  for (const auto& r : j["table"]) {
    INFO(r["model"] << " " << r["arith"]);
    const auto& m = r["metrics"];
    if (r["model"] != "linear") CHECK(m.contains("memory.mc"));
    CHECK(m.contains("mackey-glass.nrmse"));
    CHECK(m.contains("lorenz.nrmse"));
    CHECK(m.contains("fsdd.accuracy"));
    if (r["model"] != "esn" && r["model"] != "linear") {
      CHECK(m["memory.mc"]["n"] == 2);
      CHECK(m.contains("memory.S"));
      CHECK(m.contains("memory.E"));
    }
  }
  std::set<std::pair<std::string, std::string>> claims;
  for (const auto& c : j["claims"]) {
    claims.emplace(c["id"], c["arith"]);
    CHECK(std::set<std::string>{"holds", "fails", "inconclusive"}.count(c["verdict"].get<std::string>()) == 1);
  }
  for (const char* id : {"a", "b", "c"})
    for (const char* a : {"float64", "fixed"}) CHECK(claims.count({id, a}) == 1);
  for (const auto& r : j["records"]) CHECK_FALSE(r.contains("error"));
  // The CSV has a header and one line per (record, metric).
  const std::string csv = read_text_file(dir.path() / "study.csv");
  CHECK(csv.rfind("model,arith,seed,task,metric,value\n", 0) == 0);
  CHECK(csv.find("hrsnn,fixed,2,memory,mc,") != std::string::npos);
  CHECK(out.find("claim (c) [fixed]") != std::string::npos);
}

TEST_CASE("hrsnn mc reports the memory capacity of a spec over seeds", "[study][cli]") {
  const auto [status, out] =
      run_cli(std::string("mc ") + HRSNN_SOURCE_DIR "/examples/mrsnn.toml --quick --seeds 2 --size-scale 0.06");
  INFO(out);
  CHECK(status == 0);
  CHECK(out.find("mc on") != std::string::npos);
  CHECK(out.find("mean") != std::string::npos);
  const auto [bad, msg] = run_cli(std::string("task --task nope --spec ") + HRSNN_SOURCE_DIR "/examples/mrsnn.toml");
  CHECK(bad != 0);
}

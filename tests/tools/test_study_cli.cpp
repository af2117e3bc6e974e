// hrsnn study and hrsnn mc as a user runs them: the whole study end to end on a tiny
// configuration (every row and claim written), and the memory capacity of a spec over seeds.
#include "core/io.hpp"
#include "tests/support/cli.hpp"
#include "tests/support/scratch_dir.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <set>
#include <string>
#include <utility>

using hrsnn::read_text_file;
using hrsnn::write_text_atomic;
using hrsnn::test::run_cli;
using hrsnn::test::ScratchDir;

TEST_CASE("hrsnn study on a tiny configuration writes every row and every claim", "[study][cli][slow]") {
  const ScratchDir dir("study_e2e");
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
  const std::set<std::string> verdicts{"holds", "fails", "inconclusive"};
  for (const auto& c : j["claims"]) {
    // The primary arithmetic's evaluation, and the other one as a second measurement in the same object.
    claims.emplace(c["id"], c["arith"]);
    CHECK(verdicts.count(c["verdict"].get<std::string>()) == 1);
    for (const auto& m : c.value("second_measurement", nlohmann::json::array())) {
      claims.emplace(c["id"], m["arith"]);
      CHECK(verdicts.count(m["verdict"].get<std::string>()) == 1);
    }
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
  CHECK(out.find("memory on") != std::string::npos);
  CHECK(out.find("mean") != std::string::npos);
  const auto [bad, msg] = run_cli(std::string("task --task nope ") + HRSNN_SOURCE_DIR "/examples/mrsnn.toml");
  CHECK(bad != 0);
}

TEST_CASE("hrsnn mc --curve shows MC against the readout's length, and --phase takes a protocol's seeds",
          "[study][cli]") {
  const auto [status, out] =
      run_cli(std::string("mc ") + HRSNN_SOURCE_DIR "/examples/mrsnn.toml --quick --seeds 1 --size-scale 0.06 --curve");
  INFO(out);
  CHECK(status == 0);
  CHECK(out.find("MC against the readout's length") != std::string::npos);
  CHECK(out.find("fit rows/feat") != std::string::npos);
  const auto [no_protocol, msg] =
      run_cli(std::string("mc ") + HRSNN_SOURCE_DIR "/examples/mrsnn.toml --quick --phase confirmation");
  CHECK(no_protocol != 0);
  CHECK(msg.find("--phase needs a study configuration with a [protocol] table") != std::string::npos);
  const auto [seeds, seeds_msg] =
      run_cli(std::string("study --config ") + HRSNN_SOURCE_DIR "/examples/protocol_slow.toml --seeds 3");
  CHECK(seeds != 0);
  CHECK(seeds_msg.find("the seeds come from its [protocol] table") != std::string::npos);
}

TEST_CASE("old spellings of an option still work, hidden from --help, with a one-line note", "[study][cli]") {
  const hrsnn::test::ScratchDir dir("aliases");
  const auto [status, out] =
      run_cli("task --task mc --spec " + std::string(HRSNN_SOURCE_DIR) +
              "/examples/mrsnn.toml --quick --seeds 1 --size-scale 0.06 --json " + (dir / "records.json"));
  INFO(out);
  CHECK(status == 0);
  CHECK(out.find("hrsnn: note: --spec is now spelled the positional SPEC") != std::string::npos);
  CHECK(out.find("hrsnn: note: --task mc is now spelled --task memory") != std::string::npos);
  CHECK(out.find("hrsnn: note: --json is now spelled --out DIR") != std::string::npos);
  CHECK(std::filesystem::exists(dir.path() / "records.json"));
  const auto [help_status, help] = run_cli("task --help");
  CHECK(help_status == 0);
  CHECK(help.find("--spec") == std::string::npos);
  CHECK(help.find("--json") == std::string::npos);
  CHECK(help.find("--out") != std::string::npos);
}

TEST_CASE("a subcommand that needs a spec says so when none is given", "[study][cli]") {
  const auto [status, out] = run_cli("task --task memory");
  CHECK(status != 0);
  CHECK(out.find("SPEC") != std::string::npos);
}

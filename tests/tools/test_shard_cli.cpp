// Job arrays without MPI: `--shard K/N` runs one shard of a study or quantization sweep into its
// own checkpoint, `--merge DIR...` copies the shards' checkpoints together and writes the result,
// which must equal the one-process run's (timing apart). Missing shards, foreign shards and bad
// shard texts are refused with a message.
#include "core/io.hpp"
#include "tests/support/cli.hpp"
#include "tests/support/scratch_dir.hpp"
#include "tests/support/tiny_specs.hpp"

#include <fmt/core.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using hrsnn::read_text_file;
using hrsnn::write_text_atomic;
using hrsnn::test::run_cli;
using hrsnn::test::ScratchDir;

// CSV lines without the rows of timing metrics (*_time_s).
std::vector<std::string> csv_without_timing(const fs::path& file) {
  std::vector<std::string> rows;
  std::istringstream in(read_text_file(file));
  for (std::string line; std::getline(in, line);)
    if (line.find("_time_s") == std::string::npos) rows.push_back(line);
  return rows;
}

constexpr const char* kSweep = R"([run]
fidelity_steps = 100
[[axis]]
field = "trace_bits"
values = [5, 6, 7]
[[axis]]
field = "weight_bits"
values = [6, 8]
)";

struct Sweep {
  ScratchDir dir{"shard_quant"};
  std::string args;
  Sweep() {
    write_text_atomic(dir.path() / "tiny.toml", hrsnn::test::kSweepSpec);
    write_text_atomic(dir.path() / "sweep.toml", kSweep);
    args = "quantize " + (dir.path() / "tiny.toml").string() + " --config " + (dir.path() / "sweep.toml").string() +
           " --no-tasks --threads 1";
  }
  std::string out(const std::string& name) const { return (dir.path() / name).string(); }
};

}  // namespace

TEST_CASE("hrsnn quantize --shard K/N then --merge equals the one-process sweep", "[shard][cli]") {
  const Sweep s;
  const auto whole = run_cli(s.args + " --out " + s.out("whole"));
  INFO(whole.out);
  REQUIRE(whole.status == 0);
  std::size_t shard_jobs = 0;
  for (int k = 1; k <= 3; ++k) {
    const std::string name = fmt::format("s{}", k);
    const auto r = run_cli(fmt::format("{} --shard {}/3 --out {}", s.args, k, s.out(name)));
    INFO(r.out);
    REQUIRE(r.status == 0);
    CHECK(r.out.find(fmt::format("shard {}/3:", k)) != std::string::npos);
    // A shard writes its checkpoint only.
    CHECK_FALSE(fs::exists(s.dir.path() / name / "quant.json"));
    const std::string lines = read_text_file(s.dir.path() / name / "quant.jsonl");
    shard_jobs += static_cast<std::size_t>(std::count(lines.begin(), lines.end(), '\n')) - 1;  // minus the header
  }
  const auto whole_lines = read_text_file(s.dir.path() / "whole" / "quant.jsonl");
  CHECK(shard_jobs == static_cast<std::size_t>(std::count(whole_lines.begin(), whole_lines.end(), '\n')) - 1);

  const auto merged =
      run_cli(s.args + " --out " + s.out("merged") + " --merge " + s.out("s1") + " " + s.out("s2") + " " + s.out("s3"));
  INFO(merged.out);
  REQUIRE(merged.status == 0);
  CHECK(merged.out.find("merged from 3 shard checkpoint(s)") != std::string::npos);
  CHECK(read_text_file(s.dir.path() / "merged" / "quant.csv") == read_text_file(s.dir.path() / "whole" / "quant.csv"));
  auto a = nlohmann::json::parse(read_text_file(s.dir.path() / "whole" / "quant.json"));
  auto b = nlohmann::json::parse(read_text_file(s.dir.path() / "merged" / "quant.json"));
  CHECK(a == b);
}

TEST_CASE("hrsnn quantize --merge refuses a missing shard, a foreign shard and a bad --shard", "[shard][cli]") {
  const Sweep s;
  REQUIRE(run_cli(s.args + " --shard 1/2 --out " + s.out("s1")).status == 0);
  const auto missing = run_cli(s.args + " --out " + s.out("m") + " --merge " + s.out("s1"));
  CHECK(missing.status != 0);
  CHECK(missing.out.find("are in none of the checkpoints given") != std::string::npos);

  // A shard of a different sweep (another fidelity run) belongs to another checkpoint header.
  write_text_atomic(s.dir.path() / "other.toml",
                    "[run]\nfidelity_steps = 120\n[[axis]]\nfield = \"trace_bits\"\n"
                    "values = [6]\n");
  const std::string other_args = "quantize " + (s.dir.path() / "tiny.toml").string() + " --config " +
                                 (s.dir.path() / "other.toml").string() + " --no-tasks --threads 1";
  REQUIRE(run_cli(other_args + " --shard 1/2 --out " + s.out("o1")).status == 0);
  const auto foreign = run_cli(s.args + " --out " + s.out("f") + " --merge " + s.out("o1"));
  INFO(foreign.out);
  CHECK(foreign.status != 0);
  CHECK(foreign.out.find("belongs to a different sweep") != std::string::npos);

  for (const char* bad : {"0/2", "3/2", "2", "1/0", "a/b", "1/2/3", "-1/2"}) {
    const auto r = run_cli(s.args + " --shard " + bad + " --out " + s.out("b"));
    INFO(bad << ": " << r.out);
    CHECK(r.status != 0);
    CHECK(r.out.find("expected K/N with whole numbers 1 <= K <= N") != std::string::npos);
  }
}

TEST_CASE("hrsnn study --shard K/N then --merge equals the one-process study", "[shard][cli][study]") {
  const ScratchDir dir("shard_study");
  write_text_atomic(dir.path() / "tiny.toml", R"(
[study]
seeds = 2
size_scale = 0.06
tasks = ["memory"]
[memory]
samples = 300
max_delay = 10
)");
  const std::string args = "study --quick --threads 1 --config " + (dir.path() / "tiny.toml").string();
  const auto out = [&](const char* name) { return (dir.path() / name).string(); };
  const auto whole = run_cli(args + " --out " + out("whole"));
  INFO(whole.out);
  REQUIRE(whole.status == 0);
  REQUIRE(run_cli(args + " --shard 1/2 --out " + out("s1")).status == 0);
  REQUIRE(run_cli(args + " --shard 2/2 --out " + out("s2")).status == 0);
  CHECK_FALSE(fs::exists(dir.path() / "s1" / "study.json"));
  const auto merged = run_cli(args + " --out " + out("merged") + " --merge " + out("s1") + " " + out("s2"));
  INFO(merged.out);
  REQUIRE(merged.status == 0);
  CHECK(csv_without_timing(dir.path() / "merged" / "study.csv") ==
        csv_without_timing(dir.path() / "whole" / "study.csv"));
  const auto claims = [&](const char* name) {
    return nlohmann::json::parse(read_text_file(dir.path() / name / "study.json"))["claims"];
  };
  CHECK(claims("merged") == claims("whole"));
}

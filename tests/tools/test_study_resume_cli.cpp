// hrsnn study --resume as a user runs it: a second run into the same --out is refused until
// --resume is given, and a study resumed from a checkpoint cut short writes the same results
// (study/study_checkpoint.hpp; the library side is tests/study/test_study_checkpoint.cpp).
#include "core/io.hpp"
#include "tests/support/cli.hpp"
#include "tests/support/scratch_dir.hpp"
#include "tests/support/timings.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <string>

using hrsnn::read_text_file;
using hrsnn::write_text_atomic;
using hrsnn::test::erase_timings;
using hrsnn::test::run_cli;
using hrsnn::test::ScratchDir;

namespace {

// study.json's records and table without their timings.
nlohmann::json without_timings(const std::string& study_json) {
  const nlohmann::json j = nlohmann::json::parse(study_json);
  nlohmann::json out = {{"records", j.at("records")}, {"table", j.at("table")}, {"claims", j.at("claims")}};
  erase_timings(out);
  return out;
}

}  // namespace

TEST_CASE("hrsnn study refuses an existing checkpoint without --resume and resumes one with it",
          "[study][cli][checkpoint]") {
  const ScratchDir dir("study_resume");
  // 2 models x 2 seeds on the memory task, plus the ESN and linear baselines: 6 cells.
  write_text_atomic(dir.path() / "tiny.toml", R"(
[study]
models = ["mrsnn", "hrsnn"]
arith = ["float64"]
tasks = ["memory"]
seeds = 2
threads = 1
size_scale = 0.06
[memory]
samples = 300
max_delay = 10
)");
  const std::string args = "study --quick --config " + (dir / "tiny.toml") + " --out " + dir.string();
  const auto [status, out] = run_cli(args);
  INFO(out);
  REQUIRE(status == 0);
  const std::string first = read_text_file(dir.path() / "study.json");
  const auto checkpoint = dir.path() / "study.checkpoint.jsonl";
  const std::string text = read_text_file(checkpoint);

  const auto [refused, why] = run_cli(args);
  INFO(why);
  CHECK(refused != 0);
  CHECK(why.find(checkpoint.string() + " exists: pass --resume to continue that study, or choose another --out") !=
        std::string::npos);

  // A kill after two cells: the header and two records.
  size_t end = 0;
  for (int line = 0; line < 3; ++line) end = text.find('\n', end) + 1;
  write_text_atomic(checkpoint, text.substr(0, end));
  const auto [resumed, log] = run_cli(args + " --resume");
  INFO(log);
  CHECK(resumed == 0);
  CHECK(log.find("resumed 2 of 6 cells from " + checkpoint.string()) != std::string::npos);
  CHECK(log.find("[3/6]") != std::string::npos);
  CHECK(log.find("2 cells resumed from") != std::string::npos);
  CHECK(without_timings(read_text_file(dir.path() / "study.json")) == without_timings(first));
}

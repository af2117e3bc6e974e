// The study's checkpoint (study/study_checkpoint.hpp): records round-trip through JSON bit for
// bit, a study resumed from a checkpoint cut short (as a kill leaves it) gives the uninterrupted
// result and runs exactly the missing jobs, and a checkpoint of another study is refused. The
// command line (--resume) is tests/tools/test_study_cli.cpp.
#include "core/io.hpp"
#include "study/study.hpp"
#include "study/study_checkpoint.hpp"
#include "tests/support/scratch_dir.hpp"
#include "tests/support/timings.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <bit>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

using namespace hrsnn;
using namespace hrsnn::study;
using hrsnn::test::erase_timings;
using hrsnn::test::ScratchDir;

namespace {

// 2 tasks x (2 models x 1 arithmetic x 2 seeds + ESN + linear) = 12 jobs, one thread.
StudyConfig small_config() {
  StudyConfig c = quick_study_config();
  c.tasks = {TaskKind::memory, TaskKind::mackey_glass};
  c.models = {Variant::mrsnn, Variant::hrsnn};
  c.arithmetics = {Arith::Float64};
  c.seeds = 2;
  c.threads = 1;
  return c;
}

// study.json without the timings.
std::string without_timings(const StudyResult& r) {
  nlohmann::json j = to_json(r);
  erase_timings(j);
  return j.dump();
}

uint64_t bits(double x) { return std::bit_cast<uint64_t>(x); }

void check_same_metrics(const std::vector<Record>& a, const std::vector<Record>& b) {
  REQUIRE(a.size() == b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    INFO(a[i].model << " " << a[i].seed << " " << to_string(a[i].task));
    CHECK(a[i].model == b[i].model);
    CHECK(a[i].seed == b[i].seed);
    REQUIRE(a[i].metrics.size() == b[i].metrics.size());
    for (const auto& [k, v] : a[i].metrics) {
      INFO(k);
      if (k != "sim_time_s") CHECK(bits(v) == bits(b[i].metrics.at(k)));
    }
  }
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1)
    out.push_back(text.substr(start, end - start));
  return out;
}

}  // namespace

TEST_CASE("a study record round-trips through JSON bit for bit", "[study][checkpoint]") {
  Record r;
  r.model = "het-stdp";
  r.arith = "fixed";
  r.seed = 18446744073709551615ULL;
  r.task = TaskKind::lorenz;
  r.metrics = {{"third", 1.0 / 3.0},
               {"tiny", std::numeric_limits<double>::denorm_min()},
               {"huge", 1.7976931348623157e308},
               {"neg_zero", -0.0},
               {"pi", 3.141592653589793},
               {"two", 2.0},
               {"nan", std::numeric_limits<double>::quiet_NaN()},
               {"inf", std::numeric_limits<double>::infinity()},
               {"minus_inf", -std::numeric_limits<double>::infinity()}};
  r.detail = {{"mc_curve", {0.1, 0.2, 1e-17}}, {"neurons", 100}, {"features", "log-mel"}};
  r.error = "something failed";
  r.wall_time_s = 0.1 + 0.2;
  const Record back = record_from_json(nlohmann::json::parse(to_json(r).dump()));
  CHECK(back.model == r.model);
  CHECK(back.arith == r.arith);
  CHECK(back.seed == r.seed);
  CHECK(back.task == r.task);
  CHECK(back.error == r.error);
  CHECK(bits(back.wall_time_s) == bits(r.wall_time_s));
  CHECK(back.detail == r.detail);
  REQUIRE(back.metrics.size() == r.metrics.size());
  for (const auto& [k, v] : r.metrics) {
    INFO(k);
    if (std::isnan(v))
      CHECK(std::isnan(back.metrics.at(k)));
    else
      CHECK(bits(back.metrics.at(k)) == bits(v));
  }
  CHECK_THROWS_WITH(record_from_json(nlohmann::json{{"model", "x"}}), Catch::Contains("arith"));
  nlohmann::json bad = to_json(r);
  bad["metrics"]["pi"] = "pie";
  CHECK_THROWS_WITH(record_from_json(bad), Catch::Contains("pie"));
}

TEST_CASE("a study resumed from a checkpoint cut short by a kill gives the uninterrupted result",
          "[study][checkpoint]") {
  const ScratchDir dir("study_checkpoint");
  const StudyConfig config = small_config();
  const StudyResult plain = run_study(config);
  REQUIRE(plain.records.size() == 2 * (2 * 2 + 2 * 2));  // the baselines: one record per seed
  for (const Record& r : plain.records) CHECK(r.error.empty());

  // With a checkpoint: the same result, every job written.
  StudyRunOptions options;
  options.checkpoint = dir.path() / "full.jsonl";
  const StudyResult full = run_study(config, options);
  CHECK(full.resumed_jobs == 0);
  CHECK(full.computed_jobs == 12);
  CHECK(without_timings(full) == without_timings(plain));
  check_same_metrics(full.records, plain.records);
  const std::vector<std::string> lines = lines_of(read_text_file(options.checkpoint));
  REQUIRE(lines.size() == 1 + 12);
  CHECK(nlohmann::json::parse(lines[0])["format"] == "hrsnn-study-checkpoint/1");

  // A kill: the header, the first 5 jobs, and half of the 6th line.
  const size_t k = 5;
  std::string cut;
  for (size_t i = 0; i <= k; ++i) cut += lines[i] + "\n";
  cut += lines[k + 1].substr(0, lines[k + 1].size() / 2);
  StudyRunOptions resume;
  resume.checkpoint = dir.path() / "killed.jsonl";
  resume.resume = true;
  write_text_atomic(resume.checkpoint, cut);
  std::vector<std::string> said;
  resume.progress = [&](const std::string& s) { said.push_back(s); };
  const StudyResult resumed = run_study(config, resume);
  CHECK(resumed.resumed_jobs == k);
  CHECK(resumed.computed_jobs == 12 - k);
  CHECK(without_timings(resumed) == without_timings(plain));
  check_same_metrics(resumed.records, plain.records);
  CHECK(resumed.claims.dump() == plain.claims.dump());
  const std::string log = [&] {
    std::string s;
    for (const auto& l : said) s += l + "\n";
    return s;
  }();
  INFO(log);
  CHECK(log.find("torn last line") != std::string::npos);
  CHECK(log.find("resumed 5 of 12 cells from") != std::string::npos);
  CHECK(log.find("[6/12]") != std::string::npos);  // counted after the resumed jobs
  CHECK(log.find("[1/12]") == std::string::npos);
  // The resumed checkpoint is now complete: the same jobs, nothing left to run.
  CHECK(lines_of(read_text_file(resume.checkpoint)).size() == 1 + 12);
  resume.progress = {};
  const StudyResult again = run_study(config, resume);
  CHECK(again.resumed_jobs == 12);
  CHECK(again.computed_jobs == 0);
  CHECK(without_timings(again) == without_timings(plain));

  // Without resume, an existing checkpoint is refused.
  options.resume = false;
  CHECK_THROWS_WITH(
      run_study(config, options),
      Catch::Contains("full.jsonl exists: pass --resume to continue that study, or choose another --out"));
  // A different configuration is refused, naming what differs; the thread count may change.
  StudyConfig other = config;
  other.memory.samples += 100;
  other.seeds = 3;
  options.resume = true;
  CHECK_THROWS_WITH(run_study(other, options), Catch::Contains("belongs to a different study") &&
                                                   Catch::Contains("memory.samples") && Catch::Contains("seeds") &&
                                                   !Catch::Contains("threads"));
  StudyConfig more_threads = config;
  more_threads.threads = 2;
  CHECK(run_study(more_threads, options).computed_jobs == 0);
}

TEST_CASE("a study checkpoint is refused when a spec file changed", "[study][checkpoint]") {
  const ScratchDir dir("study_checkpoint_spec");
  StudyConfig config = small_config();
  const std::filesystem::path spec = dir.path() / "hom.toml";
  write_text_atomic(spec, read_text_file(config.homogeneous_spec));
  config.homogeneous_spec = spec.string();
  const std::filesystem::path path = dir.path() / "study.checkpoint.jsonl";
  { const StudyCheckpoint fresh(path, config, false); }
  { const StudyCheckpoint same(path, config, true); }
  write_text_atomic(spec, read_text_file(spec) + "\n# edited\n");
  CHECK_THROWS_WITH(StudyCheckpoint(path, config, true),
                    Catch::Contains("homogeneous_spec_digest") && !Catch::Contains("heterogeneous_spec_digest"));
  // A damaged record is refused with its line, never skipped.
  write_text_atomic(path, lines_of(read_text_file(path)).at(0) + "\n{\"job\": \"memory mrsnn float64 seed 1\"}\n");
  CHECK_THROWS_WITH(StudyCheckpoint(path, small_config(), true), Catch::Contains(":2: malformed study checkpoint"));
}

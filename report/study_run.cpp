#include "report/study_run.hpp"

#include "core/io.hpp"

#include <fmt/core.h>

#include <string>

namespace hrsnn::report {

study::StudyConfig report_study_config(bool quick) {
  study::StudyConfig c = quick ? study::quick_study_config() : study::default_study_config();
  if (!quick) return c;
  c.source = "<report --quick>";
  c.seeds = 2;
  c.size_scale = 0.06;
  c.memory.samples = 300;
  c.memory.max_delay = 10;
  c.prediction.samples = 300;
  c.fsdd.fit_per_group = 1;
  c.fsdd.warmup_utterances = 1;
  return c;
}

study::StudyResult run_study_into(const study::StudyConfig& c, const std::filesystem::path& dir) {
  fmt::print(stderr, "study: {} models x {} arithmetics x {} seeds on {} tasks, {} threads ({})\n", c.models.size(),
             c.arithmetics.size(), c.seeds, c.tasks.size(), c.threads, c.source);
  study::StudyResult result =
      study::run_study(c, [](const std::string& line) { fmt::print(stderr, "study {}\n", line); });
  study::write_study_files(result, dir);
  return result;
}

}  // namespace hrsnn::report

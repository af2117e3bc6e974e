#include "study/quant_tasks.hpp"

#include "study/study.hpp"

#include <memory>
#include <mutex>

namespace hrsnn::study {

namespace {

struct TaskState {
  StudyConfig study;
  QuantTaskConfig tasks;
  std::once_flag fsdd_once;
  std::unique_ptr<FsddData> fsdd;
  std::string fsdd_error;
};

}  // namespace

TaskEvaluator make_study_task_evaluator(const QuantTaskConfig& config) {
  auto state = std::make_shared<TaskState>();
  state->tasks = config;
  StudyConfig& s = state->study;
  s = default_study_config();
  s.threads = 1;  // the sweep runs points in parallel
  s.memory.samples = config.samples;
  s.memory.max_delay = config.max_delay;
  s.prediction.samples = config.samples;
  s.reservoir.washout_samples = config.washout_samples;
  if (!config.fsdd_data.empty()) s.fsdd.data_dir = config.fsdd_data;
  s.fsdd.test_per_group = config.fsdd_test_per_group;
  s.fsdd.val_per_group = config.fsdd_val_per_group;
  s.fsdd.fit_per_group = config.fsdd_fit_per_group;

  return [state](const NetworkSpec& spec, Arith arith) {
    TaskOutcome out;
    auto take = [&](const Record& r, const std::string& prefix) {
      for (const auto& [k, v] : r.metrics) out.metrics[prefix + "." + k] = v;
      if (!r.error.empty()) out.error += (out.error.empty() ? "" : "; ") + prefix + ": " + r.error;
    };
    const QuantTaskConfig& t = state->tasks;
    if (t.memory) take(run_snn_task(spec, "quant", TaskKind::memory, arith, state->study, nullptr), "memory");
    if (t.prediction != "none") {
      const TaskKind kind = parse_task_kind(t.prediction);
      take(run_snn_task(spec, "quant", kind, arith, state->study, nullptr), t.prediction);
    }
    if (t.fsdd) {
      std::call_once(state->fsdd_once, [&] {
        try {
          state->fsdd = std::make_unique<FsddData>(load_fsdd_data(state->study.fsdd));
        } catch (const std::exception& e) {
          state->fsdd_error = e.what();
        }
      });
      if (state->fsdd)
        take(run_snn_task(spec, "quant", TaskKind::fsdd, arith, state->study, state->fsdd.get()), "fsdd");
      else
        out.error += (out.error.empty() ? "" : "; ") + std::string("fsdd: ") + state->fsdd_error;
    }
    return out;
  };
}

}  // namespace hrsnn::study

// The counts and workload of a finished run, read back from the summary.json `hrsnn run` writes.
#pragma once

#include "core/counters.hpp"
#include "core/network.hpp"
#include "core/run.hpp"
#include "hw_model/energy/estimate.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string_view>

namespace hrsnn::energy {

struct RunFacts {
  EventCounts counts;
  Workload workload;
};

// The counts and workload of a run done in memory: what run_facts_from_summary() reads back
// from the summary run_summary() writes of it.
RunFacts run_facts(const Network& net, const RunResult& result);
// Reads counts and workload from the summary.json of `hrsnn run` (format "hrsnn-run/1").
RunFacts run_facts_from_summary(const nlohmann::json& summary, std::string_view source_name);
// Reads and parses RUN_DIR/summary.json (or the file itself when `path` is a file).
RunFacts load_run_summary(const std::filesystem::path& path);

}  // namespace hrsnn::energy

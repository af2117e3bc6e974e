// Run-summary reading: the counts and workload of `hrsnn run`'s summary.json. See run_summary.hpp.
#include "hw_model/energy/run_summary.hpp"

#include <fmt/core.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <fstream>
#include <string>

namespace hrsnn::energy {

namespace {

uint64_t summary_uint(const nlohmann::json& j, const std::string& key, const std::string& file,
                      const std::string& prefix = {}) {
  if (!j.contains(key))
    throw ConfigError(file, 0, prefix + key, fmt::format("missing required key '{}' (a non-negative integer)", key));
  const auto& v = j.at(key);
  // Parsed JSON holds non-negative integers as unsigned, JSON built in memory as signed.
  const bool ok = v.is_number_unsigned() || (v.is_number_integer() && v.get<int64_t>() >= 0);
  if (!ok) throw ConfigError(file, 0, prefix + key, fmt::format("expected a non-negative integer, got {}", v.dump()));
  return v.get<uint64_t>();
}

// The field of `c` named `name` (for_each_count is the only list of names, so this does not
// repeat it; `c` is non-const, so casting the visited reference back is well defined).
uint64_t* count_field(EventCounts& c, std::string_view name) {
  uint64_t* field = nullptr;
  for_each_count(c, [&](std::string_view n, const uint64_t& v) {
    if (n == name) field = const_cast<uint64_t*>(&v);
  });
  return field;
}

}  // namespace

RunFacts run_facts(const Network& net, const RunResult& result) {
  RunFacts f;
  f.counts = result.counts.total;
  f.workload = Workload{net.size(), net.synapse_count(), result.steps, net.dt_ms, result.input_samples};
  return f;
}

RunFacts run_facts_from_summary(const nlohmann::json& summary, std::string_view source_name) {
  const std::string file(source_name);
  if (!summary.is_object()) throw ConfigError(file, 0, "<file>", "a run summary must be a JSON object");
  if (!summary.contains("format") || !summary.at("format").is_string() ||
      summary.at("format").get<std::string>() != "hrsnn-run/1")
    throw ConfigError(file, 0, "format",
                      fmt::format("expected \"hrsnn-run/1\", got {}",
                                  summary.contains("format") ? summary.at("format").dump() : "nothing"));
  RunFacts f;
  f.workload.neurons = summary_uint(summary, "neurons", file);
  f.workload.synapses = summary_uint(summary, "synapses", file);
  f.workload.steps = summary_uint(summary, "steps", file);
  f.workload.input_samples = summary_uint(summary, "input_samples", file);
  if (!summary.contains("dt_ms") || !summary.at("dt_ms").is_number())
    throw ConfigError(file, 0, "dt_ms", "missing required key 'dt_ms' (a number)");
  f.workload.dt_ms = summary.at("dt_ms").get<double>();
  if (!(f.workload.dt_ms > 0.0) || !std::isfinite(f.workload.dt_ms))
    throw ConfigError(file, 0, "dt_ms", fmt::format("must be > 0, got {}", f.workload.dt_ms));

  if (!summary.contains("counts") || !summary.at("counts").is_object())
    throw ConfigError(file, 0, "counts", "missing required key 'counts' (an object)");
  const auto& counts = summary.at("counts");
  for (auto it = counts.begin(); it != counts.end(); ++it) {
    if (!count_field(f.counts, it.key()))
      throw ConfigError(
          file, 0, "counts." + it.key(),
          fmt::format("not an event counter of this build; known: {}", fmt::join(spiking_event_names(), ", ")));
  }
  for (const auto& name : spiking_event_names())
    *count_field(f.counts, name) = summary_uint(counts, name, file, "counts.");
  return f;
}

RunFacts load_run_summary(const std::filesystem::path& path) {
  const std::filesystem::path file = std::filesystem::is_directory(path) ? path / "summary.json" : path;
  std::ifstream in(file);
  if (!in) throw ConfigError(file.string(), 0, "<file>", "cannot open the run summary (written by `hrsnn run`)");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    throw ConfigError(file.string(), 0, "<file>", fmt::format("not valid JSON: {}", e.what()));
  }
  return run_facts_from_summary(j, file.string());
}

}  // namespace hrsnn::energy

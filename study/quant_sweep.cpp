#include "study/quant_sweep.hpp"

#include "core/foundation/distribute.hpp"
#include "core/foundation/durable.hpp"
#include "core/foundation/journal.hpp"

#include <fmt/core.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>
#include <optional>
#include <stdexcept>

namespace hrsnn::study {

namespace {

// ---- the checkpoint ----

// FNV-1a of a text (the checkpoint's record of which spec file it was run on).
std::string fnv1a_hex(std::string_view text) {
  uint64_t h = 1469598103934665603ULL;
  for (char c : text) {
    h ^= static_cast<uint8_t>(c);
    h *= 1099511628211ULL;
  }
  return fmt::format("{:016x}", h);
}

std::string spec_digest(const NetworkSpec& spec) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(spec.source, ec)) return "";
  return fnv1a_hex(read_text_file(spec.source));
}

// What a checkpoint was run with: a resume must match it exactly.
nlohmann::json fingerprint(const NetworkSpec& spec, const QuantSweepConfig& c, const QuantRunOptions& o) {
  nlohmann::json tasks = {
      {"enabled", static_cast<bool>(o.tasks)},
      {"memory", c.tasks.memory},
      {"prediction", c.tasks.prediction},
      {"fsdd", c.tasks.fsdd},
      {"samples", c.tasks.samples},
      {"max_delay", c.tasks.max_delay},
      {"washout_samples", c.tasks.washout_samples},
      {"fsdd_data", c.tasks.fsdd_data},
      {"fsdd_per_group", {c.tasks.fsdd_test_per_group, c.tasks.fsdd_val_per_group, c.tasks.fsdd_fit_per_group}}};
  nlohmann::json j = {
      {"spec", spec.source},
      {"spec_digest", spec_digest(spec)},
      {"baseline_spec", c.baseline_spec},
      {"fidelity_steps", c.fidelity_steps},
      {"probes", c.probes},
      {"coincidence_window_steps", c.coincidence_window_steps},
      {"vp_cost_per_step", c.vp_cost_per_step},
      {"tasks", tasks},
      {"energy",
       {{"models", c.energy_models}, {"models_file", c.energy_models_file}, {"scale_sram_words", c.scale_sram_words}}},
      {"base", quant_hardware_json(c.points.front().hardware)}};
  if (o.model) {  // only then: a spec's checkpoint keeps the header it always had
    nlohmann::json files = nlohmann::json::array();
    for (const auto& f : o.model->files)
      files.push_back({{"path", f.string()}, {"digest", fnv1a_hex(read_text_file(f))}});
    j["model"] = {{"files", files}, {"options", o.model->options}};
  }
  return j;
}

// quant.jsonl: a header {"type": "header", "format": ..., "sweep": fingerprint}, then one
// record (to_json(QuantRecord)) per finished job, keyed by its job.
JournalSchema checkpoint_schema() {
  JournalSchema s;
  s.kind = "quantization checkpoint";
  s.format = "hrsnn-quant-checkpoint/1";
  s.validate = check_quant_record_json;
  s.key = [](const nlohmann::json& j) { return j.at("job").get<std::string>(); };
  return s;
}

// Opens (or starts) the checkpoint; refuses one written by a different sweep.
Journal open_checkpoint(const std::filesystem::path& path, const nlohmann::json& sweep) {
  Journal journal(path, checkpoint_schema(), nlohmann::json{{"sweep", sweep}});
  const nlohmann::json& had = journal.header();
  if (!had.contains("sweep") || had.at("sweep") != sweep) {
    std::vector<std::string> keys;
    for (const auto& [k, v] : sweep.items())
      if (!had.contains("sweep") || !had.at("sweep").contains(k) || had.at("sweep").at(k) != v) keys.push_back(k);
    throw std::runtime_error(fmt::format("{} belongs to a different sweep (differs in: {}); choose another --out",
                                         path.string(), fmt::join(keys, ", ")));
  }
  return journal;
}

}  // namespace

// ---- the run ----

QuantResult run_quant_sweep(const NetworkSpec& spec, const QuantSweepConfig& config, const QuantRunOptions& options) {
  if (config.points.empty()) throw std::invalid_argument("run_quant_sweep: no points (call make_points first)");
  if (!config.baseline_spec.empty() && !options.baseline)
    throw std::invalid_argument("run_quant_sweep: the sweep names a baseline spec; load it into options.baseline");
  const std::vector<QuantJob> jobs = make_quant_jobs(config, options.baseline.has_value());
  // Under MPI only rank 0 keeps the checkpoint, records and writes; the others run the points it
  // hands them (core/foundation/distribute.hpp).
  const bool root = is_root_rank();
  std::optional<Journal> checkpoint;
  std::map<std::string, QuantRecord> done;
  QuantResult result;
  result.jobs = jobs.size();
  std::vector<size_t> pending;
  const bool merging = !options.merge.empty();
  if ((options.shard.active() || merging) && world_size() > 1)
    throw std::invalid_argument("--shard and --merge run as one process each, not under mpirun");
  if (options.shard.active() && merging) throw std::invalid_argument("--shard and --merge do not go together");
  if (root) {
    std::filesystem::create_directories(options.out_dir);
    const std::filesystem::path path = options.out_dir / "quant.jsonl";
    if (std::filesystem::exists(path) && !options.resume && !merging)
      throw std::runtime_error(
          fmt::format("{} exists: pass --resume to continue that sweep, or choose another --out", path.string()));
    checkpoint.emplace(open_checkpoint(path, fingerprint(spec, config, options)));
    for (const nlohmann::json& j : checkpoint->records()) {
      QuantRecord r = quant_record_from_json(j);
      done[r.job] = std::move(r);
    }
    for (const std::filesystem::path& shard_file : options.merge) {
      if (!std::filesystem::is_regular_file(shard_file))
        throw std::invalid_argument(
            fmt::format("--merge: {} does not exist (give each shard's --out directory)", shard_file.string()));
      std::error_code same_error;
      if (std::filesystem::equivalent(shard_file, path, same_error)) continue;
      // Refused when the shard belongs to another sweep (open_checkpoint compares the headers).
      const Journal shard = open_checkpoint(shard_file, fingerprint(spec, config, options));
      for (const nlohmann::json& j : shard.records()) {
        QuantRecord r = quant_record_from_json(j);
        // Only this sweep's points (a checkpoint's header does not list the axes).
        if (done.count(r.job) ||
            !std::any_of(jobs.begin(), jobs.end(), [&](const QuantJob& q) { return q.key == r.job; }))
          continue;
        checkpoint->append(j);
        ++result.merged;
        done[r.job] = std::move(r);
      }
    }
    for (size_t k = 0; k < jobs.size(); ++k) {
      if (!options.shard.owns(k)) continue;
      ++result.shard_jobs;
      if (done.count(jobs[k].key))
        ++result.resumed;
      else
        pending.push_back(k);
    }
    if (merging && !pending.empty())
      throw std::runtime_error(fmt::format(
          "--merge: {} of {} points are in none of the checkpoints given (first: '{}'); run their shard again and "
          "merge, or run with --resume to compute them here ({} now holds the {} merged)",
          pending.size(), jobs.size(), jobs[pending.front()].key, path.string(), result.merged));
    if (options.max_jobs > 0 && pending.size() > options.max_jobs) pending.resize(options.max_jobs);
  }

  QuantEvaluator evaluator(spec, config, options.baseline ? &*options.baseline : nullptr, options.tasks,
                           options.model ? &*options.model : nullptr);
  const unsigned threads = std::max(1u, options.threads ? options.threads : config.threads);
  // A point's record travels as its checkpoint line, in one process as across ranks, and is read
  // back from that text: exactly what a resumed run reads.
  distribute_jobs(
      pending, threads, [&](size_t k) { return to_json(evaluator.run(jobs[k])).dump(); },
      [&](size_t k, std::string&& payload) {
        const nlohmann::json j = nlohmann::json::parse(payload);
        QuantRecord r = quant_record_from_json(j);
        checkpoint->append(j);
        ++result.computed;
        if (options.progress)
          options.progress(fmt::format("[{}/{}] {}{} ({:.1f} s)", result.resumed + result.computed, result.shard_jobs,
                                       jobs[k].key, r.error.empty() ? "" : "  ERROR: " + r.error, r.wall_time_s));
        done[r.job] = std::move(r);
      });
  if (!root) {
    result.worker = true;
    return result;
  }
  if (options.shard.active()) {
    result.partial = true;
    return result;
  }

  result.complete = true;
  for (const QuantJob& job : jobs) {
    auto it = done.find(job.key);
    if (it == done.end()) {
      result.complete = false;
      continue;
    }
    result.records.push_back(it->second);
  }
  if (result.complete) {
    result.summary = quant_summary(spec, config, result.records);
    write_text_durable(options.out_dir / "quant.json", result.summary.dump(1) + "\n");
    write_text_durable(options.out_dir / "quant.csv", quant_csv(result.records));
  }
  return result;
}

}  // namespace hrsnn::study

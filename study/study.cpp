#include "study/study.hpp"

#include "core/foundation/distribute.hpp"
#include "core/foundation/parallel.hpp"
#include "study/rate_calibration.hpp"
#include "study/study_checkpoint.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <numeric>
#include <vector>

#include <sys/resource.h>

namespace hrsnn::study {

namespace {

struct Job {
  std::string label;
  double cost = 0;  // rough relative cost, for ordering (longest first)
  std::function<std::vector<Record>()> run;
};

std::string short_metrics(const Record& r) {
  if (!r.error.empty()) return "ERROR: " + r.error;
  std::string s;
  for (const char* k : {"mc", "narma10_nrmse", "nrmse", "accuracy", "S"}) {
    auto it = r.metrics.find(k);
    if (it != r.metrics.end()) s += fmt::format(" {}={:.4g}", k, it->second);
  }
  return s;
}

double process_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  const auto sec = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + 1e-6 * static_cast<double>(t.tv_usec);
  };
  return sec(u.ru_utime) + sec(u.ru_stime);
}

}  // namespace

StudyResult run_study(const StudyConfig& config, const std::function<void(const std::string&)>& progress) {
  StudyRunOptions options;
  options.progress = progress;
  return run_study(config, options);
}

StudyResult run_study(const StudyConfig& config_in, const StudyRunOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  const double cpu0 = process_cpu_seconds();
  StudyResult result;
  const bool root = is_root_rank();  // under MPI only rank 0 prints, keeps the checkpoint and records
  const auto say = [&](const std::string& s) {
    if (options.progress && root) options.progress(s);
  };
  // Opened first, so that a refused resume says so before any work.
  const bool merging = !options.merge.empty();
  if ((options.shard.active() || merging) && world_size() > 1)
    throw std::invalid_argument("--shard and --merge run as one process each, not under mpirun");
  if (options.shard.active() && merging) throw std::invalid_argument("--shard and --merge do not go together");
  if ((options.shard.active() || merging) && options.checkpoint.empty())
    throw std::invalid_argument("--shard and --merge need a checkpoint");
  std::unique_ptr<StudyCheckpoint> checkpoint;
  if (!options.checkpoint.empty() && root)
    checkpoint = std::make_unique<StudyCheckpoint>(options.checkpoint, config_in, options.resume || merging);
  for (const std::filesystem::path& shard_file : options.merge) {
    if (!std::filesystem::is_regular_file(shard_file))
      throw std::invalid_argument(
          fmt::format("--merge: {} does not exist (give each shard's --out directory)", shard_file.string()));
    std::error_code same_error;
    if (std::filesystem::equivalent(shard_file, options.checkpoint, same_error)) continue;
    // The shard's own checkpoint, opened to read: refused when it belongs to another study.
    const StudyCheckpoint shard(shard_file, config_in, true);
    for (const auto& [label, recs] : shard.entries())
      if (!checkpoint->find(label)) {
        checkpoint->append(label, recs);
        ++result.merged_jobs;
      }
  }

  const NetworkSpec hom = scale_network(load_spec(config_in.homogeneous_spec), config_in.size_scale);
  const NetworkSpec het = scale_network(load_spec(config_in.heterogeneous_spec), config_in.size_scale);
  // The series lengths every model of the study uses (readout sizing for the network's size).
  const StudyConfig config = sized_for(config_in, hom.total_neurons());
  result.config = config;
  std::map<Variant, NetworkSpec> variants;
  for (Variant v : config.models) variants[v] = make_model(hom, het, v, config.models_as_written);
  const std::size_t units = hom.total_neurons();
  EsnBank esn_bank(units);
  // Each cell's configuration: the study's, with the input gain of its model and arithmetic when
  // the rates are matched (calibrated on one seed, the protocol's first exploration seed if any).
  std::map<std::pair<Variant, Arith>, StudyConfig> cell_config;
  for (Variant v : config.models)
    for (Arith a : config.arithmetics) cell_config[{v, a}] = config;
  if (config.rate_calibration.target_hz > 0.0) {
    const uint64_t seed = config.protocol.present ? config.protocol.exploration_first_seed : config.first_seed;
    std::vector<std::pair<Variant, Arith>> keys;
    for (const auto& [key, c] : cell_config) keys.push_back(key);
    std::vector<GainCalibration> found(keys.size());
    say(fmt::format("matching rates: the input gain of {} models to {} Hz (seed {})", keys.size(),
                    config.rate_calibration.target_hz, seed));
    std::mutex say_mu;
    parallel_for(keys.size(), std::max(1U, config.threads), [&](size_t i) {
      NetworkSpec spec = variants.at(keys[i].first);
      spec.simulation.seed = seed;
      found[i] = calibrate_input_gain(spec, keys[i].second, config);
      const std::lock_guard<std::mutex> lock(say_mu);
      say(fmt::format("  {} {}: gain {:.4g} -> {:.2f} Hz{}", to_string(keys[i].first), to_string(keys[i].second),
                      found[i].gain, found[i].rate_hz, found[i].reached ? "" : " (target not reached)"));
    });
    for (size_t i = 0; i < keys.size(); ++i) {
      cell_config[keys[i]].input_gain = config.input_gain * found[i].gain;
      nlohmann::json j = to_json(found[i]);
      j["model"] = to_string(keys[i].first);
      j["arith"] = to_string(keys[i].second);
      result.rate_calibration.push_back(std::move(j));
    }
  }

  std::unique_ptr<FsddData> fsdd;
  if (std::find(config.tasks.begin(), config.tasks.end(), TaskKind::fsdd) != config.tasks.end()) {
    say(fmt::format("loading FSDD from {}", config.fsdd.data_dir));
    fsdd = std::make_unique<FsddData>(load_fsdd_data(config.fsdd));
    say(fmt::format("FSDD: {} utterances, {} frames in the stream", fsdd->utterances.size(), fsdd->stream.samples()));
  }

  std::vector<Job> jobs;
  for (TaskKind task : config.tasks) {
    const double steps =
        task == TaskKind::fsdd
            ? static_cast<double>(fsdd->stream.samples() * config.fsdd.steps_per_frame)
            : static_cast<double>((task == TaskKind::memory ? config.memory.samples : config.prediction.samples) *
                                  hom.input.steps_per_sample);
    for (Variant v : config.models) {
      for (Arith arith : config.arithmetics) {
        for (uint32_t k = 0; k < config.seeds; ++k) {
          const uint64_t seed = config.first_seed + k;
          const double factor =
              (arith == Arith::Fixed ? 4.0 : 1.0) * (v == Variant::het_stdp || v == Variant::hrsnn ? 4.0 : 1.0);
          jobs.push_back({fmt::format("{} {} {} seed {}", to_string(task), to_string(v), to_string(arith), seed),
                          steps * factor * 1e-4, [&, v, task, arith, seed] {
                            NetworkSpec spec = variants.at(v);
                            spec.simulation.seed = seed;
                            return std::vector<Record>{
                                run_snn_task(spec, to_string(v), task, arith, cell_config.at({v, arith}), fsdd.get())};
                          }});
        }
      }
    }
    if (config.baselines.esn)
      jobs.push_back({fmt::format("{} esn (all seeds)", to_string(task)),
                      // Measured (1000 units, 2 cores): the memory task's ESN with K = 2N delays
                      // takes ~350 s over 3 seeds, FSDD's ~150 s, the others ~20 s: started first
                      // among the spiking cells (costs ~30-500), it no longer ends the study alone.
                      (task == TaskKind::memory ? 1000.0
                       : task == TaskKind::fsdd ? 300.0
                                                : 30.0) *
                          static_cast<double>(config.seeds) / 3.0 * static_cast<double>(units) / 1000.0,
                      [&, task] { return run_esn_task(task, esn_bank, config, fsdd.get()); }});
    if (config.baselines.linear)
      jobs.push_back({fmt::format("{} linear (all seeds)", to_string(task)), 1.0,
                      [&, task] { return run_linear_task(task, config, fsdd.get()); }});
  }
  // Longest first on the workers; results are stored by job index, so the output order (and
  // every number) is independent of the scheduling. A shard owns fixed positions of this ranking.
  std::vector<size_t> ranked(jobs.size());
  std::iota(ranked.begin(), ranked.end(), size_t{0});
  std::stable_sort(ranked.begin(), ranked.end(), [&](size_t a, size_t b) { return jobs[a].cost > jobs[b].cost; });
  std::vector<char> mine(jobs.size(), 1);
  for (size_t p = 0; p < ranked.size(); ++p) mine[ranked[p]] = options.shard.owns(p) ? 1 : 0;
  result.jobs = jobs.size();
  result.shard_jobs = static_cast<size_t>(std::count(mine.begin(), mine.end(), 1));
  // Jobs the checkpoint holds are read back, not run; the ETA counts only the jobs run here.
  std::vector<std::vector<Record>> done(jobs.size());
  std::vector<size_t> order;
  std::vector<std::string> missing;
  for (size_t k : ranked) {
    if (!mine[k]) continue;
    if (const std::vector<Record>* had = checkpoint ? checkpoint->find(jobs[k].label) : nullptr) {
      done[k] = *had;
      ++result.resumed_jobs;
    } else {
      order.push_back(k);
      missing.push_back(jobs[k].label);
    }
  }
  if (merging && !missing.empty() && root)
    throw std::runtime_error(fmt::format(
        "--merge: {} of {} cells are in none of the checkpoints given (first: '{}'); run their shard again and "
        "merge, or run with --resume to compute them here ({} now holds the {} merged)",
        missing.size(), jobs.size(), missing.front(), options.checkpoint.string(), result.resumed_jobs));
  if (checkpoint && checkpoint->recovered_torn_line())
    say(fmt::format("{}: cut off a torn last line (a job interrupted while being written; it is run again)",
                    checkpoint->path().string()));
  if (options.shard.active())
    say(fmt::format("shard {}: {} of {} cells", options.shard.text(), result.shard_jobs, jobs.size()));
  if (result.resumed_jobs > 0)
    say(fmt::format("{} {} of {} cells from {}", merging ? "merged" : "resumed", result.resumed_jobs, result.shard_jobs,
                    checkpoint->path().string()));
  size_t finished = result.resumed_jobs;
  double total_cost = 0, finished_cost = 0;
  for (size_t k : order) total_cost += jobs[k].cost;
  const auto t_run = std::chrono::steady_clock::now();
  // Every job's records travel as their checkpoint text (records_payload), in one process as
  // across the ranks of an MPI launch, so both read back exactly what a resume would.
  const auto run_job = [&](size_t k) {
    const Job& job = jobs[k];
    const auto tj = std::chrono::steady_clock::now();
    std::vector<Record> recs;
    try {
      recs = job.run();
    } catch (const std::exception& e) {
      // A failed job is a record with its error; the rest of the study goes on.
      Record r;
      r.model = job.label;
      r.error = e.what();
      recs.push_back(r);
    }
    const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - tj).count();
    return fmt::format("{:.6f}\n", took) + records_payload(recs);
  };
  const auto job_done = [&](size_t k, std::string&& payload) {
    const Job& job = jobs[k];
    const size_t cut = payload.find('\n');
    const double took = std::stod(payload.substr(0, cut));
    std::vector<Record> recs = records_from_payload(payload.substr(cut + 1));
    // Durable before it is counted; from here on the records are what a resume would read. A job
    // with a failed record is not kept: a resume runs it again (the failure may have been the
    // machine's, not the cell's).
    const bool failed = std::any_of(recs.begin(), recs.end(), [](const Record& r) { return !r.error.empty(); });
    if (checkpoint && !failed) recs = checkpoint->append(job.label, recs);
    ++finished;
    ++result.computed_jobs;
    finished_cost += job.cost;
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_run).count();
    const double eta = finished_cost > 0 ? elapsed * (total_cost - finished_cost) / finished_cost : 0.0;
    std::string line = fmt::format("[{}/{}] {} ({:.1f} s):", finished, result.shard_jobs, job.label, took);
    if (recs.size() == 1)
      line += short_metrics(recs.front());
    else
      for (const Record& r : recs)
        if (!r.error.empty()) line += " seed " + std::to_string(r.seed) + " ERROR: " + r.error;
    line += fmt::format("  [elapsed {:.0f} s, ~{:.0f} s left]", elapsed, eta);
    say(line);
    done[k] = std::move(recs);
  };
  distribute_jobs(order, std::max(1U, config.threads), run_job, job_done);
  result.ranks = world_size();
  if (!root) {
    result.worker = true;  // rank > 0 of an MPI launch: its jobs' records went to rank 0
    return result;
  }
  if (options.shard.active()) {
    result.partial = true;  // the shard's cells are in its checkpoint
    result.wall_time_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return result;
  }
  for (auto& recs : done)
    for (auto& r : recs) result.records.push_back(std::move(r));

  result.table = summarize(result.records);
  result.claims = evaluate_claims(result.records, config);
  result.wall_time_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  result.cpu_time_s = process_cpu_seconds() - cpu0;
  return result;
}

}  // namespace hrsnn::study

// hrsnn mc / task / study: memory capacity and tasks of one spec over seeds, and the paper's
// whole study (four variants x float and fixed x seeds, ESN and linear baselines, claims).
#include "core/foundation/distribute.hpp"
#include "core/io.hpp"
#include "core/spec.hpp"
#include "study/study.hpp"
#include "tools/command.hpp"

#include <fmt/core.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <memory>

namespace hrsnn::cli {
namespace {

using study::Record;
using study::StudyConfig;
using study::TaskKind;

struct CommonArgs {
  std::string config;
  bool quick = false;
  std::optional<uint32_t> seeds;
  std::optional<uint64_t> first_seed;
  std::optional<unsigned> threads;
  std::optional<double> size_scale;
  std::string data;
  std::string phase;
};

void add_common(CLI::App* sub, CommonArgs& a) {
  sub->add_option("--config", a.config, "Study configuration (TOML, see examples/study.toml)")
      ->check(CLI::ExistingFile);
  sub->add_flag("--quick", a.quick, "Tiny configuration: 100-neuron networks, few samples (tests, a first look)");
  sub->add_option("--seeds", a.seeds, "Number of seeds (first_seed, first_seed + 1, ...)")->check(CLI::Range(1, 1000));
  sub->add_option("--first-seed", a.first_seed, "First seed");
  sub->add_option("--threads", a.threads, "Worker threads (seeds and cells run in parallel)")
      ->check(CLI::Range(1, 256));
  sub->add_option("--size-scale", a.size_scale, "Scale every population (connection probability / scale)")
      ->check(CLI::PositiveNumber);
  sub->add_option("--data", a.data, "FSDD recordings directory");
  sub->add_option("--phase", a.phase, "The protocol's seeds to run (the --config file's [protocol] table)")
      ->check(CLI::IsMember({"exploration", "confirmation"}));
}

StudyConfig make_config(const CommonArgs& a) {
  StudyConfig c = a.quick ? study::quick_study_config() : study::default_study_config();
  if (!a.config.empty()) c = study::load_study_config(a.config, c);
  if (c.protocol.present && (a.seeds || a.first_seed))
    throw std::invalid_argument(
        fmt::format("{}: the seeds come from its [protocol] table; choose them with --phase exploration|confirmation",
                    c.protocol.file));
  if (!a.phase.empty()) study::apply_protocol_phase(c, a.phase);
  if (a.seeds) c.seeds = *a.seeds;
  if (a.first_seed) c.first_seed = *a.first_seed;
  if (a.threads) c.threads = *a.threads;
  if (a.size_scale) c.size_scale = *a.size_scale;
  if (!a.data.empty()) c.fsdd.data_dir = a.data;
  return c;
}

std::string mean_sd(const std::vector<double>& v, int precision = 4) {
  if (v.empty()) return "-";
  double m = 0, ss = 0;
  for (double x : v) m += x / static_cast<double>(v.size());
  for (double x : v) ss += (x - m) * (x - m);
  const double sd = v.size() > 1 ? std::sqrt(ss / static_cast<double>(v.size() - 1)) : 0.0;
  return fmt::format("{:.{}g} ± {:.2g}", m, precision, sd);
}

// `hrsnn mc` and `hrsnn task`: one spec, one task, several seeds.
void run_task_command(const std::string& spec_path, const std::string& task_name, const std::string& arith_name,
                      const CommonArgs& common, const std::string& json_out, bool curve = false) {
  StudyConfig config = make_config(common);
  // MC against the readout's length: 1/8, 1/4 and 1/2 of the measured samples, and all of them.
  if (curve) config.memory.curve_fractions = {0.125, 0.25, 0.5};
  const NetworkSpec spec = load_spec(spec_path);
  const Arith arith = parse_arith(arith_name);
  const TaskKind task = task_name == "narma10" ? TaskKind::memory : study::parse_task_kind(task_name);
  std::unique_ptr<study::FsddData> fsdd;
  if (task == TaskKind::fsdd) {
    fmt::print(stderr, "loading FSDD from {}\n", config.fsdd.data_dir);
    fsdd = std::make_unique<study::FsddData>(study::load_fsdd_data(config.fsdd));
  }
  const auto t0 = std::chrono::steady_clock::now();
  const std::vector<Record> records = study::run_spec_task(spec, task, arith, config, fsdd.get(), [](const Record& r) {
    fmt::print(stderr, "seed {} done ({:.1f} s){}\n", r.seed, r.wall_time_s, r.error.empty() ? "" : ": " + r.error);
  });
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  std::vector<std::string> keys;
  if (task == TaskKind::memory)
    keys = {"mc", "mc_corrected", "S", "E", "narma10_nrmse", "rate_hz", "mc_tail"};
  else if (task == TaskKind::fsdd)
    keys = {"accuracy", "S", "rate_hz"};
  else
    keys = {"nrmse", "S", "rate_hz"};
  fmt::print("{} on {} ({}, {} seeds from {}, {} neurons)\n", task_name, spec_path, to_string(arith), config.seeds,
             config.first_seed, records.empty() ? 0 : records.front().detail.value("neurons", 0U));
  fmt::print("{:>6}", "seed");
  for (const auto& k : keys) fmt::print(" {:>14}", k);
  fmt::print(" {:>8}\n", "time (s)");
  std::map<std::string, std::vector<double>> values;
  bool failed = false;
  for (const Record& r : records) {
    fmt::print("{:>6}", r.seed);
    if (!r.error.empty()) {
      fmt::print(" ERROR: {}\n", r.error);
      failed = true;
      continue;
    }
    for (const auto& k : keys) {
      auto it = r.metrics.find(k);
      if (it == r.metrics.end()) {
        fmt::print(" {:>14}", "-");
        continue;
      }
      fmt::print(" {:>14.6g}", it->second);
      values[k].push_back(it->second);
    }
    fmt::print(" {:>8.1f}\n", r.wall_time_s);
  }
  fmt::print("{:>6}", "mean");
  for (const auto& k : keys) fmt::print(" {:>15}", mean_sd(values[k]));
  fmt::print("\n");
  if (task == TaskKind::memory && !records.empty() && records.front().detail.contains("mc_curve")) {
    const auto& r2_curve = records.front().detail["mc_curve"];
    fmt::print("r^2 by delay (seed {}):", records.front().seed);
    for (size_t k = 0; k < r2_curve.size() && k < 20; ++k) fmt::print(" {:.2f}", r2_curve[k].get<double>());
    fmt::print("{}\n", r2_curve.size() > 20 ? " ..." : "");
  }
  if (curve) {
    fmt::print(
        "MC against the readout's length (prefixes of one run per seed):\n{:>6} {:>9} {:>14} {:>10} {:>10} {:>12}\n",
        "seed", "samples", "fit rows/feat", "mc", "chance", "corrected");
    for (const Record& r : records) {
      if (!r.detail.contains("mc_by_length")) continue;
      for (const auto& p : r.detail["mc_by_length"]) {
        if (p.contains("error")) {
          fmt::print("{:>6} {:>9} ERROR: {}\n", r.seed, p["samples"].get<std::size_t>(), p["error"].get<std::string>());
          continue;
        }
        fmt::print("{:>6} {:>9} {:>14.2f} {:>10.4f} {:>10.4f} {:>12.4f}\n", r.seed, p["samples"].get<std::size_t>(),
                   p["fit_rows_per_feature"].get<double>(), p["mc"].get<double>(), p["mc_chance"].get<double>(),
                   p["mc_corrected"].get<double>());
      }
    }
  }
  fmt::print("wall time {:.1f} s\n", wall);
  if (!json_out.empty()) {
    nlohmann::json j = {{"format", "hrsnn-task/1"},
                        {"task", task_name},
                        {"spec", spec_path},
                        {"arith", to_string(arith)},
                        {"config", study::to_json(config)},
                        {"wall_time_s", wall},
                        {"records", nlohmann::json::array()}};
    for (const Record& r : records) j["records"].push_back(study::to_json(r));
    write_text_atomic(json_out, j.dump(2) + "\n");
    fmt::print("wrote {}\n", json_out);
  }
  if (failed) throw std::runtime_error("some seeds failed (see above)");
}

// --merge takes each shard's --out directory (or its checkpoint file).
std::vector<std::filesystem::path> shard_checkpoints(const std::vector<std::string>& merge) {
  std::vector<std::filesystem::path> files;
  for (const std::string& m : merge) {
    const std::filesystem::path p(m);
    files.push_back(std::filesystem::is_directory(p) ? p / "study.checkpoint.jsonl" : p);
  }
  return files;
}

void run_study_command(const CommonArgs& common, const std::string& out_dir, bool resume, const std::string& shard,
                       const std::vector<std::string>& merge) {
  const StudyConfig config = make_config(common);
  if (is_root_rank())
    fmt::print(stderr, "study: {} models x {} arithmetics x {} seeds on {} tasks, {} threads ({}){}\n",
               config.models.size(), config.arithmetics.size(), config.seeds, config.tasks.size(), config.threads,
               config.source, world_size() > 1 ? fmt::format(", {} MPI ranks", world_size()) : "");
  const std::filesystem::path out(out_dir);
  study::StudyRunOptions options;
  options.progress = [](const std::string& line) { fmt::print(stderr, "{}\n", line); };
  options.checkpoint = out / "study.checkpoint.jsonl";
  options.resume = resume;
  if (!shard.empty()) options.shard = parse_shard(shard);
  options.merge = shard_checkpoints(merge);
  const study::StudyResult result = study::run_study(config, options);
  if (result.worker) return;  // rank > 0 of an MPI launch: rank 0 writes the files
  if (result.partial) {
    fmt::print("shard {}: {} of the study's {} cells are in {} ({} run now, {} resumed; {:.1f} s)\n",
               options.shard.text(), result.shard_jobs, result.jobs, options.checkpoint.string(), result.computed_jobs,
               result.resumed_jobs, result.wall_time_s);
    fmt::print("when every shard is done: hrsnn study <the same options> --out DIR --merge SHARD_DIR...\n");
    return;
  }
  study::write_study_files(result, out);
  fmt::print("{}\n{}", study::format_table(result), study::format_claims(result));
  size_t errors = 0;
  for (const Record& r : result.records) errors += r.error.empty() ? 0U : 1U;
  fmt::print("wall time {:.1f} s (cpu {:.1f} s on {} threads); wrote {} and {}\n", result.wall_time_s,
             result.cpu_time_s, config.threads, (out / "study.json").string(), (out / "study.csv").string());
  if (result.merged_jobs > 0)
    fmt::print("{} cells merged from {} shard checkpoint(s) into {}\n", result.merged_jobs, options.merge.size(),
               options.checkpoint.string());
  if (result.resumed_jobs > 0 && options.merge.empty())
    fmt::print("{} cells resumed from {}, {} run now (the wall time is this run's)\n", result.resumed_jobs,
               options.checkpoint.string(), result.computed_jobs);
  if (errors) fmt::print("{} cells failed (their errors are in study.json)\n", errors);
}

// --out DIR writes DIR/task.json; the older --json FILE still names the file itself.
std::string task_json_path(const std::string& out_dir, const std::string& json_file) {
  if (!json_file.empty()) return json_file;
  return out_dir.empty() ? std::string() : (std::filesystem::path(out_dir) / "task.json").string();
}

const RegisterCommand reg_mc{[](CLI::App& app) {
  struct Args {
    std::string spec, arith = "float64", out, json;
    bool curve = false;
    CommonArgs common;
  };
  auto a = std::make_shared<Args>();
  CLI::App* sub = app.add_subcommand("mc", "Memory capacity (and NARMA-10) of a spec over seeds");
  sub->add_flag("--curve", a->curve, "Also MC on 1/8, 1/4, 1/2 of the measured samples (convergence in the length)");
  add_spec(sub, a->spec);
  sub->add_option("--arith", a->arith, "Arithmetic: float (float64), float32, fixed")
      ->check(CLI::IsMember({"float", "float64", "float32", "fixed"}));
  sub->add_option("--out", a->out, "Write the per-seed records to DIR/task.json");
  add_alias(sub, "--json", "--out DIR (DIR/task.json)", a->json);
  add_common(sub, a->common);
  sub->callback([a] {
    require_spec(a->spec);
    run_task_command(a->spec, "memory", a->arith, a->common, task_json_path(a->out, a->json), a->curve);
  });
}};

const RegisterCommand reg_task{[](CLI::App& app) {
  struct Args {
    std::string spec, task, arith = "float64", out, json;
    CommonArgs common;
  };
  auto a = std::make_shared<Args>();
  CLI::App* sub = app.add_subcommand("task", "One study task on a spec over seeds");
  add_spec(sub, a->spec);
  sub->add_option("--task", a->task, "memory (MC and NARMA-10) | mackey-glass | lorenz | narma10 | fsdd")
      ->required()
      ->check(CLI::IsMember({"memory", "mc", "mackey-glass", "lorenz", "narma10", "fsdd"}))
      ->each([](const std::string& name) {
        if (name == "mc") note_alias("--task mc", "--task memory");
      });
  sub->add_option("--arith", a->arith, "Arithmetic: float (float64), float32, fixed")
      ->check(CLI::IsMember({"float", "float64", "float32", "fixed"}));
  sub->add_option("--out", a->out, "Write the per-seed records to DIR/task.json");
  add_alias(sub, "--json", "--out DIR (DIR/task.json)", a->json);
  add_common(sub, a->common);
  sub->callback([a] {
    require_spec(a->spec);
    run_task_command(a->spec, a->task == "mc" ? "memory" : a->task, a->arith, a->common,
                     task_json_path(a->out, a->json));
  });
}};

const RegisterCommand reg_study{[](CLI::App& app) {
  struct Args {
    std::string out = "out/study";
    bool resume = false;
    std::string shard;
    std::vector<std::string> merge;
    CommonArgs common;
  };
  auto a = std::make_shared<Args>();
  CLI::App* sub = app.add_subcommand(
      "study", "The paper's study: MRSNN, het. neurons, het. STDP, HRSNN (float and fixed), ESN, linear; claims");
  sub->add_option("--out", a->out, "Output directory for study.json, study.csv and study.checkpoint.jsonl");
  sub->add_flag("--resume", a->resume, "Continue the checkpoint DIR/study.checkpoint.jsonl, skipping finished cells");
  sub->add_option(
      "--shard", a->shard,
      "K/N: run only shard K of N (1 <= K <= N) of the cells into DIR's checkpoint (job arrays without MPI)");
  sub->add_option(
         "--merge", a->merge,
         "SHARD_DIR...: copy the shards' checkpoints into DIR's, then write the study (every cell must be there)")
      ->excludes("--shard")
      ->check(CLI::ExistingPath);
  add_common(sub, a->common);
  sub->callback([a] { run_study_command(a->common, a->out, a->resume, a->shard, a->merge); });
}};

}  // namespace
}  // namespace hrsnn::cli

// hrsnn quantize --spec SPEC --sweep SWEEP.toml: a quantization / hardware-heterogeneity sweep
// over the fixed-point core's register format (study/quant_sweep.hpp, docs/quantization.md).
#include "core/foundation/distribute.hpp"
#include "core/spec.hpp"
#include "study/quant_sweep.hpp"
#include "study/quant_tasks.hpp"
#include "tools/command.hpp"

#include <fmt/core.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <memory>
#include <stdexcept>

namespace hrsnn::cli {
namespace {

struct QuantizeArgs {
  std::string spec;
  std::string sweep;
  std::string out;
  bool resume = false;
  std::string shard;
  std::vector<std::string> merge;
  unsigned jobs = 0;
  bool no_tasks = false;
};

std::string cell(const nlohmann::json& metrics, const std::string& name, const char* format) {
  if (!metrics.contains(name) || metrics[name]["mean"].is_null()) return "-";
  return fmt::format(fmt::runtime(format), metrics[name]["mean"].get<double>());
}

void print_summary(const nlohmann::json& s) {
  fmt::print("{:<44} {:>7} {:>8} {:>8} {:>7} {:>8} {:>8} {:>9}\n", "point", "Gamma", "rate err", "v LSB", "S", "MC",
             "MC/float", "bits/neur");
  auto row = [&](const std::string& name, const nlohmann::json& m) {
    fmt::print("{:<44} {:>7} {:>8} {:>8} {:>7} {:>8} {:>8} {:>9}\n", name, cell(m, "fidelity.coincidence", "{:.3f}"),
               cell(m, "fidelity.rate_error_max", "{:.3f}"), cell(m, "fidelity.v_rmse_lsb", "{:.3g}"),
               cell(m, "activity.S", "{:.4f}"), cell(m, "tasks.memory.mc", "{:.2f}"),
               cell(m, "relative.memory.mc", "{:.3f}"), cell(m, "footprint.total_bits_per_neuron", "{:.0f}"));
  };
  row("float64 reference", s["reference"]["metrics"]);
  if (!s["baseline"].is_null()) {
    row("baseline float64", s["baseline"]["float"]["metrics"]);
    row("baseline fixed (base format)", s["baseline"]["fixed"]["metrics"]);
  }
  for (const auto& p : s["points"]) row(p["id"].get<std::string>(), p["metrics"]);
  const auto& f = s["findings"];
  if (!f["smallest"].is_null())
    fmt::print("smallest format within {:.0f}% of float on MC/FSDD: {} ({:.0f} bits per neuron)\n",
               100 * f["tolerance"].get<double>(), f["smallest"]["point"].get<std::string>(),
               f["smallest"]["total_bits_per_neuron"].get<double>());
}

void run_quantize(const QuantizeArgs& a) {
  const NetworkSpec spec = load_spec(a.spec);
  study::QuantSweepConfig config = study::load_quant_sweep(a.sweep);
  study::make_points(config, spec.hardware);
  study::QuantRunOptions opt;
  opt.out_dir = a.out.empty() ? std::filesystem::path("out") / "quant" : std::filesystem::path(a.out);
  opt.resume = a.resume;
  opt.threads = a.jobs;
  if (!a.shard.empty()) opt.shard = parse_shard(a.shard);
  for (const std::string& m : a.merge)  // each shard's --out directory, or its quant.jsonl
    opt.merge.push_back(std::filesystem::is_directory(m) ? std::filesystem::path(m) / "quant.jsonl"
                                                         : std::filesystem::path(m));
  if (!config.baseline_spec.empty()) opt.baseline = load_spec(config.baseline_spec);
  if (!a.no_tasks) opt.tasks = study::make_study_task_evaluator(config.tasks);
  opt.progress = [](const std::string& line) { fmt::print(stderr, "{}\n", line); };
  if (is_root_rank())
    fmt::print(stderr, "{} points x {} seeds{}, writing {}{}\n", config.points.size(), config.seeds.size(),
               opt.baseline ? " + baseline" : "", opt.out_dir.string(),
               world_size() > 1 ? fmt::format(" ({} MPI ranks)", world_size()) : "");
  const auto t0 = std::chrono::steady_clock::now();
  const study::QuantResult r = study::run_quant_sweep(spec, config, opt);
  if (r.worker) return;  // rank > 0 of an MPI launch: rank 0 writes and prints
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (r.partial) {
    fmt::print("shard {}: {} of the sweep's {} jobs are in {}/quant.jsonl ({} run now, {} resumed; {:.1f} s)\n",
               opt.shard.text(), r.shard_jobs, r.jobs, opt.out_dir.string(), r.computed, r.resumed, wall);
    fmt::print("when every shard is done: hrsnn quantize <the same options> --out DIR --merge SHARD_DIR...\n");
    return;
  }
  if (r.merged > 0)
    fmt::print("{} jobs merged from {} shard checkpoint(s) into {}/quant.jsonl\n", r.merged, opt.merge.size(),
               opt.out_dir.string());
  print_summary(r.summary);
  fmt::print("{} jobs ({} resumed, {} run) in {:.1f} s; wrote {}/quant.json, quant.csv, quant.jsonl\n",
             r.records.size(), r.resumed, r.computed, wall, opt.out_dir.string());
}

const RegisterCommand reg{[](CLI::App& app) {
  auto args = std::make_shared<QuantizeArgs>();
  CLI::App* sub = app.add_subcommand(
      "quantize", "Quantization sweep: fidelity, MC, tasks, energy and memory of register formats and K profiles");
  add_spec(sub, args->spec);
  sub->add_option("--config", args->sweep, "Sweep file (TOML, see docs/quantization.md)")->check(CLI::ExistingFile);
  add_alias(sub, "--sweep", "--config", args->sweep)->check(CLI::ExistingFile);
  sub->add_option("--out", args->out, "Output directory (default out/quant)");
  sub->add_flag("--resume", args->resume, "Continue the checkpoint DIR/quant.jsonl, skipping finished points");
  sub->add_option("--threads", args->jobs, "Points evaluated in parallel (default: the sweep's run.threads)")
      ->check(CLI::Range(1, 256));
  add_alias(sub, "--jobs", "--threads", args->jobs)->check(CLI::Range(1, 256));
  sub->add_option(
      "--shard", args->shard,
      "K/N: run only shard K of N (1 <= K <= N) of the points into DIR/quant.jsonl (job arrays without MPI)");
  sub->add_option(
         "--merge", args->merge,
         "SHARD_DIR...: copy the shards' quant.jsonl into DIR's, then write the sweep (every point must be there)")
      ->excludes("--shard")
      ->check(CLI::ExistingPath);
  sub->add_flag("--no-tasks", args->no_tasks,
                "Fidelity, activity, energy and footprint only (no MC, prediction, FSDD)");
  sub->callback([args] {
    require_spec(args->spec);
    if (std::filesystem::path(args->spec).extension() == ".nir")
      throw std::invalid_argument(
          fmt::format("{}: quantize is not supported for NIR models yet (the sweep re-samples a TOML spec per seed); "
                      "run the model on the fixed core with `hrsnn run {} --dt-ms D --arith fixed` and compare with "
                      "--arith float64 (docs/nir.md)",
                      args->spec, args->spec));
    if (args->sweep.empty()) throw CLI::RequiredError("--config (the sweep file, a TOML file)");
    run_quantize(*args);
  });
}};

}  // namespace
}  // namespace hrsnn::cli

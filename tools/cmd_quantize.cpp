// hrsnn quantize --spec SPEC --sweep SWEEP.toml: a quantization / hardware-heterogeneity sweep
// over the fixed-point core's register format (study/quant_sweep.hpp, docs/quantization.md).
// A NIR model (MODEL.nir --dt-ms D, docs/nir.md) is swept as `hrsnn run MODEL.nir` runs it: the
// imported network on its input, from the register format `--arith fixed` uses for it.
#include "core/foundation/distribute.hpp"
#include "core/spec.hpp"
#include "nir/nir.hpp"
#include "study/quant_sweep.hpp"
#include "study/quant_tasks.hpp"
#include "tools/command.hpp"
#include "tools/nir_args.hpp"

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
  // NIR model: the import options of `hrsnn run MODEL.nir`.
  NirImportArgs nir;
};

// The sweep's spec and model for a NIR file: the imported network and its input over the sweep's
// fidelity_steps, the base format HardwareSpec{} (as `hrsnn run MODEL.nir --arith fixed`).
// Refuses what needs a spec: the task scores and a baseline spec.
NetworkSpec nir_model(const QuantizeArgs& a, const study::QuantSweepConfig& config, study::QuantRunOptions& opt) {
  const nir::ImportOptions io = nir_import_options(a.nir, a.spec, nir::ImportOptions{}.seed);
  const study::QuantTaskConfig& t = config.tasks;
  if (!a.no_tasks && (t.memory || t.prediction != "none" || t.fsdd))
    throw std::invalid_argument(fmt::format(
        "{}: the task scores (MC, prediction, FSDD) drive a spec's reservoir through its [input]; a NIR model has "
        "its own Input nodes instead: pass --no-tasks (or set tasks.memory = false, tasks.prediction = \"none\" in "
        "{}); fidelity, activity, energy and footprint are scored on the model's own input",
        a.spec, config.source));
  if (!config.baseline_spec.empty())
    throw std::invalid_argument(
        fmt::format("{}: run.baseline_spec ({}) is the homogeneous twin of a spec; a NIR model has none: remove it "
                    "from the sweep file",
                    config.source, config.baseline_spec));
  nir::NirRun run = nir::prepare_nir_run(a.spec, io, a.nir.input_npy, config.fidelity_steps);
  study::QuantModel model;
  model.net = std::move(run.imp.net);
  model.signal = std::move(run.signal);
  model.files.emplace_back(a.spec);
  if (!a.nir.input_npy.empty()) model.files.emplace_back(a.nir.input_npy);
  model.options = {{"format", "nir"},
                   {"dt_ms", io.dt_ms},
                   {"time_unit", a.nir.time_unit},
                   {"convention", a.nir.convention},
                   {"input", a.nir.input_npy}};
  opt.model = std::move(model);
  NetworkSpec spec;
  spec.source = a.spec;
  spec.hardware = HardwareSpec{};
  return spec;
}

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
  study::QuantSweepConfig config = study::load_quant_sweep(a.sweep);
  study::QuantRunOptions opt;
  if (!is_nir(a.spec)) refuse_nir_import_options(a.nir);
  const NetworkSpec spec = is_nir(a.spec) ? nir_model(a, config, opt) : load_spec(a.spec);
  study::make_points(config, spec.hardware);
  opt.out_dir = a.out.empty() ? std::filesystem::path("out") / "quant" : std::filesystem::path(a.out);
  opt.resume = a.resume;
  opt.threads = a.jobs;
  if (!a.shard.empty()) opt.shard = parse_shard(a.shard);
  for (const std::string& m : a.merge)  // each shard's --out directory, or its quant.jsonl
    opt.merge.push_back(std::filesystem::is_directory(m) ? std::filesystem::path(m) / "quant.jsonl"
                                                         : std::filesystem::path(m));
  if (!config.baseline_spec.empty()) opt.baseline = load_spec(config.baseline_spec);
  if (!a.no_tasks && !opt.model) opt.tasks = study::make_study_task_evaluator(config.tasks);
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
  add_spec(sub, args->spec, "Network spec (TOML) or NIR model (.nir with --dt-ms, docs/nir.md)");
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
  add_nir_import_options(sub, args->nir,
                         "NIR model: input array (.npy, steps x input columns; default zeros; rows past the sweep's "
                         "fidelity_steps are not used)");
  sub->callback([args] {
    require_spec(args->spec);
    if (args->sweep.empty()) throw CLI::RequiredError("--config (the sweep file, a TOML file)");
    run_quantize(*args);
  });
}};

}  // namespace
}  // namespace hrsnn::cli

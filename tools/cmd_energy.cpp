// `hrsnn energy RUN_DIR|SPEC`: joules of a run under published per-event energy models
// (docs/energy.md; the models are data, data/energy/models.toml; docs/energy.md). A run
// directory is read from its summary.json; a spec (.toml) is run first, on the backend of
// --arith, and its counters are costed directly, so both paths price the same numbers. A NIR
// model (.nir, docs/nir.md) is imported at --dt-ms and run the same way.
#include "core/foundation/durable.hpp"
#include "core/run.hpp"
#include "hw_model/energy/estimate.hpp"
#include "hw_model/energy/models.hpp"
#include "hw_model/energy/report.hpp"
#include "hw_model/energy/run_summary.hpp"
#include "nir/nir.hpp"
#include "tools/cli_util.hpp"
#include "tools/command.hpp"
#include "tools/nir_args.hpp"

#include <fmt/core.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace hrsnn::cli {
namespace {

struct EnergyOptions {
  std::string target;               // a run directory (or its summary.json), or a spec (.toml)
  std::vector<std::string> models;  // empty: every model of the file
  std::string models_file;          // empty: the shipped data/energy/models.toml
  std::string json_out;             // empty: no JSON
  // SPEC only.
  std::optional<std::string> arith;  // default float64
  std::optional<uint64_t> steps, seed;
  bool quiet = false;
  NirImportArgs nir;  // NIR model only
};

// Imports the NIR model and runs it as `hrsnn run MODEL.nir` would.
energy::RunFacts run_nir_facts(const EnergyOptions& o) {
  const nir::ImportOptions io = nir_import_options(o.nir, o.target, o.seed.value_or(1));
  const nir::NirRun run = nir::prepare_nir_run(o.target, io, o.nir.input_npy, o.steps);
  const nir::Imported& imp = run.imp;
  RunOptions opt;
  opt.arith = parse_arith(o.arith.value_or("float64"));
  opt.sim.record_spikes = false;
  if (!o.quiet) opt.progress = [](uint64_t d, uint64_t t) { print_progress("run", d, t); };
  opt.progress_every = 500;
  opt.hardware = HardwareSpec{};
  const RunResult r = run_network(imp.net, run.signal, run.steps, opt);
  fmt::print(
      "ran {} (NIR, dt = {} ms, {}, {} steps): {} neurons, {} synapses, {} spikes, {} synaptic events, wall "
      "{:.3f} s\n\n",
      o.target, io.dt_ms, to_string(r.arith), r.steps, imp.net.size(), imp.net.synapse_count(), r.counts.total.spikes,
      r.counts.total.synaptic_events, r.wall_time_s);
  energy::RunFacts f;
  f.counts = r.counts.total;
  f.workload = energy::Workload{imp.net.size(), imp.net.synapse_count(), r.steps, imp.net.dt_ms, r.input_samples};
  return f;
}

bool is_spec(const std::filesystem::path& p) { return !std::filesystem::is_directory(p) && p.extension() == ".toml"; }

// Runs the spec as `hrsnn run` would (same overrides, network, input signal and backend) and
// returns its counts with the workload run_summary() would write.
energy::RunFacts run_spec_facts(const EnergyOptions& o) {
  RunOptions opt;
  opt.arith = parse_arith(o.arith.value_or("float64"));
  opt.steps = o.steps;
  opt.seed = o.seed;
  opt.sim.record_spikes = false;
  if (!o.quiet) opt.progress = [](uint64_t d, uint64_t t) { print_progress("run", d, t); };
  opt.progress_every = 500;
  const NetworkSpec spec = with_overrides(load_spec(o.target), opt);
  opt.hardware = spec.hardware;
  const Network net = build_network(spec);
  const RunResult r = run_network(net, make_spec_signal(spec, spec.simulation.steps), spec.simulation.steps, opt);
  fmt::print("ran {} ({}, {} steps, seed {}): {} spikes, {} synaptic events, {} plastic updates, wall {:.3f} s\n\n",
             spec.source, to_string(r.arith), r.steps, net.seed, r.counts.total.spikes, r.counts.total.synaptic_events,
             r.counts.total.plastic_updates, r.wall_time_s);
  return energy::run_facts(net, r);
}

void run_energy(const EnergyOptions& o) {
  const energy::ModelLibrary lib =
      energy::load_models(o.models_file.empty() ? energy::default_models_file() : std::filesystem::path(o.models_file));
  energy::RunFacts facts;
  if (!is_nir(o.target)) refuse_nir_import_options(o.nir);
  if (is_nir(o.target)) {
    facts = run_nir_facts(o);
  } else if (is_spec(o.target)) {
    facts = run_spec_facts(o);
  } else {
    if (o.arith || o.steps || o.seed)
      throw std::invalid_argument(fmt::format(
          "{}: --arith, --steps and --seed apply to a spec (.toml); a run directory has already been run", o.target));
    facts = energy::load_run_summary(o.target);
  }
  const energy::EnergyReport report = energy::estimate_energy(lib, o.models, facts.counts, facts.workload);
  fmt::print("{}", energy::format_report(report));
  if (!o.json_out.empty()) write_text_durable(o.json_out, report.to_json().dump(2) + "\n");
}

const RegisterCommand kRegisterEnergy{[](CLI::App& app) {
  auto opts = std::make_shared<EnergyOptions>();
  CLI::App* sub = app.add_subcommand(
      "energy", "Energy of a run (joules per inference and per simulated second) under published chip models");
  sub->add_option(
         "RUN_DIR|SPEC", opts->target,
         "a run directory holding summary.json (written by `hrsnn run`), a network spec (.toml) or a NIR model "
         "(.nir) to run")
      ->required();
  sub->add_option("--model", opts->models,
                  "energy model to report (repeatable or comma-separated; default: every model of the file)")
      ->allow_extra_args(false)
      ->delimiter(',');
  sub->add_option("--models-file", opts->models_file,
                  "energy models TOML (default: " + energy::default_models_file().string() + ")");
  auto out_dir = std::make_shared<std::string>();
  sub->add_option("--out", *out_dir, "also write the report as JSON to DIR/energy.json");
  add_alias(sub, "--json", "--out DIR (DIR/energy.json)", opts->json_out);
  sub->add_option("--arith", opts->arith, "SPEC only: arithmetic of the run: float64 (float), float32, fixed")
      ->check(CLI::IsMember({"float", "float64", "float32", "fixed"}));
  sub->add_option("--steps", opts->steps, "SPEC only: number of steps (overrides simulation.steps)")
      ->check(CLI::PositiveNumber);
  sub->add_option("--seed", opts->seed, "SPEC only: seed (overrides simulation.seed)");
  sub->add_flag("--quiet", opts->quiet, "SPEC only: no progress on stderr");
  add_nir_import_options(sub, opts->nir, "NIR model: input array (.npy, steps x input columns; default zeros)");
  sub->callback([opts, out_dir] {
    if (!out_dir->empty()) opts->json_out = (std::filesystem::path(*out_dir) / "energy.json").string();
    run_energy(*opts);
  });
}};

}  // namespace
}  // namespace hrsnn::cli

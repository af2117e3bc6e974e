// hrsnn optimize: Bayesian optimization (or random search) of a network spec's heterogeneity over
// a SPACE.toml, minimizing E = S / MC or a task error plus lambda x S on the spiking network
// (optimize/network_objective.hpp), checkpointed after every evaluation and resumable. Writes the
// history (CSV, JSON), the convergence curve, the best spec as a ready-to-run TOML and a summary.
#include "core/foundation/config.hpp"
#include "core/foundation/distribute.hpp"
#include "core/io.hpp"
#include "core/spec.hpp"
#include "optimize/bo.hpp"
#include "optimize/network_objective.hpp"
#include "optimize/space.hpp"
#include "study/study.hpp"
#include "tools/command.hpp"

#include <fmt/core.h>
#include <toml++/toml.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace hrsnn::cli {
namespace {

namespace fs = std::filesystem;

struct OptimizeArgs {
  std::string spec, space, out = "out/optimize";
  uint64_t budget = 60;
  uint32_t batch = 1;
  uint32_t threads = 0;
  std::string arith = "float64";
  uint64_t seed = 1;
  bool random = false;
  bool resume = false;
  std::string objective = "E";
  std::string task = "narma10";
  double lambda = 1.0;
  std::optional<double> mc_min;
  uint32_t seeds = 2;
  uint64_t first_seed = 1;
  bool fresh_seeds = false;
  std::string study_config;
  std::optional<uint64_t> samples;
  std::optional<std::size_t> max_delay;
  std::optional<uint64_t> washout;
  std::optional<double> size_scale;
  std::string data;
  std::optional<uint64_t> initial;
  bool no_spec_point = false;
  uint32_t validate_seeds = 0;
  bool quiet = false;
  uint64_t abort_after = 0;
};

// The evaluation's study settings: reduced from the study's defaults (500 samples of 10 steps, 30
// MC delays); the protocol's learning phase, frozen measurement and readout sizing (10 fitting
// rows per feature, which lengthens the 500 samples) still apply. A study TOML replaces them, and
// the options override either.
study::StudyConfig evaluation_config(const OptimizeArgs& a) {
  study::StudyConfig c = study::default_study_config();
  if (!a.study_config.empty()) {
    c = study::load_study_config(a.study_config, c);
  } else {
    c.reservoir.washout_samples = 50;
    c.memory.samples = 500;
    c.memory.max_delay = 30;
    c.prediction.samples = 500;
  }
  if (a.samples) c.memory.samples = c.prediction.samples = *a.samples;
  if (a.max_delay) c.memory.max_delay = *a.max_delay;
  if (a.washout) c.reservoir.washout_samples = *a.washout;
  if (a.size_scale) c.size_scale = *a.size_scale;
  if (!a.data.empty()) c.fsdd.data_dir = a.data;
  if (a.study_config.empty() && !a.size_scale) c.size_scale = 1.0;
  c.threads = 1;
  return c;
}

study::TaskKind parse_task(const std::string& name) {
  return name == "narma10" || name == "mc" ? study::TaskKind::memory : study::parse_task_kind(name);
}

// Everything that decides what an evaluation returns; a resumed run must match it (the engine
// checks its own options against the checkpoint's header, this checks the objective's).
nlohmann::ordered_json objective_settings(const OptimizeArgs& a, const opt::NetworkObjectiveConfig& c) {
  nlohmann::ordered_json j;
  j["spec"] = fs::absolute(a.spec).lexically_normal().string();
  j["space"] = fs::absolute(a.space).lexically_normal().string();
  j["objective"] = opt::to_string(c.kind);
  if (c.kind == opt::ObjectiveKind::task) {
    j["task"] = a.task;
    j["lambda"] = c.activity_weight;
  }
  j["arith"] = to_string(c.arith);
  j["seeds"] = c.seeds;
  j["first_seed"] = c.first_seed;
  j["fresh_seeds"] = c.fresh_seeds;
  j["mc_min"] = a.mc_min ? nlohmann::ordered_json(*a.mc_min) : nlohmann::ordered_json(nullptr);
  j["study"] = study::to_json(c.study);
  return j;
}

std::string number(double v) { return std::isfinite(v) ? fmt::format("{:.6g}", v) : std::string("-"); }

double metric(const nlohmann::json& m, const char* key) {
  return m.is_object() && m.contains(key) && m[key].is_number() ? m[key].get<double>()
                                                                : std::numeric_limits<double>::quiet_NaN();
}

std::string convergence_csv(const opt::Result& r) {
  std::string out = "evaluation,value,ok,feasible,best_so_far\n";
  for (std::size_t i = 0; i < r.history.size(); ++i) {
    const opt::Record& rec = r.history[i];
    out += fmt::format("{},{},{},{},{}\n", rec.index, std::isfinite(rec.value) ? fmt::format("{:.17g}", rec.value) : "",
                       rec.ok ? 1 : 0, rec.feasible ? 1 : 0,
                       std::isfinite(r.best_so_far[i]) ? fmt::format("{:.17g}", r.best_so_far[i]) : "");
  }
  return out;
}

// The best spec as TOML that `hrsnn run` loads: the base spec with the best values written in,
// headed by a comment saying where it came from.
std::string best_spec_text(const opt::SearchSpace& space, const toml::table& spec, const opt::Record& best,
                           const OptimizeArgs& a) {
  const std::vector<double> values = space.from_unit(best.x);
  std::string head = fmt::format(
      "# hrsnn optimize: the best of {} evaluations ({}, objective {} = {:.6g}, evaluation {}), written into\n"
      "# {}. Searched values (space {}):\n",
      a.budget, a.random ? "random search" : "Bayesian optimization", a.objective, best.value, best.index, a.spec,
      a.space);
  for (std::size_t k = 0; k < values.size(); ++k)
    head += fmt::format("#   {} = {:.6g}   ({})\n", space.dimensions()[k].name, values[k], space.dimensions()[k].path);
  return head + "\n" + space.apply_to_text(values, spec, a.spec);
}

// The search space and the base spec, both checked: the spec must load (errors name file, line
// and key) and every dimension must name a numeric field of it.
struct Inputs {
  opt::SearchSpace space;
  toml::table spec;
};

Inputs load_inputs(const OptimizeArgs& a) {
  Inputs in{opt::SearchSpace::from_file(a.space), parse_config_file(a.spec)};
  load_spec(a.spec);
  in.space.check(in.spec, a.spec);
  return in;
}

// What an evaluation measures, and the constraint (memory capacity) it is held to.
struct ObjectiveSetup {
  opt::NetworkObjectiveConfig config;
  std::vector<std::string> constraint_metrics;
  std::vector<opt::Constraint> constraints;
};

ObjectiveSetup objective_setup(const OptimizeArgs& a) {
  ObjectiveSetup s;
  opt::NetworkObjectiveConfig& oc = s.config;
  oc.kind = opt::parse_objective_kind(a.objective);
  oc.task = oc.kind == opt::ObjectiveKind::task ? parse_task(a.task) : study::TaskKind::memory;
  oc.arith = parse_arith(a.arith);
  oc.seeds = a.seeds;
  oc.first_seed = a.first_seed;
  oc.fresh_seeds = a.fresh_seeds;
  oc.activity_weight = a.lambda;
  oc.study = evaluation_config(a);
  if (a.mc_min) {
    if (oc.kind == opt::ObjectiveKind::task && oc.task != study::TaskKind::memory)
      throw std::invalid_argument("--mc-min needs the memory run: objective E, or task narma10");
    // The chance-corrected MC when the measurement has one (study.md "The protocol"), as E uses.
    const std::string metric = oc.study.memory.null_delays > 0 ? "mc_corrected" : "mc";
    s.constraint_metrics.push_back(metric);
    s.constraints.push_back({metric, *a.mc_min});
  }
  return s;
}

// The FSDD recordings, loaded once when the task needs them (null otherwise).
std::unique_ptr<study::FsddData> load_task_data(const OptimizeArgs& a, const opt::NetworkObjectiveConfig& oc) {
  if (oc.kind != opt::ObjectiveKind::task || oc.task != study::TaskKind::fsdd) return nullptr;
  if (!a.quiet && is_root_rank()) fmt::print(stderr, "optimize: loading FSDD from {}\n", oc.study.fsdd.data_dir);
  return std::make_unique<study::FsddData>(study::load_fsdd_data(oc.study.fsdd));
}

// Creates the output directory and returns its checkpoint's path. A checkpoint already there is
// continued only with --resume and only for the same objective settings (objective.json, written
// here, records them; the engine checks its own options against the checkpoint's header).
fs::path prepare_output(const OptimizeArgs& a, const fs::path& out, const nlohmann::ordered_json& settings) {
  fs::create_directories(out);
  const fs::path checkpoint = out / "checkpoint.jsonl";
  if (fs::exists(checkpoint)) {
    if (!a.resume)
      throw std::invalid_argument(
          fmt::format("{} exists: pass --resume to continue that run, or choose another --out", checkpoint.string()));
    if (fs::exists(out / "objective.json")) {
      const nlohmann::ordered_json before = nlohmann::ordered_json::parse(read_text_file(out / "objective.json"));
      for (const auto& [key, value] : settings.items())
        if (!before.contains(key) || before[key] != value)
          throw std::invalid_argument(
              fmt::format("--resume: the objective setting '{}' differs from the checkpointed run's ({} there, {} now)",
                          key, before.contains(key) ? before[key].dump() : "absent", value.dump()));
    }
  }
  write_text_atomic(out / "objective.json", settings.dump(2) + "\n");
  return checkpoint;
}

// One line on stderr per finished evaluation (unless --quiet), with the best feasible value so far.
opt::ProgressCallback progress_printer(const OptimizeArgs& a) {
  struct State {
    std::mutex mutex;
    double best_seen = std::numeric_limits<double>::infinity();
  };
  auto state = std::make_shared<State>();
  return [&a, state](const opt::Record& r, std::size_t done, uint64_t budget) {
    std::lock_guard<std::mutex> lock(state->mutex);
    if (r.feasible && r.value < state->best_seen) state->best_seen = r.value;
    if (!a.quiet) {
      if (r.ok)
        fmt::print(stderr, "optimize: {:>4}/{} #{:<4} {} {:<10} S {:<10} {} {:<8}{} best {}  ({:.1f} s)\n", done,
                   budget, r.index, a.objective, number(r.value), number(metric(r.metrics, "S")),
                   a.objective == "task" ? "error" : "MC",
                   number(a.objective == "task"                              ? metric(r.metrics, "task_error")
                          : std::isfinite(metric(r.metrics, "mc_corrected")) ? metric(r.metrics, "mc_corrected")
                                                                             : metric(r.metrics, "mc")),
                   r.feasible ? "" : " infeasible", number(state->best_seen), r.eval_seconds);
      else
        fmt::print(stderr, "optimize: {:>4}/{} #{:<4} failed: {}  ({:.1f} s)\n", done, budget, r.index, r.error,
                   r.eval_seconds);
    }
    // Test hook: stop as a kill would, right after the n-th finished evaluation was checkpointed.
    if (a.abort_after > 0 && done >= a.abort_after) std::_Exit(3);
  };
}

opt::Options optimizer_options(const OptimizeArgs& a, const Inputs& in, const ObjectiveSetup& setup,
                               const fs::path& checkpoint) {
  opt::Options o;
  o.constraints = setup.constraints;
  o.budget = a.budget;
  o.batch_size = a.batch;
  o.threads = a.threads;
  o.seed = a.seed;
  o.strategy = a.random ? opt::Strategy::random_search : opt::Strategy::bayesian;
  // E and task errors are positive and span decades: modelled in log. -MC is negative and is not
  // (in log, every value of it would be modelled as a failure).
  o.log_values = opt::parse_objective_kind(a.objective) != opt::ObjectiveKind::capacity;
  if (a.initial) o.initial_design_size = *a.initial;
  if (!a.no_spec_point) o.initial_points = {in.space.to_unit(in.space.read(in.spec, a.spec))};
  o.checkpoint = checkpoint;
  o.resume = true;
  o.on_evaluation = progress_printer(a);
  return o;
}

struct Tally {
  std::size_t failed = 0, infeasible = 0;
  double surrogate_fraction = 0.0;  // of surrogate + evaluation time
};

Tally tally(const opt::Result& result) {
  Tally t;
  for (const opt::Record& r : result.history) {
    if (!r.ok)
      ++t.failed;
    else if (!r.feasible)
      ++t.infeasible;
  }
  t.surrogate_fraction =
      result.surrogate_seconds / std::max(1e-12, result.surrogate_seconds + result.evaluation_seconds);
  return t;
}

// Re-measures the best and the base spec on network seeds the search never saw: the search's best
// value is the minimum of noisy estimates, biased low.
nlohmann::ordered_json validate_best(const OptimizeArgs& a, const Inputs& in, const ObjectiveSetup& setup,
                                     const opt::NetworkMeasure& measure, const opt::Record& best) {
  opt::NetworkObjectiveConfig vc = setup.config;
  vc.seeds = a.validate_seeds;
  vc.first_seed = a.first_seed + 1000;
  vc.fresh_seeds = false;
  const opt::Objective validate =
      opt::spec_objective(in.space, in.spec, opt::network_evaluator(vc, measure, setup.constraint_metrics, a.spec));
  if (!a.quiet) fmt::print(stderr, "optimize: validating the best and the base spec on {} new seeds\n", vc.seeds);
  const opt::Evaluation vb = validate(best.x, 0);
  const opt::Evaluation v0 = validate(in.space.to_unit(in.space.read(in.spec, a.spec)), 0);
  const auto as_json = [](const opt::Evaluation& e) {
    nlohmann::ordered_json j;
    j["value"] = std::isfinite(e.value) ? nlohmann::ordered_json(e.value) : nlohmann::ordered_json(nullptr);
    j["ok"] = e.ok;
    j["error"] = e.error;
    j["metrics"] = e.metrics;
    return j;
  };
  return {{"first_seed", vc.first_seed}, {"seeds", vc.seeds}, {"best", as_json(vb)}, {"base_spec", as_json(v0)}};
}

// history.csv, history.json, convergence.csv, best.toml and summary.json; returns the summary.
nlohmann::ordered_json write_outputs(const OptimizeArgs& a, const Inputs& in, const ObjectiveSetup& setup,
                                     const opt::NetworkMeasure& measure, const nlohmann::ordered_json& settings,
                                     const opt::Options& o, const opt::Result& result, const Tally& t,
                                     const fs::path& out) {
  opt::write_history_csv(result, out / "history.csv", &in.space);
  opt::write_history_json(result, out / "history.json", &in.space);
  write_text_atomic(out / "convergence.csv", convergence_csv(result));

  nlohmann::ordered_json summary;
  summary["format"] = "hrsnn-optimize/1";
  summary["strategy"] = opt::to_string(o.strategy);
  summary["budget"] = a.budget;
  summary["batch"] = a.batch;
  summary["optimizer_seed"] = a.seed;
  summary["objective"] = settings;
  summary["evaluations"] = result.history.size();
  summary["resumed_evaluations"] = result.resumed_evaluations;
  summary["failed"] = t.failed;
  summary["infeasible"] = t.infeasible;
  summary["timings"] = {{"surrogate_seconds", result.surrogate_seconds},
                        {"evaluation_seconds", result.evaluation_seconds},
                        {"wall_seconds_this_call", result.wall_seconds},
                        {"surrogate_fraction", t.surrogate_fraction}};
  summary["convergence"] = nlohmann::ordered_json::array();
  for (double b : result.best_so_far)
    summary["convergence"].push_back(std::isfinite(b) ? nlohmann::ordered_json(b) : nlohmann::ordered_json(nullptr));

  if (result.best) {
    const opt::Record& best = result.history[*result.best];
    const std::vector<double> values = in.space.from_unit(best.x);
    summary["best"] = {{"index", best.index},
                       {"value", best.value},
                       {"values", nlohmann::ordered_json::parse(in.space.to_json(values).dump())},
                       {"metrics", best.metrics}};
    write_text_atomic(out / "best.toml", best_spec_text(in.space, in.spec, best, a));
    if (a.validate_seeds > 0) summary["validation"] = validate_best(a, in, setup, measure, best);
  } else {
    summary["best"] = nullptr;
  }
  write_text_atomic(out / "summary.json", summary.dump(2) + "\n");
  return summary;
}

void print_report(const OptimizeArgs& a, const opt::SearchSpace& space, const opt::NetworkObjectiveConfig& oc,
                  const opt::Options& o, const opt::Result& result, const Tally& t,
                  const nlohmann::ordered_json& summary, const fs::path& out, double wall) {
  fmt::print("{} of {} over {} ({} dimensions), objective {}{}, {} arithmetic, {} network seed(s) per evaluation\n",
             opt::to_string(o.strategy), a.spec, a.space, space.size(), a.objective,
             oc.kind == opt::ObjectiveKind::task ? fmt::format(" ({} error + {} S)", a.task, a.lambda) : "",
             to_string(oc.arith), oc.seeds);
  fmt::print("  evaluations {} ({} resumed), failed {}, infeasible {}{}\n", result.history.size(),
             result.resumed_evaluations, t.failed, t.infeasible,
             world_size() > 1 ? fmt::format(", spread over {} MPI ranks", world_size()) : "");
  if (result.best) {
    const opt::Record& best = result.history[*result.best];
    fmt::print("  best {} = {:.6g} at evaluation {} (S {}, MC {}, chance-corrected {})\n", a.objective, best.value,
               best.index, number(metric(best.metrics, "S")), number(metric(best.metrics, "mc")),
               number(metric(best.metrics, "mc_corrected")));
    const std::vector<double> values = space.from_unit(best.x);
    for (std::size_t k = 0; k < values.size(); ++k)
      fmt::print("    {:<24} {:.6g}\n", space.dimensions()[k].name, values[k]);
    if (summary.contains("validation")) {
      const auto& v = summary["validation"];
      const auto shown = [](const nlohmann::ordered_json& e) {
        return e["value"].is_number()
                   ? fmt::format("{:.6g} (MC {})", e["value"].get<double>(), number(metric(e["metrics"], "mc")))
                   : "failed: " + e["error"].get<std::string>();
      };
      fmt::print("  on {} new network seeds: best {}, base spec {}\n", a.validate_seeds, shown(v["best"]),
                 shown(v["base_spec"]));
    }
  } else {
    fmt::print("  no feasible evaluation\n");
  }
  fmt::print("  surrogate {:.2f} s, evaluations {:.2f} s (surrogate {:.1f}% of the two), wall {:.1f} s\n",
             result.surrogate_seconds, result.evaluation_seconds, 100.0 * t.surrogate_fraction, wall);
  fmt::print("  wrote {}\n", out.string());
}

void run_optimize(const OptimizeArgs& a) {
  const auto t0 = std::chrono::steady_clock::now();
  const Inputs in = load_inputs(a);
  const ObjectiveSetup setup = objective_setup(a);
  const std::unique_ptr<study::FsddData> fsdd = load_task_data(a, setup.config);
  const opt::NetworkMeasure measure = opt::study_measure(setup.config, fsdd.get());
  const opt::Objective objective = opt::spec_objective(
      in.space, in.spec, opt::network_evaluator(setup.config, measure, setup.constraint_metrics, a.spec));

  const fs::path out(a.out);
  const nlohmann::ordered_json settings = objective_settings(a, setup.config);
  // Under mpirun only rank 0 touches the output directory; the other ranks evaluate its points.
  const fs::path checkpoint = is_root_rank() ? prepare_output(a, out, settings) : fs::path{};
  const opt::Options o = optimizer_options(a, in, setup, checkpoint);
  const opt::Result result = opt::minimize(objective, in.space.size(), o);
  if (result.worker) return;

  const Tally t = tally(result);
  const nlohmann::ordered_json summary = write_outputs(a, in, setup, measure, settings, o, result, t, out);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  print_report(a, in.space, setup.config, o, result, t, summary, out, wall);
}

const RegisterCommand reg{[](CLI::App& app) {
  auto a = std::make_shared<OptimizeArgs>();
  CLI::App* sub = app.add_subcommand(
      "optimize", "Bayesian optimization of a spec's heterogeneity (E = S / MC or task error + lambda S)");
  add_spec(sub, a->spec);
  sub->add_option("--space", a->space, "Search space (SPACE.toml, see examples/space_hrsnn.toml)")
      ->required()
      ->check(CLI::ExistingFile);
  sub->add_option("--budget", a->budget, "Evaluations in total, the initial design included")
      ->check(CLI::Range(uint64_t{1}, uint64_t{100000}));
  sub->add_option("--batch", a->batch, "Points per round, evaluated in parallel (kriging believer)")
      ->check(CLI::Range(1, 64));
  sub->add_option("--threads", a->threads, "Parallel evaluations (default: min(batch, cores))")
      ->check(CLI::Range(0, 256));
  sub->add_option("--arith", a->arith, "Arithmetic: float (float64), float32, fixed")
      ->check(CLI::IsMember({"float", "float64", "float32", "fixed"}));
  sub->add_option("--seed", a->seed, "Optimizer seed (design, GP restarts, acquisition)");
  sub->add_flag("--random", a->random, "Random search with the same initial design and budget (the baseline)");
  sub->add_flag("--resume", a->resume, "Continue the checkpoint in --out (the budget may grow)");
  sub->add_option("--out", a->out, "Output directory (default out/optimize)");
  sub->add_option("--objective", a->objective, "E (= S / MC), task (task error + lambda S) or MC (maximized)")
      ->check(CLI::IsMember({"E", "efficiency", "task", "MC", "capacity"}));
  sub->add_option("--task", a->task, "Task of --objective task: narma10 | mackey-glass | lorenz | fsdd")
      ->check(CLI::IsMember({"narma10", "mackey-glass", "lorenz", "fsdd"}));
  sub->add_option("--lambda", a->lambda, "Weight of S in --objective task")->check(CLI::NonNegativeNumber);
  sub->add_option("--mc-min", a->mc_min, "Constraint: memory capacity (chance-corrected when measured) >= this");
  sub->add_option("--seeds", a->seeds, "Network seeds per evaluation, averaged")->check(CLI::Range(1, 100));
  sub->add_option("--first-seed", a->first_seed, "First network seed");
  sub->add_flag("--fresh-seeds", a->fresh_seeds, "New network seeds for every evaluation (default: the same ones)");
  sub->add_option("--config", a->study_config, "Study TOML for the evaluation settings (examples/study.toml)")
      ->check(CLI::ExistingFile);
  add_alias(sub, "--study-config", "--config", a->study_config)->check(CLI::ExistingFile);
  sub->add_option("--samples", a->samples,
                  "Input samples per evaluation (default 500; lengthened to the config's min_fit_rows_per_feature)")
      ->check(CLI::Range(20, 10000000));
  sub->add_option("--max-delay", a->max_delay, "Delays K of the memory capacity (default 30)")
      ->check(CLI::Range(1, 10000));
  sub->add_option("--washout", a->washout, "Samples discarded before S and the readouts (default 50)");
  sub->add_option("--size-scale", a->size_scale, "Scale every population (connection probability / scale)")
      ->check(CLI::PositiveNumber);
  sub->add_option("--data", a->data, "FSDD recordings directory");
  sub->add_option("--initial", a->initial, "Size of the space-filling initial design (default 2 (d + 1))");
  sub->add_flag("--no-spec-point", a->no_spec_point, "Do not evaluate the spec's own point first");
  sub->add_option("--validate-seeds", a->validate_seeds, "Re-measure the best and the base spec on N new seeds");
  sub->add_flag("--quiet", a->quiet, "No progress on stderr");
  sub->add_option("--abort-after", a->abort_after, "Testing: exit abruptly after N evaluations (simulates a kill)")
      ->group("");
  sub->callback([a] {
    require_spec(a->spec);
    run_optimize(*a);
  });
}};

}  // namespace
}  // namespace hrsnn::cli

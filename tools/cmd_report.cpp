// hrsnn report: the project's main job. Simulates the two example networks (MRSNN and HRSNN)
// on the float64 reference and on the fixed-point core, costs every run under every energy
// model, and writes out/report/index.html, one self-contained page (figures embedded as base64
// PNG, drawn by report/figures.py with Debian's matplotlib), plus out/report/summary.json
// and a short text summary on stdout. It runs the study (study/study.hpp) on `hrsnn study`'s
// defaults (report_study_config(); about 7 minutes of the main job's 10 on 2 cores) unless
// --study-json gives a finished one or --no-study skips it. BO convergence and quantization
// sweeps join the page when their result files are given (--bo-dir, --quant-json); until then
// the page says plainly that those sections have no data yet. The RTL trace of the membrane
// figure comes from a file of `hrsnn verify --probe-out` (--rtl-probes).
//
// This file holds the command's arguments and the order of the work; the report itself (runs,
// float vs fixed, sections, figures, summary) is the library in report/.
#include "core/foundation/source_dir.hpp"
#include "core/io.hpp"
#include "hw_model/energy/energy_model.hpp"
#include "report/chip_map.hpp"
#include "report/fidelity.hpp"
#include "report/figures.hpp"
#include "report/html.hpp"
#include "report/inputs.hpp"
#include "report/page.hpp"
#include "report/process.hpp"
#include "report/runs.hpp"
#include "report/study_run.hpp"
#include "report/summary.hpp"
#include "study/study.hpp"
#include "tools/cli_util.hpp"
#include "tools/command.hpp"

#include <fmt/core.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace hrsnn::cli {
namespace {

namespace fs = std::filesystem;
namespace html = report::html;
using report::ojson;

// Embedded defaults: 10 s of simulated time per run (1,000 inferences of 10 steps). Measured on
// 2 shared cores: 9 s of CPU for the four runs and the figures, 23-83 s wall depending on the
// load; the main job's budget is 10 minutes.
constexpr uint64_t kDefaultSteps = 10000;
constexpr uint64_t kQuickSteps = 200;  // --quick: a smoke test of the whole page

struct ReportArgs {
  std::string examples_dir = source_dir() + "/examples";
  std::string out = "out/report";
  std::optional<uint64_t> steps;
  uint64_t seed = 1;
  bool quick = false;
  std::optional<uint32_t> probe_neuron;
  std::string python = "/usr/bin/python3";
  std::string models_file;
  std::string study_json, study_csv, bo_dir, quant_json;
  std::string results_dir = source_dir() + "/results";  // committed protocol runs
  std::string study_config;                             // TOML over the report's study configuration
  bool no_study = false;
  std::vector<std::string> rtl_probes;  // NAME:FILE
  std::string command_line;
};

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

void run_report(const ReportArgs& a) {
  const auto t0 = std::chrono::steady_clock::now();
  const uint64_t steps = a.steps.value_or(a.quick ? kQuickSteps : kDefaultSteps);
  report::ScratchDir scratch;
  report::check_matplotlib(a.python, scratch.path());

  // Read the optional inputs before simulating, so a bad file fails fast.
  std::optional<ojson> study;
  if (!a.study_json.empty()) study = report::read_json_file("--study-json", a.study_json);
  std::optional<html::Csv> study_csv;
  if (!a.study_csv.empty()) study_csv = html::parse_csv(read_text_file(a.study_csv));
  std::optional<study::StudyConfig> study_config;
  if (!study && !study_csv && !a.no_study) {
    study_config = report::report_study_config(a.quick);
    if (!a.study_config.empty()) study_config = study::load_study_config(a.study_config, *study_config);
  }
  size_t bo_ignored = 0;
  std::vector<report::BoHistory> bo;
  if (!a.bo_dir.empty()) bo = report::read_bo(a.bo_dir, bo_ignored);
  report::QuantInput quant;
  if (!a.quant_json.empty()) quant = report::read_quant(a.quant_json);
  const std::vector<report::ProtocolRun> protocol_runs = report::read_protocol_runs(a.results_dir);

  const energy::ModelLibrary lib =
      energy::load_models(a.models_file.empty() ? energy::default_models_file() : fs::path(a.models_file));
  report::ExampleOptions examples;
  examples.examples_dir = a.examples_dir;
  examples.steps = steps;
  examples.seed = a.seed;
  examples.probe_neuron = a.probe_neuron;
  examples.progress = [](const std::string& label, uint64_t d, uint64_t t) { print_progress(label.c_str(), d, t); };
  const std::vector<report::ExampleRun> runs = report::simulate_examples(examples, lib);
  fmt::print(stderr, "mapping the examples on {}\n", report::kMapChip);
  const report::ChipMapping chip_map = report::map_examples(runs);

  // The study, written beside the page as `hrsnn study` writes it, then read back like --study-json.
  report::PageSources shown{a.command_line, a.seed, a.study_json, a.study_csv, a.bo_dir, a.quant_json, a.results_dir};
  std::optional<study::StudyResult> study_result;
  if (study_config) {
    const fs::path dir = fs::path(a.out) / "study";
    study_result = report::run_study_into(*study_config, dir);
    shown.study_json = (dir / "study.json").string();
    shown.study_csv = (dir / "study.csv").string();
    study = report::read_json_file("study", shown.study_json);
  }
  const std::vector<report::Fidelity> fidelity = report::compare_examples(runs);
  std::map<std::string, uint32_t> probes;
  for (const auto& r : runs) probes[r.network] = r.probe;
  const auto rtl = report::read_rtl(a.rtl_probes, probes, report::kMembraneWindowSteps);

  fmt::print(stderr, "drawing the figures ({})\n", a.python);
  const auto figs = report::draw_figures(
      a.python, report::figure_data(runs, steps, study ? &*study : nullptr, bo, quant, rtl, &chip_map), scratch.path());

  const report::PageInputs in{shown,
                              steps,
                              runs,
                              fidelity,
                              figs,
                              study ? &*study : nullptr,
                              study_csv ? &*study_csv : nullptr,
                              bo,
                              bo_ignored,
                              quant,
                              rtl,
                              utc_now(),
                              &protocol_runs,
                              &chip_map};
  const std::string html_text = report::page(in);
  const fs::path out(a.out);
  write_text_atomic(out / "index.html", html_text);

  const report::SectionsShown sections{study.has_value() || study_csv.has_value(), !bo.empty(), !quant.sweeps.empty(),
                                       !rtl.empty()};
  const auto summary = report::summary_json(runs, steps, a.seed, fidelity, sections, in.generated_utc,
                                            report::chip_map_to_json(chip_map));
  write_text_atomic(out / "summary.json", summary.dump(2) + "\n");

  report::print_summary(runs, steps, a.seed, fidelity);
  fmt::print("\nchip mapping on {} (sequential; fixed run's spikes; {:.2f} s):\n", chip_map.chip.name, chip_map.wall_s);
  for (const auto& nm : chip_map.networks) {
    std::string cores;
    for (const auto& w : nm.fits)
      cores += fmt::format("{}{} bits {} cores", cores.empty() ? "" : ", ", w.weight_bits, w.cores);
    fmt::print("  {}: {}; at {} bits {:.4g} messages, {}{:.4g} pJ and {}{:.4g} ns per step\n", nm.network, cores,
               nm.weight_bits, nm.traffic.messages / static_cast<double>(nm.traffic.steps ? nm.traffic.steps : 1),
               nm.cost.energy_lower_bound ? ">= " : "", nm.cost.energy_pj, nm.cost.latency_lower_bound ? ">= " : "",
               nm.cost.latency_ns);
  }
  if (study_result) {
    fmt::print("\nstudy ({}, {} seeds, {:.0f} s, as `hrsnn study`):\n{}\n{}", study_result->config.source,
               study_result->config.seeds, study_result->wall_time_s, study::format_table(*study_result),
               study::format_claims(*study_result));
  }
  auto state = [](bool has, const char* flag) {
    return has ? std::string("shown") : fmt::format("no data yet ({})", flag);
  };
  fmt::print("committed protocol runs: {} (from {})\n", protocol_runs.size(), a.results_dir);
  fmt::print("sections: study {}; Bayesian optimization {}; quantization {}; RTL trace {}\n",
             study_result ? "shown (" + shown.study_json + ")" : state(study || study_csv, "--study-json"),
             state(!bo.empty(), "--bo-dir"), state(!quant.sweeps.empty(), "--quant-json"),
             state(!rtl.empty(), "--rtl-probes"));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  fmt::print("wrote {} ({:.0f} KiB, {} figures) and {} in {:.1f} s\n", (out / "index.html").string(),
             static_cast<double>(html_text.size()) / 1024.0, figs.size(), (out / "summary.json").string(), seconds);
}

const RegisterCommand reg{[](CLI::App& app) {
  auto a = std::make_shared<ReportArgs>();
  CLI::App* sub = app.add_subcommand("report",
                                     "The main job: the example MRSNN and HRSNN (float and fixed) with their energy, "
                                     "the study, out/report/index.html");
  sub->add_option("--out", a->out, "Output directory (index.html, summary.json)");
  sub->add_option("--steps", a->steps,
                  fmt::format("Steps per run (default {}; --quick: {})", kDefaultSteps, kQuickSteps))
      ->check(CLI::PositiveNumber);
  sub->add_flag("--quick", a->quick, "A tiny configuration (for tests): few steps, same page");
  sub->add_option("--seed", a->seed, "Seed of both networks");
  sub->add_option("--examples", a->examples_dir, "Directory holding mrsnn.toml and hrsnn.toml")
      ->check(CLI::ExistingDirectory);
  sub->add_option("--probe", a->probe_neuron,
                  "Neuron whose membrane is traced (default: the first excitatory neuron the input drives)");
  add_alias(sub, "--probe-neuron", "--probe", a->probe_neuron);
  CLI::Option* study_json = sub->add_option("--study-json", a->study_json,
                                            "Results of `hrsnn study` (JSON): shown instead of running the study")
                                ->check(CLI::ExistingFile);
  CLI::Option* study_csv =
      sub->add_option("--study-csv", a->study_csv, "The study's table (CSV): shown instead of running the study")
          ->check(CLI::ExistingFile);
  CLI::Option* no_study =
      sub->add_flag("--no-study", a->no_study, "Do not run the study (its section then says no data yet)");
  for (const char* name : {"--config", "--study-config"}) {
    CLI::Option* config =
        name == std::string("--config")
            ? sub->add_option(name, a->study_config,
                              "Study TOML (keys of examples/study.toml) over the report's study configuration")
            : add_alias(sub, name, "--config", a->study_config);
    config->check(CLI::ExistingFile)->excludes(study_json)->excludes(study_csv)->excludes(no_study);
  }
  no_study->excludes(study_json)->excludes(study_csv);
  sub->add_option("--bo-dir", a->bo_dir, "Directory of hrsnn-bo-history/1 JSON files (or one such file)");
  sub->add_option("--quant-json", a->quant_json, "Quantization sweep results (JSON)")->check(CLI::ExistingFile);
  sub->add_option("--results", a->results_dir,
                  "Directory of committed protocol runs (RUN/study.json under a [protocol]; default: the "
                  "repository's results/; an empty string: none)");
  sub->add_option("--rtl-probes", a->rtl_probes,
                  "NAME:FILE (NAME mrsnn|hrsnn; FILE step,neuron,u,v from the RTL) drawn beside float and fixed");
  sub->add_option("--models-file", a->models_file, "Energy models TOML (default: data/energy/models.toml)");
  sub->add_option("--python", a->python, "Python 3 with matplotlib for the figures");
  sub->callback([a, sub] {
    a->command_line = "hrsnn report";
    for (const auto* o : sub->get_options())
      if (o->count() > 0 && !o->get_lnames().empty()) {
        a->command_line += " --" + o->get_lnames().front();
        if (o->get_expected_min() > 0)
          for (const auto& r : o->results()) a->command_line += " " + r;
      }
    run_report(*a);
  });
}};

}  // namespace
}  // namespace hrsnn::cli

// `hrsnn energy RUN_DIR`: joules of a finished run under published per-event energy models
// (DESIGN.md §5; the models are data, data/energy/models.toml; docs/energy.md).
#include "hw_model/energy/energy_model.hpp"
#include "tools/command.hpp"

#include <fmt/core.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

struct EnergyOptions {
  std::string run_dir;
  std::vector<std::string> models;  // empty: every model of the file
  std::string models_file;          // empty: the shipped data/energy/models.toml
  std::string json_out;             // empty: no JSON
};

// Writes through a temporary file and a rename, so an interrupted run never leaves half a file.
void write_atomically(const std::filesystem::path& out, const std::string& text) {
  const std::filesystem::path tmp = out.string() + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) throw std::runtime_error(fmt::format("{}: cannot write", tmp.string()));
    f << text;
    f.flush();
    if (!f) throw std::runtime_error(fmt::format("{}: write failed", tmp.string()));
  }
  std::filesystem::rename(tmp, out);
}

void run_energy(const EnergyOptions& o) {
  namespace en = hrsnn::energy;
  const en::ModelLibrary lib =
      en::load_models(o.models_file.empty() ? en::default_models_file() : std::filesystem::path(o.models_file));
  const en::RunFacts facts = en::load_run_summary(o.run_dir);
  const en::EnergyReport report = en::estimate_energy(lib, o.models, facts.counts, facts.workload);
  fmt::print("{}", en::format_report(report));
  if (!o.json_out.empty()) write_atomically(o.json_out, report.to_json().dump(2) + "\n");
}

const hrsnn::cli::RegisterCommand kRegisterEnergy{[](CLI::App& app) {
  auto opts = std::make_shared<EnergyOptions>();
  CLI::App* sub = app.add_subcommand(
      "energy", "Energy of a run (joules per inference and per simulated second) under published chip models");
  sub->add_option("RUN_DIR", opts->run_dir, "run directory holding summary.json (written by `hrsnn run`)")
      ->required();
  sub->add_option("--model", opts->models,
                  "energy model to report (repeatable or comma-separated; default: every model of the file)")
      ->allow_extra_args(false)
      ->delimiter(',');
  sub->add_option("--models-file", opts->models_file,
                  "energy models TOML (default: " HRSNN_SOURCE_DIR "/data/energy/models.toml)");
  sub->add_option("--json", opts->json_out, "also write the report as JSON to this file");
  sub->callback([opts] { run_energy(*opts); });
}};

}  // namespace

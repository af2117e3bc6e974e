// hrsnn report: the project's main job. For now it simulates the two example networks
// (MRSNN and HRSNN) on the float reference and prints their summary side by side; the study,
// energy and figures join it as those capabilities land.
#include "core/run.hpp"
#include "tools/cli_util.hpp"
#include "tools/command.hpp"

#include <fmt/core.h>

namespace hrsnn::cli {
namespace {

struct ReportArgs {
  std::string examples_dir = std::string(HRSNN_SOURCE_DIR) + "/examples";
  uint64_t steps = 5000;
  uint64_t seed = 1;
};

void report(const ReportArgs& a) {
  fmt::print("hrsnn report: example networks, float64 reference, {} steps of 1 ms, seed {}\n\n", a.steps, a.seed);
  fmt::print("{:<8} {:>9} {:>9} {:>9} {:>12} {:>14} {:>14} {:>10}\n", "network", "E (Hz)", "I (Hz)", "spikes",
             "syn. events", "plastic upd.", "events/s", "wall (s)");
  for (const char* name : {"mrsnn", "hrsnn"}) {
    const NetworkSpec spec = load_spec(a.examples_dir + "/" + name + ".toml");
    RunOptions opt;
    opt.steps = a.steps;
    opt.seed = a.seed;
    opt.progress = [name](uint64_t d, uint64_t t) { print_progress(name, d, t); };
    const NetworkSpec s = with_overrides(spec, opt);
    const Network net = build_network(s);
    const RunResult r = run_network(net, make_spec_signal(s, s.simulation.steps), s.simulation.steps, opt);
    const nlohmann::json j = run_summary(s, net, r);
    fmt::print("{:<8} {:>9.2f} {:>9.2f} {:>9} {:>12} {:>14} {:>14.3g} {:>10.3f}\n", name,
               j["populations"][0]["rate_hz"].get<double>(), j["populations"][1]["rate_hz"].get<double>(),
               r.counts.total.spikes, r.counts.total.synaptic_events, r.counts.total.plastic_updates,
               j["synaptic_events_per_s"].get<double>(), r.wall_time_s);
  }
}

const RegisterCommand reg{[](CLI::App& app) {
  auto a = std::make_shared<ReportArgs>();
  CLI::App* sub = app.add_subcommand("report", "The main job: simulate the example MRSNN and HRSNN and summarize");
  sub->add_option("--examples", a->examples_dir, "Directory holding mrsnn.toml and hrsnn.toml")->check(CLI::ExistingDirectory);
  sub->add_option("--steps", a->steps, "Steps per network")->check(CLI::PositiveNumber);
  sub->add_option("--seed", a->seed, "Seed");
  sub->callback([a] { report(*a); });
}};

}  // namespace
}  // namespace hrsnn::cli

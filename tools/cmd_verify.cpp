// hrsnn verify SPEC: run the Verilated neuron core (hw_model/rtl/neuron_core.v) in lockstep with
// the fixed-point core on a spec, comparing spikes, u, v, refractory counts, traces, weights, PRNG
// states and event counts after every step (hw_model/verilated/lockstep.hpp). Prints
// "identical for N steps: ..." or the first divergence. --probe IDS --probe-out FILE records the RTL
// core's u and v of those neurons at every step, in the format of `hrsnn run --probe`
// (step,neuron,u,v in threshold units: register / voltage_scale), for `hrsnn report --rtl-probes`.
// A build without the RTL (HRSNN_RTL=OFF or no Verilator) still has the subcommand, and it fails
// saying so.
#include "core/fixed/quantize.hpp"
#include "core/io.hpp"
#include "core/spec.hpp"
#include "tools/cli_util.hpp"
#include "tools/command.hpp"

#include <fmt/core.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#ifdef HRSNN_HAVE_RTL
#include "hw_model/verilated/lockstep.hpp"
#endif

namespace hrsnn::cli {
namespace {

struct VerifyArgs {
  std::string spec;
  std::optional<uint64_t> steps;
  std::optional<uint64_t> seed;
  std::string vcd;
  std::string profile;
  std::vector<uint32_t> probes;
  std::string probe_out;
  bool quiet = false;
};

#ifdef HRSNN_HAVE_RTL

void verify_command(const VerifyArgs& args) {
  NetworkSpec spec = load_spec(args.spec);
  if (args.seed) spec.simulation.seed = *args.seed;
  if (!args.profile.empty()) {
    // The named profile's format replaces the spec's [hardware] profile and field overrides.
    const fixed::HardwareProfile* p = fixed::find_hardware_profile(args.profile);
    if (p == nullptr)
      throw std::invalid_argument(fmt::format("--profile: unknown hardware profile '{}'", args.profile));
    spec.hardware.profile = args.profile;
    spec.hardware.format = p->format;
  }
  const uint64_t steps = args.steps.value_or(spec.simulation.steps);
  const Network net = build_network(spec);
  const fixed::RegisterImage image = fixed::quantize(net, spec.hardware);
  const InputSignal signal = make_spec_signal(spec, steps);

  for (uint32_t id : args.probes)
    if (id >= net.size())
      throw std::invalid_argument(
          fmt::format("--probe: neuron {} out of range (network has {} neurons)", id, net.size()));
  if (args.probes.empty() != args.probe_out.empty())
    throw std::invalid_argument("--probe and --out go together (neurons to record, and the directory of probes.csv)");

  const std::string profile = rtl::core_profile_for(image.format);
  fmt::print("{}: {} neurons, {} synapses ({} plastic), {} steps, RTL profile {}\n", args.spec, net.size(),
             net.synapse_count(), net.plastic_synapse_count(), steps, profile.empty() ? "(none)" : profile);
  rtl::LockstepOptions options;
  options.vcd_path = args.vcd;
  if (!args.quiet) options.progress = [](uint64_t d, uint64_t t) { print_progress("verify", d, t); };
  options.progress_every = 100;
  struct Sample {
    uint64_t step;
    uint32_t neuron;
    int32_t u, v;
  };
  std::vector<Sample> samples;
  if (!args.probes.empty()) {
    samples.reserve(steps * args.probes.size());
    options.on_step = [&](const fixed::FixedSimulator&, const rtl::RtlCore& core) {
      for (uint32_t id : args.probes) {
        const fixed::LifState s = core.lif_state(id);
        samples.push_back({core.time() - 1, id, s.u, s.v});
      }
    };
  }
  const rtl::LockstepResult r = rtl::run_lockstep(net, image, &signal, steps, options);
  if (!args.probe_out.empty()) {
    write_file_atomic(args.probe_out, [&](std::ostream& o) {
      o << "step,neuron,u,v\n";
      for (const Sample& q : samples)
        o << q.step << ',' << q.neuron << ',' << fmt::format("{:.17g}", q.u / image.voltage_scale) << ','
          << fmt::format("{:.17g}", q.v / image.voltage_scale) << '\n';
    });
  }

  fmt::print("{}\n", rtl::describe(r));
  if (r.steps > 0)
    fmt::print("  RTL: {} clock cycles ({:.0f} per step), {:.3g} cycles/s in Verilator\n", r.cycles,
               static_cast<double>(r.cycles) / static_cast<double>(r.steps),
               static_cast<double>(r.cycles) / r.rtl_seconds);
  if (!args.vcd.empty()) fmt::print("  waveform: {}\n", args.vcd);
  if (!args.probe_out.empty()) fmt::print("  RTL probes ({} steps): {}\n", r.steps, args.probe_out);
  if (r.divergence) throw std::runtime_error("the RTL core and the fixed-point core diverged");
}

#else

void verify_command(const VerifyArgs&) {
  throw std::runtime_error(
      "THIS BUILD HAS NO RTL: hrsnn was configured without the Verilated neuron core (HRSNN_RTL=OFF, or "
      "Verilator 5 missing), so nothing was verified. Install Verilator (tools/setup.sh) and configure with "
      "-DHRSNN_RTL=ON.");
}

#endif

const RegisterCommand reg{[](CLI::App& app) {
  auto args = std::make_shared<VerifyArgs>();
  CLI::App* sub = app.add_subcommand(
      "verify",
      "Run the RTL neuron core (Verilator) in lockstep with the fixed-point core; report the first divergence");
  add_spec(sub, args->spec, "Network spec (TOML); must fit the core (e.g. examples/hrsnn_small.toml)");
  sub->add_option("--steps", args->steps, "Number of steps (default: simulation.steps)");
  sub->add_option("--seed", args->seed, "Seed (overrides simulation.seed)");
  sub->add_option("--vcd", args->vcd, "Write the RTL core's waveform (VCD, every clock cycle) to this file");
  sub->add_option("--profile", args->profile,
                  "Hardware profile replacing the spec's [hardware] format (the core exists for loihi and narrow)");
  sub->add_option("--probe", args->probes, "Neuron ids whose RTL u and v are recorded every step")->delimiter(',');
  auto out_dir = std::make_shared<std::string>();
  sub->add_option("--out", *out_dir,
                  "Directory for probes.csv (step,neuron,u,v in threshold units, as hrsnn run --probe writes it; for "
                  "hrsnn report --rtl-probes)");
  add_alias(sub, "--probe-out", "--out DIR (DIR/probes.csv)", args->probe_out);
  sub->add_flag("--quiet", args->quiet, "No progress on stderr");
  sub->callback([args, out_dir] {
    require_spec(args->spec);
    if (std::filesystem::path(args->spec).extension() == ".nir")
      throw std::invalid_argument(
          fmt::format("{}: verify is not supported for NIR models yet; run the model on the fixed core with `hrsnn run "
                      "{} --dt-ms D --arith fixed` (docs/nir.md)",
                      args->spec, args->spec));
    if (!out_dir->empty()) args->probe_out = (std::filesystem::path(*out_dir) / "probes.csv").string();
    verify_command(*args);
  });
}};

}  // namespace
}  // namespace hrsnn::cli

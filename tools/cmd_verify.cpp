// hrsnn verify SPEC: run the Verilated neuron core (hw_model/rtl/neuron_core.v) in lockstep with
// the fixed-point core on a spec, comparing spikes, u, v, refractory counts, traces, weights, PRNG
// states and event counts after every step (hw_model/verilated/lockstep.hpp). Prints
// "identical for N steps: ..." or the first divergence. --probe IDS --probe-out FILE records the RTL
// core's u and v of those neurons at every step, in the format of `hrsnn run --probe`
// (step,neuron,u,v in threshold units: register / voltage_scale), for `hrsnn report --rtl-probes`.
// A NIR model (MODEL.nir --dt-ms D, docs/nir.md) is imported as `hrsnn run MODEL.nir` does and
// quantized to the format `--arith fixed` uses for it (or --profile's); what does not fit the core
// (its sizes, delays, register format) is refused, naming the limit.
// A build without the RTL (HRSNN_RTL=OFF or no Verilator) still has the subcommand, and it fails
// saying so.
#include "core/fixed/quantize.hpp"
#include "core/io.hpp"
#include "core/spec.hpp"
#include "nir/nir.hpp"
#include "tools/cli_util.hpp"
#include "tools/command.hpp"
#include "tools/nir_args.hpp"

#include <fmt/core.h>
#include <fmt/ranges.h>

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
  // NIR model: the import options of `hrsnn run MODEL.nir`.
  NirImportArgs nir;
};

#ifdef HRSNN_HAVE_RTL

// The named profile's format replacing `hardware`'s (the spec's [hardware] profile and overrides).
void apply_profile(HardwareSpec& hardware, const std::string& profile) {
  if (profile.empty()) return;
  const fixed::HardwareProfile* p = fixed::find_hardware_profile(profile);
  if (p == nullptr) throw std::invalid_argument(fmt::format("--profile: unknown hardware profile '{}'", profile));
  hardware.profile = profile;
  hardware.format = p->format;
}

struct Target {
  Network net;
  HardwareSpec hardware;
  InputSignal signal;
  uint64_t steps = 0;
};

Target spec_target(const VerifyArgs& args) {
  NetworkSpec spec = load_spec(args.spec);
  if (args.seed) spec.simulation.seed = *args.seed;
  apply_profile(spec.hardware, args.profile);
  Target t;
  t.steps = args.steps.value_or(spec.simulation.steps);
  t.net = build_network(spec);
  t.hardware = spec.hardware;
  t.signal = make_spec_signal(spec, t.steps);
  return t;
}

// A NIR model as `hrsnn run MODEL.nir --arith fixed` runs it: HardwareSpec{} (or --profile).
Target nir_target(const VerifyArgs& args) {
  const nir::ImportOptions io = nir_import_options(args.nir, args.spec, args.seed.value_or(1));
  nir::NirRun run = nir::prepare_nir_run(args.spec, io, args.nir.input_npy, args.steps);
  Target t;
  t.net = std::move(run.imp.net);
  t.signal = std::move(run.signal);
  t.steps = run.steps;
  apply_profile(t.hardware, args.profile);
  return t;
}

void verify_command(const VerifyArgs& args) {
  if (!is_nir(args.spec)) refuse_nir_import_options(args.nir);
  const Target target = is_nir(args.spec) ? nir_target(args) : spec_target(args);
  const Network& net = target.net;
  const InputSignal& signal = target.signal;
  const uint64_t steps = target.steps;
  fixed::RegisterImage image;
  try {
    image = fixed::quantize(net, target.hardware);
  } catch (const std::exception& e) {
    if (!is_nir(args.spec)) throw;
    throw std::invalid_argument(fmt::format(
        "{}: the fixed-point core ({} format, as `hrsnn run MODEL.nir --arith fixed` uses) cannot represent it: {}",
        args.spec, target.hardware.profile, e.what()));
  }
  if (const auto problems = rtl::core_fit_problems(net, image); !problems.empty())
    throw std::invalid_argument(
        fmt::format("{} does not fit the RTL core:\n  {}", args.spec, fmt::join(problems, "\n  ")));

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
  add_spec(sub, args->spec,
           "Network spec (TOML) or NIR model (.nir with --dt-ms); must fit the core (e.g. examples/hrsnn_small.toml)");
  sub->add_option("--steps", args->steps, "Number of steps (default: simulation.steps; NIR: the --input rows)");
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
  add_nir_import_options(sub, args->nir, "NIR model: input array (.npy, steps x input columns; default zeros)");
  sub->callback([args, out_dir] {
    require_spec(args->spec);
    if (!out_dir->empty()) args->probe_out = (std::filesystem::path(*out_dir) / "probes.csv").string();
    verify_command(*args);
  });
}};

}  // namespace
}  // namespace hrsnn::cli

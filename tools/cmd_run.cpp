// hrsnn run SPEC.toml|MODEL.nir: simulate a spec (or a NIR model, docs/nir.md) on one backend;
// write summary.json, the spikes and the probes; optionally export the instantiated network (as
// hrsnn-network/1 JSON or as a NIR file).
#include "core/export.hpp"
#include "core/fixed/quantize.hpp"
#include "core/io.hpp"
#include "core/resources.hpp"
#include "core/run.hpp"
#include "nir/nir.hpp"
#include "tools/cli_util.hpp"
#include "tools/command.hpp"
#include "tools/nir_args.hpp"

#include <fmt/core.h>

#include <filesystem>

namespace hrsnn::cli {
namespace {

struct RunArgs {
  std::string spec;
  std::optional<uint64_t> steps, seed;
  std::string arith = "float64";
  std::string out;
  std::string spikes_format = "csv";
  std::vector<uint32_t> probes;
  uint32_t probe_every = 1;
  uint32_t threads = 1;
  std::string export_network;
  bool quiet = false;
  bool dequantized = false;
  // NIR: import options (MODEL.nir) and export (SPEC --export-nir FILE).
  NirImportArgs nir;
  std::string export_nir;
  std::optional<uint64_t> snapshot_after;
  // The raster and probes as NIR data (NIRGraphData, docs/nir.md).
  std::string nir_data;
  std::string nir_data_spikes = "events";
};

void print_table(const nlohmann::json& s) {
  fmt::print("{} ({}, {} steps, dt = {} ms, seed {})\n", s["spec"].get<std::string>(), s["arith"].get<std::string>(),
             s["steps"].get<uint64_t>(), s["dt_ms"].get<double>(), s["seed"].get<uint64_t>());
  fmt::print("  {:<10} {:>8} {:>12} {:>10}\n", "population", "size", "spikes", "rate (Hz)");
  for (const auto& p : s["populations"])
    fmt::print("  {:<10} {:>8} {:>12} {:>10.2f}\n", p["name"].get<std::string>(), p["size"].get<uint32_t>(),
               p["spikes"].get<uint64_t>(), p["rate_hz"].get<double>());
  const auto& c = s["counts"];
  fmt::print("  synapses {} ({} plastic), synaptic events {}, plastic updates {}\n", s["synapses"].get<uint64_t>(),
             s["plastic_synapses"].get<uint64_t>(), c["synaptic_events"].get<uint64_t>(),
             c["plastic_updates"].get<uint64_t>());
  fmt::print("  wall time {:.3f} s on {} thread(s), {:.3g} synaptic events/s, {:.1f} bytes/synapse, raster hash {}\n",
             s["wall_time_s"].get<double>(), s["threads"].get<uint32_t>(), s["synaptic_events_per_s"].get<double>(),
             s["bytes_per_synapse"].get<double>(), s["raster_hash"].get<std::string>());
}

// Writes summary.json, spikes and probes of a finished run (and with --nir-data the NIR data
// file, times in steps of `data_dt`: the step in the time unit of the NIR graph); prints the table.
void write_outputs(const RunArgs& args, const nlohmann::json& summary, const RunResult& result, const Network& net,
                   double data_dt);

void run_nir_command(const RunArgs& args) {
  const nir::ImportOptions io = nir_import_options(args.nir, args.spec, args.seed.value_or(1));
  if (!args.export_network.empty() || !args.export_nir.empty() || args.dequantized || args.snapshot_after)
    throw std::invalid_argument(
        "--export-network, --export-nir, --snapshot-after and --dequantized apply to a spec (.toml), not a NIR model");
  const nir::NirRun run = nir::prepare_nir_run(args.spec, io, args.nir.input_npy, args.steps);
  const nir::Imported& imp = run.imp;
  const uint64_t steps = run.steps;
  RunOptions opt;
  opt.arith = parse_arith(args.arith);
  opt.steps = steps;
  opt.sim.probes = args.probes;
  opt.sim.probe_every = args.probe_every;
  opt.sim.threads = args.threads;
  if (!args.quiet) opt.progress = [](uint64_t d, uint64_t t) { print_progress("run", d, t); };
  opt.progress_every = 500;
  opt.hardware = HardwareSpec{};
  for (uint32_t id : args.probes)
    if (id >= imp.net.size())
      throw std::invalid_argument(
          fmt::format("--probe: neuron {} out of range (network has {} neurons)", id, imp.net.size()));
  const RunResult result = run_network(imp.net, run.signal, steps, opt);
  NetworkSpec spec;
  spec.source = args.spec;
  nlohmann::json summary = run_summary(spec, imp.net, result);
  nlohmann::json inputs = nlohmann::json::array();
  for (const auto& p : imp.inputs) inputs.push_back({{"name", p.name}, {"first_column", p.first}, {"size", p.size}});
  nlohmann::json outputs = nlohmann::json::array();
  for (size_t k = 0; k < imp.outputs.size(); ++k)
    outputs.push_back({{"name", imp.outputs[k]}, {"from", imp.output_of[k]}});
  summary["nir"] = {{"version", imp.version},
                    {"time_unit", args.nir.time_unit},
                    {"convention", args.nir.convention},
                    {"inputs", inputs},
                    {"outputs", outputs},
                    {"bias_channel", imp.bias_channel},
                    {"input_file", args.nir.input_npy},
                    {"notes", imp.notes}};
  // The data's times are in the graph's unit, as its time constants.
  const double data_dt = io.time_unit == nir::TimeUnit::Seconds ? io.dt_ms * 1e-3 : io.dt_ms;
  write_outputs(args, summary, result, imp.net, data_dt);
}

void run_command(const RunArgs& args) {
  if (is_nir(args.spec)) return run_nir_command(args);
  refuse_nir_import_options(args.nir);
  if (args.snapshot_after && args.export_nir.empty())
    throw std::invalid_argument("--snapshot-after goes with --export-nir FILE");
  const NetworkSpec spec0 = load_spec(args.spec);
  RunOptions opt;
  opt.arith = parse_arith(args.arith);
  opt.steps = args.steps;
  opt.seed = args.seed;
  opt.sim.probes = args.probes;
  opt.sim.probe_every = args.probe_every;
  opt.sim.threads = args.threads;
  if (!args.quiet) opt.progress = [](uint64_t d, uint64_t t) { print_progress("run", d, t); };
  opt.progress_every = 500;
  const NetworkSpec spec = with_overrides(spec0, opt);
  opt.hardware = spec.hardware;
  check_run_resources(spec, spec.simulation.steps, opt.sim, memory_limit());
  Network net = build_network(spec);
  if (args.dequantized) {
    if (opt.arith == Arith::Fixed) throw std::invalid_argument("--dequantized applies to the float backends");
    net = fixed::dequantize(net, fixed::quantize(net, spec.hardware));
  }
  for (uint32_t id : args.probes)
    if (id >= net.size())
      throw std::invalid_argument(
          fmt::format("--probe: neuron {} out of range (network has {} neurons)", id, net.size()));
  const InputSignal signal = make_spec_signal(spec, spec.simulation.steps);
  if (!args.export_network.empty()) {
    write_text_atomic(args.export_network, export_network(net, &signal, spec.simulation.steps).dump());
    if (!args.quiet) fmt::print(stderr, "network exported to {}\n", args.export_network);
  }
  if (!args.export_nir.empty()) {
    if (opt.arith == Arith::Fixed || args.dequantized)
      throw std::invalid_argument(
          "--export-nir: the fixed-point register image has no NIR form; export from a float run (the physical "
          "network, --arith float64 without --dequantized)");
    nir::ExportOptions eo;
    eo.snapshot_after_steps = args.snapshot_after;
    const nir::ExportReport rep = nir::export_nir(net, &signal, args.export_nir, eo);
    for (const auto& o : rep.omitted) fmt::print(stderr, "export-nir: omitted: {}\n", o);
    if (!args.quiet) fmt::print(stderr, "network exported to {} (NIR)\n", args.export_nir);
  }
  const RunResult result = run_network(net, signal, spec.simulation.steps, opt);
  write_outputs(args, run_summary(spec, net, result), result, net, net.dt_ms);
}

void write_outputs(const RunArgs& args, const nlohmann::json& summary, const RunResult& result, const Network& net,
                   double data_dt) {
  const std::filesystem::path out = args.out.empty()
                                        ? std::filesystem::path("out") / std::filesystem::path(args.spec).stem()
                                        : std::filesystem::path(args.out);
  write_text_atomic(out / "summary.json", summary.dump(2) + "\n");
  if (args.spikes_format == "npy") {
    std::vector<uint64_t> flat;
    flat.reserve(result.raster.size() * 2);
    for (size_t k = 0; k < result.raster.size(); ++k) {
      flat.push_back(result.raster.step[k]);
      flat.push_back(result.raster.neuron[k]);
    }
    write_npy_u64_2d(out / "spikes.npy", flat, result.raster.size(), 2);
  } else {
    write_file_atomic(out / "spikes.csv", [&](std::ostream& o) {
      o << "step,neuron\n";
      for (size_t k = 0; k < result.raster.size(); ++k)
        o << result.raster.step[k] << ',' << result.raster.neuron[k] << '\n';
    });
  }
  if (!args.probes.empty()) {
    write_file_atomic(out / "probes.csv", [&](std::ostream& o) {
      o << "step,neuron,u,v\n";
      const size_t p = args.probes.size();
      for (size_t k = 0; k < result.probes.step.size(); ++k)
        for (size_t q = 0; q < p; ++q)
          o << result.probes.step[k] << ',' << args.probes[q] << ','
            << fmt::format("{:.17g}", result.probes.u[k * p + q] / result.voltage_scale) << ','
            << fmt::format("{:.17g}", result.probes.v[k * p + q] / result.voltage_scale) << '\n';
    });
  }
  if (!args.nir_data.empty()) {
    nir::RecordOptions ro;
    ro.dt = data_dt;
    ro.spikes_gridded = args.nir_data_spikes == "grid";
    ro.probes = args.probes;
    ro.probe_every = args.probe_every;
    nir::write_nir_data(args.nir_data, nir::recorded_data(net, result, ro));
  }
  print_table(summary);
  fmt::print("  wrote {}{}\n", out.string(), args.nir_data.empty() ? "" : " and " + args.nir_data + " (NIR data)");
}

const RegisterCommand reg{[](CLI::App& app) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* sub = app.add_subcommand("run", "Simulate a network spec; write summary.json, spikes and probes");
  sub->add_option("spec", args->spec, "Network spec (TOML) or NIR model (.nir, docs/nir.md)")
      ->required()
      ->check(CLI::ExistingFile);
  sub->add_option("--steps", args->steps, "Number of steps (overrides simulation.steps)");
  sub->add_option("--seed", args->seed, "Seed (overrides simulation.seed)");
  sub->add_option("--arith", args->arith, "Arithmetic: float64 (float), float32, fixed")
      ->check(CLI::IsMember({"float", "float64", "float32", "fixed"}));
  sub->add_option("--out", args->out, "Output directory (default out/<spec name>)");
  sub->add_option("--spikes", args->spikes_format, "Spike file format")->check(CLI::IsMember({"csv", "npy"}));
  sub->add_option("--probe", args->probes, "Neuron ids whose u and v are recorded to probes.csv")->delimiter(',');
  sub->add_option("--probe-every", args->probe_every, "Record probes every K steps")->check(CLI::PositiveNumber);
  sub->add_option("--threads", args->threads,
                  "Threads simulating the network together (results are bit-identical for every count)")
      ->check(CLI::Range(1, 256));
  sub->add_option("--export-network", args->export_network, "Write the instantiated network (hrsnn-network/1 JSON)");
  sub->add_flag("--quiet", args->quiet, "No progress on stderr");
  sub->add_flag("--dequantized", args->dequantized,
                "Float backends: simulate the network as the fixed core represents it (quantize, then dequantize)");
  add_nir_import_options(sub, args->nir,
                         "NIR model: input array (.npy, steps x input columns of currents or spikes; default zeros)");
  sub->add_option("--nir-data", args->nir_data,
                  "Also write the raster (and probes) as NIR data (NIRGraphData: per population EventData / "
                  "TimeGriddedData, docs/nir.md)");
  sub->add_option("--nir-data-spikes", args->nir_data_spikes,
                  "With --nir-data: spikes as events (EventData) or grid (TimeGriddedData of bools)")
      ->check(CLI::IsMember({"events", "grid"}));
  sub->add_option("--export-nir", args->export_nir, "Write the instantiated network as a NIR file (docs/nir.md)");
  sub->add_option("--snapshot-after", args->snapshot_after,
                  "With --export-nir: export the weights after N steps, omitting (and listing) what has no NIR form");
  sub->callback([args] {
    if (args->nir_data.empty() && args->nir_data_spikes != "events")
      throw std::invalid_argument("--nir-data-spikes goes with --nir-data FILE");
    run_command(*args);
  });
}};

}  // namespace
}  // namespace hrsnn::cli

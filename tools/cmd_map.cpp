// `hrsnn map SPEC --chip NAME|FILE`: place a network on a neuromorphic chip's cores and say
// whether it fits, which limit binds, the traffic over the mesh, and a time step's joules and
// nanoseconds (docs/mapping.md). The spec is run first (fixed core by default) for per-neuron
// spike counts; the counts on the mapped network follow from them exactly.
#include "core/io.hpp"
#include "core/mapping/chip.hpp"
#include "core/mapping/mapper.hpp"
#include "core/mapping/traffic.hpp"
#include "core/run.hpp"
#include "tools/cli_util.hpp"
#include "tools/command.hpp"

#include <fmt/core.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace hrsnn::cli {
namespace {

using namespace hrsnn::mapping;

struct MapArgs {
  std::string spec;
  std::string chip;
  std::string placement = "sequential";
  std::optional<int> weight_bits;
  std::optional<uint32_t> cores;
  std::string arith = "fixed";
  std::optional<uint64_t> steps;
  bool no_run = false;
  std::string format = "text";
  std::string out;
  bool quiet = false;
};

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void run_map(const MapArgs& a) {
  const auto t0 = std::chrono::steady_clock::now();
  const ChipSpec chip = load_chip(resolve_chip(a.chip));
  RunOptions opt;
  opt.arith = parse_arith(a.arith);
  opt.steps = a.steps;
  NetworkSpec spec = with_overrides(load_spec(a.spec), opt);
  HardwareSpec hw = spec.hardware;
  if (a.weight_bits) {
    hw.format.weight_bits = *a.weight_bits;
    hw.format.num_weight_bits = *a.weight_bits;
    hw.format.validate();
  }
  opt.hardware = hw;
  const Network net = build_network(spec);
  const MapGraph g = make_map_graph(net);
  SynapseFields fields;
  fields.weight_bits = hw.format.num_weight_bits;
  fields.lr_mant_bits = hw.format.lr_mant_bits;

  Activity act;
  double run_s = 0.0;
  std::string run_note;
  if (!a.no_run) {
    const auto tr = std::chrono::steady_clock::now();
    opt.sim.record_spikes = true;
    if (!a.quiet && a.format == "text") opt.progress = [](uint64_t d, uint64_t t) { print_progress("run", d, t); };
    opt.progress_every = 500;
    const InputSignal signal = make_spec_signal(spec, spec.simulation.steps);
    RunResult r;
    try {
      r = run_network(net, signal, spec.simulation.steps, opt);
    } catch (const std::invalid_argument& e) {
      // The narrowed weights cannot represent this network (quantize refuses them): count the
      // spikes with the spec's own [hardware] format; the accounting keeps --weight-bits.
      if (!a.weight_bits || opt.arith != Arith::Fixed) throw;
      run_note = fmt::format(
          "the fixed core cannot run at {} weight bits ({}); spikes counted with the spec's "
          "[hardware] format",
          *a.weight_bits, e.what());
      opt.hardware = spec.hardware;
      r = run_network(net, signal, spec.simulation.steps, opt);
    }
    act = activity_of(net, r);
    run_s = seconds_since(tr);
  }

  const auto tm = std::chrono::steady_clock::now();
  MapOptions mo;
  mo.spikes = act.spikes;
  mo.cores = a.cores;
  Placement given;
  if (a.placement == "sequential") {
    mo.strategy = Strategy::Sequential;
  } else if (a.placement == "balanced") {
    mo.strategy = Strategy::Balanced;
  } else if (a.placement == "partition") {
    mo.strategy = Strategy::Partition;
  } else {
    mo.strategy = Strategy::File;
    if (a.cores) throw std::invalid_argument("--cores does not apply to a placement file");
  }
  MapResult mr;
  if (mo.strategy == Strategy::File) {
    mr.placement = load_placement(a.placement, g.neurons);
    mr.fit = account(chip, g, fields, mr.placement);
    mr.notes.push_back("placement read from " + a.placement);
  } else {
    mr = map_network(chip, g, fields, mo);
  }
  const double map_s = seconds_since(tm);
  if (!run_note.empty()) mr.notes.push_back(run_note);
  const FitReport& fit = mr.fit;
  const uint32_t used = mr.placement.cores_used();
  const uint32_t ids = mr.placement.core_ids();
  const uint32_t chips = (ids + chip.cores_per_chip() - 1) / chip.cores_per_chip();
  const bool fits_one_chip = fit.per_core_fits() && ids <= chip.cores_per_chip();
  const LowerBounds lb = lower_bounds(chip, g, fields);
  const auto limits = limit_use(fit);

  // Sequential's traffic beside partition's, the comparison partition is for.
  std::optional<double> seq_hops;
  uint32_t seq_cores = 0;
  const double hops = message_hops(chip, g, mr.placement, act.spikes);
  if (mo.strategy == Strategy::Partition) {
    const MapResult seq = map_network(chip, g, fields, MapOptions{});
    seq_hops = message_hops(chip, g, seq.placement, act.spikes);
    seq_cores = seq.placement.cores_used();
  }
  std::optional<Traffic> traffic;
  std::optional<StepCost> cost;
  if (!a.no_run) {
    traffic = count_traffic(chip, g, mr.placement, act);
    cost = price_step(chip, mr.placement, *traffic);
  }

  nlohmann::json cores = nlohmann::json::array();
  for (uint32_t c = 0; c < fit.cores.size(); ++c) {
    const CoreUsage& u = fit.cores[c];
    const CorePosition pos = core_position(chip, c);
    cores.push_back({{"core", c},
                     {"chip", pos.chip},
                     {"tile", pos.tile},
                     {"x", pos.x},
                     {"y", pos.y},
                     {"neurons", u.neurons},
                     {"synapses", u.synapses},
                     {"synapse_bits", u.synapse_bits},
                     {"index_bits", u.index_bits},
                     {"input_axons", u.input_axons},
                     {"output_axons", u.output_axons},
                     {"max_dest_cores", u.max_dest_cores}});
  }
  nlohmann::json excess = nlohmann::json::array();
  for (const auto& e : fit.excess)
    excess.push_back({{"limit", to_string(e.limit)},
                      {"core", e.core},
                      {"used", e.used},
                      {"allowed", e.allowed},
                      {"over_by", e.used - e.allowed},
                      {"cores_over", e.cores_over}});
  nlohmann::json lim = nlohmann::json::object();
  for (const auto& s : limits)
    lim[std::string(to_string(s.limit))] = {{"allowed", s.allowed}, {"max_used", s.max_used}, {"core", s.max_core}};
  const LimitUse* bind = binding_limit(limits);
  nlohmann::json j = {{"format", "hrsnn-map/1"},
                      {"spec", spec.source},
                      {"chip", chip.name},
                      {"chip_file", chip.file},
                      {"placement", to_string(mo.strategy)},
                      {"neurons", g.neurons},
                      {"synapses", g.synapses()},
                      {"weight_bits", fields.weight_bits},
                      {"weight_bits_stored", fit.widths.weight_bits_stored},
                      {"delay_bits", fit.widths.delay_bits},
                      {"lr_mant_bits", fields.lr_mant_bits},
                      {"cores_used", used},
                      {"core_ids", ids},
                      {"chips", chips},
                      {"cores_per_chip", chip.cores_per_chip()},
                      {"per_core_fits", fit.per_core_fits()},
                      {"fits_one_chip", fits_one_chip},
                      {"width_problems", fit.widths.problems},
                      {"excess", excess},
                      {"limits", lim},
                      {"binding_limit", bind ? nlohmann::json(std::string(to_string(bind->limit))) : nlohmann::json()},
                      {"lower_bounds", {{"neurons", lb.neurons}, {"synapse_bits", lb.synapse_bits}}},
                      {"inter_core_message_hops", hops},
                      {"notes", mr.notes},
                      {"cores", cores},
                      {"timing_s", {{"run", run_s}, {"map", map_s}, {"total", seconds_since(t0)}}}};
  if (seq_hops) {
    j["sequential_inter_core_message_hops"] = *seq_hops;
    j["sequential_cores_used"] = seq_cores;
  }
  if (traffic) j["traffic"] = traffic_to_json(*traffic);
  if (cost) j["step"] = step_cost_to_json(*cost);
  if (!a.no_run) j["run"] = {{"arith", a.arith}, {"steps", act.steps}};

  if (!a.out.empty()) {
    const std::filesystem::path out(a.out);
    write_text_atomic(out / "map.json", j.dump(2) + "\n");
    write_text_atomic(out / "placement.json", placement_to_json(chip, mr.placement).dump() + "\n");
  }
  if (a.format == "json") {
    fmt::print("{}\n", j.dump(2));
    return;
  }

  fmt::print("{} on {} ({}), placement {}\n", spec.source, chip.name, chip.file, to_string(mo.strategy));
  fmt::print(
      "  {} neurons, {} synapses; weights {} bits (stored {}), delay field {} bits, plastic fields 2 x {} bits\n",
      g.neurons, g.synapses(), fields.weight_bits, fit.widths.weight_bits_stored, fit.widths.delay_bits,
      fields.lr_mant_bits);
  for (const auto& p : fit.widths.problems) fmt::print("  NO FIT at any core count: {}\n", p);
  fmt::print(
      "  cores used {} (core ids 0..{}), {} chip(s) of {} cores; lower bounds: neurons {} cores, synapse memory {} "
      "cores\n",
      used, ids ? ids - 1 : 0, chips, chip.cores_per_chip(), lb.neurons, lb.synapse_bits);
  if (fits_one_chip) {
    fmt::print("  FITS on one chip\n");
  } else if (fit.per_core_fits()) {
    fmt::print("  every core fits, but {} cores need {} chips (the mesh extended along x){}\n", ids, chips,
               chips > static_cast<uint32_t>(chip.max_chips.value)
                   ? fmt::format("; the chip file allows at most {} (mesh.max_chips)", chip.max_chips.value)
                   : "");
  } else {
    fmt::print("  DOES NOT FIT:\n");
    for (const auto& e : fit.excess)
      fmt::print("    {} over on {} core(s): core {} uses {} of {} (over by {}, {:.2f}x)\n", to_string(e.limit),
                 e.cores_over, e.core, e.used, e.allowed, e.used - e.allowed,
                 static_cast<double>(e.used) / static_cast<double>(e.allowed));
  }
  fmt::print("  fullest core per limit:\n");
  for (const auto& s : limits) {
    if (s.allowed == 0) {
      fmt::print("    {:<22} {:>10} (no limit)\n", to_string(s.limit), s.max_used);
      continue;
    }
    fmt::print("    {:<22} {:>10} of {:>10} ({:5.1f}%) on core {}{}\n", to_string(s.limit), s.max_used, s.allowed,
               100.0 * static_cast<double>(s.max_used) / static_cast<double>(s.allowed), s.max_core,
               bind == &s ? "  <- binding" : "");
  }
  for (const auto& n : mr.notes) fmt::print("  note: {}\n", n);
  const uint32_t shown = std::min<uint32_t>(static_cast<uint32_t>(fit.cores.size()), 32);
  fmt::print("  {:>5} {:>5} {:>5} {:>8} {:>10} {:>12} {:>9} {:>9}\n", "core", "tile", "x,y", "neurons", "synapses",
             "syn bits", "in axons", "out axons");
  for (uint32_t c = 0; c < shown; ++c) {
    const CoreUsage& u = fit.cores[c];
    const CorePosition pos = core_position(chip, c);
    fmt::print("  {:>5} {:>5} {:>5} {:>8} {:>10} {:>12} {:>9} {:>9}\n", c, pos.tile, fmt::format("{},{}", pos.x, pos.y),
               u.neurons, u.synapses, u.synapse_bits, u.input_axons, u.output_axons);
  }
  if (shown < fit.cores.size())
    fmt::print("  ... {} more cores (--format json or --out DIR for all)\n", fit.cores.size() - shown);
  fmt::print("  inter-core messages x hops (run's spikes as weights): {:.6g}", hops);
  if (seq_hops) {
    fmt::print(" (sequential on {} cores: {:.6g}", seq_cores, *seq_hops);
    if (*seq_hops > 0) fmt::print(", partition {:+.1f}%", 100.0 * (hops - *seq_hops) / *seq_hops);
    fmt::print(")");
  }
  fmt::print("\n");
  if (traffic && cost) {
    const double steps = act.steps ? static_cast<double>(act.steps) : 1.0;
    fmt::print(
        "  traffic per step ({} {} steps): {:.4g} messages: {:.4g} within a core, {:.4g} within a tile, {:.4g} over "
        "the mesh ({:.4g} to another chip)\n",
        a.arith, act.steps, traffic->messages / steps, traffic->same_core / steps, traffic->same_tile / steps,
        traffic->mesh / steps, traffic->chip_crossing / steps);
    fmt::print(
        "    hops per step: east {:.4g}, west {:.4g}, north {:.4g}, south {:.4g}; longest route {} x + {} y hops\n",
        traffic->hops_east / steps, traffic->hops_west / steps, traffic->hops_north / steps,
        traffic->hops_south / steps, traffic->longest_x_hops, traffic->longest_y_hops);
    fmt::print("  energy per step: {:.4g} pJ{}\n", cost->energy_pj,
               cost->energy_lower_bound ? " (a lower bound: unknown figures priced at 0)" : "");
    for (const auto& t : cost->energy)
      fmt::print("    {:<22} {:>12.4g} x {:>8} pJ = {:>12.4g} pJ\n", t.name, t.count_per_step,
                 t.known ? fmt::format("{:g}", t.unit) : "unknown", t.count_per_step * t.unit);
    fmt::print(
        "  latency per step: {:.4g} ns{} = slowest core {} max(update+send {:.4g}, receive {:.4g}) + mesh {:.4g} + "
        "barrier {:.4g} ({} tiles)\n",
        cost->latency_ns, cost->latency_lower_bound ? " (a lower bound)" : "", cost->slowest_core,
        cost->core_update_send_ns, cost->core_receive_ns, cost->mesh_ns, cost->barrier_ns, cost->tiles_used);
    if (!cost->unknown.empty()) fmt::print("  unknown figures: {}\n", fmt::join(cost->unknown, ", "));
    for (const auto& n : cost->notes) fmt::print("  note: {}\n", n);
  }
  fmt::print("  time: run {:.2f} s, map {:.2f} s\n", run_s, map_s);
  if (!a.out.empty()) fmt::print("  wrote {}/map.json and placement.json\n", a.out);
}

const RegisterCommand kRegisterMap{[](CLI::App& app) {
  auto a = std::make_shared<MapArgs>();
  CLI::App* sub = app.add_subcommand(
      "map", "Place a network on a chip's cores: fit per limit, traffic over the mesh, energy and time per step");
  add_spec(sub, a->spec);
  sub->add_option("--chip", a->chip, "chip name (data/chips/NAME.toml) or a chip file")->required();
  sub->add_option("--placement", a->placement,
                  "sequential (fill cores in id order), balanced (equal contiguous blocks), partition (METIS, "
                  "then placed on the mesh) or a placement file (JSON written by --out)");
  sub->add_option("--weight-bits", a->weight_bits,
                  "stored weight width (sets [hardware] weight_bits and num_weight_bits)")
      ->check(CLI::Range(1, 15));
  sub->add_option("--cores", a->cores, "balanced / partition: use this many cores, fitting or not")
      ->check(CLI::Range(1, 1 << 24));
  sub->add_option("--arith", a->arith, "arithmetic of the run that counts spikes: fixed (default), float64, float32")
      ->check(CLI::IsMember({"float", "float64", "float32", "fixed"}));
  sub->add_option("--steps", a->steps, "steps of that run (overrides simulation.steps)")->check(CLI::PositiveNumber);
  sub->add_flag("--no-run", a->no_run, "map only: no run, no traffic, energy or latency");
  sub->add_option("--format", a->format, "text or json (on stdout)")->check(CLI::IsMember({"text", "json"}));
  sub->add_option("--out", a->out, "write DIR/map.json and DIR/placement.json");
  sub->add_flag("--quiet", a->quiet, "no progress on stderr");
  sub->callback([a] {
    require_spec(a->spec);
    run_map(*a);
  });
}};

}  // namespace
}  // namespace hrsnn::cli

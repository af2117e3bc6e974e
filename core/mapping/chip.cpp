#include "core/mapping/chip.hpp"

#include "core/foundation/config.hpp"
#include "core/foundation/source_dir.hpp"

#include <fmt/core.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace hrsnn::mapping {
namespace {

constexpr double kBig = 1e15;

// A figure: `key = { value = X, source = "..." }`, or `key = { unknown = true, source = "..." }`
// when `unknown_allowed` (energies and latencies: priced at 0, the total then a lower bound).
Figure read_figure(const ConfigTable& t, std::string_view key, const ConfigRange& range, bool unknown_allowed) {
  const toml::node* n = t.get(key);
  const std::string full = t.join(key);
  if (!n)
    t.fail_table(fmt::format("missing required key '{}' (a figure: {{ value = {}, source = \"...\" }}{})", full,
                             range.describe(), unknown_allowed ? " or { unknown = true, source = \"...\" }" : ""));
  const toml::table* tab = n->as_table();
  if (!tab)
    t.fail(n, key,
           fmt::format("expected a figure table {{ value = ..., source = \"...\" }}, got {}", config_type_name(*n)));
  const ConfigTable f = t.sub(*tab, key);
  f.only_keys({"value", "unknown", "source"});
  Figure out;
  out.key = full;
  out.source = f.required_string("source");
  const bool unknown = f.boolean("unknown", false);
  if (unknown) {
    if (!unknown_allowed)
      f.fail(f.get("unknown"), "unknown", "this figure is a limit the mapper needs: give its value");
    if (f.has("value")) f.fail(f.get("value"), "value", "a figure is either a value or unknown = true, not both");
    out.known = false;
    return out;
  }
  if (!f.has("value"))
    f.fail_table(fmt::format("missing required key '{}.value' ({}){}", full, range.describe(),
                             unknown_allowed ? "; or say unknown = true" : ""));
  out.value = range.integer ? static_cast<double>(f.integer_of(f.get("value"), "value", range))
                            : f.number_of(f.get("value"), "value", range);
  return out;
}

std::vector<int> int_list(const ConfigTable& t, std::string_view key, int lo, int hi) {
  const toml::node* n = t.get(key);
  if (!n)
    t.fail_table(fmt::format("missing required key '{}' (an array of integers in [{}, {}])", t.join(key), lo, hi));
  std::vector<int> out;
  for (int64_t v : t.integer_array(key, ConfigRange::integers(lo, hi))) out.push_back(static_cast<int>(v));
  if (out.empty()) t.fail(n, key, "expected at least one width");
  if (!std::is_sorted(out.begin(), out.end()) || std::adjacent_find(out.begin(), out.end()) != out.end())
    t.fail(n, key, "widths must be strictly increasing");
  return out;
}

}  // namespace

uint32_t ChipSpec::tiles_per_chip() const { return static_cast<uint32_t>(tiles_x.value * tiles_y.value); }
uint32_t ChipSpec::cores_per_chip() const { return tiles_per_chip() * static_cast<uint32_t>(cores_per_tile.value); }

std::vector<const Figure*> ChipSpec::figures() const {
  return {&tiles_x,
          &tiles_y,
          &cores_per_tile,
          &routing_source,
          &max_chips,
          &neurons_per_core,
          &synapse_memory_bits,
          &input_axons,
          &output_axons,
          &dest_cores_per_neuron,
          &encoding.source,
          &synaptic_op_pj,
          &neuron_update_active_pj,
          &neuron_update_idle_pj,
          &plastic_update_pj,
          &message_pj,
          &hop_east_west_pj,
          &hop_north_south_pj,
          &synaptic_op_ns,
          &neuron_update_active_ns,
          &neuron_update_idle_ns,
          &plastic_update_ns,
          &message_ns,
          &hop_east_west_ns,
          &hop_north_south_ns,
          &barrier_source};
}

std::filesystem::path chips_dir() { return std::filesystem::path(source_dir()) / "data" / "chips"; }

std::vector<std::string> chip_names() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(chips_dir(), ec))
    if (e.path().extension() == ".toml") names.push_back(e.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

std::filesystem::path resolve_chip(const std::string& name_or_file) {
  const std::filesystem::path p(name_or_file);
  if (p.extension() == ".toml" || name_or_file.find('/') != std::string::npos) return p;
  const std::filesystem::path shipped = chips_dir() / (name_or_file + ".toml");
  if (!std::filesystem::exists(shipped))
    throw ConfigError(name_or_file, 0, "chip",
                      fmt::format("no chip called '{}'; shipped chips: {} (or give a chip file, NAME.toml)",
                                  name_or_file, fmt::join(chip_names(), ", ")));
  return shipped;
}

namespace {

ChipSpec parse_chip_table(const ConfigTable& root) {
  root.only_keys({"format", "name", "description", "mesh", "core", "synapse_encoding", "energy", "latency"});
  const std::string format = root.string("format", "", {"hrsnn-chip/1"});
  if (format.empty()) root.fail_table("missing required key 'format' (\"hrsnn-chip/1\")");
  ChipSpec chip;
  chip.file = root.file();
  chip.name = root.required_string("name");
  chip.description = root.string("description", "");

  auto need = [&](std::string_view key) -> ConfigTable {
    const toml::table* t = root.subtable(key);
    if (!t) root.fail_table(fmt::format("missing required table [{}]", key));
    return root.sub(*t, key);
  };
  const auto count = ConfigRange::integers(1, kBig);

  const ConfigTable mesh = need("mesh");
  mesh.only_keys({"tiles_x", "tiles_y", "cores_per_tile", "routing", "max_chips"});
  chip.tiles_x = read_figure(mesh, "tiles_x", ConfigRange::integers(1, 65536), false);
  chip.tiles_y = read_figure(mesh, "tiles_y", ConfigRange::integers(1, 65536), false);
  chip.cores_per_tile = read_figure(mesh, "cores_per_tile", ConfigRange::integers(1, 4096), false);
  chip.max_chips = read_figure(mesh, "max_chips", ConfigRange::integers(1, 1 << 20), false);
  {
    const toml::node* r = mesh.get("routing");
    if (!r) mesh.fail_table("missing required key 'mesh.routing' ({ order = \"xy\" | \"yx\", source = \"...\" })");
    const toml::table* rt = r->as_table();
    if (!rt)
      mesh.fail(r, "routing",
                fmt::format("expected a table {{ order = \"xy\", source = \"...\" }}, got {}", config_type_name(*r)));
    const ConfigTable rc = mesh.sub(*rt, "routing");
    rc.only_keys({"order", "source"});
    const std::string order = rc.string("order", "", {"xy", "yx"});
    if (order.empty()) rc.fail_table("missing required key 'mesh.routing.order' (\"xy\" or \"yx\")");
    chip.routing = order == "xy" ? Routing::XY : Routing::YX;
    chip.routing_source.source = rc.required_string("source");
    chip.routing_source.key = "mesh.routing";
    chip.routing_source.value = 0;
  }
  const uint64_t total_cores =
      static_cast<uint64_t>(chip.tiles_x.value * chip.tiles_y.value * chip.cores_per_tile.value);
  if (total_cores > (uint64_t{1} << 24))
    mesh.fail_table(fmt::format("tiles_x * tiles_y * cores_per_tile = {} cores per chip; at most 2^24", total_cores));

  const ConfigTable core = need("core");
  core.only_keys({"neurons", "synapse_memory_bits", "input_axons", "output_axons", "dest_cores_per_neuron"});
  chip.neurons_per_core = read_figure(core, "neurons", count, false);
  chip.synapse_memory_bits = read_figure(core, "synapse_memory_bits", count, false);
  chip.input_axons = read_figure(core, "input_axons", count, false);
  chip.output_axons = read_figure(core, "output_axons", count, false);
  chip.dest_cores_per_neuron = read_figure(core, "dest_cores_per_neuron", ConfigRange::integers(0, kBig), false);

  const ConfigTable enc = need("synapse_encoding");
  enc.only_keys({"kind", "source", "weight_bits_allowed", "weights_in_synapse_memory", "synapses_per_block",
                 "list_header_bits", "word_bits", "index_bits_allowed", "delay_bits_max", "plastic_fields",
                 "plastic_in_axon_slots", "cell_bits"});
  SynapseEncoding& e = chip.encoding;
  const std::string kind = enc.string("kind", "", {"lists", "crossbar"});
  if (kind.empty()) enc.fail_table("missing required key 'synapse_encoding.kind' (\"lists\" or \"crossbar\")");
  e.kind = kind == "lists" ? EncodingKind::Lists : EncodingKind::Crossbar;
  e.source.source = enc.required_string("source");
  e.source.key = "synapse_encoding";
  e.weights_in_synapse_memory = enc.boolean("weights_in_synapse_memory", true);
  e.weight_bits_allowed = int_list(enc, "weight_bits_allowed", 1, 32);
  if (e.kind == EncodingKind::Lists) {
    e.synapses_per_block =
        static_cast<uint32_t>(enc.required_integer("synapses_per_block", ConfigRange::integers(1, 1 << 20)));
    e.list_header_bits =
        static_cast<uint32_t>(enc.required_integer("list_header_bits", ConfigRange::integers(0, 4096)));
    e.word_bits = static_cast<uint32_t>(enc.required_integer("word_bits", ConfigRange::integers(1, 4096)));
    e.index_bits_allowed = int_list(enc, "index_bits_allowed", 0, 32);
    e.delay_bits_max = static_cast<uint32_t>(enc.required_integer("delay_bits_max", ConfigRange::integers(0, 32)));
    e.plastic_fields = enc.boolean("plastic_fields", true);
    e.plastic_in_axon_slots =
        static_cast<uint32_t>(enc.integer("plastic_in_axon_slots", 1, ConfigRange::integers(1, 16)));
    for (auto k : {"cell_bits"})
      if (enc.has(k)) enc.fail(enc.get(k), k, "applies to kind = \"crossbar\" only");
  } else {
    e.cell_bits = static_cast<uint32_t>(enc.required_integer("cell_bits", ConfigRange::integers(1, 64)));
    for (auto k : {"synapses_per_block", "list_header_bits", "word_bits", "index_bits_allowed", "delay_bits_max",
                   "plastic_fields", "plastic_in_axon_slots"})
      if (enc.has(k)) enc.fail(enc.get(k), k, "applies to kind = \"lists\" only");
  }

  const auto pos = ConfigRange::non_negative();
  const ConfigTable en = need("energy");
  en.only_keys({"synaptic_op_pj", "neuron_update_active_pj", "neuron_update_idle_pj", "plastic_update_pj", "message_pj",
                "hop_east_west_pj", "hop_north_south_pj"});
  chip.synaptic_op_pj = read_figure(en, "synaptic_op_pj", pos, true);
  chip.neuron_update_active_pj = read_figure(en, "neuron_update_active_pj", pos, true);
  chip.neuron_update_idle_pj = read_figure(en, "neuron_update_idle_pj", pos, true);
  chip.plastic_update_pj = read_figure(en, "plastic_update_pj", pos, true);
  chip.message_pj = read_figure(en, "message_pj", pos, true);
  chip.hop_east_west_pj = read_figure(en, "hop_east_west_pj", pos, true);
  chip.hop_north_south_pj = read_figure(en, "hop_north_south_pj", pos, true);

  const ConfigTable la = need("latency");
  la.only_keys({"synaptic_op_ns", "neuron_update_active_ns", "neuron_update_idle_ns", "plastic_update_ns", "message_ns",
                "hop_east_west_ns", "hop_north_south_ns", "barrier"});
  chip.synaptic_op_ns = read_figure(la, "synaptic_op_ns", pos, true);
  chip.neuron_update_active_ns = read_figure(la, "neuron_update_active_ns", pos, true);
  chip.neuron_update_idle_ns = read_figure(la, "neuron_update_idle_ns", pos, true);
  chip.plastic_update_ns = read_figure(la, "plastic_update_ns", pos, true);
  chip.message_ns = read_figure(la, "message_ns", pos, true);
  chip.hop_east_west_ns = read_figure(la, "hop_east_west_ns", pos, true);
  chip.hop_north_south_ns = read_figure(la, "hop_north_south_ns", pos, true);
  {
    const toml::node* b = la.get("barrier");
    if (!b)
      la.fail_table(
          "missing required key 'latency.barrier' ({ tiles = [...], ns = [...], source = \"...\" } or "
          "{ unknown = true, source = \"...\" })");
    const toml::table* bt = b->as_table();
    if (!bt) la.fail(b, "barrier", fmt::format("expected a table, got {}", config_type_name(*b)));
    const ConfigTable bc = la.sub(*bt, "barrier");
    bc.only_keys({"tiles", "ns", "unknown", "source"});
    chip.barrier_source.source = bc.required_string("source");
    chip.barrier_source.key = "latency.barrier";
    if (bc.boolean("unknown", false)) {
      chip.barrier_source.known = false;
      if (bc.has("tiles") || bc.has("ns")) bc.fail_table("a barrier is either tiles/ns points or unknown = true");
    } else {
      if (!bc.has("tiles") || !bc.has("ns"))
        bc.fail_table("missing required keys 'latency.barrier.tiles' and 'latency.barrier.ns' (arrays of one length)");
      chip.barrier_tiles = bc.number_array("tiles", ConfigRange::integers(1, kBig));
      chip.barrier_ns = bc.number_array("ns", pos);
      if (chip.barrier_tiles.empty() || chip.barrier_tiles.size() != chip.barrier_ns.size())
        bc.fail(bc.get("ns"), "ns", "tiles and ns must be non-empty arrays of one length");
      if (!std::is_sorted(chip.barrier_tiles.begin(), chip.barrier_tiles.end()) ||
          std::adjacent_find(chip.barrier_tiles.begin(), chip.barrier_tiles.end()) != chip.barrier_tiles.end())
        bc.fail(bc.get("tiles"), "tiles", "tile counts must be strictly increasing");
    }
  }
  return chip;
}

}  // namespace

ChipSpec load_chip(const std::filesystem::path& file) {
  const toml::table doc = parse_config_file(file.string());
  return parse_chip_table(ConfigTable(file.string(), doc, ""));
}

ChipSpec parse_chip(std::string_view toml_text, const std::string& source_name) {
  const toml::table doc = parse_config_text(toml_text, source_name);
  return parse_chip_table(ConfigTable(source_name, doc, ""));
}

}  // namespace hrsnn::mapping

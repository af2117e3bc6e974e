// Chip mapping (core/mapping/): chip files, synapse-memory accounting, fit at the limits,
// placements and their JSON, traffic and its price, all on hand-countable cases.
#include "core/mapping/chip.hpp"
#include "core/mapping/mapper.hpp"
#include "core/mapping/traffic.hpp"
#include "core/network.hpp"
#include "core/run.hpp"
#include "core/spec.hpp"

#include "tests/support/scratch_dir.hpp"

#include <fmt/core.h>
#include <catch2/catch.hpp>

#include <fstream>
#include <string>
#include <utility>
#include <vector>

using namespace hrsnn;
using namespace hrsnn::mapping;

namespace {

struct TinyChip {
  int tiles_x = 2, tiles_y = 2, cores_per_tile = 1, max_chips = 1;
  int neurons = 4;
  int64_t synapse_bits = 1 << 20;
  int input_axons = 4096, output_axons = 4096, dest_cores = 0;
  std::string encoding = R"(kind = "lists"
source = "test"
weight_bits_allowed = [1, 2, 4, 8]
synapses_per_block = 64
list_header_bits = 10
word_bits = 64
index_bits_allowed = [6, 7, 8, 9, 10, 11, 12]
delay_bits_max = 6
plastic_fields = true
plastic_in_axon_slots = 2
)";
};

std::string fig(double v) { return fmt::format("{{ value = {}, source = \"test\" }}", v); }

std::string tiny_chip_text(const TinyChip& c) {
  return fmt::format(R"(format = "hrsnn-chip/1"
name = "tiny"
[mesh]
tiles_x = {}
tiles_y = {}
cores_per_tile = {}
routing = {{ order = "xy", source = "test" }}
max_chips = {}
[core]
neurons = {}
synapse_memory_bits = {}
input_axons = {}
output_axons = {}
dest_cores_per_neuron = {}
[synapse_encoding]
{}
[energy]
synaptic_op_pj = {}
neuron_update_active_pj = {}
neuron_update_idle_pj = {}
plastic_update_pj = {}
message_pj = {}
hop_east_west_pj = {}
hop_north_south_pj = {}
[latency]
synaptic_op_ns = {}
neuron_update_active_ns = {}
neuron_update_idle_ns = {}
plastic_update_ns = {}
message_ns = {}
hop_east_west_ns = {}
hop_north_south_ns = {}
barrier = {{ tiles = [1, 4], ns = [100, 400], source = "test" }}
)",
                     fig(c.tiles_x), fig(c.tiles_y), fig(c.cores_per_tile), fig(c.max_chips), fig(c.neurons),
                     fig(static_cast<double>(c.synapse_bits)), fig(c.input_axons), fig(c.output_axons),
                     fig(c.dest_cores), c.encoding, fig(0.5), fig(1.0), fig(0.0), fig(0.0), fig(0.25), fig(3.0),
                     fig(4.0), fig(1.0), fig(2.0), fig(0.0), fig(0.0), fig(0.5), fig(10.0), fig(20.0));
}

ChipSpec tiny_chip(const TinyChip& c = {}) { return parse_chip(tiny_chip_text(c), "tiny.toml"); }

struct Edge {
  uint32_t pre, post;
  bool plastic = false;
  uint32_t delay_steps = 1;
};

// A MapGraph from an edge list (what make_map_graph builds from a Network).
MapGraph graph_of(uint32_t n, const std::vector<Edge>& edges) {
  MapGraph g;
  g.neurons = n;
  g.out_offset.assign(n + 1, 0);
  g.in_offset.assign(n + 1, 0);
  for (const auto& e : edges) {
    ++g.out_offset[e.pre + 1];
    ++g.in_offset[e.post + 1];
  }
  for (uint32_t i = 0; i < n; ++i) {
    g.out_offset[i + 1] += g.out_offset[i];
    g.in_offset[i + 1] += g.in_offset[i];
  }
  g.out_post.resize(edges.size());
  g.out_attr.resize(edges.size());
  g.in_pre.resize(edges.size());
  g.in_attr.resize(edges.size());
  std::vector<uint64_t> of(g.out_offset.begin(), g.out_offset.end() - 1),
      inf(g.in_offset.begin(), g.in_offset.end() - 1);
  for (const auto& e : edges) {
    const auto attr = static_cast<uint8_t>((e.plastic ? 0x80u : 0u) | delay_field_bits(e.delay_steps));
    g.out_post[of[e.pre]] = e.post;
    g.out_attr[of[e.pre]++] = attr;
    g.in_pre[inf[e.post]] = e.pre;
    g.in_attr[inf[e.post]++] = attr;
  }
  return g;
}

std::vector<Edge> ring(uint32_t n) {
  std::vector<Edge> e;
  for (uint32_t i = 0; i < n; ++i) e.push_back({i, (i + 1) % n});
  return e;
}

// The network mapped with `sequential` and with `partition`, both required to fit every core.
std::pair<MapResult, MapResult> sequential_and_partition(const ChipSpec& chip, const MapGraph& g) {
  MapResult seq = map_network(chip, g, SynapseFields{}, MapOptions{});
  MapOptions po;
  po.strategy = Strategy::Partition;
  MapResult part = map_network(chip, g, SynapseFields{}, po);
  REQUIRE(seq.fit.per_core_fits());
  REQUIRE(part.fit.per_core_fits());
  return {std::move(seq), std::move(part)};
}

// 8 dense clusters of 8 whose members are interleaved in id order (neuron i in cluster i % 8),
// with one edge from each cluster to the next.
std::vector<Edge> interleaved_clusters() {
  std::vector<Edge> clusters;
  for (uint32_t c = 0; c < 8; ++c) {
    for (uint32_t a = 0; a < 8; ++a)
      for (uint32_t b = 0; b < 8; ++b)
        if (a != b) clusters.push_back({a * 8 + c, b * 8 + c});
    clusters.push_back({c, (c + 1) % 8});
  }
  return clusters;
}

}  // namespace

TEST_CASE("map: a ring of 4 on a 2x2 mesh has the hand-counted messages, hops per direction, energy and latency") {
  const ChipSpec chip = tiny_chip();
  const MapGraph g = graph_of(4, ring(4));
  Placement p;
  p.core_of = {0, 1, 2, 3};  // cores (tiles) at (0,0), (1,0), (0,1), (1,1)
  Activity a;
  a.steps = 2;
  a.spikes = {1, 2, 3, 4};
  a.active_fraction = {1, 1, 1, 1};
  const Traffic t = count_traffic(chip, g, p, a);
  CHECK(t.messages == 10);
  CHECK(t.mesh == 10);
  CHECK(t.same_core == 0);
  CHECK(t.same_tile == 0);
  // 0->1 east (x1); 1->2 west + north (x2); 2->3 east (x3); 3->0 west + south (x4).
  CHECK(t.hops_east == 4);
  CHECK(t.hops_west == 6);
  CHECK(t.hops_north == 2);
  CHECK(t.hops_south == 4);
  CHECK(t.message_hops == 16);
  CHECK(message_hops(chip, g, p, a.spikes) == 16);
  CHECK(t.cores[1].synaptic_ops == 1);
  CHECK(t.cores[0].synaptic_ops == 4);

  const StepCost c = price_step(chip, p, t);
  // Per step: 4 neuron updates x 1 + 5 synaptic ops x 0.5 + 5 messages x 0.25 + 5 E-W hops x 3 + 3 N-S hops x 4.
  CHECK(c.energy_pj == Approx(4.0 + 2.5 + 1.25 + 15.0 + 12.0));
  CHECK_FALSE(c.energy_lower_bound);
  // Slowest core 3: update 2 + send 2 x 0.5 = 3 (receive 1.5); longest route 1 x + 1 y = 30; barrier at 4 tiles 400.
  CHECK(c.slowest_core == 3);
  CHECK(c.core_ns == Approx(3.0));
  CHECK(c.mesh_ns == Approx(30.0));
  CHECK(c.tiles_used == 4);
  CHECK(c.barrier_ns == Approx(400.0));
  CHECK(c.latency_ns == Approx(433.0));
}

TEST_CASE("map: messages within a core and within a tile cross no mesh link") {
  TinyChip tc;
  tc.tiles_x = 1;
  tc.tiles_y = 1;
  tc.cores_per_tile = 2;
  const ChipSpec chip = tiny_chip(tc);
  // 0 -> 1 and 0 -> 2: neuron 0's synapses reach its own core and the other core of the tile.
  const MapGraph g = graph_of(3, {{0, 1}, {0, 2}, {1, 2}});
  Placement p;
  p.core_of = {0, 0, 1};
  Activity a;
  a.steps = 1;
  a.spikes = {5, 7, 0};
  const Traffic t = count_traffic(chip, g, p, a);
  CHECK(t.messages == 5 + 5 + 7);
  CHECK(t.same_core == 5);
  CHECK(t.same_tile == 12);
  CHECK(t.mesh == 0);
  CHECK(t.message_hops == 0);
  const FitReport r = account(chip, g, SynapseFields{}, p);
  CHECK(r.dest_cores == std::vector<uint32_t>{2, 1, 0});
  CHECK(r.cores[0].output_axons == 3);
  CHECK(r.cores[1].input_axons == 2);
}

TEST_CASE("map: synapse bits of a list core equal the hand computation") {
  const ChipSpec chip = tiny_chip(TinyChip{.neurons = 128});
  // Neuron 100 (its own core) sends 100 synapses to neurons 0..99 on core 0.
  std::vector<Edge> e;
  for (uint32_t j = 0; j < 100; ++j) e.push_back({100, j});
  Placement p;
  p.core_of.assign(101, 0);
  p.core_of[100] = 1;
  SynapseFields f;
  f.weight_bits = 8;
  f.lr_mant_bits = 4;
  {
    const FitReport r = account(chip, graph_of(101, e), f, p);
    // 100 local targets: index 7 bits; 8 + 7 = 15 bits a synapse. Blocks of 64 and 36:
    // 64 * 15 + 10 = 970 -> 1024; 36 * 15 + 10 = 550 -> 576.
    CHECK(r.cores[0].index_bits == 7);
    CHECK(r.cores[0].synapse_bits == 1024 + 576);
    CHECK(r.cores[0].input_axons == 1);
    CHECK(list_bits(chip.encoding, 100, 15) == 1600);
  }
  for (auto& x : e) {
    x.plastic = true;
    x.delay_steps = 3;  // delay field: 2 bits
  }
  {
    const FitReport r = account(chip, graph_of(101, e), f, p);
    // 8 + 2 (delay) + 2 x 4 (learning rates) + 7 = 25: 64 * 25 + 10 = 1610 -> 1664; 36 * 25 + 10 = 910 -> 960.
    CHECK(r.cores[0].synapse_bits == 1664 + 960);
    CHECK(r.cores[0].input_axons == 2);  // a plastic list takes two input-axon slots
    CHECK(r.widths.delay_bits == 2);
  }
  f.weight_bits = 3;  // rounds up to the chip's 4-bit width
  const FitReport r4 = account(chip, graph_of(101, e), f, p);
  CHECK(r4.widths.weight_bits_stored == 4);
  CHECK(r4.cores[0].synapse_bits == list_bits(chip.encoding, 100, 4 + 2 + 8 + 7));
  f.weight_bits = 9;  // wider than any width the chip offers
  CHECK_FALSE(account(chip, graph_of(101, e), f, p).per_core_fits());
}

TEST_CASE("map: a core fits at exactly each limit and not one over") {
  std::vector<Edge> e;
  for (uint32_t j = 0; j < 4; ++j) e.push_back({4, j});
  const MapGraph g = graph_of(5, e);
  Placement p;
  p.core_of = {0, 0, 0, 0, 1};
  const uint64_t bits = list_bits(tiny_chip().encoding, 4, 8 + 6);  // index 2 bits -> 6
  for (int extra : {0, -1}) {
    TinyChip tc;
    tc.synapse_bits = static_cast<int64_t>(bits) + extra;
    const FitReport r = account(tiny_chip(tc), g, SynapseFields{}, p);
    CHECK(r.cores[0].synapse_bits == bits);
    if (extra == 0) {
      CHECK(r.per_core_fits());
    } else {
      REQUIRE(r.excess.size() == 1);
      CHECK(r.excess[0].limit == Limit::SynapseBits);
      CHECK(r.excess[0].used - r.excess[0].allowed == 1);
    }
  }
  {
    TinyChip tc;
    tc.neurons = 4;
    Placement all = p;
    CHECK(account(tiny_chip(tc), g, SynapseFields{}, all).per_core_fits());
    all.core_of[4] = 0;  // five neurons on core 0
    const FitReport r = account(tiny_chip(tc), g, SynapseFields{}, all);
    REQUIRE_FALSE(r.excess.empty());
    CHECK(r.excess[0].limit == Limit::Neurons);
    CHECK(r.excess[0].used == 5);
    CHECK(r.excess[0].allowed == 4);
  }
  {
    TinyChip tc;
    tc.input_axons = 1;
    tc.output_axons = 1;
    tc.dest_cores = 1;
    CHECK(account(tiny_chip(tc), g, SynapseFields{}, p).per_core_fits());
    // Neuron 4 now reaches cores 0 and 2: two output axons, two destination cores.
    Placement q = p;
    q.core_of[3] = 2;
    const FitReport r = account(tiny_chip(tc), g, SynapseFields{}, q);
    bool out = false, dest = false;
    for (const auto& x : r.excess) {
      out = out || (x.limit == Limit::OutputAxons && x.used == 2);
      dest = dest || (x.limit == Limit::DestCores && x.used == 2);
    }
    CHECK(out);
    CHECK(dest);
  }
}

TEST_CASE("map: sequential fill uses the fewest cores and 4-bit weights need fewer Loihi cores than 8-bit") {
  const ChipSpec chip = load_chip(resolve_chip("loihi1"));
  CHECK(chip.cores_per_chip() == 128);
  const NetworkSpec spec = parse_spec(R"(
[simulation]
seed = 3
[[populations]]
name = "E"
size = 1000
[[projections]]
name = "EE"
pre = "E"
post = "E"
p = 0.5
weight = 0.01
)",
                                      "dense.toml");
  const MapGraph g = make_map_graph(build_network(spec));
  SynapseFields f8, f4;
  f8.weight_bits = 8;
  f4.weight_bits = 4;
  const MapResult r8 = map_network(chip, g, f8, MapOptions{});
  const MapResult r4 = map_network(chip, g, f4, MapOptions{});
  REQUIRE(r8.fit.per_core_fits());
  REQUIRE(r4.fit.per_core_fits());
  CHECK(r4.placement.cores_used() < r8.placement.cores_used());
  // Sequential fill closes a core only when the next neuron would not fit: one fewer core cannot
  // hold the network's synapse bits.
  uint64_t total = 0;
  for (const auto& c : r8.fit.cores) total += c.synapse_bits;
  CHECK(total > (r8.placement.cores_used() - 1) * static_cast<uint64_t>(chip.synapse_memory_bits.value) / 2);
  MapOptions bal;
  bal.strategy = Strategy::Balanced;
  const MapResult rb = map_network(chip, g, f8, bal);
  CHECK(rb.fit.per_core_fits());
  CHECK(rb.placement.cores_used() >= r8.placement.cores_used() - 1);
}

TEST_CASE("map: a placement survives its JSON round trip and a wrong one is refused") {
  const ChipSpec chip = tiny_chip();
  Placement p;
  p.core_of = {3, 0, 2, 2, 1};
  const test::ScratchDir dir("map_placement");
  const std::string file = dir / "placement.json";
  {
    std::ofstream o(file);
    o << placement_to_json(chip, p).dump();
  }
  CHECK(load_placement(file, 5).core_of == p.core_of);
  CHECK_THROWS_WITH(load_placement(file, 6), Catch::Contains("core_of") && Catch::Contains("6 neurons"));
  {
    std::ofstream o(file);
    o << R"({"format": "hrsnn-placement/1", "core_of": [0, -1]})";
  }
  CHECK_THROWS_WITH(load_placement(file, 2), Catch::Contains("core_of[1]"));
}

TEST_CASE("map: partition carries no more inter-core messages x hops than sequential on the test networks") {
  TinyChip tc;
  tc.tiles_x = 4;
  tc.tiles_y = 2;
  tc.neurons = 8;
  const ChipSpec chip = tiny_chip(tc);
  // (a) a ring of 64 in id order; (b) 8 dense clusters of 8 whose members are interleaved in id
  // order (neuron i in cluster i % 8), with one edge from each cluster to the next.
  const std::vector<Edge> clusters = interleaved_clusters();
  // (c) a random graph (p = 0.2, a fixed linear congruential sequence): nothing for METIS to find,
  // so partition may keep sequential's cores, placed on the mesh.
  std::vector<Edge> random_edges;
  uint64_t x = 12345;
  for (uint32_t a = 0; a < 64; ++a)
    for (uint32_t b = 0; b < 64; ++b) {
      x = x * 6364136223846793005ull + 1442695040888963407ull;
      if (a != b && (x >> 33) % 5 == 0) random_edges.push_back({a, b});
    }
  for (const auto& edges : {ring(64), clusters, random_edges}) {
    const MapGraph g = graph_of(64, edges);
    const auto [seq, part] = sequential_and_partition(chip, g);
    const double hs = message_hops(chip, g, seq.placement, {});
    const double hp = message_hops(chip, g, part.placement, {});
    CHECK(hp <= hs);
  }
  // On the clusters sequential mixes every cluster into every core; partition separates them.
  const MapGraph g = graph_of(64, clusters);
  MapOptions po;
  po.strategy = Strategy::Partition;
  CHECK(message_hops(chip, g, map_network(chip, g, SynapseFields{}, po).placement, {}) <
        0.5 * message_hops(chip, g, map_network(chip, g, SynapseFields{}, MapOptions{}).placement, {}));
}

TEST_CASE("map: partition beyond one chip splits by chips then cores, fits and separates the clusters") {
  // 4 cores per chip (2 tiles of 2), 8 neurons per core: the 64 clustered neurons need 8 cores, two chips.
  TinyChip tc;
  tc.tiles_x = 2;
  tc.tiles_y = 1;
  tc.cores_per_tile = 2;
  tc.neurons = 8;
  tc.max_chips = 4;
  const ChipSpec chip = tiny_chip(tc);
  const std::vector<Edge> clusters = interleaved_clusters();
  const MapGraph g = graph_of(64, clusters);
  const auto [seq, part] = sequential_and_partition(chip, g);
  REQUIRE(part.placement.core_ids() > chip.cores_per_chip());
  // Every cluster on one core: only the 8 cluster-to-cluster edges leave a core.
  std::vector<double> ones(64, 1.0);
  const std::vector<double> m = core_messages(g, part.placement, ones);
  const uint32_t k = part.placement.core_ids();
  double inter = 0.0;
  for (uint32_t a = 0; a < k; ++a)
    for (uint32_t b = 0; b < k; ++b)
      if (a != b) inter += m[static_cast<size_t>(a) * k + b];
  CHECK(inter == 8.0);
  CHECK(message_hops(chip, g, part.placement, {}) < 0.5 * message_hops(chip, g, seq.placement, {}));
  // Each chip holds whole clusters: its cores are filled from its own part.
  for (uint32_t c = 0; c < 8; ++c)
    for (uint32_t a = 1; a < 8; ++a) CHECK(part.placement.core_of[a * 8 + c] == part.placement.core_of[c]);
}

TEST_CASE("map: the shipped chip files load with a source for every figure") {
  const auto names = chip_names();
  CHECK(names == std::vector<std::string>{"loihi1", "odin", "truenorth"});
  for (const auto& n : names) {
    const ChipSpec c = load_chip(resolve_chip(n));
    for (const Figure* f : c.figures()) {
      INFO(n << " " << f->key);
      CHECK_FALSE(f->source.empty());
    }
  }
  const ChipSpec tn = load_chip(resolve_chip("truenorth"));
  CHECK(tn.cores_per_chip() == 4096);
  CHECK(tn.dest_cores_per_neuron.value == 1);
  CHECK_FALSE(tn.synaptic_op_pj.known);
  CHECK_THROWS_WITH(resolve_chip("loihi7"), Catch::Contains("loihi1"));
}

TEST_CASE("map: unknown figures are priced at zero and mark the step cost a lower bound") {
  std::string text = tiny_chip_text({});
  const std::string known = "hop_east_west_pj = { value = 3, source = \"test\" }";
  REQUIRE(text.find(known) != std::string::npos);
  text.replace(text.find(known), known.size(), "hop_east_west_pj = { unknown = true, source = \"not published\" }");
  const ChipSpec chip = parse_chip(text, "tiny.toml");
  const MapGraph g = graph_of(4, ring(4));
  Placement p;
  p.core_of = {0, 1, 2, 3};
  Activity a;
  a.steps = 2;
  a.spikes = {1, 2, 3, 4};
  const StepCost c = price_step(chip, p, count_traffic(chip, g, p, a));
  CHECK(c.energy_lower_bound);
  CHECK(c.unknown == std::vector<std::string>{"energy.hop_east_west_pj"});
  CHECK(c.energy_pj == Approx(4.0 + 2.5 + 1.25 + 12.0));
}

TEST_CASE("map: bad chip files are refused naming file, line and key") {
  const std::string good = tiny_chip_text({});
  auto error_of = [](const std::string& text) -> ConfigError {
    try {
      parse_chip(text, "bad.toml");
    } catch (const ConfigError& e) {
      return e;
    }
    FAIL("no error");
    return ConfigError("", 0, "", "");
  };
  auto replaced = [&](const std::string& from, const std::string& to) {
    std::string t = good;
    const auto at = t.find(from);
    REQUIRE(at != std::string::npos);
    t.replace(at, from.size(), to);
    return t;
  };
  {  // missing key
    const ConfigError e = error_of(replaced("neurons = { value = 4, source = \"test\" }\n", ""));
    CHECK(e.file() == "bad.toml");
    CHECK(e.line() > 0);
    CHECK(std::string(e.what()).find("core.neurons") != std::string::npos);
    CHECK(e.message().find("missing") != std::string::npos);
  }
  {  // negative value
    const ConfigError e =
        error_of(replaced("neurons = { value = 4, source = \"test\" }", "neurons = { value = -4, source = \"test\" }"));
    CHECK(e.key_path() == "core.neurons.value");
    CHECK(e.line() == 10);  // the line of [core]'s neurons
    CHECK(e.message().find("out of range") != std::string::npos);
  }
  {  // wrong type
    const ConfigError e = error_of(
        replaced("neurons = { value = 4, source = \"test\" }", "neurons = { value = \"4\", source = \"test\" }"));
    CHECK(e.key_path() == "core.neurons.value");
    CHECK(e.message().find("expected an integer") != std::string::npos);
  }
  {  // a figure without its source
    const ConfigError e = error_of(replaced("neurons = { value = 4, source = \"test\" }", "neurons = { value = 4 }"));
    CHECK(std::string(e.what()).find("core.neurons.source") != std::string::npos);
  }
  {  // a limit cannot be unknown
    const ConfigError e = error_of(
        replaced("neurons = { value = 4, source = \"test\" }", "neurons = { unknown = true, source = \"test\" }"));
    CHECK(e.key_path() == "core.neurons.unknown");
  }
  {  // a negative energy
    const ConfigError e = error_of(replaced("message_pj = { value = 0.25, source = \"test\" }",
                                            "message_pj = { value = -0.25, source = \"test\" }"));
    CHECK(e.key_path() == "energy.message_pj.value");
  }
}

TEST_CASE("map: synaptic ops counted from a run's raster on a placement equal the simulator's own count") {
  const NetworkSpec spec = load_spec(std::string(HRSNN_SOURCE_DIR) + "/examples/hrsnn_small.toml");
  RunOptions opt;
  opt.arith = Arith::Fixed;
  opt.steps = 200;
  const RunResult r = run_spec(spec, opt);
  const Network net = build_network(spec);
  const MapGraph g = make_map_graph(net);
  REQUIRE(g.synapses() == net.synapse_count());
  const ChipSpec chip = load_chip(resolve_chip("loihi1"));
  Activity a;
  a.steps = r.steps;
  a.spikes.assign(net.size(), 0.0);
  for (uint32_t n : r.raster.neuron) a.spikes[n] += 1.0;
  a.plastic_updates = r.counts.total.plastic_updates;
  REQUIRE(r.counts.total.spikes > 0);
  Placement p;  // six of the first eight cores (two tiles), neurons dealt round-robin
  for (uint32_t i = 0; i < net.size(); ++i) p.core_of.push_back(i % 2 == 0 ? i % 8 : 4 + i % 4);
  const Traffic t = count_traffic(chip, g, p, a);
  double ops = 0, plastic = 0;
  for (const auto& c : t.cores) {
    ops += c.synaptic_ops;
    plastic += c.plastic_updates;
  }
  CHECK(ops == static_cast<double>(r.counts.total.synaptic_events));
  CHECK(plastic == Approx(static_cast<double>(r.counts.total.plastic_updates)));
  CHECK(t.messages == t.same_core + t.same_tile + t.mesh);
  CHECK(t.messages <= ops);
}

// Placing a network's neurons on a chip's cores (docs/mapping.md): the synapse-memory accounting
// of each core from the [hardware] register format and the chip's encoding, the per-core limits
// and which one fails by how much, three placement strategies (sequential fill, balanced
// contiguous blocks, a multi-constraint METIS partition placed on the mesh), and the placement
// file (JSON) that can be given back.
#pragma once

#include "core/mapping/chip.hpp"
#include "core/network.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace hrsnn::mapping {

// The per-synapse fields the core stores, from the spec's [hardware] table.
struct SynapseFields {
  int weight_bits = 8;   // stored weight mantissa width (hardware.num_weight_bits)
  int lr_mant_bits = 4;  // one learning-rate mantissa; a plastic synapse stores two (eta_plus, eta_minus)
};

// The network's connectivity as the mapper reads it: every projection merged into one CSR by
// presynaptic neuron and one by postsynaptic neuron. attr = plastic << 7 | delay-field bits.
struct MapGraph {
  uint32_t neurons = 0;
  std::vector<uint64_t> out_offset;  // neurons + 1
  std::vector<uint32_t> out_post;
  std::vector<uint8_t> out_attr;
  std::vector<uint64_t> in_offset;  // neurons + 1
  std::vector<uint32_t> in_pre;
  std::vector<uint8_t> in_attr;
  uint64_t synapses() const { return out_post.size(); }
  static bool plastic(uint8_t attr) { return (attr & 0x80u) != 0; }
  static uint32_t delay_bits(uint8_t attr) { return attr & 0x7fu; }
};

MapGraph make_map_graph(const Network& net);
// Bits a delay of `delay_steps` needs in a per-synapse delay field (delay 1 = the next step = 0 bits).
uint32_t delay_field_bits(uint32_t delay_steps);

// Where every neuron sits. Core ids are positions on the mesh (core_position()).
struct Placement {
  std::vector<uint32_t> core_of;  // per neuron
  uint32_t core_ids() const;      // largest core id + 1 (0 for no neurons)
  uint32_t cores_used() const;    // distinct cores holding a neuron
};

struct CorePosition {
  uint32_t chip = 0, tile = 0, x = 0, y = 0;  // tile: system-wide tile index; x, y: tile coordinates
};
// Core c: chip c / cores_per_chip; tile inside the chip row-major over tiles_x; chips side by side
// along x (the mesh extended east).
CorePosition core_position(const ChipSpec& chip, uint32_t core);

enum class Limit { Neurons, SynapseBits, InputAxons, OutputAxons, DestCores };
std::string_view to_string(Limit limit);
constexpr Limit kLimits[] = {Limit::Neurons, Limit::SynapseBits, Limit::InputAxons, Limit::OutputAxons,
                             Limit::DestCores};

struct CoreUsage {
  uint64_t neurons = 0;
  uint64_t synapses = 0;
  uint64_t synapse_bits = 0;
  uint64_t input_axons = 0;     // input-axon slots (a list with plastic synapses may take more than one)
  uint64_t output_axons = 0;    // (neuron, destination core) pairs of the core's neurons
  uint64_t max_dest_cores = 0;  // most destination cores of one neuron on this core
  uint32_t index_bits = 0;      // target-index width of this core's lists
  uint64_t used(Limit l) const;
};

// The widths every synapse of the network needs, checked against the chip once.
struct Widths {
  int weight_bits_needed = 0;
  int weight_bits_stored = 0;         // rounded up to the chip's offered widths (0: none is wide enough)
  uint32_t delay_bits = 0;            // widest delay field of the network
  std::vector<std::string> problems;  // widths the chip cannot store at any core count
};
Widths check_widths(const ChipSpec& chip, const MapGraph& g, const SynapseFields& fields);

// Synapse-memory bits of one list (one presynaptic neuron's synapses on one core) of `count`
// synapses whose per-synapse fields total `bits_per_synapse` (Lists encoding).
uint64_t list_bits(const SynapseEncoding& enc, uint64_t count, uint64_t bits_per_synapse);

struct Excess {
  Limit limit = Limit::Neurons;
  uint32_t core = 0;  // the core over it by the most
  uint64_t used = 0, allowed = 0;
  uint32_t cores_over = 0;  // how many cores exceed it
};

struct FitReport {
  std::vector<CoreUsage> cores;      // per core id
  std::vector<uint32_t> dest_cores;  // per neuron: distinct destination cores
  Widths widths;
  std::vector<Excess> excess;  // per limit that some core exceeds, worst first (by used / allowed)
  bool per_core_fits() const { return excess.empty() && widths.problems.empty(); }
  uint64_t limit_value(Limit l) const;
  uint64_t limits[5] = {0, 0, 0, 0, 0};  // per Limit (0 for DestCores = no limit)
};

FitReport account(const ChipSpec& chip, const MapGraph& g, const SynapseFields& fields, const Placement& p);

// Per limit, its fullest core and that core's use (allowed 0: the limit has no bound).
struct LimitUse {
  Limit limit = Limit::Neurons;
  uint64_t allowed = 0, max_used = 0;
  uint32_t max_core = 0;
};
std::vector<LimitUse> limit_use(const FitReport& fit);
// The limit closest to (or furthest over) its bound on its fullest core: the binding one
// (null when no limit has a bound).
const LimitUse* binding_limit(const std::vector<LimitUse>& use);

enum class Strategy { Sequential, Balanced, Partition, File };
std::string_view to_string(Strategy s);

struct MapOptions {
  Strategy strategy = Strategy::Sequential;
  std::optional<uint32_t> cores;  // balanced / partition: this many cores, fitting or not
  std::vector<double> spikes;     // per neuron (may be empty): traffic weights for partition
  uint32_t seed = 1;              // METIS seed
};

struct MapResult {
  Placement placement;
  FitReport fit;
  std::vector<std::string> notes;  // how the search went, in sentences
};

// Places the network. Without options.cores the search looks for the smallest number of cores
// at which every core fits (per strategy); if none fits up to the chip's max_chips, the last
// attempt is returned with its excess.
MapResult map_network(const ChipSpec& chip, const MapGraph& g, const SynapseFields& fields, const MapOptions& options);

// The smallest core counts each limit allows alone (sums over the network / the per-core limit;
// synapse bits counted without list headers), a lower bound on any placement.
struct LowerBounds {
  uint64_t neurons = 0, synapse_bits = 0;
};
LowerBounds lower_bounds(const ChipSpec& chip, const MapGraph& g, const SynapseFields& fields);

// Mesh placement: core ids for `parts` groups of neurons minimising sum traffic x Manhattan
// distance (greedy, then pairwise swaps). traffic is parts x parts, row-major, messages a -> b.
std::vector<uint32_t> place_on_mesh(const ChipSpec& chip, uint32_t parts, const std::vector<double>& traffic);

// Placement file: {"format": "hrsnn-placement/1", "chip", "neurons", "core_of": [...]}.
nlohmann::json placement_to_json(const ChipSpec& chip, const Placement& p);
// Throws ConfigError (file, key) when the file is not a placement for `neurons` neurons.
Placement load_placement(const std::filesystem::path& file, uint32_t neurons);
Placement placement_from_json(const nlohmann::json& j, uint32_t neurons, const std::string& source);

}  // namespace hrsnn::mapping

// Chip descriptions as data (data/chips/*.toml, docs/mapping.md): the mesh, the per-core limits,
// the synapse-memory encoding, and per-event energy and latency, every figure with its source.
// A figure no publication gives is marked unknown: the mapper then prices it at zero and says
// that the total is a lower bound. Facts and sources: shared research notes, chip-architecture.md.
#pragma once

#include "core/foundation/config_error.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace hrsnn::mapping {

// One number of a chip file with its source. `known == false`: no published value (value 0).
struct Figure {
  double value = 0.0;
  bool known = true;
  std::string source;
  std::string key;  // "energy.hop_east_west_pj": where the figure sits in the chip file
};

// Dimension-order routing: X then Y (Loihi as SANA-FE models it, TrueNorth), or Y then X. The
// hop counts per direction are the same either way; the order fixes the route.
enum class Routing { XY, YX };

// How a core stores the synapses placed on it (docs/mapping.md, "Synapse memory").
enum class EncodingKind {
  // Loihi: one list per input axon, in blocks of up to `synapses_per_block` synapses, each block a
  // `list_header_bits` header plus per synapse weight + delay + plasticity fields + target index,
  // rounded up to `word_bits`.
  Lists,
  // TrueNorth / ODIN: a crossbar row of `cell_bits` per core neuron for every input axon used.
  Crossbar,
};

struct SynapseEncoding {
  EncodingKind kind = EncodingKind::Lists;
  std::vector<int> weight_bits_allowed;   // stored weight widths the chip offers (a width rounds up)
  bool weights_in_synapse_memory = true;  // false: weights live elsewhere (TrueNorth axon types)
  // Lists only.
  uint32_t synapses_per_block = 64;
  uint32_t list_header_bits = 10;
  uint32_t word_bits = 64;
  std::vector<int> index_bits_allowed;  // target-index widths (a width rounds up)
  uint32_t delay_bits_max = 0;          // widest per-synapse delay field
  bool plastic_fields = true;           // per-synapse learning-rate mantissas stored with the weight
  uint32_t plastic_in_axon_slots = 1;   // input-axon slots a list with plastic synapses takes
  // Crossbar only.
  uint32_t cell_bits = 1;
  Figure source;  // where the encoding is described
};

struct ChipSpec {
  std::string file;  // where it was read from ("<string>" for text)
  std::string name;
  std::string description;

  // Mesh: tiles_x * tiles_y tiles per chip, cores_per_tile cores per tile (router).
  Figure tiles_x, tiles_y, cores_per_tile;
  Routing routing = Routing::XY;
  Figure routing_source;
  Figure max_chips;  // chips a system may join, the mesh extended along x

  // Per-core limits. dest_cores_per_neuron 0 = no limit (TrueNorth: 1).
  Figure neurons_per_core, synapse_memory_bits, input_axons, output_axons, dest_cores_per_neuron;
  SynapseEncoding encoding;

  // Energy per event, pJ.
  Figure synaptic_op_pj, neuron_update_active_pj, neuron_update_idle_pj, plastic_update_pj;
  Figure message_pj;  // every spike message, routed within its source tile
  Figure hop_east_west_pj, hop_north_south_pj;
  // Latency per event, ns.
  Figure synaptic_op_ns, neuron_update_active_ns, neuron_update_idle_ns, plastic_update_ns;
  Figure message_ns, hop_east_west_ns, hop_north_south_ns;
  // Barrier: ns at a number of tiles in use, interpolated linearly, held beyond the last point.
  std::vector<double> barrier_tiles, barrier_ns;
  Figure barrier_source;

  uint32_t cores_per_chip() const;
  uint32_t tiles_per_chip() const;
  // Every figure with its key, for reports.
  std::vector<const Figure*> figures() const;
};

// The directory of the shipped chip files: <source_dir()>/data/chips.
std::filesystem::path chips_dir();
// NAME (a file data/chips/NAME.toml) or a path to a chip file.
std::filesystem::path resolve_chip(const std::string& name_or_file);
// Shipped chip names (file stems of data/chips/*.toml), sorted.
std::vector<std::string> chip_names();

// Reads and validates a chip file; every error is a ConfigError naming file, line and key.
ChipSpec load_chip(const std::filesystem::path& file);
ChipSpec parse_chip(std::string_view toml_text, const std::string& source_name);

}  // namespace hrsnn::mapping

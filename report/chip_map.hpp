// The report's chip mapping (docs/mapping.md, docs/report.md): the example networks placed on
// Loihi 1 with core/mapping exactly as `hrsnn map` places them. The fit at each weight width, and
// at the spec's own width the sequential placement's per-core occupancy, its traffic between
// cores and the energy and time of a step, counted from the fixed run's spikes (the report's run,
// not a new one), beside partition's messages x hops.
#pragma once

#include "core/mapping/chip.hpp"
#include "core/mapping/mapper.hpp"
#include "core/mapping/traffic.hpp"
#include "report/runs.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace hrsnn::report {

constexpr const char* kMapChip = "loihi1";
constexpr int kMapWeightBits[] = {8, 4, 2};

// The sequential fill at one weight width (`hrsnn map SPEC --chip loihi1 --weight-bits B --no-run`).
struct WidthFit {
  int weight_bits = 0;
  int weight_bits_stored = 0;
  uint32_t cores = 0, chips = 0;
  bool fits = false;  // every core within its limits and every width storable
  mapping::LowerBounds lower;
  std::optional<mapping::LimitUse> binding;
  std::vector<std::string> problems;  // widths the chip cannot store
};

struct NetworkMap {
  std::string network, label;  // of the fixed run whose spikes are counted
  uint32_t neurons = 0;
  uint64_t synapses = 0;
  int weight_bits = 0;  // the spec's [hardware] width: the placement priced below
  int lr_mant_bits = 0;
  std::vector<WidthFit> fits;  // one per kMapWeightBits
  // Sequential at the spec's width, with the run's traffic and the step's price.
  mapping::MapResult map;
  std::vector<mapping::LimitUse> limits;
  std::optional<mapping::LimitUse> binding;
  mapping::Traffic traffic;
  mapping::StepCost cost;
  std::vector<double> core_messages;  // core_ids x core_ids over the run (mapping::core_messages)
  double message_hops = 0.0;          // inter-core messages x hops, sequential
  // Partition (METIS's parts, or sequential's cores when they carry no less; docs/mapping.md), same width and spikes.
  uint32_t partition_cores = 0;
  bool partition_fits = false;
  double partition_message_hops = 0.0;
  double partition_inter_core_messages = 0.0;
  double inter_core_messages = 0.0;  // sequential
};

struct ChipMapping {
  mapping::ChipSpec chip;
  std::vector<NetworkMap> networks;
  double wall_s = 0.0;
};

// Maps the fixed runs of `runs` (one per network) on `chip_name`.
ChipMapping map_examples(const std::vector<ExampleRun>& runs, const std::string& chip_name = kMapChip);

// The figures' data (mesh occupancy, traffic between cores) and summary.json's "chip_mapping".
nlohmann::ordered_json chip_map_figure_data(const ChipMapping& m);
nlohmann::json chip_map_to_json(const ChipMapping& m);

}  // namespace hrsnn::report

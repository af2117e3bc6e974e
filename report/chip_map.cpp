#include "report/chip_map.hpp"

#include <chrono>

namespace hrsnn::report {

using namespace hrsnn::mapping;

namespace {

double inter_core(const std::vector<double>& m, uint32_t k) {
  double s = 0.0;
  for (uint32_t a = 0; a < k; ++a)
    for (uint32_t b = 0; b < k; ++b)
      if (a != b) s += m[static_cast<size_t>(a) * k + b];
  return s;
}

nlohmann::json limit_json(const LimitUse& u) {
  return {{"limit", to_string(u.limit)}, {"used", u.max_used}, {"allowed", u.allowed}, {"core", u.max_core}};
}

}  // namespace

ChipMapping map_examples(const std::vector<ExampleRun>& runs, const std::string& chip_name) {
  const auto t0 = std::chrono::steady_clock::now();
  ChipMapping out;
  out.chip = load_chip(resolve_chip(chip_name));
  const ChipSpec& chip = out.chip;
  for (const auto& r : runs) {
    if (r.arith != Arith::Fixed) continue;
    NetworkMap nm;
    nm.network = r.network;
    nm.label = r.label;
    const Network& net = *r.net;
    const MapGraph g = make_map_graph(net);
    nm.neurons = g.neurons;
    nm.synapses = g.synapses();
    SynapseFields fields;
    fields.weight_bits = r.hardware.format.num_weight_bits;
    fields.lr_mant_bits = r.hardware.format.lr_mant_bits;
    nm.weight_bits = fields.weight_bits;
    nm.lr_mant_bits = fields.lr_mant_bits;

    // The fit at each width: what `hrsnn map --weight-bits B` gives (sequential fill).
    for (int bits : kMapWeightBits) {
      SynapseFields f = fields;
      f.weight_bits = bits;
      const MapResult m = map_network(chip, g, f, MapOptions{});
      WidthFit w;
      w.weight_bits = bits;
      w.weight_bits_stored = m.fit.widths.weight_bits_stored;
      w.cores = m.placement.cores_used();
      w.chips = (m.placement.core_ids() + chip.cores_per_chip() - 1) / chip.cores_per_chip();
      w.fits = m.fit.per_core_fits();
      w.lower = lower_bounds(chip, g, f);
      const auto use = limit_use(m.fit);
      if (const LimitUse* b = binding_limit(use)) w.binding = *b;
      w.problems = m.fit.widths.problems;
      nm.fits.push_back(std::move(w));
    }

    // The spec's own width: sequential placement, the run's traffic on it, a step's price.
    const Activity act = activity_of(net, r.result);
    MapOptions mo;
    mo.spikes = act.spikes;
    nm.map = map_network(chip, g, fields, mo);
    nm.limits = limit_use(nm.map.fit);
    if (const LimitUse* b = binding_limit(nm.limits)) nm.binding = *b;
    nm.traffic = count_traffic(chip, g, nm.map.placement, act);
    nm.cost = price_step(chip, nm.map.placement, nm.traffic);
    nm.core_messages = core_messages(g, nm.map.placement, act.spikes);
    nm.message_hops = message_hops(chip, g, nm.map.placement, act.spikes);
    nm.inter_core_messages = inter_core(nm.core_messages, nm.map.placement.core_ids());

    mo.strategy = Strategy::Partition;
    const MapResult part = map_network(chip, g, fields, mo);
    nm.partition_cores = part.placement.cores_used();
    nm.partition_fits = part.fit.per_core_fits();
    nm.partition_message_hops = message_hops(chip, g, part.placement, act.spikes);
    nm.partition_inter_core_messages =
        inter_core(core_messages(g, part.placement, act.spikes), part.placement.core_ids());
    out.networks.push_back(std::move(nm));
  }
  out.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

nlohmann::ordered_json chip_map_figure_data(const ChipMapping& m) {
  const ChipSpec& chip = m.chip;
  nlohmann::ordered_json d;
  d["chip"] = chip.name;
  d["tiles_x"] = static_cast<uint32_t>(chip.tiles_x.value);
  d["tiles_y"] = static_cast<uint32_t>(chip.tiles_y.value);
  d["cores_per_tile"] = static_cast<uint32_t>(chip.cores_per_tile.value);
  d["networks"] = nlohmann::ordered_json::array();
  for (const auto& nm : m.networks) {
    const uint32_t k = nm.map.placement.core_ids();
    const double steps = nm.traffic.steps ? static_cast<double>(nm.traffic.steps) : 1.0;
    nlohmann::ordered_json j;
    j["network"] = nm.network;
    j["label"] = nm.label;
    j["weight_bits"] = nm.weight_bits;
    j["binding_limit"] = nm.binding ? nlohmann::ordered_json(std::string(to_string(nm.binding->limit)))
                                    : nlohmann::ordered_json(nullptr);
    j["chips"] = (k + chip.cores_per_chip() - 1) / chip.cores_per_chip();
    // Per core in use: its mesh position, its slot in the tile, and its fill of the binding limit.
    j["cores"] = nlohmann::ordered_json::array();
    for (uint32_t c = 0; c < k; ++c) {
      const CoreUsage& u = nm.map.fit.cores[c];
      if (u.neurons == 0) continue;
      const CorePosition pos = core_position(chip, c);
      const double fill = nm.binding && nm.binding->allowed > 0 ? static_cast<double>(u.used(nm.binding->limit)) /
                                                                      static_cast<double>(nm.binding->allowed)
                                                                : 0.0;
      j["cores"].push_back({{"core", c},
                            {"x", pos.x},
                            {"y", pos.y},
                            {"slot", c % static_cast<uint32_t>(chip.cores_per_tile.value)},
                            {"neurons", u.neurons},
                            {"fill", fill}});
    }
    // Messages per step between the cores in use (row: source core, column: destination core).
    std::vector<uint32_t> used;
    for (uint32_t c = 0; c < k; ++c)
      if (nm.map.fit.cores[c].neurons > 0) used.push_back(c);
    j["traffic_cores"] = used;
    nlohmann::ordered_json rows = nlohmann::ordered_json::array();
    for (uint32_t a : used) {
      std::vector<double> row;
      for (uint32_t b : used) row.push_back(nm.core_messages[static_cast<size_t>(a) * k + b] / steps);
      rows.push_back(row);
    }
    j["traffic_per_step"] = rows;
    d["networks"].push_back(std::move(j));
  }
  return d;
}

nlohmann::json chip_map_to_json(const ChipMapping& m) {
  nlohmann::json j;
  j["chip"] = m.chip.name;
  j["chip_file"] = m.chip.file;
  j["placement"] = "sequential";
  j["wall_s"] = m.wall_s;
  j["networks"] = nlohmann::json::array();
  for (const auto& nm : m.networks) {
    nlohmann::json jn;
    jn["network"] = nm.network;
    jn["arith"] = "fixed";
    jn["neurons"] = nm.neurons;
    jn["synapses"] = nm.synapses;
    jn["weight_bits"] = nm.weight_bits;
    jn["lr_mant_bits"] = nm.lr_mant_bits;
    jn["fit_by_weight_bits"] = nlohmann::json::array();
    for (const auto& w : nm.fits)
      jn["fit_by_weight_bits"].push_back(
          {{"weight_bits", w.weight_bits},
           {"weight_bits_stored", w.weight_bits_stored},
           {"cores_used", w.cores},
           {"chips", w.chips},
           {"per_core_fits", w.fits},
           {"lower_bounds", {{"neurons", w.lower.neurons}, {"synapse_bits", w.lower.synapse_bits}}},
           {"binding_limit", w.binding ? limit_json(*w.binding) : nlohmann::json()},
           {"width_problems", w.problems}});
    jn["cores_used"] = nm.map.placement.cores_used();
    jn["per_core_fits"] = nm.map.fit.per_core_fits();
    jn["binding_limit"] = nm.binding ? limit_json(*nm.binding) : nlohmann::json();
    jn["core_messages_per_step"] = nlohmann::json::array();
    const uint32_t k = nm.map.placement.core_ids();
    const double steps = nm.traffic.steps ? static_cast<double>(nm.traffic.steps) : 1.0;
    for (uint32_t a = 0; a < k; ++a) {
      std::vector<double> row;
      for (uint32_t b = 0; b < k; ++b) row.push_back(nm.core_messages[static_cast<size_t>(a) * k + b] / steps);
      jn["core_messages_per_step"].push_back(row);
    }
    jn["inter_core_message_hops"] = nm.message_hops;
    jn["traffic"] = traffic_to_json(nm.traffic);
    jn["step"] = step_cost_to_json(nm.cost);
    jn["partition"] = {{"cores_used", nm.partition_cores},
                       {"per_core_fits", nm.partition_fits},
                       {"inter_core_messages", nm.partition_inter_core_messages},
                       {"inter_core_message_hops", nm.partition_message_hops}};
    jn["inter_core_messages"] = nm.inter_core_messages;
    j["networks"].push_back(std::move(jn));
  }
  return j;
}

}  // namespace hrsnn::report

#include "report/chip_map.hpp"
#include "report/sections.hpp"

#include <fmt/core.h>

#include <filesystem>

namespace hrsnn::report {

using namespace hrsnn::mapping;

namespace {

std::string limit_cell(const std::optional<LimitUse>& b) {
  if (!b) return "&ndash;";
  return fmt::format("{} {} of {} ({:.1f}%, core {})", to_string(b->limit), b->max_used, b->allowed,
                     100.0 * static_cast<double>(b->max_used) / static_cast<double>(b->allowed), b->max_core);
}

std::string percent_change(double now, double base) {
  if (base <= 0) return now > 0 ? "sequential 0" : "both 0";
  return fmt::format("{:+.1f}%", 100.0 * (now - base) / base);
}

}  // namespace

std::string chip_map_section(const PageInputs& in) {
  std::string h = "<h2 id=\"mapping\">5. Chip mapping: the examples on Loihi 1</h2>\n";
  if (!in.chip_map || in.chip_map->networks.empty())
    return h + nodata("The chip mapping needs the fixed-point runs of section 1.");
  const ChipMapping& m = *in.chip_map;
  const ChipSpec& chip = m.chip;
  h += fmt::format(
      "<p>The fixed-point runs of section 1 placed on <code>{}</code> (<code>data/chips/{}</code>: {} x {} tiles of {} "
      "cores, per core {} neurons, {} synapse-memory bits, {} input and {} output axons) with "
      "<code>core/mapping</code>, exactly as <code>hrsnn map SPEC --chip {}</code> places them: neurons in id "
      "order fill a core until a limit would be exceeded (<code>sequential</code>). The spikes of each run "
      "({} steps) give the messages between cores, one per spike and distinct destination core; the work of every "
      "core is priced under the chip file's figures. <code>docs/mapping.md</code> states the accounting, the "
      "energy and the latency model.</p>\n",
      html::escape(chip.name), html::escape(std::filesystem::path(chip.file).filename().string()), chip.tiles_x.value,
      chip.tiles_y.value, chip.cores_per_tile.value, chip.neurons_per_core.value, chip.synapse_memory_bits.value,
      chip.input_axons.value, chip.output_axons.value, html::escape(chip.name), in.steps);

  // The fit under each weight width.
  h += "<h3>Fit under each weight width</h3>\n<table><thead><tr><th>network</th><th>weight bits (stored)</th>"
       "<th>cores</th><th>chips</th><th>lower bound: neurons / synapse memory</th><th>binding limit: fullest "
       "core</th><th>fits</th></tr></thead><tbody>\n";
  for (const auto& nm : m.networks)
    for (const auto& w : nm.fits) {
      std::string fits = w.fits ? "yes" : "no";
      for (const auto& p : w.problems) fits += "; " + html::escape(p);
      h += fmt::format(
          "<tr><td>{}</td><td class=\"num\">{} ({})</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
          "<td class=\"num\">{} / {}</td><td>{}</td><td>{}</td></tr>\n",
          html::escape(nm.label), w.weight_bits, w.weight_bits_stored, w.cores, w.chips, w.lower.neurons,
          w.lower.synapse_bits, limit_cell(w.binding), fits);
    }
  h += "</tbody></table>\n";
  h += "<p class=\"note\">";
  for (const auto& nm : m.networks)
    h += fmt::format("{}: {} neurons, {} synapses, plastic synapses store 2 x {} learning-rate bits. ",
                     html::escape(nm.label), nm.neurons, nm.synapses, nm.lr_mant_bits);
  h += "The synapse memory of a plastic network is dominated by those fields, so a narrower weight saves little "
       "there.</p>\n";

  // Occupancy and traffic at the spec's own width.
  std::string widths;
  for (const auto& nm : m.networks)
    widths += (widths.empty() ? "" : ", ") + fmt::format("{} {} bits", html::escape(nm.label), nm.weight_bits);
  h += figure(in.figs, "chip_occupancy", "core occupancy on the mesh",
              fmt::format("Core occupancy on the {} mesh at each spec's own weight width ({}): each tile a square "
                          "of its {} cores, each core coloured by its fill of the binding limit (named above each "
                          "panel); blank cores hold no neuron.",
                          html::escape(chip.name), widths, chip.cores_per_tile.value));
  h += figure(in.figs, "chip_traffic", "spike messages between cores",
              "Spike messages per step between the cores in use (row: source core, column: destination core; the "
              "diagonal stays within its core).");

  h += "<h3>Traffic and the price of a step</h3>\n<table><thead><tr><th></th>";
  for (const auto& nm : m.networks) h += "<th>" + html::escape(nm.label) + "</th>";
  h += "</tr></thead><tbody>\n";
  auto row = [&](const std::string& name, auto&& value) {
    h += "<tr><td>" + name + "</td>";
    for (const auto& nm : m.networks) h += "<td class=\"num\">" + value(nm) + "</td>";
    h += "</tr>\n";
  };
  auto group = [&](const std::string& name) {
    h += fmt::format("<tr class=\"group\"><td colspan=\"{}\">{}</td></tr>\n", m.networks.size() + 1, name);
  };
  auto per_step = [](const NetworkMap& nm, double total) {
    return total / static_cast<double>(nm.traffic.steps ? nm.traffic.steps : 1);
  };
  group("Placement (sequential, the spec's width)");
  row("cores used / tiles",
      [](const NetworkMap& nm) { return fmt::format("{} / {}", nm.map.placement.cores_used(), nm.cost.tiles_used); });
  row("binding limit", [](const NetworkMap& nm) { return limit_cell(nm.binding); });
  group("Messages per step");
  row("all", [&](const NetworkMap& nm) { return fmt::format("{:.4g}", per_step(nm, nm.traffic.messages)); });
  row("within a core", [&](const NetworkMap& nm) { return fmt::format("{:.4g}", per_step(nm, nm.traffic.same_core)); });
  row("within a tile", [&](const NetworkMap& nm) { return fmt::format("{:.4g}", per_step(nm, nm.traffic.same_tile)); });
  row("over the mesh", [&](const NetworkMap& nm) { return fmt::format("{:.4g}", per_step(nm, nm.traffic.mesh)); });
  row("messages x hops",
      [&](const NetworkMap& nm) { return fmt::format("{:.4g}", per_step(nm, nm.traffic.message_hops)); });
  group(
      "Partition (METIS's parts or, when they do not carry less, sequential's cores; placed on the mesh) "
      "against sequential, same spikes");
  row("cores used", [](const NetworkMap& nm) {
    return fmt::format("{}{}", nm.partition_cores, nm.partition_fits ? "" : " (does not fit)");
  });
  row("inter-core messages per step", [&](const NetworkMap& nm) {
    return fmt::format("{:.4g} vs {:.4g} ({})", per_step(nm, nm.partition_inter_core_messages),
                       per_step(nm, nm.inter_core_messages),
                       percent_change(nm.partition_inter_core_messages, nm.inter_core_messages));
  });
  row("messages x hops per step", [&](const NetworkMap& nm) {
    return fmt::format("{:.4g} vs {:.4g} ({})", per_step(nm, nm.partition_message_hops), per_step(nm, nm.message_hops),
                       percent_change(nm.partition_message_hops, nm.message_hops));
  });
  group("Energy per step (pJ): count per step x figure");
  for (size_t t = 0; t < m.networks.front().cost.energy.size(); ++t)
    row("<code>" + html::escape(m.networks.front().cost.energy[t].name) + "</code>", [t](const NetworkMap& nm) {
      const PricedTerm& pt = nm.cost.energy[t];
      return fmt::format("{:.4g} x {} = {:.4g}", pt.count_per_step, pt.known ? fmt::format("{:g}", pt.unit) : "?",
                         pt.count_per_step * pt.unit);
    });
  row("<b>total</b>", [](const NetworkMap& nm) {
    return fmt::format("<b>{}{:.4g}</b>", nm.cost.energy_lower_bound ? "&ge; " : "", nm.cost.energy_pj);
  });
  group("Time per step (ns): slowest core + mesh + barrier");
  row("slowest core: max(update and send, receive)", [](const NetworkMap& nm) {
    return fmt::format("core {}: max({:.4g}, {:.4g})", nm.cost.slowest_core, nm.cost.core_update_send_ns,
                       nm.cost.core_receive_ns);
  });
  row("mesh traversal", [](const NetworkMap& nm) { return fmt::format("{:.4g}", nm.cost.mesh_ns); });
  row("barrier",
      [](const NetworkMap& nm) { return fmt::format("{:.4g} ({} tiles)", nm.cost.barrier_ns, nm.cost.tiles_used); });
  row("<b>total</b>", [](const NetworkMap& nm) {
    return fmt::format("<b>{}{:.4g}</b>", nm.cost.latency_lower_bound ? "&ge; " : "", nm.cost.latency_ns);
  });
  h += "</tbody></table>\n";
  std::string unknown;
  for (const auto& nm : m.networks)
    for (const auto& u : nm.cost.unknown)
      if (unknown.find(u) == std::string::npos) unknown += (unknown.empty() ? "" : ", ") + u;
  h += "<p class=\"note\">";
  if (!unknown.empty())
    h += "Figures the chip file marks unknown, priced at 0 (the totals marked &ge; are lower bounds): <code>" +
         html::escape(unknown) + "</code>. ";
  h += fmt::format(
      "No static power, no congestion. External input drives the neurons directly and is not routed. Mapping "
      "took {:.2f} s for both networks, all widths and the partition.</p>\n",
      m.wall_s);
  return h;
}

}  // namespace hrsnn::report

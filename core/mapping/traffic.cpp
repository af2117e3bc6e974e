#include "core/mapping/traffic.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>

namespace hrsnn::mapping {

namespace {

// Calls f(i, core, synapses) once per (neuron with weight > 0, distinct destination core).
template <typename F>
void for_each_list(const MapGraph& g, const Placement& p, const std::vector<double>& weight, F&& f) {
  const uint32_t k = p.core_ids();
  std::vector<uint32_t> stamp(k, 0), touched;
  std::vector<uint64_t> cnt(k, 0);
  for (uint32_t i = 0; i < g.neurons; ++i) {
    if (weight[i] <= 0.0) continue;
    touched.clear();
    for (uint64_t s = g.out_offset[i]; s < g.out_offset[i + 1]; ++s) {
      const uint32_t c = p.core_of[g.out_post[s]];
      if (stamp[c] != i + 1) {
        stamp[c] = i + 1;
        cnt[c] = 0;
        touched.push_back(c);
      }
      ++cnt[c];
    }
    for (uint32_t c : touched) f(i, c, cnt[c]);
  }
}

}  // namespace

Activity activity_of(const Network& net, const RunResult& r) {
  Activity act;
  act.steps = r.steps;
  act.spikes.assign(net.size(), 0.0);
  for (uint32_t n : r.raster.neuron) act.spikes[n] += 1.0;
  act.active_fraction.assign(net.size(), 1.0);
  for (uint32_t i = 0; i < net.size(); ++i) {
    const EventCounts& pc = r.counts.per_population[net.population_of[i]];
    const double all = static_cast<double>(pc.neuron_updates());
    act.active_fraction[i] = all > 0 ? static_cast<double>(pc.neuron_updates_active) / all : 0.0;
  }
  act.plastic_updates = r.counts.total.plastic_updates;
  return act;
}

std::vector<double> core_messages(const MapGraph& g, const Placement& p, const std::vector<double>& spikes) {
  const size_t k = p.core_ids();
  std::vector<double> m(k * k, 0.0);
  if (spikes.empty()) return m;
  for_each_list(g, p, spikes, [&](uint32_t i, uint32_t c, uint64_t) { m[p.core_of[i] * k + c] += spikes[i]; });
  return m;
}

double message_hops(const ChipSpec& chip, const MapGraph& g, const Placement& p, const std::vector<double>& spikes) {
  const std::vector<double> ones(spikes.empty() ? g.neurons : 0, 1.0);
  const std::vector<double>& w = spikes.empty() ? ones : spikes;
  double total = 0.0;
  for_each_list(g, p, w, [&](uint32_t i, uint32_t c, uint64_t) {
    const CorePosition a = core_position(chip, p.core_of[i]), b = core_position(chip, c);
    const auto hops = std::abs(static_cast<int64_t>(a.x) - static_cast<int64_t>(b.x)) +
                      std::abs(static_cast<int64_t>(a.y) - static_cast<int64_t>(b.y));
    total += w[i] * static_cast<double>(hops);
  });
  return total;
}

Traffic count_traffic(const ChipSpec& chip, const MapGraph& g, const Placement& p, const Activity& a) {
  Traffic t;
  t.steps = a.steps;
  const uint32_t k = p.core_ids();
  t.cores.assign(k, CoreWork{});
  for (uint32_t i = 0; i < g.neurons; ++i) {
    CoreWork& cw = t.cores[p.core_of[i]];
    const double f = a.active_fraction.empty() ? 1.0 : a.active_fraction[i];
    cw.neuron_updates_active += static_cast<double>(a.steps) * f;
    cw.neuron_updates_idle += static_cast<double>(a.steps) * (1.0 - f);
  }
  for_each_list(g, p, a.spikes, [&](uint32_t i, uint32_t c, uint64_t synapses) {
    const double s = a.spikes[i];
    const uint32_t src = p.core_of[i];
    t.messages += s;
    t.cores[src].messages_sent += s;
    t.cores[c].messages_received += s;
    t.cores[c].synaptic_ops += s * static_cast<double>(synapses);
    if (c == src) {
      t.same_core += s;
      return;
    }
    const CorePosition from = core_position(chip, src), to = core_position(chip, c);
    if (from.tile == to.tile) {
      t.same_tile += s;
      return;
    }
    t.mesh += s;
    if (from.chip != to.chip) t.chip_crossing += s;
    const uint32_t dx = from.x > to.x ? from.x - to.x : to.x - from.x;
    const uint32_t dy = from.y > to.y ? from.y - to.y : to.y - from.y;
    (to.x > from.x ? t.hops_east : t.hops_west) += s * dx;
    (to.y > from.y ? t.hops_north : t.hops_south) += s * dy;
    t.message_hops += s * (dx + dy);
    const double lat = dx * chip.hop_east_west_ns.value + dy * chip.hop_north_south_ns.value;
    const double best =
        t.longest_x_hops * chip.hop_east_west_ns.value + t.longest_y_hops * chip.hop_north_south_ns.value;
    if (lat > best || (lat == best && dx + dy > t.longest_x_hops + t.longest_y_hops)) {
      t.longest_x_hops = dx;
      t.longest_y_hops = dy;
    }
  });
  // Plastic updates: the run's exact total, apportioned to the postsynaptic cores by the spikes
  // (pre + post) seen by each core's plastic synapses.
  std::vector<double> share(k, 0.0);
  double share_total = 0.0;
  if (a.plastic_updates > 0 && !a.spikes.empty())
    for (uint32_t i = 0; i < g.neurons; ++i)
      for (uint64_t s = g.out_offset[i]; s < g.out_offset[i + 1]; ++s)
        if (MapGraph::plastic(g.out_attr[s])) {
          const double w = a.spikes[i] + a.spikes[g.out_post[s]];
          share[p.core_of[g.out_post[s]]] += w;
          share_total += w;
        }
  if (share_total > 0)
    for (uint32_t c = 0; c < k; ++c)
      t.cores[c].plastic_updates = static_cast<double>(a.plastic_updates) * share[c] / share_total;
  return t;
}

namespace {

double barrier_at(const ChipSpec& chip, uint32_t tiles, bool& beyond) {
  const auto& xs = chip.barrier_tiles;
  const auto& ys = chip.barrier_ns;
  beyond = false;
  if (xs.empty()) return 0.0;
  const double x = tiles;
  if (x <= xs.front()) return ys.front();
  if (x >= xs.back()) {
    beyond = x > xs.back();
    return ys.back();
  }
  for (size_t i = 1; i < xs.size(); ++i)
    if (x <= xs[i]) return ys[i - 1] + (ys[i] - ys[i - 1]) * (x - xs[i - 1]) / (xs[i] - xs[i - 1]);
  return ys.back();
}

}  // namespace

StepCost price_step(const ChipSpec& chip, const Placement& p, const Traffic& t) {
  StepCost c;
  const double steps = t.steps ? static_cast<double>(t.steps) : 1.0;
  double nua = 0, nui = 0, syn = 0, pl = 0;
  for (const auto& cw : t.cores) {
    nua += cw.neuron_updates_active;
    nui += cw.neuron_updates_idle;
    syn += cw.synaptic_ops;
    pl += cw.plastic_updates;
  }
  auto use = [&](const Figure& f) {
    if (!f.known && std::find(c.unknown.begin(), c.unknown.end(), f.key) == c.unknown.end()) c.unknown.push_back(f.key);
  };
  auto term = [&](const std::string& name, double per_step, const Figure& f) {
    PricedTerm pt{name, per_step, f.value, f.known, f.key, f.source};
    if (per_step > 0) use(f);
    c.energy_lower_bound = c.energy_lower_bound || (!f.known && per_step > 0);
    c.energy_pj += per_step * f.value;
    c.energy.push_back(pt);
  };
  term("neuron_updates_active", nua / steps, chip.neuron_update_active_pj);
  term("neuron_updates_idle", nui / steps, chip.neuron_update_idle_pj);
  term("synaptic_ops", syn / steps, chip.synaptic_op_pj);
  term("plastic_updates", pl / steps, chip.plastic_update_pj);
  term("messages", t.messages / steps, chip.message_pj);
  term("hops_east_west", (t.hops_east + t.hops_west) / steps, chip.hop_east_west_pj);
  term("hops_north_south", (t.hops_north + t.hops_south) / steps, chip.hop_north_south_pj);

  // Latency: each core updates its neurons and sends its messages, and receives (synaptic ops and
  // plastic updates); the slowest core sets the pace, then the longest route, then the barrier.
  for (uint32_t k = 0; k < t.cores.size(); ++k) {
    const CoreWork& cw = t.cores[k];
    const double send =
        (cw.neuron_updates_active * chip.neuron_update_active_ns.value +
         cw.neuron_updates_idle * chip.neuron_update_idle_ns.value + cw.messages_sent * chip.message_ns.value) /
        steps;
    const double recv =
        (cw.synaptic_ops * chip.synaptic_op_ns.value + cw.plastic_updates * chip.plastic_update_ns.value) / steps;
    if (std::max(send, recv) > c.core_ns) {
      c.core_ns = std::max(send, recv);
      c.core_update_send_ns = send;
      c.core_receive_ns = recv;
      c.slowest_core = k;
    }
  }
  for (const Figure* f : {&chip.neuron_update_active_ns, &chip.neuron_update_idle_ns, &chip.message_ns,
                          &chip.synaptic_op_ns, &chip.plastic_update_ns})
    if (!f->known) {
      use(*f);
      c.latency_lower_bound = true;
    }
  c.mesh_ns = t.longest_x_hops * chip.hop_east_west_ns.value + t.longest_y_hops * chip.hop_north_south_ns.value;
  if (t.longest_x_hops + t.longest_y_hops > 0)
    for (const Figure* f : {&chip.hop_east_west_ns, &chip.hop_north_south_ns})
      if (!f->known) {
        use(*f);
        c.latency_lower_bound = true;
      }
  std::vector<uint8_t> tile_seen;
  for (uint32_t core : p.core_of) {
    const uint32_t tile = core_position(chip, core).tile;
    if (tile >= tile_seen.size()) tile_seen.resize(tile + 1, 0);
    if (!tile_seen[tile]) {
      tile_seen[tile] = 1;
      ++c.tiles_used;
    }
  }
  bool beyond = false;
  c.barrier_ns = barrier_at(chip, c.tiles_used, beyond);
  if (!chip.barrier_source.known) {
    use(chip.barrier_source);
    c.latency_lower_bound = true;
  }
  if (beyond) {
    c.latency_lower_bound = true;
    c.notes.push_back(
        fmt::format("barrier: {} tiles in use, beyond the chip file's largest entry ({} tiles); "
                    "priced at that entry, a lower bound",
                    c.tiles_used, chip.barrier_tiles.back()));
  }
  c.latency_ns = c.core_ns + c.mesh_ns + c.barrier_ns;
  return c;
}

nlohmann::json traffic_to_json(const Traffic& t) {
  const double steps = t.steps ? static_cast<double>(t.steps) : 1.0;
  nlohmann::json cores = nlohmann::json::array();
  for (const auto& cw : t.cores)
    cores.push_back({{"neuron_updates_active", cw.neuron_updates_active / steps},
                     {"neuron_updates_idle", cw.neuron_updates_idle / steps},
                     {"synaptic_ops", cw.synaptic_ops / steps},
                     {"plastic_updates", cw.plastic_updates / steps},
                     {"messages_sent", cw.messages_sent / steps},
                     {"messages_received", cw.messages_received / steps}});
  return {{"steps", t.steps},
          {"totals",
           {{"messages", t.messages},
            {"same_core", t.same_core},
            {"same_tile", t.same_tile},
            {"mesh", t.mesh},
            {"chip_crossing", t.chip_crossing},
            {"hops_east", t.hops_east},
            {"hops_west", t.hops_west},
            {"hops_north", t.hops_north},
            {"hops_south", t.hops_south},
            {"message_hops", t.message_hops}}},
          {"per_step",
           {{"messages", t.messages / steps},
            {"same_core", t.same_core / steps},
            {"same_tile", t.same_tile / steps},
            {"mesh", t.mesh / steps},
            {"message_hops", t.message_hops / steps}}},
          {"longest_route_hops", {{"x", t.longest_x_hops}, {"y", t.longest_y_hops}}},
          {"per_core_per_step", cores}};
}

nlohmann::json step_cost_to_json(const StepCost& c) {
  nlohmann::json terms = nlohmann::json::array();
  for (const auto& t : c.energy)
    terms.push_back({{"event", t.name},
                     {"per_step", t.count_per_step},
                     {"pj_each", t.known ? nlohmann::json(t.unit) : nlohmann::json("unknown")},
                     {"pj", t.count_per_step * t.unit},
                     {"figure", t.key},
                     {"source", t.source}});
  return {{"energy_pj_per_step", c.energy_pj},
          {"energy_lower_bound", c.energy_lower_bound},
          {"energy_terms", terms},
          {"latency_ns_per_step", c.latency_ns},
          {"latency_lower_bound", c.latency_lower_bound},
          {"latency",
           {{"slowest_core", c.slowest_core},
            {"core_update_send_ns", c.core_update_send_ns},
            {"core_receive_ns", c.core_receive_ns},
            {"core_ns", c.core_ns},
            {"mesh_ns", c.mesh_ns},
            {"barrier_ns", c.barrier_ns},
            {"tiles_used", c.tiles_used}}},
          {"unknown_figures", c.unknown},
          {"notes", c.notes}};
}

}  // namespace hrsnn::mapping

#include "core/mapping/mapper.hpp"

#include "core/foundation/config_error.hpp"
#include "core/mapping/traffic.hpp"

#include <fmt/core.h>
#include <fmt/format.h>
#include <metis.h>

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <fstream>
#include <numeric>
#include <optional>
#include <sstream>
#include <stdexcept>

namespace hrsnn::mapping {

namespace {
constexpr uint32_t kMeshPlacementMaxParts = 256;  // place_on_mesh's O(parts^3) search up to this many parts
}  // namespace

// ---- the graph ---------------------------------------------------------------------------

uint32_t delay_field_bits(uint32_t delay_steps) {
  return delay_steps <= 1 ? 0u : static_cast<uint32_t>(std::bit_width(delay_steps - 1));
}

MapGraph make_map_graph(const Network& net) {
  MapGraph g;
  g.neurons = net.size();
  const uint32_t n = g.neurons;
  g.out_offset.assign(n + 1, 0);
  g.in_offset.assign(n + 1, 0);
  for (const auto& pr : net.projections)
    for (uint32_t r = 0; r < pr.pre_size; ++r) {
      g.out_offset[pr.pre_first + r + 1] += pr.row_offset[r + 1] - pr.row_offset[r];
      for (uint64_t s = pr.row_offset[r]; s < pr.row_offset[r + 1]; ++s) ++g.in_offset[pr.post[s] + 1];
    }
  for (uint32_t i = 0; i < n; ++i) {
    g.out_offset[i + 1] += g.out_offset[i];
    g.in_offset[i + 1] += g.in_offset[i];
  }
  const uint64_t total = g.out_offset[n];
  g.out_post.resize(total);
  g.out_attr.resize(total);
  g.in_pre.resize(total);
  g.in_attr.resize(total);
  std::vector<uint64_t> out_fill(g.out_offset.begin(), g.out_offset.end() - 1);
  std::vector<uint64_t> in_fill(g.in_offset.begin(), g.in_offset.end() - 1);
  for (const auto& pr : net.projections) {
    const auto attr = static_cast<uint8_t>((pr.plastic ? 0x80u : 0u) | delay_field_bits(pr.delay_steps));
    for (uint32_t r = 0; r < pr.pre_size; ++r) {
      const uint32_t i = pr.pre_first + r;
      for (uint64_t s = pr.row_offset[r]; s < pr.row_offset[r + 1]; ++s) {
        const uint32_t j = pr.post[s];
        g.out_post[out_fill[i]] = j;
        g.out_attr[out_fill[i]++] = attr;
        g.in_pre[in_fill[j]] = i;
        g.in_attr[in_fill[j]++] = attr;
      }
    }
  }
  return g;
}

// ---- geometry ----------------------------------------------------------------------------

uint32_t Placement::core_ids() const {
  uint32_t m = 0;
  for (uint32_t c : core_of) m = std::max(m, c + 1);
  return m;
}

uint32_t Placement::cores_used() const {
  std::vector<uint8_t> seen(core_ids(), 0);
  uint32_t n = 0;
  for (uint32_t c : core_of)
    if (!seen[c]) {
      seen[c] = 1;
      ++n;
    }
  return n;
}

CorePosition core_position(const ChipSpec& chip, uint32_t core) {
  const uint32_t cpc = chip.cores_per_chip();
  const auto cpt = static_cast<uint32_t>(chip.cores_per_tile.value);
  const auto tx = static_cast<uint32_t>(chip.tiles_x.value);
  CorePosition p;
  p.chip = core / cpc;
  const uint32_t tile_local = (core % cpc) / cpt;
  p.tile = p.chip * chip.tiles_per_chip() + tile_local;
  p.x = tile_local % tx + p.chip * tx;
  p.y = tile_local / tx;
  return p;
}

std::string_view to_string(Limit limit) {
  switch (limit) {
    case Limit::Neurons: return "neurons";
    case Limit::SynapseBits: return "synapse_bits";
    case Limit::InputAxons: return "input_axons";
    case Limit::OutputAxons: return "output_axons";
    case Limit::DestCores: return "dest_cores_per_neuron";
  }
  return "?";
}

std::string_view to_string(Strategy s) {
  switch (s) {
    case Strategy::Sequential: return "sequential";
    case Strategy::Balanced: return "balanced";
    case Strategy::Partition: return "partition";
    case Strategy::File: return "file";
  }
  return "?";
}

uint64_t CoreUsage::used(Limit l) const {
  switch (l) {
    case Limit::Neurons: return neurons;
    case Limit::SynapseBits: return synapse_bits;
    case Limit::InputAxons: return input_axons;
    case Limit::OutputAxons: return output_axons;
    case Limit::DestCores: return max_dest_cores;
  }
  return 0;
}

uint64_t FitReport::limit_value(Limit l) const { return limits[static_cast<int>(l)]; }

// ---- synapse memory ----------------------------------------------------------------------

namespace {

int round_up_to(const std::vector<int>& allowed, int needed) {
  for (int w : allowed)
    if (w >= needed) return w;
  return 0;
}

uint64_t round_up_bits(uint64_t bits, uint64_t word) { return (bits + word - 1) / word * word; }

// Target-index width of a core holding `neurons` neurons (local indices 0..neurons-1).
uint32_t index_bits_for(const SynapseEncoding& enc, uint64_t neurons) {
  if (enc.index_bits_allowed.empty()) return 0;  // crossbars address by position
  const int need = neurons <= 1 ? 0 : static_cast<int>(std::bit_width(neurons - 1));
  const int w = round_up_to(enc.index_bits_allowed, need);
  return static_cast<uint32_t>(w == 0 ? enc.index_bits_allowed.back() : w);
}

}  // namespace

uint64_t list_bits(const SynapseEncoding& enc, uint64_t count, uint64_t bits_per_synapse) {
  const uint64_t block = enc.synapses_per_block;
  const uint64_t full = count / block, rest = count % block;
  uint64_t bits = full * round_up_bits(block * bits_per_synapse + enc.list_header_bits, enc.word_bits);
  if (rest) bits += round_up_bits(rest * bits_per_synapse + enc.list_header_bits, enc.word_bits);
  return bits;
}

Widths check_widths(const ChipSpec& chip, const MapGraph& g, const SynapseFields& fields) {
  Widths w;
  const SynapseEncoding& enc = chip.encoding;
  w.weight_bits_needed = fields.weight_bits;
  w.weight_bits_stored = round_up_to(enc.weight_bits_allowed, fields.weight_bits);
  if (w.weight_bits_stored == 0)
    w.problems.push_back(fmt::format("weights of {} bits: the chip stores at most {} bits ({} of {})",
                                     fields.weight_bits, enc.weight_bits_allowed.back(), enc.source.key, chip.file));
  for (uint8_t a : g.out_attr) w.delay_bits = std::max(w.delay_bits, MapGraph::delay_bits(a));
  if (enc.kind == EncodingKind::Lists && w.delay_bits > enc.delay_bits_max)
    w.problems.push_back(fmt::format("delays need a {}-bit delay field; the chip's is at most {} bits", w.delay_bits,
                                     enc.delay_bits_max));
  return w;
}

namespace {

// The cost of one list (one presynaptic neuron's synapses on one core).
struct ListCost {
  uint64_t bits = 0;
  uint64_t axon_slots = 1;
};

struct Coster {
  const ChipSpec& chip;
  const SynapseFields& fields;
  uint64_t weight_bits = 0;  // stored in synapse memory (0 when the chip keeps weights elsewhere)

  Coster(const ChipSpec& c, const SynapseFields& f, const Widths& w) : chip(c), fields(f) {
    const int stored = w.weight_bits_stored ? w.weight_bits_stored : w.weight_bits_needed;
    weight_bits = c.encoding.weights_in_synapse_memory ? static_cast<uint64_t>(stored) : 0;
  }

  ListCost cost(uint64_t count, bool plastic, uint32_t delay_bits, uint32_t index_bits) const {
    const SynapseEncoding& enc = chip.encoding;
    ListCost lc;
    if (enc.kind == EncodingKind::Crossbar) {
      // One crossbar row per input axon: a cell per core neuron, whatever the row's fill.
      const uint64_t cell = enc.weights_in_synapse_memory ? weight_bits : enc.cell_bits;
      lc.bits = cell * static_cast<uint64_t>(chip.neurons_per_core.value);
      return lc;
    }
    uint64_t per = weight_bits + delay_bits + index_bits;
    if (plastic && enc.plastic_fields) per += 2 * static_cast<uint64_t>(fields.lr_mant_bits);
    lc.bits = list_bits(enc, count, per);
    lc.axon_slots = plastic ? enc.plastic_in_axon_slots : 1;
    return lc;
  }
};

void fill_limits(const ChipSpec& chip, FitReport& r) {
  r.limits[0] = static_cast<uint64_t>(chip.neurons_per_core.value);
  r.limits[1] = static_cast<uint64_t>(chip.synapse_memory_bits.value);
  r.limits[2] = static_cast<uint64_t>(chip.input_axons.value);
  r.limits[3] = static_cast<uint64_t>(chip.output_axons.value);
  r.limits[4] = static_cast<uint64_t>(chip.dest_cores_per_neuron.value);
}

}  // namespace

FitReport account(const ChipSpec& chip, const MapGraph& g, const SynapseFields& fields, const Placement& p) {
  FitReport r;
  fill_limits(chip, r);
  r.widths = check_widths(chip, g, fields);
  const Coster coster(chip, fields, r.widths);
  const uint32_t k = p.core_ids();
  r.cores.assign(k, CoreUsage{});
  for (uint32_t c : p.core_of) ++r.cores[c].neurons;
  for (auto& cu : r.cores) cu.index_bits = index_bits_for(chip.encoding, cu.neurons);

  std::vector<uint32_t> stamp(k, 0), touched;
  std::vector<uint64_t> cnt(k, 0);
  std::vector<uint8_t> plastic(k, 0);
  std::vector<uint32_t> dbits(k, 0);
  r.dest_cores.assign(g.neurons, 0);
  for (uint32_t i = 0; i < g.neurons; ++i) {
    touched.clear();
    for (uint64_t s = g.out_offset[i]; s < g.out_offset[i + 1]; ++s) {
      const uint32_t c = p.core_of[g.out_post[s]];
      if (stamp[c] != i + 1) {
        stamp[c] = i + 1;
        cnt[c] = 0;
        plastic[c] = 0;
        dbits[c] = 0;
        touched.push_back(c);
      }
      ++cnt[c];
      plastic[c] = plastic[c] | (MapGraph::plastic(g.out_attr[s]) ? 1 : 0);
      dbits[c] = std::max(dbits[c], MapGraph::delay_bits(g.out_attr[s]));
    }
    for (uint32_t c : touched) {
      const ListCost lc = coster.cost(cnt[c], plastic[c] != 0, dbits[c], r.cores[c].index_bits);
      r.cores[c].synapse_bits += lc.bits;
      r.cores[c].input_axons += lc.axon_slots;
      r.cores[c].synapses += cnt[c];
    }
    CoreUsage& own = r.cores[p.core_of[i]];
    own.output_axons += touched.size();
    own.max_dest_cores = std::max<uint64_t>(own.max_dest_cores, touched.size());
    r.dest_cores[i] = static_cast<uint32_t>(touched.size());
  }

  for (Limit l : kLimits) {
    const uint64_t allowed = r.limit_value(l);
    if (allowed == 0) continue;  // no such limit (dest_cores_per_neuron = 0)
    Excess e;
    e.limit = l;
    e.allowed = allowed;
    for (uint32_t c = 0; c < k; ++c) {
      const uint64_t u = r.cores[c].used(l);
      if (u > allowed) {
        ++e.cores_over;
        if (u > e.used) {
          e.used = u;
          e.core = c;
        }
      }
    }
    if (e.cores_over) r.excess.push_back(e);
  }
  std::sort(r.excess.begin(), r.excess.end(), [](const Excess& a, const Excess& b) {
    return static_cast<double>(a.used) / static_cast<double>(a.allowed) >
           static_cast<double>(b.used) / static_cast<double>(b.allowed);
  });
  return r;
}

std::vector<LimitUse> limit_use(const FitReport& fit) {
  std::vector<LimitUse> out;
  for (Limit l : kLimits) {
    LimitUse s{l, fit.limit_value(l), 0, 0};
    for (uint32_t c = 0; c < fit.cores.size(); ++c)
      if (fit.cores[c].used(l) > s.max_used) {
        s.max_used = fit.cores[c].used(l);
        s.max_core = c;
      }
    out.push_back(s);
  }
  return out;
}

const LimitUse* binding_limit(const std::vector<LimitUse>& use) {
  const LimitUse* best = nullptr;
  double r = -1.0;
  for (const auto& x : use) {
    if (x.allowed == 0) continue;
    const double q = static_cast<double>(x.max_used) / static_cast<double>(x.allowed);
    if (q > r) {
      r = q;
      best = &x;
    }
  }
  return best;
}

LowerBounds lower_bounds(const ChipSpec& chip, const MapGraph& g, const SynapseFields& fields) {
  LowerBounds lb;
  const Widths w = check_widths(chip, g, fields);
  const Coster coster(chip, fields, w);
  const auto per_core = static_cast<uint64_t>(chip.neurons_per_core.value);
  lb.neurons = (g.neurons + per_core - 1) / per_core;
  if (chip.encoding.kind == EncodingKind::Lists) {
    // Every synapse's own fields with the narrowest index the chip offers, no headers.
    const uint64_t idx = static_cast<uint64_t>(chip.encoding.index_bits_allowed.front());
    uint64_t bits = 0;
    for (uint8_t a : g.out_attr) {
      bits += coster.weight_bits + MapGraph::delay_bits(a) + idx;
      if (MapGraph::plastic(a) && chip.encoding.plastic_fields) bits += 2 * static_cast<uint64_t>(fields.lr_mant_bits);
    }
    const auto mem = static_cast<uint64_t>(chip.synapse_memory_bits.value);
    lb.synapse_bits = (bits + mem - 1) / mem;
  }
  return lb;
}

// ---- placement strategies ----------------------------------------------------------------

namespace {

uint64_t max_cores(const ChipSpec& chip, const MapGraph& g) {
  const uint64_t system = static_cast<uint64_t>(chip.cores_per_chip()) * static_cast<uint64_t>(chip.max_chips.value);
  return std::max<uint64_t>(1, std::min<uint64_t>(system, g.neurons));
}

// Sequential fill in neuron-id order: each core takes neurons while its neurons, synapse memory
// and input axons (which depend on the core's own neurons only) stay within the limits and
// `cap` neurons. Output axons depend on the whole placement: map_network() lowers the cap when
// they overflow.
Placement sequential_fill(const ChipSpec& chip, const MapGraph& g, const SynapseFields& fields, uint64_t cap) {
  const Widths w = check_widths(chip, g, fields);
  const Coster coster(chip, fields, w);
  const uint64_t n_max = std::min<uint64_t>(cap, static_cast<uint64_t>(chip.neurons_per_core.value));
  const auto bits_max = static_cast<uint64_t>(chip.synapse_memory_bits.value);
  const auto axons_max = static_cast<uint64_t>(chip.input_axons.value);
  Placement p;
  p.core_of.assign(g.neurons, 0);
  // Lists of the open core, by presynaptic neuron.
  std::vector<uint32_t> lstamp(g.neurons, 0), tstamp(g.neurons, 0);
  std::vector<uint64_t> lcnt(g.neurons, 0), tcnt(g.neurons, 0);
  std::vector<uint8_t> lplastic(g.neurons, 0), tplastic(g.neurons, 0);
  std::vector<uint32_t> ldbits(g.neurons, 0), tdbits(g.neurons, 0);
  std::vector<uint32_t> lists, pres;
  uint32_t core = 0;
  uint64_t n = 0, bits = 0, axons = 0;
  uint32_t idx_bits = index_bits_for(chip.encoding, 1);
  auto cost_of = [&](uint32_t q, uint32_t idxw) { return coster.cost(lcnt[q], lplastic[q] != 0, ldbits[q], idxw); };
  for (uint32_t j = 0; j < g.neurons; ++j) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      // The new lists' counts if j joins the open core.
      pres.clear();
      for (uint64_t s = g.in_offset[j]; s < g.in_offset[j + 1]; ++s) {
        const uint32_t q = g.in_pre[s];
        if (tstamp[q] != j + 1) {
          tstamp[q] = j + 1;
          const bool open = lstamp[q] == core + 1;
          tcnt[q] = open ? lcnt[q] : 0;
          tplastic[q] = open ? lplastic[q] : 0;
          tdbits[q] = open ? ldbits[q] : 0;
          pres.push_back(q);
        }
        ++tcnt[q];
        tplastic[q] = tplastic[q] | (MapGraph::plastic(g.in_attr[s]) ? 1 : 0);
        tdbits[q] = std::max(tdbits[q], MapGraph::delay_bits(g.in_attr[s]));
      }
      const uint32_t new_idx = index_bits_for(chip.encoding, n + 1);
      uint64_t new_bits = bits, new_axons = axons;
      if (new_idx != idx_bits) {  // every list of the core widens
        new_bits = 0;
        for (uint32_t q : lists) new_bits += cost_of(q, new_idx).bits;
      }
      for (uint32_t q : pres) {
        if (lstamp[q] == core + 1) {
          const ListCost old = cost_of(q, new_idx);
          new_bits -= old.bits;
          new_axons -= old.axon_slots;
        }
        const ListCost nw = coster.cost(tcnt[q], tplastic[q] != 0, tdbits[q], new_idx);
        new_bits += nw.bits;
        new_axons += nw.axon_slots;
      }
      const bool fits = n + 1 <= n_max && new_bits <= bits_max && new_axons <= axons_max;
      if (fits || n == 0) {  // a neuron alone on a core is placed even if it overflows it
        for (uint32_t q : pres) {
          if (lstamp[q] != core + 1) {
            lstamp[q] = core + 1;
            lists.push_back(q);
          }
          lcnt[q] = tcnt[q];
          lplastic[q] = tplastic[q];
          ldbits[q] = tdbits[q];
        }
        p.core_of[j] = core;
        ++n;
        bits = new_bits;
        axons = new_axons;
        idx_bits = new_idx;
        break;
      }
      // Close the core and retry j on a fresh one.
      ++core;
      n = bits = axons = 0;
      lists.clear();
      idx_bits = index_bits_for(chip.encoding, 1);
      for (uint32_t q : pres) tstamp[q] = 0;
    }
  }
  return p;
}

Placement balanced(const MapGraph& g, uint32_t k) {
  Placement p;
  p.core_of.resize(g.neurons);
  for (uint32_t j = 0; j < g.neurons; ++j)
    p.core_of[j] = static_cast<uint32_t>(static_cast<uint64_t>(j) * k / std::max<uint32_t>(g.neurons, 1));
  return p;
}

// The symmetrised synapse graph METIS reads, built once per mapping: vertex weights (1 neuron,
// its in-synapses' estimated bits), edge weights the expected messages (spikes of the presynaptic
// neuron + 1, per synapse, scaled to integers).
struct MetisGraph {
  std::vector<idx_t> xadj, adjncy, adjwgt, vwgt;  // vwgt: 2 per vertex
  uint32_t vertices() const { return static_cast<uint32_t>(xadj.size() - 1); }
};

MetisGraph metis_graph(const ChipSpec& chip, const MapGraph& g, const SynapseFields& fields,
                       const std::vector<double>& spikes) {
  const uint32_t n = g.neurons;
  MetisGraph mg;
  double smax = 0.0;
  for (double s : spikes) smax = std::max(smax, s);
  // Integer weights in [1, 1001]; the scale keeps the total weight well inside idx_t.
  const double budget = 1.0e9 / std::max<double>(1.0, 2.0 * static_cast<double>(g.synapses()));
  const double scale = smax > 0 ? std::min(1000.0, budget) / smax : 0.0;
  auto weight_of = [&](uint32_t pre) -> idx_t {
    return static_cast<idx_t>(1 + (spikes.empty() ? 0 : std::llround(spikes[pre] * scale)));
  };
  mg.xadj.assign(n + 1, 0);
  mg.adjncy.reserve(2 * g.synapses());
  mg.adjwgt.reserve(2 * g.synapses());
  std::vector<std::pair<uint32_t, idx_t>> row;
  for (uint32_t i = 0; i < n; ++i) {
    row.clear();
    for (uint64_t s = g.out_offset[i]; s < g.out_offset[i + 1]; ++s)
      if (g.out_post[s] != i) row.emplace_back(g.out_post[s], weight_of(i));
    for (uint64_t s = g.in_offset[i]; s < g.in_offset[i + 1]; ++s)
      if (g.in_pre[s] != i) row.emplace_back(g.in_pre[s], weight_of(g.in_pre[s]));
    std::sort(row.begin(), row.end());
    for (size_t a = 0; a < row.size();) {
      size_t b = a;
      idx_t w = 0;
      while (b < row.size() && row[b].first == row[a].first) w += row[b++].second;
      mg.adjncy.push_back(static_cast<idx_t>(row[a].first));
      mg.adjwgt.push_back(w);
      a = b;
    }
    mg.xadj[i + 1] = static_cast<idx_t>(mg.adjncy.size());
  }
  // Vertex weights: a neuron, and its in-synapses' bits with the widest index and no headers.
  const Widths w = check_widths(chip, g, fields);
  const Coster coster(chip, fields, w);
  const uint32_t idx = chip.encoding.kind == EncodingKind::Lists ? index_bits_for(chip.encoding, 1u << 30) : 0;
  mg.vwgt.resize(2 * static_cast<size_t>(n));
  for (uint32_t i = 0; i < n; ++i) {
    uint64_t bits = 0;
    for (uint64_t s = g.in_offset[i]; s < g.in_offset[i + 1]; ++s) {
      bits += coster.weight_bits + MapGraph::delay_bits(g.in_attr[s]) + idx;
      if (MapGraph::plastic(g.in_attr[s]) && chip.encoding.plastic_fields)
        bits += 2 * static_cast<uint64_t>(fields.lr_mant_bits);
    }
    mg.vwgt[2 * i] = 1;
    mg.vwgt[2 * i + 1] = static_cast<idx_t>(std::min<uint64_t>(bits / 8 + 1, 1u << 20));
  }
  return mg;
}

// The subgraph of `mg` induced by `verts` (local ids in their order).
MetisGraph induced(const MetisGraph& mg, const std::vector<uint32_t>& verts) {
  MetisGraph s;
  std::vector<int64_t> local(mg.vertices(), -1);
  for (size_t a = 0; a < verts.size(); ++a) local[verts[a]] = static_cast<int64_t>(a);
  s.xadj.assign(verts.size() + 1, 0);
  s.vwgt.resize(2 * verts.size());
  for (size_t a = 0; a < verts.size(); ++a) {
    const uint32_t v = verts[a];
    for (auto e = static_cast<size_t>(mg.xadj[v]); e < static_cast<size_t>(mg.xadj[v + 1]); ++e) {
      const int64_t l = local[static_cast<size_t>(mg.adjncy[e])];
      if (l < 0) continue;
      s.adjncy.push_back(static_cast<idx_t>(l));
      s.adjwgt.push_back(mg.adjwgt[e]);
    }
    s.xadj[a + 1] = static_cast<idx_t>(s.adjncy.size());
    s.vwgt[2 * a] = mg.vwgt[2 * static_cast<size_t>(v)];
    s.vwgt[2 * a + 1] = mg.vwgt[2 * static_cast<size_t>(v) + 1];
  }
  return s;
}

// METIS k-way into k parts, two balance constraints (neurons, synapse bits) each within its
// tolerance; `target`: each part's share of both (empty: equal shares).
struct Tolerance {
  float neurons = 1.02f, bits = 1.05f;
};
std::vector<uint32_t> metis_kway(MetisGraph& mg, uint32_t k, const std::vector<double>& target, uint32_t seed,
                                 Tolerance tol = {}) {
  const uint32_t n = mg.vertices();
  std::vector<uint32_t> part(n, 0);
  if (k <= 1 || n <= 1) return part;
  idx_t nv = static_cast<idx_t>(n), ncon = 2, nparts = static_cast<idx_t>(k), objval = 0;
  real_t ubvec[2] = {tol.neurons, tol.bits};
  std::vector<real_t> tp;
  if (!target.empty())
    for (double t : target) tp.insert(tp.end(), 2, static_cast<real_t>(t));
  idx_t options[METIS_NOPTIONS];
  METIS_SetDefaultOptions(options);
  options[METIS_OPTION_SEED] = static_cast<idx_t>(seed);
  options[METIS_OPTION_NUMBERING] = 0;
  std::vector<idx_t> out(n, 0);
  const int rc =
      METIS_PartGraphKway(&nv, &ncon, mg.xadj.data(), mg.adjncy.data(), mg.vwgt.data(), nullptr, mg.adjwgt.data(),
                          &nparts, tp.empty() ? nullptr : tp.data(), ubvec, options, &objval, out.data());
  if (rc != METIS_OK) throw std::runtime_error(fmt::format("METIS_PartGraphKway failed (code {}) for {} parts", rc, k));
  for (uint32_t i = 0; i < n; ++i) part[i] = static_cast<uint32_t>(out[i]);
  return part;
}

// Messages between the parts of the neurons `verts` (part[a] of verts[a], local[] their index in
// verts, -1 elsewhere): one per spike to each distinct other part the neuron has a synapse into,
// counting only targets among `verts` (weight 1 per neuron when no spike counts are given).
std::vector<double> subset_traffic(const MapGraph& g, const std::vector<uint32_t>& verts,
                                   const std::vector<uint32_t>& part, uint32_t k, const std::vector<int64_t>& local,
                                   const std::vector<double>& spikes) {
  std::vector<double> t(static_cast<size_t>(k) * k, 0.0);
  std::vector<uint32_t> stamp(k, 0);
  for (size_t a = 0; a < verts.size(); ++a) {
    const uint32_t i = verts[a];
    const double w = spikes.empty() ? 1.0 : spikes[i];
    if (w == 0.0) continue;
    for (uint64_t s = g.out_offset[i]; s < g.out_offset[i + 1]; ++s) {
      const int64_t l = local[g.out_post[s]];
      if (l < 0) continue;
      const uint32_t b = part[static_cast<size_t>(l)];
      if (stamp[b] == a + 1) continue;
      stamp[b] = static_cast<uint32_t>(a + 1);
      if (b != part[a]) t[static_cast<size_t>(part[a]) * k + b] += w;
    }
  }
  return t;
}

double worst_ratio(const FitReport& r) {
  double m = 1.0;
  for (const auto& e : r.excess) m = std::max(m, static_cast<double>(e.used) / static_cast<double>(e.allowed));
  return m;
}

}  // namespace

std::vector<uint32_t> place_on_mesh(const ChipSpec& chip, uint32_t parts, const std::vector<double>& traffic) {
  std::vector<uint32_t> slot(parts);
  std::iota(slot.begin(), slot.end(), 0u);
  if (parts <= 2 || parts > kMeshPlacementMaxParts) return slot;  // 2: symmetric; beyond: O(parts^3), identity
  std::vector<double> sym(static_cast<size_t>(parts) * parts);
  for (uint32_t a = 0; a < parts; ++a)
    for (uint32_t b = 0; b < parts; ++b)
      sym[static_cast<size_t>(a) * parts + b] =
          traffic[static_cast<size_t>(a) * parts + b] + traffic[static_cast<size_t>(b) * parts + a];
  std::vector<CorePosition> pos(parts);
  for (uint32_t c = 0; c < parts; ++c) pos[c] = core_position(chip, c);
  auto dist = [&](uint32_t c1, uint32_t c2) {
    const auto dx = static_cast<int64_t>(pos[c1].x) - static_cast<int64_t>(pos[c2].x);
    const auto dy = static_cast<int64_t>(pos[c1].y) - static_cast<int64_t>(pos[c2].y);
    return static_cast<double>(std::llabs(dx) + std::llabs(dy));
  };
  // Greedy: heaviest part first, each to the free core nearest (in traffic x distance) to the
  // parts already placed.
  std::vector<uint32_t> order(parts);
  std::iota(order.begin(), order.end(), 0u);
  std::vector<double> total(parts, 0.0);
  for (uint32_t a = 0; a < parts; ++a)
    for (uint32_t b = 0; b < parts; ++b) total[a] += sym[static_cast<size_t>(a) * parts + b];
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return total[a] > total[b]; });
  std::vector<uint8_t> used(parts, 0);
  std::vector<uint32_t> placed;
  for (uint32_t a : order) {
    uint32_t best = parts;
    double best_cost = 0.0;
    for (uint32_t c = 0; c < parts; ++c) {
      if (used[c]) continue;
      double cost = 0.0;
      for (uint32_t b : placed) cost += sym[static_cast<size_t>(a) * parts + b] * dist(c, slot[b]);
      if (best == parts || cost < best_cost) {
        best = c;
        best_cost = cost;
      }
    }
    slot[a] = best;
    used[best] = 1;
    placed.push_back(a);
  }
  // Pairwise swaps while one lowers the total, from the greedy placement and from the identity
  // (the parts' own order, which is often good already: contiguous blocks); the better one wins.
  auto swaps = [&](std::vector<uint32_t>& sl) {
    for (int pass = 0; pass < 20; ++pass) {
      bool improved = false;
      for (uint32_t a = 0; a < parts; ++a)
        for (uint32_t b = a + 1; b < parts; ++b) {
          double delta = 0.0;
          for (uint32_t c = 0; c < parts; ++c) {
            if (c == a || c == b) continue;
            const double da = sym[static_cast<size_t>(a) * parts + c], db = sym[static_cast<size_t>(b) * parts + c];
            delta += (da - db) * (dist(sl[b], sl[c]) - dist(sl[a], sl[c]));
          }
          if (delta < -1e-9) {
            std::swap(sl[a], sl[b]);
            improved = true;
          }
        }
      if (!improved) break;
    }
  };
  auto cost = [&](const std::vector<uint32_t>& sl) {
    double total_cost = 0.0;
    for (uint32_t a = 0; a < parts; ++a)
      for (uint32_t b = a + 1; b < parts; ++b)
        total_cost += sym[static_cast<size_t>(a) * parts + b] * dist(sl[a], sl[b]);
    return total_cost;
  };
  std::vector<uint32_t> ident(parts);
  std::iota(ident.begin(), ident.end(), 0u);
  swaps(slot);
  swaps(ident);
  return cost(ident) < cost(slot) ? ident : slot;
}

namespace {

// Places groups on the mesh, chip by chip: group q sits on chip q / cores_per_chip, and within its
// chip the groups are permuted over the chip's cores by place_on_mesh on their traffic.
std::vector<uint32_t> place_per_chip(const ChipSpec& chip, const MapGraph& g, const std::vector<uint32_t>& group,
                                     uint32_t k, const std::vector<double>& spikes) {
  const uint32_t cpc = chip.cores_per_chip();
  const uint32_t chips = (k + cpc - 1) / cpc;
  std::vector<std::vector<uint32_t>> verts(chips);
  for (uint32_t i = 0; i < g.neurons; ++i) verts[group[i] / cpc].push_back(i);
  std::vector<uint32_t> core_of(g.neurons, 0);
  std::vector<int64_t> local(g.neurons, -1);
  for (uint32_t c = 0; c < chips; ++c) {
    const auto& vc = verts[c];
    const uint32_t kc = std::min(cpc, k - c * cpc);
    std::vector<uint32_t> part(vc.size());
    for (size_t a = 0; a < vc.size(); ++a) part[a] = group[vc[a]] - c * cpc;
    std::vector<uint32_t> slot(kc);
    std::iota(slot.begin(), slot.end(), 0u);
    if (kc > 2 && kc <= kMeshPlacementMaxParts) {
      for (size_t a = 0; a < vc.size(); ++a) local[vc[a]] = static_cast<int64_t>(a);
      slot = place_on_mesh(chip, kc, subset_traffic(g, vc, part, kc, local, spikes));
      for (uint32_t v : vc) local[v] = -1;
    }
    for (size_t a = 0; a < vc.size(); ++a) core_of[vc[a]] = c * cpc + slot[part[a]];
  }
  return core_of;
}

}  // namespace

MapResult map_network(const ChipSpec& chip, const MapGraph& g, const SynapseFields& fields, const MapOptions& o) {
  MapResult res;
  const uint64_t kmax = max_cores(chip, g);
  const LowerBounds lb = lower_bounds(chip, g, fields);
  const uint64_t k0 = std::max<uint64_t>({1, lb.neurons, lb.synapse_bits});
  if (o.cores && *o.cores == 0) throw std::invalid_argument("--cores must be at least 1");
  if (o.cores && o.strategy == Strategy::Sequential)
    throw std::invalid_argument("--cores applies to --placement balanced and partition (sequential fills each core)");

  // Partition: the METIS graph is built once; up to one chip's cores, one k-way call then the
  // mesh placement; beyond, chips first (k-way into chips, each its share of the cores), then each
  // chip's neurons into its cores, placed on that chip's mesh.
  std::optional<MetisGraph> mg;
  double graph_s = 0.0, metis_s = 0.0, chips_s = 0.0, mesh_s = 0.0;  // all but graph_s: of the last attempt
  auto seconds = [](std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
  };
  auto partition_at = [&](uint32_t k) {
    auto t = std::chrono::steady_clock::now();
    if (!mg) {
      mg = metis_graph(chip, g, fields, o.spikes);
      graph_s = seconds(t);
      t = std::chrono::steady_clock::now();
    }
    metis_s = chips_s = mesh_s = 0.0;
    const uint32_t cpc = chip.cores_per_chip();
    std::vector<uint32_t> group;  // part ids; part q on chip q / cpc
    if (k <= cpc) {
      group = metis_kway(*mg, k, {}, o.seed);
      metis_s = seconds(t);
    } else {
      const uint32_t chips = (k + cpc - 1) / cpc;
      std::vector<double> share(chips);
      for (uint32_t c = 0; c < chips; ++c)
        share[c] = static_cast<double>(std::min(cpc, k - c * cpc)) / static_cast<double>(k);
      // The chips' balance is kept tight: its excess would add to that of the cores within them.
      const std::vector<uint32_t> chip_of = metis_kway(*mg, chips, share, o.seed, Tolerance{1.002f, 1.01f});
      std::vector<std::vector<uint32_t>> verts(chips);
      for (uint32_t i = 0; i < g.neurons; ++i) verts[chip_of[i]].push_back(i);
      chips_s = seconds(t);
      group.assign(g.neurons, 0);
      for (uint32_t c = 0; c < chips; ++c) {
        const auto& vc = verts[c];
        const uint32_t kc = std::min(cpc, k - c * cpc);
        std::vector<uint32_t> part(vc.size());
        if (vc.size() <= kc) {
          std::iota(part.begin(), part.end(), 0u);
        } else {
          MetisGraph sub = induced(*mg, vc);
          part = metis_kway(sub, kc, {}, o.seed);
        }
        for (size_t a = 0; a < vc.size(); ++a) group[vc[a]] = c * cpc + part[a];
      }
      metis_s = seconds(t);
    }
    t = std::chrono::steady_clock::now();
    Placement p;
    p.core_of = place_per_chip(chip, g, group, k, o.spikes);
    mesh_s = seconds(t);
    return p;
  };
  auto attempt = [&](uint64_t k) {
    Placement p = o.strategy == Strategy::Balanced ? balanced(g, static_cast<uint32_t>(k))
                                                   : partition_at(static_cast<uint32_t>(k));
    FitReport r = account(chip, g, fields, p);
    return MapResult{std::move(p), std::move(r), {}};
  };

  if (o.strategy == Strategy::Sequential) {
    uint64_t cap = static_cast<uint64_t>(chip.neurons_per_core.value);
    for (int round = 0; round < 60; ++round) {
      res.placement = sequential_fill(chip, g, fields, cap);
      res.fit = account(chip, g, fields, res.placement);
      // Output axons grow with the neurons per core: lower the cap by the excess and refill.
      // (More cores never lowers a neuron's destination cores, so that limit gets no retry.)
      double ratio = 1.0;
      for (const auto& e : res.fit.excess)
        if (e.limit == Limit::OutputAxons)
          ratio = std::max(ratio, static_cast<double>(e.used) / static_cast<double>(e.allowed));
      if (ratio <= 1.0 || cap <= 1 || res.placement.core_ids() >= kmax) break;
      uint64_t largest = 0;
      for (const auto& cu : res.fit.cores) largest = std::max(largest, cu.neurons);
      const uint64_t base = std::min(cap, largest);
      const auto next = static_cast<uint64_t>(std::floor(static_cast<double>(base) / ratio));
      cap = std::max<uint64_t>(1, std::min(next, base - 1));
      res.notes.push_back(fmt::format("output axons overflowed: refilled with at most {} neurons per core", cap));
    }
    return res;
  }

  if (o.cores) {
    res = attempt(*o.cores);
    res.notes.push_back(fmt::format("{} cores as asked (--cores)", *o.cores));
    return res;
  }
  if (!check_widths(chip, g, fields).problems.empty()) {
    res = attempt(std::min(k0, kmax));
    res.notes.push_back("the synapse widths do not fit the chip at any core count");
    return res;
  }
  // Partition starts where sequential fill ends (a core count known to fit contiguous blocks),
  // or at the lower bound; balanced searches upward from the lower bound, then bisects.
  uint64_t k = std::min(k0, kmax);
  std::optional<MapResult> seq;  // partition: sequential's fit, the fallback
  if (o.strategy == Strategy::Partition) {
    seq = map_network(chip, g, fields, MapOptions{});
    if (seq->fit.per_core_fits())
      k = std::max<uint64_t>(k, seq->placement.cores_used());
    else
      seq.reset();
  }
  // Partition grows at most to 1.5x sequential's cores: beyond, its parts would have to save a
  // great deal of traffic, and the balance constraints miss a limit (input axons) anyway.
  const uint64_t kcap = seq ? std::max<uint64_t>(k + 1, seq->placement.cores_used() * 3 / 2) : kmax;
  uint64_t lo = k - 1;  // largest count known not to fit
  MapResult best;
  bool found = false;
  for (int round = 0; round < 40; ++round) {
    MapResult r = attempt(k);
    res.notes.push_back(fmt::format("{} cores: {}", k, r.fit.per_core_fits() ? "fits" : "does not fit"));
    if (o.strategy == Strategy::Partition)
      res.notes.back() += fmt::format(" (METIS {:.2f} s{}, mesh placement {:.2f} s)", metis_s,
                                      chips_s > 0 ? fmt::format(": {:.2f} s into chips", chips_s) : "", mesh_s);
    if (r.fit.per_core_fits()) {
      best = std::move(r);
      found = true;
      break;
    }
    lo = k;
    best = std::move(r);
    if (k >= kmax || (o.strategy == Strategy::Partition && k >= kcap)) break;
    const double grow =
        o.strategy == Strategy::Partition ? std::min(1.25, worst_ratio(best.fit)) : worst_ratio(best.fit);
    k = std::min<uint64_t>(o.strategy == Strategy::Partition ? std::min(kmax, kcap) : kmax,
                           std::max<uint64_t>(k + 1, static_cast<uint64_t>(std::ceil(static_cast<double>(k) * grow))));
  }
  // Partition keeps METIS's parts only when they fit and carry fewer messages x hops than
  // sequential's cores placed on the mesh alike (ties: fewer cores): never worse than sequential.
  if (seq) {
    Placement alt;
    alt.core_of = place_per_chip(chip, g, seq->placement.core_of, seq->placement.core_ids(), o.spikes);
    const double h_alt = message_hops(chip, g, alt, o.spikes);
    const double h_metis = found ? message_hops(chip, g, best.placement, o.spikes) : 0.0;
    if (!found || h_alt < h_metis || (h_alt == h_metis && alt.cores_used() < best.placement.cores_used())) {
      res.notes.push_back(
          found ? fmt::format("kept sequential's {} cores placed on the mesh ({:.6g} messages x hops) over METIS's {} "
                              "parts ({:.6g})",
                              alt.cores_used(), h_alt, best.placement.cores_used(), h_metis)
                : fmt::format("METIS's parts did not fit up to {} cores: kept sequential's {} cores placed on the mesh",
                              k, alt.cores_used()));
      FitReport fit = account(chip, g, fields, alt);
      best = MapResult{std::move(alt), std::move(fit), {}};
      found = true;
    } else {
      res.notes.push_back(
          fmt::format("METIS's {} parts carry {:.6g} messages x hops, sequential's cores on the mesh {:.6g}",
                      best.placement.cores_used(), h_metis, h_alt));
    }
  }
  if (found && o.strategy == Strategy::Balanced) {
    uint64_t hi = best.placement.cores_used();
    while (hi - lo > 1) {
      const uint64_t mid = lo + (hi - lo) / 2;
      MapResult r = attempt(mid);
      res.notes.push_back(fmt::format("{} cores: {}", mid, r.fit.per_core_fits() ? "fits" : "does not fit"));
      if (r.fit.per_core_fits()) {
        hi = mid;
        best = std::move(r);
      } else {
        lo = mid;
      }
    }
  }
  if (mg) res.notes.push_back(fmt::format("METIS graph built in {:.2f} s", graph_s));
  best.notes = std::move(res.notes);
  return best;
}

// ---- placement files ---------------------------------------------------------------------

nlohmann::json placement_to_json(const ChipSpec& chip, const Placement& p) {
  return nlohmann::json{{"format", "hrsnn-placement/1"},
                        {"chip", chip.name},
                        {"neurons", p.core_of.size()},
                        {"cores", p.core_ids()},
                        {"core_of", p.core_of}};
}

Placement placement_from_json(const nlohmann::json& j, uint32_t neurons, const std::string& source) {
  auto fail = [&](const std::string& key, const std::string& msg) -> void { throw ConfigError(source, 0, key, msg); };
  if (!j.is_object()) fail("<root>", "expected a JSON object (a placement written by hrsnn map)");
  if (!j.contains("format") || j["format"] != "hrsnn-placement/1") fail("format", "expected \"hrsnn-placement/1\"");
  if (!j.contains("core_of") || !j["core_of"].is_array()) fail("core_of", "expected an array of core ids");
  const auto& a = j["core_of"];
  if (a.size() != neurons)
    fail("core_of", fmt::format("has {} entries; the network has {} neurons", a.size(), neurons));
  Placement p;
  p.core_of.reserve(neurons);
  for (size_t i = 0; i < a.size(); ++i) {
    if (!a[i].is_number_unsigned() || a[i].get<uint64_t>() >= (uint64_t{1} << 24))
      fail(fmt::format("core_of[{}]", i), "expected a core id, an integer in [0, 2^24)");
    p.core_of.push_back(a[i].get<uint32_t>());
  }
  return p;
}

Placement load_placement(const std::filesystem::path& file, uint32_t neurons) {
  std::ifstream in(file);
  if (!in) throw ConfigError(file.string(), 0, "<file>", "cannot open the placement file");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    throw ConfigError(file.string(), 0, "<syntax>", e.what());
  }
  return placement_from_json(j, neurons, file.string());
}

}  // namespace hrsnn::mapping

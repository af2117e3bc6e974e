#include "core/network.hpp"

#include "core/resources.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace hrsnn {

double decay_factor(double dt_ms, double tau_ms) { return -std::expm1(-dt_ms / tau_ms); }

uint64_t Network::synapse_count() const {
  uint64_t n = 0;
  for (const auto& p : projections) n += p.synapse_count();
  return n;
}

uint64_t Network::plastic_synapse_count() const {
  uint64_t n = 0;
  for (const auto& p : projections)
    if (p.plastic) n += p.synapse_count();
  return n;
}

namespace {

// Draws n values; a failed draw (see Distribution::sample) names the spec file and the key.
std::vector<double> sample_n(const Distribution& d, uint32_t n, Rng rng, const std::string& file,
                             const std::string& key) {
  std::vector<double> out(n);
  try {
    for (auto& x : out) x = d.sample(rng);
  } catch (const std::runtime_error& e) {
    throw ConfigError(file, 0, key, e.what());
  }
  return out;
}

// Selection sampling (Knuth's Algorithm S): exactly k of n indices, in ascending order,
// skipping `exclude` (pass n for none).
void select_k_of_n(uint32_t k, uint32_t n, uint32_t exclude, Rng& rng, std::vector<uint32_t>& out) {
  out.clear();
  uint32_t remaining = n - (exclude < n ? 1u : 0u);
  uint32_t needed = k;
  for (uint32_t j = 0; j < n && needed > 0; ++j) {
    if (j == exclude) continue;
    if (rng.below(remaining) < needed) {
      out.push_back(j);
      --needed;
    }
    --remaining;
  }
}

void connect(const NetworkSpec& spec, const ProjectionSpec& ps, Projection& pr) {
  const bool self = ps.pre == ps.post;
  const bool skip_self = self && !ps.autapses;
  pr.row_offset.assign(pr.pre_size + 1, 0);
  Rng rng(spec.simulation.seed, "connect/" + ps.name);
  if (ps.rule == ConnectRule::Probability) {
    // Geometric skipping over the pre x post matrix row by row: each gap is the number of
    // failures before the next success, so the draws per synapse are O(1).
    const double p = ps.p;
    if (p > 0.0) {
      const double log_q = std::log1p(-p);
      for (uint32_t j = 0; j < pr.pre_size; ++j) {
        int64_t i = -1;
        for (;;) {
          if (p < 1.0) {
            const double gap = std::floor(std::log(rng.uniform_open()) / log_q);
            if (gap >= static_cast<double>(pr.post_size)) break;
            i += 1 + static_cast<int64_t>(gap);
          } else {
            i += 1;
          }
          if (i >= pr.post_size) break;
          if (skip_self && static_cast<uint32_t>(i) == j) continue;
          pr.post.push_back(pr.post_first + static_cast<uint32_t>(i));
        }
        pr.row_offset[j + 1] = pr.post.size();
      }
    }
  } else {
    std::vector<uint32_t> chosen;
    std::vector<uint64_t> count(pr.pre_size, 0);
    std::vector<uint32_t> pre_of;  // flattened by post
    std::vector<uint64_t> post_offset(pr.post_size + 1, 0);
    for (uint32_t i = 0; i < pr.post_size; ++i) {
      select_k_of_n(ps.in_degree, pr.pre_size, skip_self ? i : pr.pre_size, rng, chosen);
      for (uint32_t j : chosen) {
        pre_of.push_back(j);
        ++count[j];
      }
      post_offset[i + 1] = pre_of.size();
    }
    for (uint32_t j = 0; j < pr.pre_size; ++j) pr.row_offset[j + 1] = pr.row_offset[j] + count[j];
    pr.post.assign(pre_of.size(), 0);
    std::vector<uint64_t> fill(pr.row_offset.begin(), pr.row_offset.end() - 1);
    for (uint32_t i = 0; i < pr.post_size; ++i)
      for (uint64_t e = post_offset[i]; e < post_offset[i + 1]; ++e) pr.post[fill[pre_of[e]]++] = pr.post_first + i;
  }
}

void build_transposed(Projection& pr) {
  pr.col_offset.assign(pr.post_size + 1, 0);
  for (uint32_t post : pr.post) ++pr.col_offset[post - pr.post_first + 1];
  for (uint32_t i = 0; i < pr.post_size; ++i) pr.col_offset[i + 1] += pr.col_offset[i];
  pr.col_synapse.assign(pr.post.size(), 0);
  pr.col_pre.assign(pr.post.size(), 0);
  std::vector<uint64_t> fill(pr.col_offset.begin(), pr.col_offset.end() - 1);
  for (uint32_t j = 0; j < pr.pre_size; ++j) {
    for (uint64_t s = pr.row_offset[j]; s < pr.row_offset[j + 1]; ++s) {
      const uint64_t slot = fill[pr.post[s] - pr.post_first]++;
      pr.col_synapse[slot] = static_cast<uint32_t>(s);
      pr.col_pre[slot] = pr.pre_first + j;
    }
  }
}

// Runs fn; a failed draw inside it names the spec file and the key.
template <typename Fn>
void located(const std::string& file, const std::string& key, Fn fn) {
  try {
    fn();
  } catch (const ConfigError&) {
    throw;
  } catch (const std::runtime_error& e) {
    throw ConfigError(file, 0, key, e.what());
  }
}

}  // namespace

Network build_network(const NetworkSpec& spec) {
  // Refused before the first allocation: a network beyond the memory limit or the 2^32
  // synapses a projection can index (checked again on the exact count after connect()).
  check_network_resources(spec, memory_limit());
  Network net;
  net.dt_ms = spec.simulation.dt_ms;
  net.seed = spec.simulation.seed;
  net.impulse_x = spec.plasticity.impulse_x;
  net.impulse_y = spec.plasticity.impulse_y;
  const uint64_t seed = spec.simulation.seed;
  const double dt = spec.simulation.dt_ms;

  uint32_t first = 0;
  for (size_t pi = 0; pi < spec.populations.size(); ++pi) {
    const auto& ps = spec.populations[pi];
    net.populations.push_back({ps.name, first, ps.size, ps.kind});
    const std::string tag = "lif/" + ps.name + "/";
    const std::string key = fmt::format("populations[{}].", pi);
    auto draw = [&](const Distribution& d, const char* field) {
      return sample_n(d, ps.size, Rng(seed, tag + field), spec.source, key + field);
    };
    auto tau_mem = draw(ps.lif.tau_mem_ms, "tau_mem_ms");
    auto tau_syn = draw(ps.lif.tau_syn_ms, "tau_syn_ms");
    auto vth = draw(ps.lif.v_thresh, "v_thresh");
    auto vreset = draw(ps.lif.v_reset, "v_reset");
    auto bias = draw(ps.lif.bias, "bias");
    auto tref = draw(ps.lif.t_ref_steps, "t_ref_steps");
    for (uint32_t k = 0; k < ps.size; ++k) {
      net.population_of.push_back(static_cast<uint32_t>(pi));
      net.du.push_back(decay_factor(dt, tau_syn[k]));
      net.dv.push_back(decay_factor(dt, tau_mem[k]));
      net.v_thresh.push_back(vth[k]);
      net.v_reset.push_back(vreset[k]);
      net.bias.push_back(bias[k]);
      net.t_ref_steps.push_back(static_cast<uint32_t>(std::lround(tref[k])));
    }
    first += ps.size;
  }
  const uint32_t n = first;
  net.dx.assign(n, 0.0);
  net.dy.assign(n, 0.0);
  net.has_x.assign(n, 0);
  net.has_y.assign(n, 0);

  uint64_t next_synapse = 0;
  for (size_t pj = 0; pj < spec.projections.size(); ++pj) {
    const auto& ps = spec.projections[pj];
    const std::string key = fmt::format("projections[{}].", pj);
    Projection pr;
    pr.name = ps.name;
    pr.pre_population = static_cast<uint32_t>(spec.population_index(ps.pre));
    pr.post_population = static_cast<uint32_t>(spec.population_index(ps.post));
    const auto& pre = net.populations[pr.pre_population];
    const auto& post = net.populations[pr.post_population];
    pr.pre_first = pre.first;
    pr.pre_size = pre.size;
    pr.post_first = post.first;
    pr.post_size = post.size;
    pr.delay_steps = ps.delay_steps;
    pr.first_synapse = next_synapse;
    connect(spec, ps, pr);
    if (pr.post.size() > UINT32_MAX)
      throw std::runtime_error(
          fmt::format("projection '{}' has {} synapses; at most 2^32 - 1 per projection", ps.name, pr.post.size()));
    const double sign = pre.kind == PopulationKind::Inhibitory ? -1.0 : 1.0;
    Rng wrng(seed, "weight/" + ps.name);
    pr.weight.resize(pr.post.size());
    located(spec.source, key + "weight", [&] {
      for (auto& w : pr.weight) w = sign * ps.weight.sample(wrng);
    });
    if (ps.stdp) {
      pr.plastic = true;
      pr.w_min = ps.stdp->w_min;
      pr.w_max = ps.stdp->w_max;
      Rng ep(seed, "eta_plus/" + ps.name), em(seed, "eta_minus/" + ps.name);
      pr.eta_plus.resize(pr.post.size());
      pr.eta_minus.resize(pr.post.size());
      located(spec.source, key + "stdp.eta_plus", [&] {
        for (auto& e : pr.eta_plus) e = ps.stdp->eta_plus.sample(ep);
      });
      located(spec.source, key + "stdp.eta_minus", [&] {
        for (auto& e : pr.eta_minus) e = ps.stdp->eta_minus.sample(em);
      });
      // Trace time constants are per neuron, from population-named streams, so every plastic
      // projection sharing a population samples the same values (the spec checks they agree).
      auto tau_plus = sample_n(ps.stdp->tau_plus_ms, pre.size, Rng(seed, "tau_plus/" + pre.name), spec.source,
                               key + "stdp.tau_plus_ms");
      auto tau_minus = sample_n(ps.stdp->tau_minus_ms, post.size, Rng(seed, "tau_minus/" + post.name), spec.source,
                                key + "stdp.tau_minus_ms");
      for (uint32_t k = 0; k < pre.size; ++k) {
        net.dx[pre.first + k] = decay_factor(dt, tau_plus[k]);
        net.has_x[pre.first + k] = 1;
      }
      for (uint32_t k = 0; k < post.size; ++k) {
        net.dy[post.first + k] = decay_factor(dt, tau_minus[k]);
        net.has_y[post.first + k] = 1;
      }
      build_transposed(pr);
    }
    net.max_delay = std::max(net.max_delay, pr.delay_steps);
    next_synapse += pr.synapse_count();
    net.projections.push_back(std::move(pr));
  }

  // Input wiring: a fraction of each driven population, chosen exactly, each driven neuron
  // receiving every channel with its own weight.
  const InputSpec& in = spec.input;
  InputWiring& iw = net.input;
  iw.encoder = in.encoder;
  iw.channels = in.channels;
  iw.steps_per_sample = in.steps_per_sample;
  iw.rate_max_hz = in.rate_max_hz;
  iw.delta_threshold = in.delta_threshold;
  iw.dt_ms = dt;
  iw.offset.assign(n + 1, 0);
  std::vector<uint8_t> driven(n, 0);
  std::vector<uint32_t> chosen;
  for (const auto& pop : net.populations) {
    const bool targeted = in.populations.empty() ||
                          std::find(in.populations.begin(), in.populations.end(), pop.name) != in.populations.end();
    if (!targeted) continue;
    Rng srng(seed, "input/select/" + pop.name);
    const auto k = static_cast<uint32_t>(std::lround(in.fraction * pop.size));
    select_k_of_n(k, pop.size, pop.size, srng, chosen);
    for (uint32_t c : chosen) driven[pop.first + c] = 1;
  }
  Rng wrng(seed, "input/weight");
  for (uint32_t i = 0; i < n; ++i) {
    if (driven[i]) {
      for (uint32_t c = 0; c < in.channels; ++c) {
        iw.channel.push_back(c);
        located(spec.source, "input.weight", [&] { iw.weight.push_back(in.weight.sample(wrng)); });
      }
    }
    iw.offset[i + 1] = iw.channel.size();
  }
  return net;
}

}  // namespace hrsnn

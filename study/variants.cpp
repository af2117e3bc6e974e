#include "study/variants.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace hrsnn::study {

const char* to_string(Variant v) {
  switch (v) {
    case Variant::mrsnn: return "mrsnn";
    case Variant::het_neurons: return "het-neurons";
    case Variant::het_stdp: return "het-stdp";
    case Variant::hrsnn: return "hrsnn";
    case Variant::het_synapses: return "het-synapses";
  }
  return "?";
}

Variant parse_variant(const std::string& name) {
  for (Variant v : kAllVariants)
    if (name == to_string(v)) return v;
  throw std::invalid_argument(
      fmt::format("unknown model '{}' (allowed: mrsnn, het-neurons, het-stdp, hrsnn, het-synapses)", name));
}

NetworkSpec make_model(const NetworkSpec& homogeneous, const NetworkSpec& heterogeneous, Variant v, bool as_written) {
  if (!as_written) return make_variant(homogeneous, heterogeneous, v);
  if (v == Variant::mrsnn) return homogeneous;
  if (v == Variant::hrsnn) return heterogeneous;
  throw std::invalid_argument(
      fmt::format("make_model: model '{}' mixes the two specs; with the specs as written only mrsnn and hrsnn exist",
                  to_string(v)));
}

NetworkSpec make_variant(const NetworkSpec& homogeneous, const NetworkSpec& heterogeneous, Variant v) {
  const auto mismatch = [&](const std::string& what) {
    return std::invalid_argument(
        fmt::format("make_variant: {} and {} differ in {}; the variants need the same "
                    "populations and projections",
                    homogeneous.source, heterogeneous.source, what));
  };
  if (homogeneous.populations.size() != heterogeneous.populations.size()) throw mismatch("the number of populations");
  if (homogeneous.projections.size() != heterogeneous.projections.size()) throw mismatch("the number of projections");
  NetworkSpec out = homogeneous;
  const bool neurons = v == Variant::het_neurons || v == Variant::hrsnn;
  const bool synapses = v == Variant::het_synapses || v == Variant::hrsnn;
  const bool stdp = v == Variant::het_stdp || v == Variant::hrsnn;
  for (size_t i = 0; i < out.populations.size(); ++i) {
    const PopulationSpec& h = heterogeneous.populations[i];
    PopulationSpec& p = out.populations[i];
    if (p.name != h.name || p.size != h.size || p.kind != h.kind) throw mismatch(fmt::format("population {}", i));
    const Distribution tau_syn = synapses ? h.lif.tau_syn_ms : p.lif.tau_syn_ms;
    if (neurons) p.lif = h.lif;
    p.lif.tau_syn_ms = tau_syn;
  }
  for (size_t i = 0; i < out.projections.size(); ++i) {
    const ProjectionSpec& h = heterogeneous.projections[i];
    ProjectionSpec& p = out.projections[i];
    if (p.name != h.name || p.pre != h.pre || p.post != h.post || p.stdp.has_value() != h.stdp.has_value())
      throw mismatch(fmt::format("projection {} ('{}')", i, p.name));
    if (stdp) p.stdp = h.stdp;
  }
  out.source = fmt::format("{} ({} from {} and {})", to_string(v), v == Variant::mrsnn ? "homogeneous" : "variant",
                           homogeneous.source, heterogeneous.source);
  return out;
}

NetworkSpec scale_network(const NetworkSpec& spec, double scale) {
  if (!(scale > 0.0)) throw std::invalid_argument(fmt::format("size_scale = {} must be > 0", scale));
  NetworkSpec out = spec;
  if (scale == 1.0) return out;
  for (auto& p : out.populations)
    p.size = static_cast<uint32_t>(std::max<long>(1, std::lround(static_cast<double>(p.size) * scale)));
  for (auto& pr : out.projections) {
    if (pr.rule == ConnectRule::Probability) {
      pr.p = std::min(1.0, pr.p / scale);
    } else {
      const int pre = out.population_index(pr.pre);
      if (pre >= 0) pr.in_degree = std::min(pr.in_degree, out.populations[static_cast<size_t>(pre)].size);
    }
  }
  return out;
}

}  // namespace hrsnn::study

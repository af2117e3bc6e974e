#include "core/export.hpp"

namespace hrsnn {

nlohmann::json export_network(const Network& net, const InputSignal* signal, uint64_t steps) {
  nlohmann::json j;
  j["format"] = "hrsnn-network/1";
  j["dt_ms"] = net.dt_ms;
  j["seed"] = net.seed;
  nlohmann::json pops = nlohmann::json::array();
  for (const auto& p : net.populations)
    pops.push_back({{"name", p.name},
                    {"first", p.first},
                    {"size", p.size},
                    {"kind", p.kind == PopulationKind::Inhibitory ? "inhibitory" : "excitatory"}});
  j["populations"] = pops;
  j["neurons"] = {{"du", net.du},           {"dv", net.dv},     {"v_thresh", net.v_thresh},
                  {"v_reset", net.v_reset}, {"bias", net.bias}, {"t_ref_steps", net.t_ref_steps},
                  {"dx", net.dx},           {"dy", net.dy}};
  std::vector<uint32_t> pre, post, delay;
  std::vector<double> weight, eta_plus, eta_minus, w_min, w_max;
  std::vector<bool> plastic;
  nlohmann::json projections = nlohmann::json::array();
  for (const auto& pr : net.projections) {
    projections.push_back({{"name", pr.name},
                           {"first_synapse", pr.first_synapse},
                           {"synapses", pr.synapse_count()},
                           {"plastic", pr.plastic}});
    for (uint32_t lj = 0; lj < pr.pre_size; ++lj) {
      for (uint64_t s = pr.row_offset[lj]; s < pr.row_offset[lj + 1]; ++s) {
        pre.push_back(pr.pre_first + lj);
        post.push_back(pr.post[s]);
        weight.push_back(pr.weight[s]);
        delay.push_back(pr.delay_steps);
        plastic.push_back(pr.plastic);
        eta_plus.push_back(pr.plastic ? pr.eta_plus[s] : 0.0);
        eta_minus.push_back(pr.plastic ? pr.eta_minus[s] : 0.0);
        w_min.push_back(pr.plastic ? pr.w_min : pr.weight[s]);
        w_max.push_back(pr.plastic ? pr.w_max : pr.weight[s]);
      }
    }
  }
  j["projections"] = projections;
  j["synapses"] = {{"pre", pre},         {"post", post},         {"weight", weight},       {"delay_steps", delay},
                   {"plastic", plastic}, {"eta_plus", eta_plus}, {"eta_minus", eta_minus}, {"w_min", w_min},
                   {"w_max", w_max}};
  j["stdp"] = {{"impulse_x", net.impulse_x}, {"impulse_y", net.impulse_y}};
  if (signal && !signal->values.empty() && net.input.encoder == EncoderKind::Current) {
    nlohmann::json events = nlohmann::json::array();
    const InputWiring& iw = net.input;
    for (uint64_t t = 0; t < steps; ++t) {
      const uint64_t k = t / iw.steps_per_sample;
      if (k >= signal->samples()) break;
      for (uint32_t i = 0; i < net.size(); ++i) {
        double a = 0.0;
        bool any = false;
        for (uint64_t e = iw.offset[i]; e < iw.offset[i + 1]; ++e) {
          a += iw.weight[e] * signal->at(k, iw.channel[e]);
          any = true;
        }
        if (any && a != 0.0) events.push_back({t, i, a});
      }
    }
    j["input"] = {{"steps", steps}, {"events", events}};
  }
  return j;
}

}  // namespace hrsnn

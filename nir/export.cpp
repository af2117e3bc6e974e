// hrsnn Network -> NIR file (nir/nir.hpp, docs/nir.md).
#include "core/float_sim.hpp"
#include "nir/h5.hpp"
#include "nir/nir.hpp"

#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <set>

namespace hrsnn::nir {
namespace {

constexpr uint64_t kMaxDense = uint64_t{1} << 26;

const char* encoder_name(EncoderKind e) {
  switch (e) {
    case EncoderKind::Current: return "current";
    case EncoderKind::Poisson: return "poisson";
    case EncoderKind::Delta: return "delta";
  }
  return "?";
}

struct GraphWriter {
  hid_t nodes;
  std::set<std::string> names;
  std::vector<std::string> edges;  // flattened (E, 2)

  h5::Handle node(const std::string& name, const std::string& type) {
    if (!names.insert(name).second)
      throw NirError(
          fmt::format("export: two NIR nodes would be named '{}' (rename a population or projection)", name));
    h5::Handle g = h5::create_group(nodes, name);
    h5::write_string(g.get(), "type", type);
    return g;
  }
  void edge(const std::string& a, const std::string& b) {
    edges.push_back(a);
    edges.push_back(b);
  }
};

}  // namespace

ExportReport export_nir(const Network& net, const InputSignal* signal, const std::string& path,
                        const ExportOptions& options) {
  const bool snapshot = options.snapshot_after_steps.has_value();
  ExportReport report;
  std::vector<std::string> problems;
  for (const auto& pr : net.projections) {
    if (pr.plastic)
      problems.push_back(fmt::format("projection '{}': STDP (plastic weights, pre/post traces){}", pr.name,
                                     snapshot ? " exported as its weights after the snapshot's steps" : ""));
    const uint64_t dense = static_cast<uint64_t>(pr.pre_size) * pr.post_size;
    if (dense > kMaxDense)
      throw NirError(
          fmt::format("export: projection '{}' is {} x {}: NIR's Linear is a dense matrix and hrsnn "
                      "exports at most 2^26 entries per projection",
                      pr.name, pr.post_size, pr.pre_size));
  }
  for (const auto& pop : net.populations) {
    uint32_t tmax = 0;
    for (uint32_t i = pop.first; i < pop.first + pop.size; ++i) tmax = std::max(tmax, net.t_ref_steps[i]);
    if (tmax > 0)
      problems.push_back(
          fmt::format("population '{}': refractory period (t_ref_steps up to {}); NIR's LIF and "
                      "CubaLIF have none{}",
                      pop.name, tmax, snapshot ? ", exported without it" : ""));
  }
  const bool has_input = !net.input.channel.empty();
  if (has_input && net.input.encoder != EncoderKind::Current)
    problems.push_back(fmt::format("input encoder '{}' (spikes drawn from the signal){}",
                                   encoder_name(net.input.encoder),
                                   snapshot ? ": exported as the input weights from an Input carrying its spikes "
                                              "(0/1 per step), the encoder itself omitted"
                                            : ""));
  if (!snapshot && !problems.empty()) {
    std::string msg = "export: this network has no exact NIR form:";
    for (const auto& p : problems) msg += "\n  - " + p;
    msg +=
        "\nExport a weight snapshot instead (--snapshot-after N: simulate N steps, then export the weights as "
        "static ones, with these omissions listed), or remove them from the spec.";
    throw NirError(msg);
  }

  // The weights to export: as built, or after the snapshot's steps of the float64 reference.
  std::vector<std::vector<double>> weights;
  for (const auto& pr : net.projections) weights.push_back(pr.weight);
  if (snapshot) {
    FloatSimulator<double> sim(net, signal, SimOptions{});
    sim.run(*options.snapshot_after_steps);
    for (size_t p = 0; p < net.projections.size(); ++p) weights[p] = sim.weights(p);
    report.omitted = problems;
    report.omitted.push_back(fmt::format("the state after {} steps (u, v, traces): the NIR network starts from rest",
                                         *options.snapshot_after_steps));
  }

  const std::string tmp = fmt::format("{}.tmp.{}", path, ::getpid());
  {
    h5::Handle file = h5::create_file(tmp);
    h5::write_string(file.get(), "version", "0.2.0");
    h5::Handle graph = h5::create_group(file.get(), "node");
    h5::write_string(graph.get(), "type", "NIRGraph");
    h5::Handle nodes = h5::create_group(graph.get(), "nodes");
    GraphWriter w{nodes.get(), {}, {}};
    const double D = net.dt_ms;

    for (const auto& pop : net.populations) {
      std::vector<double> tau_syn, tau_mem, r, v_leak, vth, vreset, w_in;
      for (uint32_t i = pop.first; i < pop.first + pop.size; ++i) {
        tau_syn.push_back(D / net.du[i]);
        tau_mem.push_back(D / net.dv[i]);
        r.push_back(1.0 / (net.dv[i] * net.du[i]));
        v_leak.push_back(net.bias[i] / net.dv[i]);
        vth.push_back(net.v_thresh[i]);
        vreset.push_back(net.v_reset[i]);
        w_in.push_back(1.0);
      }
      h5::Handle g = w.node(pop.name, "CubaLIF");
      const std::vector<uint64_t> dims{pop.size};
      h5::write_doubles(g.get(), "tau_syn", tau_syn, dims);
      h5::write_doubles(g.get(), "tau_mem", tau_mem, dims);
      h5::write_doubles(g.get(), "r", r, dims);
      h5::write_doubles(g.get(), "v_leak", v_leak, dims);
      h5::write_doubles(g.get(), "v_threshold", vth, dims);
      h5::write_doubles(g.get(), "v_reset", vreset, dims);
      h5::write_doubles(g.get(), "w_in", w_in, dims);
      h5::Handle o = w.node("output_" + pop.name, "Output");
      h5::write_int64s(o.get(), "shape", {static_cast<int64_t>(pop.size)}, {1});
      w.edge(pop.name, "output_" + pop.name);
    }

    for (size_t p = 0; p < net.projections.size(); ++p) {
      const Projection& pr = net.projections[p];
      std::vector<double> m(static_cast<size_t>(pr.post_size) * pr.pre_size, 0.0);
      for (uint32_t j = 0; j < pr.pre_size; ++j)
        for (uint64_t s = pr.row_offset[j]; s < pr.row_offset[j + 1]; ++s)
          m[static_cast<size_t>(pr.post[s] - pr.post_first) * pr.pre_size + j] += weights[p][s];
      const std::string lin = "w_" + pr.name;
      h5::Handle g = w.node(lin, "Linear");
      h5::write_doubles(g.get(), "weight", m, {pr.post_size, pr.pre_size});
      const std::string& pre = net.populations[pr.pre_population].name;
      const std::string& post = net.populations[pr.post_population].name;
      if (pr.delay_steps > 1) {
        // The neuron-to-neuron path carries one step; a Delay node adds the rest (docs/nir.md).
        const std::string del = "delay_" + pr.name;
        h5::Handle d = w.node(del, "Delay");
        h5::write_doubles(d.get(), "delay", std::vector<double>(pr.pre_size, (pr.delay_steps - 1) * D), {pr.pre_size});
        w.edge(pre, del);
        w.edge(del, lin);
      } else {
        w.edge(pre, lin);
      }
      w.edge(lin, post);
    }

    if (has_input) {
      const uint32_t channels = net.input.channels;
      h5::Handle g = w.node("input", "Input");
      h5::write_int64s(g.get(), "shape", {static_cast<int64_t>(channels)}, {1});
      for (const auto& pop : net.populations) {
        std::vector<double> m(static_cast<size_t>(pop.size) * channels, 0.0);
        bool any = false;
        for (uint32_t i = pop.first; i < pop.first + pop.size; ++i)
          for (uint64_t e = net.input.offset[i]; e < net.input.offset[i + 1]; ++e) {
            m[static_cast<size_t>(i - pop.first) * channels + net.input.channel[e]] += net.input.weight[e];
            any = true;
          }
        if (!any) continue;
        const std::string lin = "w_input_" + pop.name;
        h5::Handle l = w.node(lin, "Linear");
        h5::write_doubles(l.get(), "weight", m, {pop.size, channels});
        w.edge("input", lin);
        w.edge(lin, pop.name);
      }
    }

    h5::write_strings(graph.get(), "edges", w.edges, {w.edges.size() / 2, 2});
    h5::Handle meta = h5::create_group(graph.get(), "metadata");
    h5::write_string(meta.get(), "hrsnn_format", "hrsnn-nir/1");
    h5::write_string(meta.get(), "time_unit", "ms");
    h5::write_doubles(meta.get(), "dt_ms", {D}, {});
    h5::write_string(meta.get(), "discretization",
                     "forward Euler in hrsnn's step order: du = dt/tau_syn, dv = dt/tau_mem, voltage uses this "
                     "step's current, reset to v_reset, neuron-to-neuron paths delay one step (docs/nir.md)");
    if (snapshot) {
      h5::write_int64s(meta.get(), "snapshot_after_steps", {static_cast<int64_t>(*options.snapshot_after_steps)}, {});
      h5::write_strings(meta.get(), "omitted", report.omitted, {report.omitted.size()});
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    throw NirError(fmt::format("export: cannot write {}", path));
  }
  return report;
}

}  // namespace hrsnn::nir

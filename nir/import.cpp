// NIR file -> hrsnn Network (nir/nir.hpp, docs/nir.md).
#include "nir/h5.hpp"
#include "nir/nir.hpp"

#include <fcntl.h>
#include <fmt/core.h>
#include <sys/wait.h>
#include <unistd.h>
#include <csignal>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <thread>
#include <tuple>
#include <utility>

namespace hrsnn::nir {
namespace {

constexpr const char* kSupported = "Input, Output, Affine, Linear, Scale, Delay, LIF, CubaLIF";
constexpr uint64_t kMaxDense = uint64_t{1} << 26;  // entries of one dense path matrix
constexpr uint32_t kMaxDelaySteps = 4096;

struct ParamSpec {
  std::vector<std::string> required, optional;
};

const std::map<std::string, ParamSpec>& param_specs() {
  static const std::map<std::string, ParamSpec> specs = {
      {"Input", {{"shape"}, {}}},
      {"Output", {{"shape"}, {}}},
      {"Affine", {{"weight", "bias"}, {}}},
      {"Linear", {{"weight"}, {}}},
      {"Scale", {{"scale"}, {}}},
      {"Delay", {{"delay"}, {}}},
      {"LIF", {{"tau", "r", "v_leak", "v_threshold"}, {"v_reset"}}},
      {"CubaLIF", {{"tau_syn", "tau_mem", "r", "v_leak", "v_threshold", "w_in"}, {"v_reset"}}},
  };
  return specs;
}

struct Node {
  std::string name, type;
  std::map<std::string, h5::Array> p;
  uint32_t in = 0, out = 0;  // sizes of the node's input and output vectors
  bool neuron() const { return type == "LIF" || type == "CubaLIF"; }
  bool source() const { return neuron() || type == "Input"; }
  bool linear() const { return type == "Affine" || type == "Linear" || type == "Scale" || type == "Delay"; }
};

struct Mat {
  uint32_t rows = 0, cols = 0;
  std::vector<double> a;  // row-major
  double& at(uint32_t i, uint32_t j) { return a[static_cast<size_t>(i) * cols + j]; }
  double at(uint32_t i, uint32_t j) const { return a[static_cast<size_t>(i) * cols + j]; }
};

// A node's output as a linear function of the sources' outputs: sum over (source node, extra
// delay in steps) of M * out(source), plus a constant vector c (Affine biases).
struct Form {
  std::map<std::pair<uint32_t, uint32_t>, Mat> terms;
  std::vector<double> c;
  void add(const Form& o) {
    for (const auto& [key, m] : o.terms) {
      auto it = terms.find(key);
      if (it == terms.end()) {
        terms.emplace(key, m);
      } else {
        for (size_t k = 0; k < m.a.size(); ++k) it->second.a[k] += m.a[k];
      }
    }
    for (size_t k = 0; k < c.size(); ++k) c[k] += o.c[k];
  }
};

class Importer {
 public:
  Importer(std::string path, const ImportOptions& opt) : path_(std::move(path)), opt_(opt) {}

  Imported run() {
    read_file();
    check_edges();
    map_network();
    return std::move(imp_);
  }

 private:
  [[noreturn]] void fail(const std::string& where, const std::string& msg) const {
    throw NirError(fmt::format("{}: {}: {}", path_, where, msg));
  }
  std::string where(const Node& n) const { return fmt::format("node '{}' ({})", n.name, n.type); }

  // ---- Reading -------------------------------------------------------------------------
  void read_file() {
    h5::Handle f;
    try {
      f = h5::open_file(path_);
    } catch (const h5::Error& e) {
      throw NirError(e.what());
    }
    imp_.source = path_;
    try {
      if (h5::kind_of(f.get(), "version") == h5::Kind::Dataset) {
        std::vector<uint64_t> dims;
        auto v = h5::read_strings(f.get(), "version", path_, "/version", dims);
        if (v.size() == 1) imp_.version = v[0];
      }
      if (imp_.version.empty()) imp_.notes.push_back("the file has no /version dataset");
      if (h5::kind_of(f.get(), "node") != h5::Kind::Group)
        fail("/node", "missing: a NIR file holds its graph in the group /node (NIR's reference layout)");
      h5::Handle g = h5::open_group(f.get(), "node");
      const std::string type = read_type(g.get(), "/node");
      if (type != "NIRGraph")
        fail("/node/type", fmt::format("is '{}'; the top node of a NIR file must be a NIRGraph", type));
      if (h5::kind_of(g.get(), "nodes") != h5::Kind::Group) fail("/node/nodes", "missing (the graph's nodes)");
      if (h5::kind_of(g.get(), "edges") != h5::Kind::Dataset) fail("/node/edges", "missing (the graph's edges)");
      h5::Handle nodes = h5::open_group(g.get(), "nodes");
      for (const std::string& name : h5::children(nodes.get())) read_node(nodes.get(), name);
      std::vector<uint64_t> dims;
      const auto e = h5::read_strings(g.get(), "edges", path_, "/node/edges", dims);
      if (!e.empty() && !(dims.size() == 2 && dims[1] == 2))
        fail("/node/edges",
             fmt::format("has shape ({}); expected (E, 2): one (source, target) pair per row", fmt_dims(dims)));
      for (size_t k = 0; k + 1 < e.size(); k += 2) edges_.emplace_back(e[k], e[k + 1]);
    } catch (const h5::Error& err) {
      throw NirError(err.what());
    }
    if (nodes_.empty()) fail("/node/nodes", "the graph has no nodes");
  }

  static std::string fmt_dims(const std::vector<uint64_t>& d) {
    std::string s;
    for (size_t k = 0; k < d.size(); ++k) s += (k ? ", " : "") + std::to_string(d[k]);
    return s;
  }

  std::string read_type(hid_t g, const std::string& where_path) {
    if (h5::kind_of(g, "type") != h5::Kind::Dataset) fail(where_path + "/type", "missing (every NIR node has a type)");
    std::vector<uint64_t> dims;
    const auto t = h5::read_strings(g, "type", path_, where_path + "/type", dims);
    if (t.size() != 1) fail(where_path + "/type", "must be one string");
    return t[0];
  }

  void read_node(hid_t nodes, const std::string& name) {
    const std::string gpath = "/node/nodes/" + name;
    if (h5::kind_of(nodes, name) != h5::Kind::Group) fail(gpath, "is not a group (every NIR node is a group)");
    h5::Handle g = h5::open_group(nodes, name);
    Node n;
    n.name = name;
    n.type = read_type(g.get(), gpath);
    const auto& specs = param_specs();
    const auto it = specs.find(n.type);
    if (it == specs.end()) {
      const std::string why =
          n.type == "NIRGraph" ? "a nested NIRGraph (subgraph) is not supported: flatten the graph before exporting it"
                               : "this node type has no hrsnn mapping";
      fail(fmt::format("node '{}'", name),
           fmt::format("type '{}' is not supported ({}); hrsnn imports {}", n.type, why, kSupported));
    }
    const ParamSpec& ps = it->second;
    for (const std::string& child : h5::children(g.get())) {
      if (child == "type") continue;
      const h5::Kind k = h5::kind_of(g.get(), child);
      if (k == h5::Kind::Group && (child == "metadata" || child == "input_type" || child == "output_type")) continue;
      const bool known = std::find(ps.required.begin(), ps.required.end(), child) != ps.required.end() ||
                         std::find(ps.optional.begin(), ps.optional.end(), child) != ps.optional.end();
      if (!known || k != h5::Kind::Dataset)
        fail(gpath + "/" + child,
             fmt::format("unexpected {} in a {} node (hrsnn reads {}{}{}); refused rather than ignored",
                         k == h5::Kind::Group ? "group" : "dataset", n.type, fmt_list(ps.required),
                         ps.optional.empty() ? "" : " and optionally ", fmt_list(ps.optional)));
      n.p[child] = h5::read_numeric(g.get(), child, path_, gpath + "/" + child);
    }
    for (const std::string& req : ps.required)
      if (!n.p.count(req))
        fail(gpath + "/" + req, fmt::format("missing: a {} node needs {}", n.type, fmt_list(ps.required)));
    for (const auto& [key, a] : n.p) {
      for (size_t k = 0; k < a.values.size(); ++k)
        if (!std::isfinite(a.values[k]))
          fail(gpath + "/" + key, fmt::format("element {} is {}: every NIR parameter must be finite", k, a.values[k]));
    }
    sizes(n, gpath);
    index_[n.name] = static_cast<uint32_t>(nodes_.size());
    nodes_.push_back(std::move(n));
  }

  static std::string fmt_list(const std::vector<std::string>& v) {
    std::string s;
    for (size_t k = 0; k < v.size(); ++k) s += (k ? ", " : "") + v[k];
    return s;
  }

  uint32_t checked_size(uint64_t count, const std::string& p) const {
    if (count == 0) fail(p, "is empty");
    if (count > (uint64_t{1} << 26)) fail(p, "is too large for hrsnn's NIR import (more than 2^26 elements)");
    return static_cast<uint32_t>(count);
  }

  void sizes(Node& n, const std::string& gpath) {
    if (n.type == "Input" || n.type == "Output") {
      const h5::Array& s = n.p["shape"];
      if (!s.integer || s.dims.size() > 1 || s.values.empty())
        fail(gpath + "/shape", "must be a 1-D integer array (the node's shape)");
      uint64_t count = 1;
      for (double x : s.values) {
        if (!(x >= 1) || x > static_cast<double>(uint64_t{1} << 26))
          fail(gpath + "/shape", fmt::format("has the extent {}; every extent must be >= 1", x));
        count *= static_cast<uint64_t>(x);
        if (count > (uint64_t{1} << 26)) fail(gpath + "/shape", "is too large (more than 2^26 elements)");
      }
      n.in = n.out = checked_size(count, gpath + "/shape");
    } else if (n.type == "Affine" || n.type == "Linear") {
      const h5::Array& w = n.p["weight"];
      if (w.dims.size() != 2)
        fail(gpath + "/weight", fmt::format("has shape ({}); hrsnn needs a 2-D weight (out x in)", fmt_dims(w.dims)));
      n.out = checked_size(w.dims[0], gpath + "/weight");
      n.in = checked_size(w.dims[1], gpath + "/weight");
      if (n.type == "Affine") {
        const h5::Array& b = n.p["bias"];
        if (b.dims.size() != 1 || b.dims[0] != n.out)
          fail(gpath + "/bias",
               fmt::format("has shape ({}); expected ({}) (the weight's rows)", fmt_dims(b.dims), n.out));
      }
    } else if (n.type == "Scale" || n.type == "Delay") {
      const h5::Array& a = n.p[n.type == "Scale" ? "scale" : "delay"];
      n.in = n.out = checked_size(a.size(), gpath + "/" + (n.type == "Scale" ? "scale" : "delay"));
    } else {  // neurons: every parameter of one shape
      const std::string first = n.type == "LIF" ? "tau" : "tau_syn";
      const std::vector<uint64_t> dims = n.p[first].dims;
      for (const auto& [key, a] : n.p)
        if (a.dims != dims)
          fail(gpath + "/" + key, fmt::format("has shape ({}) but {} has ({}): every parameter of a {} node has "
                                              "one shape (one value per neuron)",
                                              fmt_dims(a.dims), first, fmt_dims(dims), n.type));
      n.in = n.out = checked_size(n.p[first].size(), gpath + "/" + first);
    }
  }

  // ---- Graph checks ---------------------------------------------------------------------
  void check_edges() {
    std::set<std::pair<std::string, std::string>> seen;
    in_edges_.assign(nodes_.size(), {});
    out_count_.assign(nodes_.size(), 0);
    for (const auto& [a, b] : edges_) {
      const std::string e = fmt::format("edge ('{}', '{}')", a, b);
      if (!index_.count(a)) fail("/node/edges", e + ": no node named '" + a + "'");
      if (!index_.count(b)) fail("/node/edges", e + ": no node named '" + b + "'");
      if (!seen.insert({a, b}).second)
        fail("/node/edges", e + " is listed twice; hrsnn refuses duplicated edges (their meaning is ambiguous)");
      const Node& na = nodes_[index_[a]];
      const Node& nb = nodes_[index_[b]];
      if (nb.type == "Input") fail("/node/edges", e + ": an Input node has no incoming edges");
      if (na.type == "Output") fail("/node/edges", e + ": an Output node has no outgoing edges");
      if (na.out != nb.in)
        fail("/node/edges", fmt::format("{}: '{}' ({}) outputs {} values but '{}' ({}) takes {}", e, a, na.type, na.out,
                                        b, nb.type, nb.in));
      if (nb.type == "Output" && !na.neuron())
        fail("/node/edges", fmt::format("{}: an Output must be fed by a neuron node (LIF, CubaLIF); hrsnn records "
                                        "spikes, and '{}' is a {}",
                                        e, a, na.type));
      in_edges_[index_[b]].push_back(index_[a]);
      ++out_count_[index_[a]];
    }
    for (size_t k = 0; k < nodes_.size(); ++k)
      if (nodes_[k].linear() && out_count_[k] == 0)
        fail(where(nodes_[k]), "feeds no node: its output would be dropped, so the graph is refused");
  }

  // ---- Discretization -------------------------------------------------------------------
  double unit_ms() const { return opt_.time_unit == TimeUnit::Seconds ? 1000.0 : 1.0; }
  double step_in_file_units() const { return opt_.dt_ms / unit_ms(); }
  const char* unit_name() const { return opt_.time_unit == TimeUnit::Seconds ? "s" : "ms"; }

  uint32_t delay_steps(const Node& n, size_t k) const {
    const double d = n.p.at("delay").values[k];
    const double steps = d / step_in_file_units();
    const double r = std::round(steps);
    if (d < 0 || std::abs(steps - r) > 1e-9 * std::max(1.0, r) || r > kMaxDelaySteps)
      fail(where(n) + fmt::format(" delay[{}]", k),
           fmt::format("= {} {} is {} steps of D = {} ms; hrsnn needs a whole number of steps in [0, {}]", d,
                       unit_name(), steps, opt_.dt_ms, kMaxDelaySteps));
    return static_cast<uint32_t>(r);
  }

  static Mat identity(uint32_t n) {
    Mat m{n, n, std::vector<double>(static_cast<size_t>(n) * n, 0.0)};
    for (uint32_t i = 0; i < n; ++i) m.at(i, i) = 1.0;
    return m;
  }

  Mat multiply(const Node& n, const h5::Array& w, const Mat& m) const {
    const uint32_t rows = n.out, inner = n.in;
    if (static_cast<uint64_t>(rows) * m.cols > kMaxDense)
      fail(where(n), "the path through this node is too large for hrsnn's dense mapping (> 2^26 weights)");
    Mat r{rows, m.cols, std::vector<double>(static_cast<size_t>(rows) * m.cols, 0.0)};
    for (uint32_t i = 0; i < rows; ++i)
      for (uint32_t k = 0; k < inner; ++k) {
        const double x = w.values[static_cast<size_t>(i) * inner + k];
        if (x == 0.0) continue;
        for (uint32_t j = 0; j < m.cols; ++j) r.at(i, j) += x * m.at(k, j);
      }
    return r;
  }

  // The output of node k as a Form over the sources' outputs.
  const Form& out_form(uint32_t k, std::vector<uint32_t>& stack) {
    if (done_[k]) return forms_[k];
    const Node& n = nodes_[k];
    if (n.source()) {
      Form f;
      f.terms.emplace(std::make_pair(k, 0u), identity(n.out));
      f.c.assign(n.out, 0.0);
      forms_[k] = std::move(f);
      done_[k] = 1;
      return forms_[k];
    }
    if (std::find(stack.begin(), stack.end(), k) != stack.end()) {
      std::string cycle;
      auto it = std::find(stack.begin(), stack.end(), k);
      for (; it != stack.end(); ++it) cycle += fmt::format("'{}' ({}) -> ", nodes_[*it].name, nodes_[*it].type);
      cycle += fmt::format("'{}'", n.name);
      fail("/node/edges",
           "cycle without a neuron: " + cycle +
               "; every cycle must pass through a LIF or CubaLIF node (which carries it to the next step)");
    }
    stack.push_back(k);
    Form in = input_form(k, stack);
    stack.pop_back();
    Form out;
    out.c.assign(n.out, 0.0);
    if (n.type == "Affine" || n.type == "Linear") {
      const h5::Array& w = n.p.at("weight");
      for (const auto& [key, m] : in.terms) out.terms.emplace(key, multiply(n, w, m));
      for (uint32_t i = 0; i < n.out; ++i) {
        double s = n.type == "Affine" ? n.p.at("bias").values[i] : 0.0;
        for (uint32_t j = 0; j < n.in; ++j) s += w.values[static_cast<size_t>(i) * n.in + j] * in.c[j];
        out.c[i] = s;
      }
    } else if (n.type == "Scale") {
      const auto& s = n.p.at("scale").values;
      for (auto& [key, m] : in.terms) {
        for (uint32_t i = 0; i < m.rows; ++i)
          for (uint32_t j = 0; j < m.cols; ++j) m.at(i, j) *= s[i];
        out.terms.emplace(key, std::move(m));
      }
      for (uint32_t i = 0; i < n.out; ++i) out.c[i] = s[i] * in.c[i];
    } else {  // Delay: rows split by their delay
      std::vector<uint32_t> steps(n.out);
      for (uint32_t i = 0; i < n.out; ++i) {
        steps[i] = delay_steps(n, i);
        if (in.c[i] != 0.0 && steps[i] > 0)
          fail(where(n), fmt::format("element {} delays a constant (an Affine bias upstream); hrsnn's biases act from "
                                     "step 0, so a delayed bias is not supported",
                                     i));
      }
      out.c = in.c;
      for (const auto& [key, m] : in.terms) {
        for (uint32_t i = 0; i < m.rows; ++i) {
          const auto nk = std::make_pair(key.first, key.second + steps[i]);
          auto it = out.terms.find(nk);
          if (it == out.terms.end())
            it = out.terms.emplace(nk, Mat{m.rows, m.cols, std::vector<double>(m.a.size(), 0.0)}).first;
          for (uint32_t j = 0; j < m.cols; ++j) it->second.at(i, j) += m.at(i, j);
        }
      }
    }
    forms_[k] = std::move(out);
    done_[k] = 1;
    return forms_[k];
  }

  Form input_form(uint32_t k, std::vector<uint32_t>& stack) {
    Form f;
    f.c.assign(nodes_[k].in, 0.0);
    for (uint32_t p : in_edges_[k]) f.add(out_form(p, stack));
    return f;
  }

  // ---- Network ---------------------------------------------------------------------------
  void map_network() {
    if (opt_.convention == Convention::Paper)
      throw NirError(fmt::format(
          "{}: --nir-convention paper is not supported: NIR's paper reference resets by subtraction (v -= "
          "v_threshold), and hrsnn's step (like the fixed core and the RTL) sets v = v_reset; the previous-current "
          "voltage update alone could be expressed by delaying every input one step, the reset cannot. Use the "
          "default convention (hrsnn: forward Euler, this step's current, reset to v_reset)",
          path_));
    if (!(opt_.dt_ms > 0) || !std::isfinite(opt_.dt_ms))
      throw NirError(fmt::format("--dt-ms must be a positive step, got {}", opt_.dt_ms));
    const double D = step_in_file_units();
    Network& net = imp_.net;
    net.dt_ms = opt_.dt_ms;
    net.seed = opt_.seed;
    imp_.notes.push_back(
        fmt::format("time constants read in {}; step D = {} ms = {} {}", unit_name(), opt_.dt_ms, D, unit_name()));

    // Populations (neuron nodes, in name order) and input ports.
    std::vector<uint32_t> first_of(nodes_.size(), 0);
    std::vector<double> scale;  // per neuron: dv * r * du * w_in
    uint32_t n_total = 0;
    for (uint32_t k = 0; k < nodes_.size(); ++k) {
      const Node& n = nodes_[k];
      if (n.type == "Input") {
        imp_.inputs.push_back({n.name, imp_.input_columns, n.out});
        first_of[k] = imp_.input_columns;
        imp_.input_columns += n.out;
        continue;
      }
      if (!n.neuron()) continue;
      first_of[k] = n_total;
      net.populations.push_back({n.name, n_total, n.out, PopulationKind::Excitatory});
      const bool cuba = n.type == "CubaLIF";
      const auto& tau_mem = n.p.at(cuba ? "tau_mem" : "tau").values;
      const auto& r = n.p.at("r").values;
      const auto& v_leak = n.p.at("v_leak").values;
      const auto& vth = n.p.at("v_threshold").values;
      const std::vector<double>* vreset = n.p.count("v_reset") ? &n.p.at("v_reset").values : nullptr;
      for (uint32_t i = 0; i < n.out; ++i) {
        auto decay = [&](const char* field, double tau) {
          if (!(tau > 0)) fail(where(n) + fmt::format(" {}[{}]", field, i), fmt::format("= {} must be > 0", tau));
          const double d = D / tau;
          if (d > 1.0)
            fail(where(n) + fmt::format(" {}[{}]", field, i),
                 fmt::format("= {} {} is shorter than the step D = {} {}: forward Euler needs D <= tau (d = D/tau "
                             "= {} > 1); choose a smaller --dt-ms",
                             tau, unit_name(), D, unit_name(), d));
          return d;
        };
        const double dv = decay(cuba ? "tau_mem" : "tau", tau_mem[i]);
        const double du = cuba ? decay("tau_syn", n.p.at("tau_syn").values[i]) : 1.0;
        const double w_in = cuba ? n.p.at("w_in").values[i] : 1.0;
        net.population_of.push_back(static_cast<uint32_t>(net.populations.size() - 1));
        net.du.push_back(du);
        net.dv.push_back(dv);
        net.v_thresh.push_back(vth[i]);
        net.v_reset.push_back(vreset ? (*vreset)[i] : 0.0);
        net.bias.push_back(dv * v_leak[i]);
        net.t_ref_steps.push_back(0);
        scale.push_back(dv * r[i] * du * w_in);
      }
      n_total += n.out;
    }
    if (n_total == 0)
      fail("/node/nodes", fmt::format("the graph has no neuron node (LIF or CubaLIF); hrsnn imports {}", kSupported));
    net.dx.assign(n_total, 0.0);
    net.dy.assign(n_total, 0.0);
    net.has_x.assign(n_total, 0);
    net.has_y.assign(n_total, 0);

    // Each neuron node's input.
    done_.assign(nodes_.size(), 0);
    forms_.assign(nodes_.size(), {});
    std::vector<std::vector<std::pair<uint32_t, double>>> wiring(n_total);
    std::vector<double> bias_in(n_total, 0.0);
    struct Key {
      uint32_t pre, post, delay;
      bool operator<(const Key& o) const { return std::tie(pre, post, delay) < std::tie(o.pre, o.post, o.delay); }
    };
    std::map<Key, Mat> proj;
    for (uint32_t k = 0; k < nodes_.size(); ++k) {
      const Node& n = nodes_[k];
      if (!n.neuron()) continue;
      std::vector<uint32_t> stack{k};
      const Form in = input_form(k, stack);
      const uint32_t base = first_of[k];
      for (const auto& [key, m] : in.terms) {
        const Node& src = nodes_[key.first];
        if (src.type == "Input") {
          if (key.second != 0)
            fail(where(n),
                 fmt::format("a Delay lies on the path from Input '{}': hrsnn's input port has no delays", src.name));
          for (uint32_t i = 0; i < m.rows; ++i)
            for (uint32_t j = 0; j < m.cols; ++j) {
              const double w = scale[base + i] * m.at(i, j);
              if (w != 0.0) wiring[base + i].emplace_back(first_of[key.first] + j, w);
            }
        } else {
          proj.emplace(Key{key.first, k, key.second}, m);
        }
      }
      for (uint32_t i = 0; i < n.in; ++i) bias_in[base + i] = scale[base + i] * in.c[i];
    }

    // Projections: CSR by presynaptic neuron, global post ids.
    uint64_t next_synapse = 0;
    for (const auto& [key, m] : proj) {
      const Node& pre = nodes_[key.pre];
      const Node& post = nodes_[key.post];
      Projection pr;
      pr.name = key.delay ? fmt::format("{}->{}+{}", pre.name, post.name, key.delay)
                          : fmt::format("{}->{}", pre.name, post.name);
      pr.pre_population = pop_index(pre.name);
      pr.post_population = pop_index(post.name);
      pr.pre_first = first_of[key.pre];
      pr.pre_size = pre.out;
      pr.post_first = first_of[key.post];
      pr.post_size = post.out;
      pr.delay_steps = 1 + key.delay;
      pr.first_synapse = next_synapse;
      pr.row_offset.assign(pr.pre_size + 1, 0);
      for (uint32_t j = 0; j < pr.pre_size; ++j) {
        for (uint32_t i = 0; i < pr.post_size; ++i) {
          const double w = scale[pr.post_first + i] * m.at(i, j);
          if (w == 0.0) continue;
          pr.post.push_back(pr.post_first + i);
          pr.weight.push_back(w);
        }
        pr.row_offset[j + 1] = pr.post.size();
      }
      if (pr.post.empty()) continue;  // every weight 0: no synapse
      next_synapse += pr.synapse_count();
      net.max_delay = std::max(net.max_delay, pr.delay_steps);
      net.projections.push_back(std::move(pr));
    }

    // Input wiring: the Input columns, then the bias channel (constant 1) if any bias reaches a neuron.
    imp_.bias_channel = std::any_of(bias_in.begin(), bias_in.end(), [](double b) { return b != 0.0; });
    InputWiring& iw = net.input;
    iw.encoder = EncoderKind::Current;
    iw.channels = std::max<uint32_t>(1, imp_.input_columns + (imp_.bias_channel ? 1 : 0));
    iw.steps_per_sample = 1;
    iw.dt_ms = opt_.dt_ms;
    iw.offset.assign(n_total + 1, 0);
    for (uint32_t i = 0; i < n_total; ++i) {
      for (const auto& [c, w] : wiring[i]) {
        iw.channel.push_back(c);
        iw.weight.push_back(w);
      }
      if (bias_in[i] != 0.0) {
        iw.channel.push_back(imp_.input_columns);
        iw.weight.push_back(bias_in[i]);
      }
      iw.offset[i + 1] = iw.channel.size();
    }

    for (uint32_t k = 0; k < nodes_.size(); ++k) {
      if (nodes_[k].type != "Output") continue;
      imp_.outputs.push_back(nodes_[k].name);
      std::vector<std::string> from;
      for (uint32_t p : in_edges_[k]) from.push_back(nodes_[p].name);
      imp_.output_of.push_back(std::move(from));
    }
  }

  uint32_t pop_index(const std::string& name) const {
    for (size_t p = 0; p < imp_.net.populations.size(); ++p)
      if (imp_.net.populations[p].name == name) return static_cast<uint32_t>(p);
    throw std::logic_error("nir import: population " + name + " missing");
  }

  std::string path_;
  ImportOptions opt_;
  Imported imp_;
  std::vector<Node> nodes_;
  std::map<std::string, uint32_t> index_;
  std::vector<std::pair<std::string, std::string>> edges_;
  std::vector<std::vector<uint32_t>> in_edges_;
  std::vector<uint32_t> out_count_;
  std::vector<uint8_t> done_;
  std::vector<Form> forms_;
};

}  // namespace

TimeUnit parse_time_unit(const std::string& text) {
  if (text == "ms") return TimeUnit::Milliseconds;
  if (text == "s") return TimeUnit::Seconds;
  throw NirError(fmt::format("--nir-time-unit: '{}' is not a time unit (ms or s)", text));
}

Convention parse_convention(const std::string& text) {
  if (text == "hrsnn") return Convention::Hrsnn;
  if (text == "paper") return Convention::Paper;
  throw NirError(fmt::format("--nir-convention: '{}' is not a convention (hrsnn or paper)", text));
}

namespace {

// libhdf5 1.10 can crash on a corrupt file (a byte-flipped test file made it read past a global
// heap or a layout in H5Dread: 5 of 150 random mutants). The file is therefore read once in a
// child process first: only when that read ends normally (mapped, or refused with a NirError)
// does this process read it.
void read_in_child_first(const std::string& path, const ImportOptions& options) {
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) return;  // no child: read directly
  if (pid == 0) {
    // The child's stderr is silenced: a crash (and a sanitizer's report of it) is the parent's
    // error message, and the child has nothing else to say.
    const int null_fd = ::open("/dev/null", O_WRONLY);
    if (null_fd >= 0) ::dup2(null_fd, 2);
    int code = 0;
    try {
      Importer(path, options).run();
    } catch (const NirError&) {
      code = 3;
    } catch (...) {
      code = 4;
    }
    ::_exit(code);
  }
  // A reader still busy after kReadTimeout is stopped: libhdf5 can loop on a corrupt file.
  constexpr auto kReadTimeout = std::chrono::seconds(300);
  const auto deadline = std::chrono::steady_clock::now() + kReadTimeout;
  int status = 0;
  for (;;) {
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) break;
    if (r < 0) return;
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      throw NirError(fmt::format("{}: libhdf5 was still reading this file after {} s; it is corrupt or far too large",
                                 path, kReadTimeout.count()));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  const bool normal = WIFEXITED(status) && (WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == 3);
  if (!normal)
    throw NirError(
        fmt::format("{}: libhdf5 crashed reading this file ({}): it is corrupt or not a NIR file written "
                    "by an HDF5 writer",
                    path,
                    WIFSIGNALED(status) ? fmt::format("signal {}", WTERMSIG(status))
                                        : fmt::format("exit status {}", WEXITSTATUS(status))));
}

}  // namespace

Imported import_nir(const std::string& path, const ImportOptions& options) {
  read_in_child_first(path, options);
  return Importer(path, options).run();
}

InputSignal make_nir_signal(const Imported& imp, const std::vector<double>& columns, uint64_t steps_given,
                            uint64_t steps) {
  InputSignal s;
  s.channels = imp.net.input.channels;
  if (columns.empty() && !imp.bias_channel) return s;
  if (!columns.empty() && columns.size() != steps_given * imp.input_columns)
    throw NirError(fmt::format("input: {} values are not {} steps x {} input columns", columns.size(), steps_given,
                               imp.input_columns));
  // The signal holds every step's channels (the bias channel too): refuse what would not fit
  // rather than fail in the allocation.
  if (steps > (uint64_t{1} << 28) / s.channels)
    throw NirError(fmt::format("input: {} steps x {} channels is more than 2^28 input values; run fewer steps", steps,
                               s.channels));
  s.values.assign(steps * s.channels, 0.0);
  for (uint64_t t = 0; t < steps; ++t) {
    if (!columns.empty() && t < steps_given)
      std::copy_n(columns.begin() + static_cast<std::ptrdiff_t>(t * imp.input_columns), imp.input_columns,
                  s.values.begin() + static_cast<std::ptrdiff_t>(t * s.channels));
    if (imp.bias_channel) s.values[t * s.channels + imp.input_columns] = 1.0;
  }
  return s;
}

NirRun prepare_nir_run(const std::string& model, const ImportOptions& options, const std::string& input_npy,
                       std::optional<uint64_t> steps) {
  NirRun run;
  run.imp = import_nir(model, options);
  NpyArray input;
  if (!input_npy.empty()) {
    input = read_npy_2d(input_npy);
    if (input.cols != run.imp.input_columns) {
      std::string ports;
      for (const auto& p : run.imp.inputs) ports += fmt::format("{}{} x {}", ports.empty() ? "" : ", ", p.name, p.size);
      throw NirError(fmt::format("{}: {} columns, but {} has {} input columns ({})", input_npy, input.cols, model,
                                 run.imp.input_columns, ports.empty() ? "no Input node" : ports));
    }
  }
  if (!steps && input_npy.empty())
    throw NirError("a NIR model runs for --steps N steps (or as many as the rows of --input)");
  run.steps = steps.value_or(input.rows);
  run.signal = make_nir_signal(run.imp, input.values, input.rows, run.steps);
  return run;
}

}  // namespace hrsnn::nir

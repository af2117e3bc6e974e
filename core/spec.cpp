#include "core/spec.hpp"

#include "core/foundation/config.hpp"

#include <fmt/core.h>
#include <fmt/ranges.h>

#include <toml++/toml.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

namespace hrsnn {

uint32_t NetworkSpec::total_neurons() const {
  uint64_t n = 0;
  for (const auto& p : populations) n += p.size;
  return static_cast<uint32_t>(n);
}

int NetworkSpec::population_index(std::string_view name) const {
  for (size_t i = 0; i < populations.size(); ++i)
    if (populations[i].name == name) return static_cast<int>(i);
  return -1;
}

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kMinDtMs = 1e-3;

using Range = ConfigRange;

const Range kPositive{0.0, kInf, true};
const Range kNonNegative{0.0, kInf};
const Range kAny{};
const Range kProbability{0.0, 1.0};

// The spec's view of a configuration table: the shared reader plus the spec's own value kinds
// (unsigned integers, heterogeneity distributions).
class Reader : public ConfigTable {
 public:
  using ConfigTable::ConfigTable;
  explicit Reader(const ConfigTable& t) : ConfigTable(t) {}

  uint64_t integer(std::string_view key, uint64_t fallback, const Range& range) const {
    return static_cast<uint64_t>(ConfigTable::integer(key, static_cast<int64_t>(fallback), range));
  }
  Reader sub(const toml::table& t, std::string_view key) const { return Reader(ConfigTable::sub(t, key)); }

  // A constant or an inline table {dist = "...", ...}. The whole support of the distribution
  // (after truncation) must lie in `range`.
  Distribution distribution(std::string_view key, const Distribution& fallback, const Range& range) const {
    const toml::node* n = get(key);
    if (!n) return fallback;
    if (n->is_number()) return Distribution::constant(number_of(n, key, range));
    const toml::table* t = n->as_table();
    if (!t)
      fail(n, key,
           fmt::format("expected a number or a distribution table {{dist = \"uniform\"|\"normal\"|"
                       "\"lognormal\"|\"gamma\", ...}}, got {}",
                       config_type_name(*n)));
    Reader r = sub(*t, key);
    const std::string kind = r.string("dist", "", {"constant", "uniform", "normal", "lognormal", "gamma"});
    if (kind.empty()) r.fail_table("missing key 'dist' (one of: constant, uniform, normal, lognormal, gamma)");
    Distribution d;
    if (kind == "constant") {
      r.only_keys({"dist", "value"});
      d = Distribution::constant(r.required_number("value", range));
    } else if (kind == "uniform") {
      r.only_keys({"dist", "low", "high"});
      const double lo = r.required_number("low", kAny), hi = r.required_number("high", kAny);
      if (!(hi > lo)) r.fail(r.get("high"), "high", fmt::format("high ({}) must exceed low ({})", hi, lo));
      d = Distribution::uniform(lo, hi);
    } else if (kind == "normal") {
      r.only_keys({"dist", "mean", "std", "min", "max"});
      d = Distribution::normal(r.required_number("mean", kAny), r.required_number("std", kPositive));
    } else if (kind == "lognormal") {
      r.only_keys({"dist", "mu", "sigma", "mean", "cv", "min", "max"});
      if (r.has("mean") || r.has("cv")) {
        if (r.has("mu") || r.has("sigma")) r.fail_table("give either (mu, sigma) or (mean, cv), not both");
        d = Distribution::lognormal_mean_cv(r.required_number("mean", kPositive), r.required_number("cv", kPositive));
      } else {
        d = Distribution::lognormal(r.required_number("mu", kAny), r.required_number("sigma", kPositive));
      }
    } else {  // gamma
      r.only_keys({"dist", "shape", "scale", "mean", "cv", "min", "max"});
      if (r.has("mean") || r.has("cv")) {
        if (r.has("shape") || r.has("scale")) r.fail_table("give either (shape, scale) or (mean, cv), not both");
        d = Distribution::gamma_mean_cv(r.required_number("mean", kPositive), r.required_number("cv", kPositive));
      } else {
        d = Distribution::gamma(r.required_number("shape", kPositive), r.required_number("scale", kPositive));
      }
    }
    if (kind == "normal" || kind == "lognormal" || kind == "gamma") {
      d.min = r.number("min", -kInf, kAny);
      d.max = r.number("max", kInf, kAny);
      if (!(d.max > d.min)) r.fail(r.get("max"), "max", fmt::format("max ({}) must exceed min ({})", d.max, d.min));
    }
    const double lo = d.lower_bound(), hi = d.upper_bound();
    const bool lo_ok =
        range.open_low
            ? lo > range.low || (lo == range.low && !d.is_constant() &&
                                 (d.kind == Distribution::Kind::Gamma || d.kind == Distribution::Kind::LogNormal) &&
                                 !std::isfinite(d.min))
            : lo >= range.low;
    if (!lo_ok || hi > range.high)
      fail(n, key,
           fmt::format("distribution {} has support [{}, {}] outside the allowed range {}; "
                       "add min/max bounds to truncate it",
                       d.describe(), lo, hi, range.describe()));
    check_samples(d, n, key, range);
    return d;
  }

  // Derived parameters (shape = 1/cv^2, sigma from cv, a uniform's width) can overflow where
  // the given ones are finite, and a truncation window can hold almost no mass: a few draws
  // here find both and name the key, rather than failing later in build_network.
  void check_samples(const Distribution& d, const toml::node* n, std::string_view key, const Range& range) const {
    if (d.is_constant()) return;
    if (!std::isfinite(d.a) || !std::isfinite(d.b) || !std::isfinite(d.b - d.a) ||
        ((d.kind == Distribution::Kind::Gamma || d.kind == Distribution::Kind::LogNormal) && !(d.b > 0.0)) ||
        (d.kind == Distribution::Kind::Gamma && !(d.a > 0.0)))
      fail(n, key,
           fmt::format("distribution {} has parameters double precision cannot sample (a mean/cv too "
                       "extreme, or a range too wide)",
                       d.describe()));
    // Draws 10 standard deviations out must stay finite unless truncated on that side.
    double lo = -kInf, hi = kInf;
    switch (d.kind) {
      case Distribution::Kind::Normal: lo = d.a - 10.0 * d.b, hi = d.a + 10.0 * d.b; break;
      case Distribution::Kind::LogNormal: lo = 0.0, hi = std::exp(d.a + 10.0 * d.b); break;
      case Distribution::Kind::Gamma: lo = 0.0, hi = d.a * d.b + 10.0 * std::sqrt(d.a) * d.b; break;
      default: lo = d.a, hi = d.b; break;
    }
    if ((!std::isfinite(lo) && !std::isfinite(d.min)) || (!std::isfinite(hi) && !std::isfinite(d.max)))
      fail(n, key,
           fmt::format("distribution {} draws values beyond double precision (10 standard deviations out: "
                       "[{}, {}]); narrow it or bound it with min/max",
                       d.describe(), lo, hi));
    Rng rng(1, "spec/check/" + join(key));
    for (int i = 0; i < 16; ++i) {
      double x = 0.0;
      try {
        x = d.sample(rng);
      } catch (const std::exception& e) {
        fail(n, key, e.what());
      }
      if (!range.contains(x))
        fail(n, key,
             fmt::format("distribution {} drew {}, outside the allowed range {}", d.describe(), x, range.describe()));
    }
  }
};

const toml::table& table_at(const Reader& parent, const toml::node* n, std::string_view key) {
  const toml::table* t = n ? n->as_table() : nullptr;
  if (!t) parent.fail(n, key, "expected a table");
  return *t;
}

LifSpec read_lif(const Reader& r) {
  LifSpec lif;
  lif.tau_mem_ms = r.distribution("tau_mem_ms", lif.tau_mem_ms, kPositive);
  lif.tau_syn_ms = r.distribution("tau_syn_ms", lif.tau_syn_ms, kPositive);
  lif.v_thresh = r.distribution("v_thresh", lif.v_thresh, kAny);
  lif.v_reset = r.distribution("v_reset", lif.v_reset, kAny);
  lif.bias = r.distribution("bias", lif.bias, kAny);
  lif.t_ref_steps = r.distribution("t_ref_steps", lif.t_ref_steps, Range{0.0, 10000.0});
  if (lif.v_reset.upper_bound() >= lif.v_thresh.lower_bound())
    r.fail(r.get("v_reset"), "v_reset",
           fmt::format("v_reset (up to {}) must stay below v_thresh (down to {}): a neuron reset at or above "
                       "threshold would fire every step",
                       lif.v_reset.upper_bound(), lif.v_thresh.lower_bound()));
  return lif;
}

StdpSpec read_stdp(const Reader& r) {
  r.only_keys({"eta_plus", "eta_minus", "tau_plus_ms", "tau_minus_ms", "w_min", "w_max"});
  StdpSpec s;
  s.eta_plus = r.distribution("eta_plus", s.eta_plus, kNonNegative);
  s.eta_minus = r.distribution("eta_minus", s.eta_minus, kNonNegative);
  s.tau_plus_ms = r.distribution("tau_plus_ms", s.tau_plus_ms, kPositive);
  s.tau_minus_ms = r.distribution("tau_minus_ms", s.tau_minus_ms, kPositive);
  s.w_min = r.number("w_min", s.w_min, kAny);
  s.w_max = r.number("w_max", s.w_max, kAny);
  if (!(s.w_max >= s.w_min))
    r.fail(r.get("w_max"), "w_max", fmt::format("w_max ({}) must be >= w_min ({})", s.w_max, s.w_min));
  return s;
}

const toml::array& array_at(const Reader& root, std::string_view key) {
  const toml::node* n = root.get(key);
  const toml::array* a = n ? n->as_array() : nullptr;
  if (!a) root.fail(n, key, fmt::format("expected an array of tables ([[{}]])", key));
  return *a;
}

// [hardware]: profile = "loihi" | "narrow", then any register-format field by name (integers,
// or rounding / overflow names), plus the quantize() options.
void read_hardware(const Reader& r, NetworkSpec& spec) {
  HardwareSpec& hw = spec.hardware;
  std::vector<std::string_view> profiles;
  for (const auto& p : fixed::hardware_profiles()) profiles.push_back(p.name);
  if (const toml::node* pn = r.get("profile")) {
    auto name = pn->value_exact<std::string>();
    const fixed::HardwareProfile* prof = name ? fixed::find_hardware_profile(*name) : nullptr;
    if (!prof)
      r.fail(pn, "profile",
             fmt::format("unknown hardware profile{} (allowed: {})", name ? " '" + *name + "'" : "",
                         fmt::join(profiles, ", ")));
    hw.profile = *name;
    hw.format = prof->format;
  }
  for (const auto& [key, node] : r.table()) {
    const std::string_view k = key.str();
    if (k == "profile") continue;
    if (k == "tau_profiles") {
      hw.tau_profiles = static_cast<uint32_t>(r.integer("tau_profiles", 0, Range{0, 1e8}));
    } else if (k == "profile_method") {
      hw.profile_method = r.string("profile_method", "kmeans", {"kmeans", "quantile"}) == "quantile"
                              ? ProfileMethod::Quantile
                              : ProfileMethod::KMeans;
    } else if (k == "voltage_headroom_bits") {
      hw.voltage_headroom_bits = static_cast<int>(r.integer("voltage_headroom_bits", 3, Range{0, 16}));
    } else if (k == "trace_scale") {
      hw.trace_scale = r.number("trace_scale", 32.0, Range{0.0, 1e6, true});
    } else if (k == "sign_modes") {
      const toml::table* t = node.as_table();
      if (!t) r.fail(&node, k, "expected a table {projection = \"excitatory\"|\"inhibitory\"|\"mixed\"|\"auto\"}");
      for (const auto& [pk, pv] : *t) {
        auto mode = pv.value_exact<std::string>();
        if (!mode || (*mode != "excitatory" && *mode != "inhibitory" && *mode != "mixed" && *mode != "auto"))
          r.fail(&pv, std::string(k) + "." + std::string(pk.str()),
                 "expected one of: excitatory, inhibitory, mixed, auto");
        bool known = false;
        for (const auto& pr : spec.projections) known = known || pr.name == pk.str();
        if (!known) r.fail(&pv, std::string(k) + "." + std::string(pk.str()), "not a projection name");
        hw.sign_modes.emplace_back(std::string(pk.str()), *mode);
      }
    } else if (const fixed::FormatField* field = fixed::find_format_field(k)) {
      int64_t value = 0;
      if (field->kind == fixed::FieldKind::integer) {
        value = static_cast<int64_t>(
            r.integer(k, 0, Range{static_cast<double>(field->min), static_cast<double>(field->max)}));
        if (auto i = node.value_exact<int64_t>(); i && *i < 0) value = *i;
      } else {
        auto text = node.value_exact<std::string>();
        std::optional<int64_t> code;
        if (text) code = fixed::parse_field_code(*field, *text);
        if (!code) r.fail(&node, k, fmt::format("expected {}", fixed::field_range_text(*field)));
        value = *code;
      }
      fixed::set_field_value(hw.format, *field, value);
    } else {
      std::vector<std::string> names = {"profile",     "tau_profiles", "profile_method", "voltage_headroom_bits",
                                        "trace_scale", "sign_modes"};
      for (const auto& f : fixed::format_fields()) names.emplace_back(f.name);
      r.fail(&node, k, fmt::format("unknown key; allowed keys here: {}", fmt::join(names, ", ")));
    }
  }
  if (auto problems = hw.format.problems(); !problems.empty())
    r.fail_table(fmt::format("inconsistent register format: {}", fmt::join(problems, "; ")));
}

NetworkSpec parse_root(const toml::table& root_table, const std::string& file) {
  NetworkSpec spec;
  spec.source = file;
  Reader root(file, root_table, "");
  root.only_keys({"simulation", "populations", "projections", "input", "plasticity", "hardware"});

  if (const toml::node* n = root.get("simulation")) {
    Reader r = root.sub(table_at(root, n, "simulation"), "simulation");
    spec.simulation_line = r.line_of_table();
    r.only_keys({"dt_ms", "steps", "seed"});
    // 1 us is far below any LIF time constant; below it a step count of reasonable length
    // covers no time (dt = 5e-324 ran 500 spikes "at 0.00 Hz").
    spec.simulation.dt_ms = r.number("dt_ms", spec.simulation.dt_ms, Range{kMinDtMs, 1000.0});
    spec.simulation.steps = r.integer("steps", spec.simulation.steps, Range{1, 1e12});
    spec.simulation.seed = r.integer("seed", spec.simulation.seed, Range{0, 9.2e18});
  }
  if (const toml::node* n = root.get("plasticity")) {
    Reader r = root.sub(table_at(root, n, "plasticity"), "plasticity");
    r.only_keys({"impulse_x", "impulse_y"});
    spec.plasticity.impulse_x = r.number("impulse_x", 1.0, kPositive);
    spec.plasticity.impulse_y = r.number("impulse_y", 1.0, kPositive);
  }

  if (!root.has("populations")) root.fail_table("missing [[populations]]: a network needs at least one population");
  const toml::array& pops = array_at(root, "populations");
  if (pops.empty())
    root.fail(root.get("populations"), "populations", "an empty array: a network needs at least one population");
  uint64_t total = 0;
  for (size_t i = 0; i < pops.size(); ++i) {
    const std::string key = fmt::format("populations[{}]", i);
    const toml::table* t = pops[i].as_table();
    if (!t) root.fail(&pops[i], key, "expected a table");
    Reader r = root.sub(*t, key);
    r.only_keys({"name", "size", "kind", "tau_mem_ms", "tau_syn_ms", "v_thresh", "v_reset", "bias", "t_ref_steps"});
    PopulationSpec p;
    p.line = r.line_of_table();
    p.name = r.required_string("name");
    if (spec.population_index(p.name) >= 0)
      r.fail(r.get("name"), "name", fmt::format("duplicate population '{}'", p.name));
    p.size = static_cast<uint32_t>(r.integer("size", 0, Range{1, 1e8}));
    if (!r.has("size")) r.fail_table("missing required key 'size' (integer in [1, 1e8])");
    p.kind = r.string("kind", "excitatory", {"excitatory", "inhibitory"}) == "inhibitory" ? PopulationKind::Inhibitory
                                                                                          : PopulationKind::Excitatory;
    p.lif = read_lif(r);
    total += p.size;
    spec.populations.push_back(std::move(p));
  }
  if (total > 100'000'000) root.fail(root.get("populations"), "populations", "more than 1e8 neurons in total");

  if (root.has("projections")) {
    const toml::array& projs = array_at(root, "projections");
    std::set<std::string> names;
    for (size_t i = 0; i < projs.size(); ++i) {
      const std::string key = fmt::format("projections[{}]", i);
      const toml::table* t = projs[i].as_table();
      if (!t) root.fail(&projs[i], key, "expected a table");
      Reader r = root.sub(*t, key);
      r.only_keys({"name", "pre", "post", "connect", "p", "in_degree", "autapses", "weight", "delay_steps", "stdp"});
      ProjectionSpec pr;
      pr.line = r.line_of_table();
      pr.pre = r.required_string("pre");
      pr.post = r.required_string("post");
      pr.name = r.has("name") ? r.required_string("name") : pr.pre + pr.post;
      if (!names.insert(pr.name).second)
        r.fail(r.get("name"), "name", fmt::format("duplicate projection '{}'", pr.name));
      for (auto [field, value] : {std::pair{"pre", pr.pre}, std::pair{"post", pr.post}}) {
        if (spec.population_index(value) < 0) {
          std::vector<std::string> known;
          for (const auto& p : spec.populations) known.push_back(p.name);
          r.fail(r.get(field), field,
                 fmt::format("unknown population '{}' (known: {})", value, fmt::join(known, ", ")));
        }
      }
      const auto& pre_pop = spec.populations[static_cast<size_t>(spec.population_index(pr.pre))];
      const auto& post_pop = spec.populations[static_cast<size_t>(spec.population_index(pr.post))];
      pr.rule = r.string("connect", "probability", {"probability", "in_degree"}) == "in_degree"
                    ? ConnectRule::InDegree
                    : ConnectRule::Probability;
      if (pr.rule == ConnectRule::Probability) {
        if (r.has("in_degree")) r.fail(r.get("in_degree"), "in_degree", "in_degree needs connect = \"in_degree\"");
        pr.p = r.number("p", pr.p, kProbability);
      } else {
        if (r.has("p")) r.fail(r.get("p"), "p", "p needs connect = \"probability\"");
        pr.in_degree = static_cast<uint32_t>(r.integer("in_degree", 0, Range{0, 1e8}));
        if (!r.has("in_degree")) r.fail_table("missing required key 'in_degree' for connect = \"in_degree\"");
      }
      pr.autapses = r.boolean("autapses", false);
      if (pr.rule == ConnectRule::InDegree) {
        const uint64_t available = pre_pop.size - ((pr.pre == pr.post && !pr.autapses) ? 1u : 0u);
        if (pr.in_degree > available)
          r.fail(r.get("in_degree"), "in_degree",
                 fmt::format("in_degree {} exceeds the {} available presynaptic neurons of '{}' (allowed: [0, {}])",
                             pr.in_degree, available, pr.pre, available));
      }
      pr.weight = r.distribution("weight", pr.weight, kNonNegative);
      pr.delay_steps = static_cast<uint32_t>(r.integer("delay_steps", 1, Range{1, 64}));
      if (const toml::node* sn = r.get("stdp")) {
        pr.stdp = read_stdp(r.sub(table_at(r, sn, "stdp"), "stdp"));
        const double sign = pre_pop.kind == PopulationKind::Inhibitory ? -1.0 : 1.0;
        const double w_lo = sign > 0 ? pr.weight.lower_bound() : -pr.weight.upper_bound();
        const double w_hi = sign > 0 ? pr.weight.upper_bound() : -pr.weight.lower_bound();
        if (w_lo < pr.stdp->w_min || w_hi > pr.stdp->w_max)
          r.fail(sn, "stdp",
                 fmt::format("initial signed weights of '{}' span [{}, {}], outside the STDP bounds [w_min, w_max] = "
                             "[{}, {}]",
                             pr.name, w_lo, w_hi, pr.stdp->w_min, pr.stdp->w_max));
      }
      (void)post_pop;
      spec.projections.push_back(std::move(pr));
    }
    // Traces are per neuron: a neuron's tau_plus (as a presynaptic neuron) and tau_minus (as a
    // postsynaptic neuron) must be described once, so plastic projections that share a
    // population must agree.
    for (size_t i = 0; i < spec.projections.size(); ++i) {
      for (size_t j = 0; j < i; ++j) {
        const auto& a = spec.projections[i];
        const auto& b = spec.projections[j];
        if (!a.stdp || !b.stdp) continue;
        auto same = [](const Distribution& x, const Distribution& y) {
          return x.kind == y.kind && x.a == y.a && x.b == y.b && x.min == y.min && x.max == y.max;
        };
        const toml::node* node = projs[i].as_table()->get("stdp");
        if (a.pre == b.pre && !same(a.stdp->tau_plus_ms, b.stdp->tau_plus_ms))
          throw SpecError(file, static_cast<int>(node->source().begin.line),
                          fmt::format("projections[{}].stdp.tau_plus_ms", i),
                          fmt::format("plastic projections '{}' and '{}' share presynaptic population '{}' but give "
                                      "different tau_plus_ms; the trace x is per neuron, so they must be equal",
                                      a.name, b.name, a.pre));
        if (a.post == b.post && !same(a.stdp->tau_minus_ms, b.stdp->tau_minus_ms))
          throw SpecError(file, static_cast<int>(node->source().begin.line),
                          fmt::format("projections[{}].stdp.tau_minus_ms", i),
                          fmt::format("plastic projections '{}' and '{}' share postsynaptic population '{}' but give "
                                      "different tau_minus_ms; the trace y is per neuron, so they must be equal",
                                      a.name, b.name, a.post));
      }
    }
  }

  if (const toml::node* n = root.get("input")) {
    Reader r = root.sub(table_at(root, n, "input"), "input");
    r.only_keys({"encoder", "channels", "populations", "fraction", "weight", "steps_per_sample", "rate_max_hz",
                 "delta_threshold", "signal", "signal_low", "signal_high", "signal_period_samples"});
    InputSpec& in = spec.input;
    const std::string enc = r.string("encoder", "current", {"current", "poisson", "delta"});
    in.encoder = enc == "poisson" ? EncoderKind::Poisson : enc == "delta" ? EncoderKind::Delta : EncoderKind::Current;
    in.channels = static_cast<uint32_t>(r.integer("channels", 1, Range{1, 4096}));
    if (const toml::node* pn = r.get("populations")) {
      const toml::array* arr = pn->as_array();
      if (!arr) r.fail(pn, "populations", "expected an array of population names");
      for (const auto& e : *arr) {
        auto s = e.value_exact<std::string>();
        if (!s || spec.population_index(*s) < 0)
          r.fail(&e, "populations", fmt::format("'{}' is not a population name", s ? *s : std::string("?")));
        in.populations.push_back(*s);
      }
    }
    in.fraction = r.number("fraction", 1.0, kProbability);
    in.weight = r.distribution("weight", in.weight, kAny);
    in.steps_per_sample = static_cast<uint32_t>(r.integer("steps_per_sample", 1, Range{1, 1e6}));
    in.rate_max_hz = r.number("rate_max_hz", in.rate_max_hz, kNonNegative);
    in.delta_threshold = r.number("delta_threshold", in.delta_threshold, kPositive);
    if (in.encoder == EncoderKind::Poisson && in.rate_max_hz * spec.simulation.dt_ms / 1000.0 > 1.0)
      r.fail(r.get("rate_max_hz"), "rate_max_hz",
             fmt::format("rate_max_hz * dt = {} spikes per step exceeds 1 (allowed: rate_max_hz <= {})",
                         in.rate_max_hz * spec.simulation.dt_ms / 1000.0, 1000.0 / spec.simulation.dt_ms));
    const std::string sig = r.string("signal", "none", {"none", "uniform", "sine", "constant"});
    in.signal = sig == "uniform"    ? SignalKind::Uniform
                : sig == "sine"     ? SignalKind::Sine
                : sig == "constant" ? SignalKind::Constant
                                    : SignalKind::None;
    in.signal_low = r.number("signal_low", in.signal_low, kAny);
    in.signal_high = r.number("signal_high", in.signal_high, kAny);
    if (in.signal_high < in.signal_low)
      r.fail(r.get("signal_high"), "signal_high", "signal_high must be >= signal_low");
    in.signal_period_samples = r.number("signal_period_samples", in.signal_period_samples, kPositive);
  }
  if (const toml::node* n = root.get("hardware"))
    read_hardware(root.sub(table_at(root, n, "hardware"), "hardware"), spec);
  return spec;
}

}  // namespace

NetworkSpec parse_spec(std::string_view text, const std::string& source_name) {
  const toml::table table = parse_config_text(text, source_name);
  return parse_root(table, source_name);
}

NetworkSpec load_spec(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw SpecError(path, 0, "<file>", "cannot open the spec file");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_spec(ss.str(), path);
}

}  // namespace hrsnn

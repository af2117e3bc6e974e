#include "study/quant_evaluator.hpp"

#include "core/input.hpp"
#include "hw_model/energy/energy_model.hpp"
#include "study/fidelity.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <mutex>
#include <set>
#include <stdexcept>

namespace hrsnn::study {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}  // namespace

// ---- footprint ----

Footprint register_footprint(const Network& net, const fixed::RegisterImage& image) {
  const fixed::HardwareFormat& f = image.format;
  Footprint fp;
  const uint32_t n = net.size();
  if (n == 0) return fp;
  const double nd = static_cast<double>(n);
  std::set<std::pair<uint32_t, uint32_t>> pairs;
  for (const auto& p : image.lif) pairs.insert({p.du, p.dv});
  fp.decay_profiles = static_cast<uint32_t>(pairs.size());
  fp.neuron_state_bits = f.u_bits + f.v_bits + f.ref_bits;
  double decay_bits_per_neuron = 2.0 * f.decay_bits;
  if (image.decay_profiles > 0) {
    // Shared profiles: each neuron stores an index into a table of (du, dv) pairs.
    decay_bits_per_neuron = fp.decay_profiles > 1 ? std::ceil(std::log2(static_cast<double>(fp.decay_profiles))) : 0.0;
    fp.profile_table_bits = static_cast<double>(fp.decay_profiles) * 2.0 * f.decay_bits / nd;
  }
  fp.neuron_param_bits = decay_bits_per_neuron + f.vth_bits + f.bias_mant_bits + f.bias_exp_bits + f.ref_bits;
  double trace = 0.0;
  for (uint32_t i = 0; i < n; ++i) {
    if (image.has_x[i]) trace += f.trace_bits + f.decay_bits;
    if (image.has_y[i]) trace += f.trace_bits + f.decay_bits;
  }
  fp.trace_bits = trace / nd;
  double dendrite = 0.0, synapse_bits = 0.0;
  uint64_t synapses = 0;
  for (const auto& pr : net.projections) {
    dendrite += static_cast<double>(pr.post_size) * (net.max_delay + 1) * f.dendrite_acc_bits;
    const auto count = static_cast<double>(pr.synapse_count());
    synapse_bits += count * ((f.weight_bits + 1) + (pr.plastic ? 2.0 * f.lr_mant_bits : 0.0));
    synapses += pr.synapse_count();
  }
  fp.dendrite_bits = dendrite / nd;
  fp.neuron_bits =
      fp.neuron_state_bits + fp.neuron_param_bits + fp.trace_bits + fp.dendrite_bits + fp.profile_table_bits;
  fp.synapse_bits = synapses ? synapse_bits / static_cast<double>(synapses) : 0.0;
  fp.synapses_per_neuron = static_cast<double>(synapses) / nd;
  fp.total_bits_per_neuron = fp.neuron_bits + fp.synapse_bits * fp.synapses_per_neuron;
  return fp;
}

// ---- records ----

nlohmann::json quant_metric_json(double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr); }

nlohmann::json to_json(const QuantRecord& r) {
  nlohmann::json m = nlohmann::json::object();
  for (const auto& [k, v] : r.metrics) m[k] = quant_metric_json(v);
  nlohmann::json j = {{"type", "record"}, {"job", r.job}, {"kind", r.kind},   {"point", r.point},
                      {"seed", r.seed},   {"metrics", m}, {"error", r.error}, {"wall_time_s", r.wall_time_s}};
  return j;
}

QuantRecord quant_record_from_json(const nlohmann::json& j) {
  QuantRecord r;
  r.job = j.at("job").get<std::string>();
  r.kind = j.at("kind").get<std::string>();
  r.point = j.at("point").get<std::string>();
  r.seed = j.at("seed").get<uint64_t>();
  for (const auto& [k, v] : j.at("metrics").items()) r.metrics[k] = v.is_null() ? kNaN : v.get<double>();
  r.error = j.value("error", "");
  r.wall_time_s = j.value("wall_time_s", 0.0);
  return r;
}

void check_quant_record_json(const nlohmann::json& j) {
  auto field = [&](const char* name) -> const nlohmann::json& {
    if (!j.contains(name)) throw std::runtime_error(fmt::format("no \"{}\" field", name));
    return j.at(name);
  };
  auto wrong = [](const char* name, const char* expected, const nlohmann::json& v) {
    return std::runtime_error(fmt::format("\"{}\" must be {}, got {}", name, expected, v.dump()));
  };
  if (const auto& t = field("type"); t != "record") throw wrong("type", "\"record\"", t);
  if (const auto& v = field("job"); !v.is_string() || v.get<std::string>().empty())
    throw wrong("job", "a non-empty string", v);
  if (const auto& v = field("kind"); v != "reference" && v != "baseline-float" && v != "baseline-fixed" && v != "point")
    throw wrong("kind", "one of reference, baseline-float, baseline-fixed, point", v);
  if (const auto& v = field("point"); !v.is_string()) throw wrong("point", "a string", v);
  if (const auto& v = field("seed"); !v.is_number_unsigned()) throw wrong("seed", "a non-negative integer", v);
  const auto& m = field("metrics");
  if (!m.is_object()) throw wrong("metrics", "an object", m);
  for (const auto& [k, v] : m.items())
    if (!v.is_number() && !v.is_null())
      throw std::runtime_error(fmt::format("metric \"{}\" must be a number or null, got {}", k, v.dump()));
  if (j.contains("error") && !j.at("error").is_string()) throw wrong("error", "a string", j.at("error"));
  if (j.contains("wall_time_s") && !j.at("wall_time_s").is_number())
    throw wrong("wall_time_s", "a number", j.at("wall_time_s"));
}

// ---- jobs ----

std::vector<QuantJob> make_quant_jobs(const QuantSweepConfig& c, bool baseline) {
  std::vector<QuantJob> jobs;
  for (uint64_t s : c.seeds) jobs.push_back({fmt::format("reference/seed={}", s), "reference", -1, s, false});
  if (baseline)
    for (uint64_t s : c.seeds) {
      jobs.push_back({fmt::format("baseline-float/seed={}", s), "baseline-float", -1, s, true});
      jobs.push_back({fmt::format("baseline-fixed/seed={}", s), "baseline-fixed", 0, s, true});
    }
  for (size_t p = 0; p < c.points.size(); ++p)
    for (uint64_t s : c.seeds)
      jobs.push_back({fmt::format("point/{}/seed={}", c.points[p].id, s), "point", static_cast<int>(p), s, false});
  return jobs;
}

// ---- evaluation ----

namespace {

// A float-reference run of one spec and seed, shared by every fixed point of that seed.
struct FloatRun {
  std::once_flag once;
  RunResult result;
  std::string error;
};

}  // namespace

struct QuantEvaluator::State {
  State(const NetworkSpec& spec, const QuantSweepConfig& config, const NetworkSpec* baseline, TaskEvaluator tasks,
        const QuantModel* model)
      : spec_(spec), cfg_(config), baseline_(baseline), tasks_(std::move(tasks)), model_(model) {
    if (model_ && tasks_)
      throw std::invalid_argument(
          fmt::format("{}: the task scores drive a spec's reservoir through its [input]; this model is not a spec "
                      "(run it without tasks)",
                      spec_.source));
    if (model_ && baseline_)
      throw std::invalid_argument(
          fmt::format("{}: a baseline spec is the homogeneous twin of a spec; this model is not a spec (run it "
                      "without baseline_spec)",
                      spec_.source));
    if (!cfg_.energy_models.empty()) {
      lib_ = energy::load_models(cfg_.energy_models_file.empty() ? energy::default_models_file()
                                                                 : std::filesystem::path(cfg_.energy_models_file));
      for (const auto& name : cfg_.energy_models) (void)lib_.model(name);  // unknown names fail before any run
    }
  }

  QuantRecord run(const QuantJob& job) {
    const auto t0 = std::chrono::steady_clock::now();
    QuantRecord r;
    r.job = job.key;
    r.kind = job.kind;
    r.point = job.point >= 0 && job.kind == "point" ? cfg_.points[static_cast<size_t>(job.point)].id : "";
    r.seed = job.seed;
    try {
      const NetworkSpec& base_spec = job.baseline ? *baseline_ : spec_;
      NetworkSpec spec = base_spec;
      spec.simulation.seed = job.seed;
      spec.simulation.steps = cfg_.fidelity_steps;
      const bool fixed = job.kind == "point" || job.kind == "baseline-fixed";
      if (fixed) spec.hardware = cfg_.points[static_cast<size_t>(job.point)].hardware;
      const Network net = network(spec, job.baseline);
      const RunResult& ref = float_run(spec, net, job.baseline);
      if (fixed) {
        fixed_metrics(spec, job.baseline, net, ref, r.metrics);
      } else {
        activity_metrics(net, ref, r.metrics);
      }
      if (tasks_) {
        const TaskOutcome t = tasks_(spec, fixed ? Arith::Fixed : Arith::Float64);
        for (const auto& [k, v] : t.metrics) r.metrics["tasks." + k] = v;
        if (!t.error.empty()) r.error = "tasks: " + t.error;
      }
    } catch (const std::exception& e) {
      r.error = e.what();
    }
    r.wall_time_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return r;
  }

 private:
  // The job's network and input: the model's (its seed set to the job's) or the spec's.
  Network network(const NetworkSpec& spec, bool baseline) const {
    if (!model_ || baseline) return build_network(spec);
    Network net = model_->net;
    net.seed = spec.simulation.seed;
    return net;
  }
  InputSignal signal(const NetworkSpec& spec, bool baseline) const {
    if (!model_ || baseline) return make_spec_signal(spec, cfg_.fidelity_steps);
    return model_->signal;
  }

  std::vector<uint32_t> probe_ids(uint32_t n) const {
    std::vector<uint32_t> ids;
    const uint32_t p = std::min(cfg_.probes, n);
    for (uint32_t k = 0; k < p; ++k) ids.push_back(static_cast<uint32_t>(uint64_t{k} * n / p));
    return ids;
  }

  RunOptions sim_options(const Network& net) const {
    RunOptions o;
    o.sim.probes = probe_ids(net.size());
    o.sim.record_spikes = true;
    return o;
  }

  const RunResult& float_run(const NetworkSpec& spec, const Network& net, bool baseline) {
    std::shared_ptr<FloatRun> entry;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto& slot = float_runs_[{baseline, spec.simulation.seed}];
      if (!slot) slot = std::make_shared<FloatRun>();
      entry = slot;
    }
    std::call_once(entry->once, [&] {
      try {
        RunOptions o = sim_options(net);
        o.arith = Arith::Float64;
        const InputSignal input = signal(spec, baseline);
        entry->result = run_network(net, input, cfg_.fidelity_steps, o);
      } catch (const std::exception& e) {
        entry->error = e.what();
      }
    });
    if (!entry->error.empty()) throw std::runtime_error("float reference: " + entry->error);
    return entry->result;
  }

  void activity_metrics(const Network& net, const RunResult& run, std::map<std::string, double>& m) const {
    const auto steps = static_cast<double>(run.steps);
    m["activity.spikes"] = static_cast<double>(run.counts.total.spikes);
    m["activity.S"] = static_cast<double>(run.counts.total.spikes) / (static_cast<double>(net.size()) * steps);
    for (size_t p = 0; p < net.populations.size(); ++p)
      m["rate." + net.populations[p].name + "_hz"] = population_rate_hz(net, run, p);
  }

  static double population_rate_hz(const Network& net, const RunResult& run, size_t p) {
    const double seconds = static_cast<double>(run.steps) * net.dt_ms * 1e-3;
    return static_cast<double>(run.counts.per_population.at(p).spikes) /
           (static_cast<double>(net.populations[p].size) * seconds);
  }

  void fixed_metrics(const NetworkSpec& spec, bool baseline, const Network& net, const RunResult& ref,
                     std::map<std::string, double>& m) const {
    const fixed::RegisterImage image = fixed::quantize(net, spec.hardware);
    RunOptions o = sim_options(net);
    o.arith = Arith::Fixed;
    o.hardware = spec.hardware;
    const InputSignal input = signal(spec, baseline);
    const RunResult run = run_network(net, input, cfg_.fidelity_steps, o);
    activity_metrics(net, run, m);

    // Spike-train agreement.
    const RasterAgreement agree = compare_rasters(ref.raster, run.raster, net.size(), run.steps,
                                                  cfg_.coincidence_window_steps, cfg_.vp_cost_per_step);
    m["fidelity.coincidence"] = agree.coincidence;
    m["fidelity.vp_distance"] = agree.vp_distance;
    m["fidelity.vp_normalized"] = agree.vp_normalized;
    m["fidelity.diverged"] = agree.first_divergence ? 1.0 : 0.0;
    m["fidelity.first_divergence_step"] = static_cast<double>(agree.first_divergence.value_or(run.steps));
    double worst = 0.0;
    for (size_t p = 0; p < net.populations.size(); ++p) {
      const double e = relative_rate_error(population_rate_hz(net, ref, p), population_rate_hz(net, run, p));
      m["fidelity.rate_error." + net.populations[p].name] = e;
      worst = std::max(worst, e);
    }
    m["fidelity.rate_error_max"] = worst;

    // Membrane: the fixed register against the float voltage in register units.
    const size_t probes = o.sim.probes.size();
    std::vector<double> vf, vx, vf_early, vx_early;
    const uint64_t diverged_at = agree.first_divergence.value_or(run.steps);
    for (size_t k = 0; k < run.probes.step.size() && k < ref.probes.step.size(); ++k)
      for (size_t q = 0; q < probes; ++q) {
        const double a = ref.probes.v[k * probes + q] * image.voltage_scale;
        const double b = run.probes.v[k * probes + q];
        vf.push_back(a);
        vx.push_back(b);
        if (run.probes.step[k] < diverged_at) {
          vf_early.push_back(a);
          vx_early.push_back(b);
        }
      }
    m["fidelity.v_rmse_lsb"] = probes ? rmse(vf, vx) : kNaN;
    m["fidelity.v_rmse"] = probes ? rmse(vf, vx) / image.voltage_scale : kNaN;
    m["fidelity.v_rmse_lsb_before_divergence"] = vf_early.empty() ? kNaN : rmse(vf_early, vx_early);
    m["quantize.voltage_scale"] = image.voltage_scale;

    // Memory footprint of the register image.
    const Footprint fp = register_footprint(net, image);
    m["footprint.neuron_state_bits"] = fp.neuron_state_bits;
    m["footprint.neuron_param_bits"] = fp.neuron_param_bits;
    m["footprint.trace_bits"] = fp.trace_bits;
    m["footprint.dendrite_bits"] = fp.dendrite_bits;
    m["footprint.profile_table_bits"] = fp.profile_table_bits;
    m["footprint.neuron_bits"] = fp.neuron_bits;
    m["footprint.synapse_bits"] = fp.synapse_bits;
    m["footprint.total_bits_per_neuron"] = fp.total_bits_per_neuron;
    m["footprint.total_kib"] = fp.total_bits_per_neuron * net.size() / 8192.0;
    m["footprint.decay_profiles"] = fp.decay_profiles;

    // Energy of the fixed run's counted events.
    if (!cfg_.energy_models.empty()) {
      energy::Workload w;
      w.neurons = net.size();
      w.synapses = net.synapse_count();
      w.steps = run.steps;
      w.dt_ms = net.dt_ms;
      w.input_samples = run.input_samples;
      for (const auto& name : cfg_.energy_models) {
        energy::Model model = lib_.model(name);
        if (cfg_.scale_sram_words)
          for (auto& term : model.terms)
            if (term.sram)
              term.sram->word_bits = static_cast<uint32_t>(std::lround(
                  term.sram->array == energy::SramArray::Weights ? fp.synapse_bits
                                                                 : fp.neuron_state_bits + fp.neuron_param_bits));
        const energy::ModelEnergy e = energy::model_energy(lib_, model, run.counts.total, w);
        const std::string p = "energy." + name + ".";
        m[p + "total_j"] = e.total_j;
        m[p + "per_inference_j"] = e.per_inference_j.value_or(kNaN);
        m[p + "mean_power_w"] = e.per_simulated_second_j;
        m[p + "lower_bound"] = e.lower_bound ? 1.0 : 0.0;
      }
    }
  }

  const NetworkSpec& spec_;
  const QuantSweepConfig& cfg_;
  const NetworkSpec* baseline_;
  TaskEvaluator tasks_;
  const QuantModel* model_;
  energy::ModelLibrary lib_;
  std::mutex mu_;
  std::map<std::pair<bool, uint64_t>, std::shared_ptr<FloatRun>> float_runs_;
};

QuantEvaluator::QuantEvaluator(const NetworkSpec& spec, const QuantSweepConfig& config, const NetworkSpec* baseline,
                               TaskEvaluator tasks, const QuantModel* model)
    : state_(std::make_unique<State>(spec, config, baseline, std::move(tasks), model)) {}

QuantEvaluator::~QuantEvaluator() = default;

QuantRecord QuantEvaluator::run(const QuantJob& job) { return state_->run(job); }

}  // namespace hrsnn::study

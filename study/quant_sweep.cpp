#include "study/quant_sweep.hpp"

#include "core/input.hpp"
#include "core/io.hpp"
#include "hw_model/energy/energy_model.hpp"
#include "study/fidelity.hpp"

#include <fmt/core.h>
#include <fmt/ranges.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

namespace hrsnn::study {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr const char* kCheckpointFormat = "hrsnn-quant-checkpoint/1";
constexpr const char* kSummaryFormat = "hrsnn-quant/1";

// FNV-1a of a text (the checkpoint's record of which spec file it was run on).
std::string fnv1a_hex(std::string_view text) {
  uint64_t h = 1469598103934665603ULL;
  for (char c : text) {
    h ^= static_cast<uint8_t>(c);
    h *= 1099511628211ULL;
  }
  return fmt::format("{:016x}", h);
}

std::string spec_digest(const NetworkSpec& spec) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(spec.source, ec)) return "";
  return fnv1a_hex(read_text_file(spec.source));
}

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
  fp.neuron_bits = fp.neuron_state_bits + fp.neuron_param_bits + fp.trace_bits + fp.dendrite_bits + fp.profile_table_bits;
  fp.synapse_bits = synapses ? synapse_bits / static_cast<double>(synapses) : 0.0;
  fp.synapses_per_neuron = static_cast<double>(synapses) / nd;
  fp.total_bits_per_neuron = fp.neuron_bits + fp.synapse_bits * fp.synapses_per_neuron;
  return fp;
}

// ---- records ----

namespace {

nlohmann::json metric_json(double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr); }

}  // namespace

nlohmann::json to_json(const QuantRecord& r) {
  nlohmann::json m = nlohmann::json::object();
  for (const auto& [k, v] : r.metrics) m[k] = metric_json(v);
  nlohmann::json j = {{"type", "record"}, {"job", r.job},         {"kind", r.kind},   {"point", r.point},
                      {"seed", r.seed},   {"metrics", m},         {"error", r.error}, {"wall_time_s", r.wall_time_s}};
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

namespace {

// ---- evaluation ----

struct Job {
  std::string key;
  std::string kind;
  int point = -1;  // index into config.points ("point", "baseline-fixed": the base point)
  uint64_t seed = 0;
  bool baseline = false;
};

// A float-reference run of one spec and seed, shared by every fixed point of that seed.
struct FloatRun {
  std::once_flag once;
  RunResult result;
  std::string error;
};

class Evaluator {
 public:
  Evaluator(const NetworkSpec& spec, const QuantSweepConfig& config, const QuantRunOptions& options)
      : spec_(spec), cfg_(config), opt_(options) {
    if (!cfg_.energy_models.empty()) {
      lib_ = energy::load_models(cfg_.energy_models_file.empty() ? energy::default_models_file()
                                                                  : std::filesystem::path(cfg_.energy_models_file));
      for (const auto& name : cfg_.energy_models) (void)lib_.model(name);  // unknown names fail before any run
    }
  }

  QuantRecord run(const Job& job) {
    const auto t0 = std::chrono::steady_clock::now();
    QuantRecord r;
    r.job = job.key;
    r.kind = job.kind;
    r.point = job.point >= 0 && job.kind == "point" ? cfg_.points[static_cast<size_t>(job.point)].id : "";
    r.seed = job.seed;
    try {
      const NetworkSpec& base_spec = job.baseline ? *opt_.baseline : spec_;
      NetworkSpec spec = base_spec;
      spec.simulation.seed = job.seed;
      spec.simulation.steps = cfg_.fidelity_steps;
      const bool fixed = job.kind == "point" || job.kind == "baseline-fixed";
      if (fixed) spec.hardware = cfg_.points[static_cast<size_t>(job.point)].hardware;
      const Network net = build_network(spec);
      const RunResult& ref = float_run(spec, net, job.baseline);
      if (fixed) {
        fixed_metrics(spec, net, ref, r.metrics);
      } else {
        activity_metrics(net, ref, r.metrics);
      }
      if (opt_.tasks) {
        const TaskOutcome t = opt_.tasks(spec, fixed ? Arith::Fixed : Arith::Float64);
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
        const InputSignal signal = make_spec_signal(spec, cfg_.fidelity_steps);
        entry->result = run_network(net, signal, cfg_.fidelity_steps, o);
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

  void fixed_metrics(const NetworkSpec& spec, const Network& net, const RunResult& ref,
                     std::map<std::string, double>& m) const {
    const fixed::RegisterImage image = fixed::quantize(net, spec.hardware);
    RunOptions o = sim_options(net);
    o.arith = Arith::Fixed;
    o.hardware = spec.hardware;
    const InputSignal signal = make_spec_signal(spec, cfg_.fidelity_steps);
    const RunResult run = run_network(net, signal, cfg_.fidelity_steps, o);
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
  const QuantRunOptions& opt_;
  energy::ModelLibrary lib_;
  std::mutex mu_;
  std::map<std::pair<bool, uint64_t>, std::shared_ptr<FloatRun>> float_runs_;
};

// ---- the checkpoint ----

[[noreturn]] void throw_errno(const std::string& what, const std::filesystem::path& path) {
  throw std::runtime_error(fmt::format("{} {}: {}", what, path.string(), std::strerror(errno)));
}

// Appends one line with a single write() and an fsync: a kill leaves at most a torn last line,
// which the reader drops.
void append_line(const std::filesystem::path& path, const std::string& line) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) throw_errno("cannot open checkpoint", path);
  std::string text = line + "\n";
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      throw_errno("cannot write checkpoint", path);
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    ::close(fd);
    throw_errno("cannot fsync checkpoint", path);
  }
  ::close(fd);
}

nlohmann::json fingerprint(const NetworkSpec& spec, const QuantSweepConfig& c, const QuantRunOptions& o) {
  nlohmann::json tasks = {{"enabled", static_cast<bool>(o.tasks)},
                          {"memory", c.tasks.memory},
                          {"prediction", c.tasks.prediction},
                          {"fsdd", c.tasks.fsdd},
                          {"samples", c.tasks.samples},
                          {"max_delay", c.tasks.max_delay},
                          {"washout_samples", c.tasks.washout_samples},
                          {"fsdd_data", c.tasks.fsdd_data},
                          {"fsdd_per_group",
                           {c.tasks.fsdd_test_per_group, c.tasks.fsdd_val_per_group, c.tasks.fsdd_fit_per_group}}};
  return {{"spec", spec.source},
          {"spec_digest", spec_digest(spec)},
          {"baseline_spec", c.baseline_spec},
          {"fidelity_steps", c.fidelity_steps},
          {"probes", c.probes},
          {"coincidence_window_steps", c.coincidence_window_steps},
          {"vp_cost_per_step", c.vp_cost_per_step},
          {"tasks", tasks},
          {"energy", {{"models", c.energy_models}, {"models_file", c.energy_models_file}, {"scale_sram_words", c.scale_sram_words}}},
          {"base", quant_hardware_json(c.points.front().hardware)}};
}

std::vector<Job> make_jobs(const QuantSweepConfig& c, bool baseline) {
  std::vector<Job> jobs;
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

// Records of an existing checkpoint by job key (a torn last line is dropped).
std::map<std::string, QuantRecord> read_checkpoint(const std::filesystem::path& path, const nlohmann::json& header) {
  std::map<std::string, QuantRecord> out;
  std::ifstream in(path);
  if (!in) throw_errno("cannot read checkpoint", path);
  std::string line;
  size_t number = 0;
  bool have_header = false;
  uint64_t good_bytes = 0;  // end of the last complete line
  bool torn = false;
  while (std::getline(in, line)) {
    ++number;
    const bool complete = !in.eof();  // the line ended with a newline
    nlohmann::json j;
    if (!line.empty()) {
      try {
        j = nlohmann::json::parse(line);
      } catch (const nlohmann::json::exception&) {
        if (!complete) {  // torn last line (a kill during its write): cut it off, the job reruns
          torn = true;
          break;
        }
        throw std::runtime_error(fmt::format("{}:{}: not a JSON line", path.string(), number));
      }
    }
    if (!complete) {  // a whole record without its newline: keep it, cut it off, and rerun the job
      torn = true;
      break;
    }
    good_bytes += line.size() + 1;
    if (line.empty()) continue;
    if (!have_header) {
      if (j.value("type", "") != "header" || j.value("format", "") != kCheckpointFormat)
        throw std::runtime_error(fmt::format("{}: not a {} file", path.string(), kCheckpointFormat));
      if (j.at("sweep") != header) {
        std::vector<std::string> keys;
        for (const auto& [k, v] : header.items())
          if (!j.at("sweep").contains(k) || j.at("sweep").at(k) != v) keys.push_back(k);
        throw std::runtime_error(fmt::format("{} belongs to a different sweep (differs in: {}); choose another --out",
                                             path.string(), fmt::join(keys, ", ")));
      }
      have_header = true;
      continue;
    }
    if (j.value("type", "") == "record") {
      QuantRecord r = quant_record_from_json(j);
      out[r.job] = std::move(r);
    }
  }
  in.close();
  if (torn) std::filesystem::resize_file(path, good_bytes);
  if (!have_header && good_bytes > 0)
    throw std::runtime_error(fmt::format("{}: no header line; not a {} file", path.string(), kCheckpointFormat));
  return out;
}

}  // namespace

QuantResult run_quant_sweep(const NetworkSpec& spec, const QuantSweepConfig& config, const QuantRunOptions& options) {
  if (config.points.empty()) throw std::invalid_argument("run_quant_sweep: no points (call make_points first)");
  if (!config.baseline_spec.empty() && !options.baseline)
    throw std::invalid_argument("run_quant_sweep: the sweep names a baseline spec; load it into options.baseline");
  const std::vector<Job> jobs = make_jobs(config, options.baseline.has_value());
  const nlohmann::json header = fingerprint(spec, config, options);
  std::filesystem::create_directories(options.out_dir);
  const std::filesystem::path ckpt = options.out_dir / "quant.jsonl";

  std::map<std::string, QuantRecord> done;
  if (std::filesystem::exists(ckpt)) {
    if (!options.resume)
      throw std::runtime_error(fmt::format("{} exists: pass --resume to continue that sweep, or choose another --out",
                                           ckpt.string()));
    done = read_checkpoint(ckpt, header);
  }
  if (!std::filesystem::exists(ckpt) || std::filesystem::file_size(ckpt) == 0)  // new, or only a torn header
    append_line(ckpt, nlohmann::json{{"type", "header"}, {"format", kCheckpointFormat}, {"sweep", header}}.dump());

  QuantResult result;
  std::vector<size_t> pending;
  for (size_t k = 0; k < jobs.size(); ++k)
    if (done.count(jobs[k].key)) ++result.resumed;
    else pending.push_back(k);
  if (options.max_jobs > 0 && pending.size() > options.max_jobs) pending.resize(options.max_jobs);

  Evaluator evaluator(spec, config, options);
  std::mutex mu;
  std::atomic<size_t> next{0};
  std::exception_ptr failure;
  auto worker = [&] {
    for (;;) {
      const size_t i = next.fetch_add(1);
      if (i >= pending.size()) return;
      {
        std::lock_guard<std::mutex> lock(mu);
        if (failure) return;
      }
      const Job& job = jobs[pending[i]];
      QuantRecord r = evaluator.run(job);
      // Keep exactly what a resumed run would read back.
      const nlohmann::json j = to_json(r);
      r = quant_record_from_json(j);
      std::lock_guard<std::mutex> lock(mu);
      try {
        append_line(ckpt, j.dump());
      } catch (...) {
        failure = std::current_exception();
        return;
      }
      ++result.computed;
      if (options.progress)
        options.progress(fmt::format("[{}/{}] {}{} ({:.1f} s)", result.resumed + result.computed, jobs.size(), job.key,
                                     r.error.empty() ? "" : "  ERROR: " + r.error, r.wall_time_s));
      done[r.job] = std::move(r);
    }
  };
  const unsigned threads = std::max(1u, options.threads ? options.threads : config.threads);
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < std::min<size_t>(threads, pending.size()); ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  if (failure) std::rethrow_exception(failure);

  result.complete = true;
  for (const Job& job : jobs) {
    auto it = done.find(job.key);
    if (it == done.end()) {
      result.complete = false;
      continue;
    }
    result.records.push_back(it->second);
  }
  if (result.complete) {
    result.summary = quant_summary(spec, config, result.records);
    write_text_atomic(options.out_dir / "quant.json", result.summary.dump(1) + "\n");
    write_text_atomic(options.out_dir / "quant.csv", quant_csv(result.records));
  }
  return result;
}

// ---- summaries ----

namespace {

struct Stat {
  double mean = kNaN, sd = kNaN;
  size_t n = 0;
};

Stat stat_of(const std::vector<double>& xs) {
  Stat s;
  double sum = 0;
  for (double x : xs)
    if (std::isfinite(x)) {
      sum += x;
      ++s.n;
    }
  if (s.n == 0) return s;
  s.mean = sum / static_cast<double>(s.n);
  if (s.n > 1) {
    double ss = 0;
    for (double x : xs)
      if (std::isfinite(x)) ss += (x - s.mean) * (x - s.mean);
    s.sd = std::sqrt(ss / static_cast<double>(s.n - 1));
  } else {
    s.sd = 0.0;
  }
  return s;
}

// Mean, sd and n of every metric over a set of records (one per seed).
nlohmann::json aggregate(const std::vector<const QuantRecord*>& records,
                         const std::map<std::string, std::vector<double>>& extra = {}) {
  std::map<std::string, std::vector<double>> by_metric = extra;
  for (const QuantRecord* r : records)
    for (const auto& [k, v] : r->metrics) by_metric[k].push_back(v);
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [k, xs] : by_metric) {
    const Stat s = stat_of(xs);
    out[k] = {{"mean", metric_json(s.mean)}, {"sd", metric_json(s.sd)}, {"n", s.n}};
  }
  return out;
}

double mean_of(const nlohmann::json& metrics, const std::string& name) {
  if (!metrics.contains(name)) return kNaN;
  const auto& m = metrics.at(name).at("mean");
  return m.is_null() ? kNaN : m.get<double>();
}

}  // namespace

nlohmann::json quant_summary(const NetworkSpec& spec, const QuantSweepConfig& c, const std::vector<QuantRecord>& records) {
  std::map<uint64_t, const QuantRecord*> reference, base_float, base_fixed;
  std::map<std::string, std::vector<const QuantRecord*>> by_point;
  for (const auto& r : records) {
    if (r.kind == "reference") reference[r.seed] = &r;
    else if (r.kind == "baseline-float") base_float[r.seed] = &r;
    else if (r.kind == "baseline-fixed") base_fixed[r.seed] = &r;
    else by_point[r.point].push_back(&r);
  }
  auto collect = [](const std::map<uint64_t, const QuantRecord*>& m) {
    std::vector<const QuantRecord*> v;
    for (const auto& [s, r] : m) v.push_back(r);
    return v;
  };
  auto value = [](const QuantRecord* r, const std::string& k) {
    if (!r) return kNaN;
    auto it = r->metrics.find(k);
    return it == r->metrics.end() ? kNaN : it->second;
  };
  // Paired (same seed) ratios of the task scores to the float reference, and the memory
  // capacity over the baseline on the base format.
  auto paired = [&](const std::vector<const QuantRecord*>& rs) {
    std::map<std::string, std::vector<double>> extra;
    for (const QuantRecord* r : rs) {
      const QuantRecord* ref = reference.count(r->seed) ? reference.at(r->seed) : nullptr;
      for (const auto& [k, v] : r->metrics)
        if (k.rfind("tasks.", 0) == 0 && k.find("time_s") == std::string::npos)  // wall times are not scores
          extra["relative." + k.substr(6)].push_back(v / value(ref, k));
      if (base_fixed.count(r->seed)) {
        const double b = value(base_fixed.at(r->seed), "tasks.memory.mc");
        extra["heterogeneity.mc_gain"].push_back(value(r, "tasks.memory.mc") - b);
        extra["heterogeneity.mc_ratio"].push_back(value(r, "tasks.memory.mc") / b);
      }
    }
    return extra;
  };

  nlohmann::json j;
  j["format"] = kSummaryFormat;
  j["spec"] = spec.source;
  j["sweep"] = c.source;
  j["baseline_spec"] = c.baseline_spec;
  j["config"] = {{"seeds", c.seeds},
                 {"fidelity_steps", c.fidelity_steps},
                 {"probes", c.probes},
                 {"coincidence_window_steps", c.coincidence_window_steps},
                 {"vp_cost_per_step", c.vp_cost_per_step},
                 {"tasks",
                  {{"memory", c.tasks.memory},
                   {"prediction", c.tasks.prediction},
                   {"fsdd", c.tasks.fsdd},
                   {"samples", c.tasks.samples},
                   {"max_delay", c.tasks.max_delay},
                   {"washout_samples", c.tasks.washout_samples}}},
                 {"energy_models", c.energy_models},
                 {"scale_sram_words", c.scale_sram_words}};
  j["base"] = {{"hardware", quant_hardware_json(c.points.front().hardware)}};
  j["reference"] = {{"arith", "float64"}, {"metrics", aggregate(collect(reference))}};
  if (!base_float.empty())
    j["baseline"] = {{"float", {{"metrics", aggregate(collect(base_float))}}},
                     {"fixed", {{"point", "base"}, {"metrics", aggregate(collect(base_fixed), paired(collect(base_fixed)))}}}};
  else
    j["baseline"] = nullptr;

  j["points"] = nlohmann::json::array();
  for (const auto& p : c.points) {
    nlohmann::json settings = nlohmann::json::object(), numeric = nlohmann::json::object();
    for (const auto& s : p.settings) {
      settings[s.key] = s.text;
      numeric[s.key] = s.value;
    }
    std::vector<std::string> errors;
    const auto& rs = by_point[p.id];
    for (const QuantRecord* r : rs)
      if (!r->error.empty()) errors.push_back(fmt::format("seed {}: {}", r->seed, r->error));
    j["points"].push_back({{"id", p.id},
                           {"groups", p.groups},
                           {"settings", settings},
                           {"numeric", numeric},
                           {"hardware", quant_hardware_json(p.hardware)},
                           {"errors", errors},
                           {"metrics", aggregate(rs, paired(rs))}});
  }
  j["axes"] = nlohmann::json::array();
  for (const auto& a : c.axes)
    j["axes"].push_back({{"key", a.key}, {"values", a.values}, {"numeric", a.numeric}, {"points", a.point_ids}});
  j["grids"] = nlohmann::json::array();
  for (const auto& g : c.grids) {
    nlohmann::json pts = nlohmann::json::array();
    for (size_t k = 0; k < g.point_ids.size(); ++k) {
      nlohmann::json v = nlohmann::json::object();
      for (size_t f = 0; f < g.keys.size(); ++f) v[g.keys[f]] = g.values[k][f];
      pts.push_back({{"values", v}, {"point", g.point_ids[k]}});
    }
    j["grids"].push_back({{"keys", g.keys}, {"points", pts}});
  }

  // Findings: formats whose MC and FSDD accuracy stay within 2% of the float reference (paired
  // ratio >= 0.98 for every task score measured), the smallest of them by memory per neuron,
  // and the smallest passing value along each axis.
  constexpr double kTolerance = 0.02;
  auto metrics_of = [&](const std::string& id) -> const nlohmann::json& {
    for (const auto& p : j["points"])
      if (p["id"] == id) return p["metrics"];
    throw std::logic_error("quant_summary: unknown point " + id);
  };
  auto passes = [&](const nlohmann::json& m) -> std::optional<bool> {
    bool any = false, ok = true;
    for (const char* k : {"relative.memory.mc", "relative.fsdd.accuracy"}) {
      const double r = mean_of(m, k);
      if (std::isnan(r)) continue;
      any = true;
      ok = ok && r >= 1.0 - kTolerance;
    }
    if (!any) return std::nullopt;
    return ok;
  };
  nlohmann::json findings = {{"criterion", "paired mean of tasks.memory.mc and tasks.fsdd.accuracy (those measured) "
                                           ">= 0.98 x the float reference's"},
                             {"tolerance", kTolerance}};
  nlohmann::json passing = nlohmann::json::array();
  std::string smallest;
  double smallest_bits = std::numeric_limits<double>::infinity();
  for (const auto& p : j["points"]) {
    const auto ok = passes(p["metrics"]);
    if (!ok || !*ok) continue;
    passing.push_back(p["id"]);
    const double bits = mean_of(p["metrics"], "footprint.total_bits_per_neuron");
    if (bits < smallest_bits) {
      smallest_bits = bits;
      smallest = p["id"].get<std::string>();
    }
  }
  findings["passing"] = passing;
  findings["smallest"] = smallest.empty() ? nlohmann::json(nullptr)
                                          : nlohmann::json{{"point", smallest}, {"total_bits_per_neuron", smallest_bits}};
  nlohmann::json per_axis = nlohmann::json::array();
  for (const auto& a : c.axes) {
    nlohmann::json row = {{"key", a.key}};
    std::optional<double> best;
    std::string best_text;
    for (size_t k = 0; k < a.point_ids.size(); ++k) {
      const auto ok = passes(metrics_of(a.point_ids[k]));
      if (ok && *ok && (!best || a.numeric[k] < *best)) {
        best = a.numeric[k];
        best_text = a.values[k];
      }
    }
    row["smallest_passing"] = best ? nlohmann::json(best_text) : nlohmann::json(nullptr);
    per_axis.push_back(row);
  }
  findings["per_axis"] = per_axis;

  // Heterogeneity in hardware: memory capacity against K shared decay profiles, next to the
  // homogeneous baseline on the base format (the float values show the benefit before
  // quantization).
  if (!base_float.empty()) {
    nlohmann::json het = {{"float_mc", mean_of(j["reference"]["metrics"], "tasks.memory.mc")},
                          {"baseline_float_mc", mean_of(j["baseline"]["float"]["metrics"], "tasks.memory.mc")},
                          {"baseline_fixed_mc", mean_of(j["baseline"]["fixed"]["metrics"], "tasks.memory.mc")}};
    het["float_gain"] = het["float_mc"].get<double>() - het["baseline_float_mc"].get<double>();
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& a : c.axes) {
      if (a.key != "tau_profiles") continue;
      for (size_t k = 0; k < a.point_ids.size(); ++k) {
        const auto& m = metrics_of(a.point_ids[k]);
        rows.push_back({{"tau_profiles", a.numeric[k]},
                        {"point", a.point_ids[k]},
                        {"mc", metric_json(mean_of(m, "tasks.memory.mc"))},
                        {"mc_gain", metric_json(mean_of(m, "heterogeneity.mc_gain"))},
                        {"decay_profiles", metric_json(mean_of(m, "footprint.decay_profiles"))}});
      }
    }
    het["by_profiles"] = rows;
    for (auto& [k, v] : het.items())
      if (v.is_number_float() && !std::isfinite(v.get<double>())) v = nullptr;
    findings["heterogeneity"] = het;
  }
  j["findings"] = findings;
  return j;
}

std::string quant_csv(const std::vector<QuantRecord>& records) {
  std::string out = "job,kind,point,seed,metric,value\n";
  for (const auto& r : records) {
    for (const auto& [k, v] : r.metrics)
      out += fmt::format("{},{},{},{},{},{}\n", r.job, r.kind, r.point, r.seed, k,
                         std::isfinite(v) ? fmt::format("{:.17g}", v) : std::string(std::isnan(v) ? "nan" : (v > 0 ? "inf" : "-inf")));
  }
  return out;
}

}  // namespace hrsnn::study

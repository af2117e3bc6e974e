#include "study/task_runs.hpp"

#include "core/foundation/parallel.hpp"
#include "core/foundation/random.hpp"
#include "core/network.hpp"
#include "study/audio.hpp"
#include "study/fsdd.hpp"
#include "study/gram_ridge.hpp"
#include "study/metrics.hpp"
#include "study/tasks.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace hrsnn::study {

namespace {

Eigen::Index idx(std::size_t i) { return static_cast<Eigen::Index>(i); }

constexpr double kInf = std::numeric_limits<double>::infinity();

}  // namespace

NetworkSpec task_spec(const NetworkSpec& spec, TaskKind task, const StudyConfig& config, const FsddData* fsdd) {
  if (task == TaskKind::fsdd) {
    if (!fsdd) throw std::invalid_argument("task_spec: the FSDD task needs its data");
    return fsdd_task_spec(spec, config.fsdd, *fsdd);
  }
  return spec;
}

// ---------------------------------------------------------------------------------------------
// Spiking models

namespace {

std::vector<double> to_unit_range(const std::vector<double>& x) {
  const auto [lo, hi] = std::minmax_element(x.begin(), x.end());
  const double span = *hi - *lo;
  std::vector<double> out(x.size());
  for (size_t i = 0; i < x.size(); ++i) out[i] = span > 0 ? (x[i] - *lo) / span : 0.0;
  return out;
}

// The series of a time-series task for one seed: network input (in [0, 1]) and target.
struct SeriesTask {
  std::vector<double> input;       // what the network is fed
  std::vector<double> mc_input;    // memory: the MC reference input (= input)
  std::vector<double> null_input;  // memory: the chance correction's series, never fed to a network
  std::vector<double> target;      // prediction target (memory: NARMA-10)
};

// The chance correction's null series: the memory input of another seed.
constexpr uint64_t kNullSeedOffset = 3000017;

std::vector<double> memory_input(uint64_t samples, uint64_t seed) {
  const TaskSeries narma = narma10_task(samples, seed);
  std::vector<double> u(narma.input.size());
  for (size_t i = 0; i < u.size(); ++i) u[i] = 2.0 * narma.input[i];  // U[0, 0.5) -> U[0, 1)
  return u;
}

SeriesTask make_series(TaskKind task, const StudyConfig& c, uint64_t seed) {
  SeriesTask s;
  switch (task) {
    case TaskKind::memory: {
      const TaskSeries narma = narma10_task(c.memory.samples, seed);
      s.input = memory_input(c.memory.samples, seed);  // NARMA-10's input, doubled
      s.mc_input = s.input;
      if (c.memory.null_delays > 0) s.null_input = memory_input(c.memory.samples, seed + kNullSeedOffset);
      s.target = narma.target;
      break;
    }
    case TaskKind::mackey_glass: {
      const TaskSeries t = mackey_glass_task(c.prediction.samples, seed, c.prediction.horizon);
      s.input = to_unit_range(t.input);
      s.target = t.target;
      break;
    }
    case TaskKind::lorenz: {
      const TaskSeries t = lorenz_task(c.prediction.samples, seed, c.prediction.horizon);
      s.input = to_unit_range(t.input);
      s.target = t.target;
      break;
    }
    case TaskKind::fsdd: throw std::logic_error("make_series: FSDD is not a series");
  }
  return s;
}

// The validation series of a seed (for hyper-parameters of the baselines): a different seed's
// task data, never the test series.
constexpr uint64_t kValidationSeedOffset = 1000003;

// The learning phase's input (config.reservoir.learning_samples samples) is the same task's
// series from another seed, never the data the readout is fitted or tested on; it comes before
// `input`, and drive_reservoir passes no feature row for it.
constexpr uint64_t kLearningSeedOffset = 2000003;

std::vector<double> with_learning_prefix(TaskKind task, const StudyConfig& c, uint64_t seed,
                                         const std::vector<double>& input) {
  const uint64_t n = c.reservoir.learning_samples;
  if (n == 0) return input;
  StudyConfig lc = c;
  lc.memory.samples = std::max<uint64_t>(n, 100);
  lc.prediction.samples = std::max<uint64_t>(n, 100);
  const SeriesTask learning = make_series(task, lc, seed + kLearningSeedOffset);
  std::vector<double> out(learning.input.begin(), learning.input.begin() + static_cast<std::ptrdiff_t>(n));
  out.insert(out.end(), input.begin(), input.end());
  return out;
}

void add_activity(Record& r, const Activity& a, double dt_ms) {
  const double s = a.spiking_activity();
  r.metrics["S"] = s;
  r.metrics["rate_hz"] = s * 1000.0 / dt_ms;
  r.metrics["spikes"] = static_cast<double>(a.spikes);
  r.metrics["sim_time_s"] = a.wall_time_s;
  r.detail["counts_window"] = counts_to_json(a.counts);
  r.detail["window_steps"] = a.steps;
  if (!a.learning_rate.empty()) {
    std::vector<double> hz;
    for (double x : a.learning_rate) hz.push_back(x * 1000.0 / dt_ms);
    r.detail["learning_rate_hz"] = hz;  // the learning phase's rate, block by block
  }
}

void add_memory_metrics(Record& r, const MemoryCapacityResult& m) {
  r.metrics["mc"] = m.capacity;
  double tail = 0.0;  // r^2 summed over the second half of the delays: the check that K is large enough
  for (size_t k = m.r2_by_delay.size() / 2; k < m.r2_by_delay.size(); ++k) tail += m.r2_by_delay[k];
  r.metrics["mc_tail"] = tail;
  r.detail["mc_curve"] = m.r2_by_delay;
  r.detail["mc_train_rows"] = m.train_rows;
  r.detail["mc_fit_rows"] = m.fit_rows;
  r.detail["mc_test_rows"] = m.test_rows;
  if (!m.r2_null_by_delay.empty()) {
    r.metrics["mc_chance"] = m.chance;
    r.metrics["mc_corrected"] = m.capacity_corrected;
    r.detail["mc_null_curve"] = m.r2_null_by_delay;
  }
}

// The memory capacity's readout: K delays for the spiking networks, K_esn (0: 2 x units) for
// the ESN, whose MC a smaller K would cap.
MemoryCapacityConfig memory_config(const StudyConfig& config, std::size_t esn_units = 0) {
  MemoryCapacityConfig mc;
  mc.max_delay = esn_units == 0                    ? config.memory.max_delay
                 : config.memory.esn_max_delay > 0 ? config.memory.esn_max_delay
                                                   : 2 * esn_units;
  mc.null_delays = config.memory.null_delays;
  mc.washout = config.reservoir.washout_samples;
  mc.standardize = config.standardize;
  return mc;
}

std::span<const double> null_of(const SeriesTask& s) { return s.null_input; }

// MC on prefixes of one run's feature rows (config.memory.curve_fractions of them, then all):
// [{samples, fit_rows_per_feature, mc, mc_chance, mc_corrected}].
nlohmann::json mc_by_length(const Eigen::MatrixXd& features, const SeriesTask& s, const StudyConfig& config) {
  const MemoryCapacityConfig mc = memory_config(config);
  std::vector<double> fractions = config.memory.curve_fractions;
  fractions.push_back(1.0);
  nlohmann::json out = nlohmann::json::array();
  for (double f : fractions) {
    const auto n = static_cast<std::size_t>(std::llround(f * static_cast<double>(features.rows())));
    nlohmann::json point = {{"fraction", f}, {"samples", n}};
    try {
      const std::span<const double> input(s.mc_input.data(), n);
      const std::span<const double> null =
          s.null_input.empty() ? std::span<const double>() : std::span<const double>(s.null_input.data(), n);
      const MemoryCapacityResult m = memory_capacity_gram(features.topRows(idx(n)), input, mc, null);
      point["fit_rows_per_feature"] = static_cast<double>(m.fit_rows) / static_cast<double>(features.cols());
      point["mc"] = m.capacity;
      point["mc_chance"] = m.chance;
      point["mc_corrected"] = m.capacity_corrected;
    } catch (const std::exception& e) {
      point["error"] = e.what();
    }
    out.push_back(point);
  }
  return out;
}

}  // namespace

Record run_snn_task(const NetworkSpec& spec_in, const std::string& model, TaskKind task, Arith arith,
                    const StudyConfig& config_in, const FsddData* fsdd) {
  const auto t0 = std::chrono::steady_clock::now();
  const StudyConfig config = sized_for(config_in, spec_in.total_neurons());
  Record r;
  r.model = model;
  r.arith = to_string(arith);
  r.seed = spec_in.simulation.seed;
  r.task = task;
  try {
    const NetworkSpec spec = task_spec(spec_in, task, config, fsdd);
    const Network net = build_network(spec);
    const Backend backend{arith, spec.hardware};
    r.detail["neurons"] = net.size();
    r.detail["synapses"] = net.synapse_count();
    if (task == TaskKind::fsdd) {
      const FsddFeatureRun f = fsdd_features(net, backend, config, *fsdd);
      add_activity(r, f.activity, net.dt_ms);
      r.metrics["accuracy"] = classify_fsdd(f.pooled, *fsdd, config, r);
    } else {
      const SeriesTask s = make_series(task, config, r.seed);
      const InputSignal signal = scalar_signal(with_learning_prefix(task, config, r.seed, s.input), config.input_gain,
                                               0.0, net.input.channels);
      const ReservoirFeatures f = collect_features(net, signal, backend, config.reservoir);
      add_activity(r, f.activity, net.dt_ms);
      PredictionConfig pc;
      pc.washout = config.reservoir.washout_samples;
      pc.standardize = config.standardize;
      if (task == TaskKind::memory) {
        const MemoryAndPrediction mp =
            memory_and_prediction_gram(f.features, s.mc_input, s.target, memory_config(config), pc, null_of(s));
        add_memory_metrics(r, mp.memory);
        if (!config.memory.curve_fractions.empty()) r.detail["mc_by_length"] = mc_by_length(f.features, s, config);
        // E and MC/S from the chance-corrected capacity when there is one.
        const SpikeEfficiency e = spike_efficiency(r.metrics["S"], mp.memory.capacity_corrected);
        r.metrics["E"] = e.e;
        r.metrics["mc_per_S"] = e.mc_per_activity;
        r.metrics["narma10_nrmse"] = mp.prediction.test_nrmse;
      } else {
        r.metrics["nrmse"] = evaluate_prediction_gram(f.features, s.target, pc).test_nrmse;
      }
      r.detail["samples"] = s.input.size();
      r.detail["input_gain"] = config.input_gain;
      r.detail["learning_samples"] = config.reservoir.learning_samples;
      r.detail["plasticity"] = config.reservoir.plastic_during_measurement ? "on" : "frozen";
    }
  } catch (const std::exception& e) {
    r.error = e.what();
  }
  r.wall_time_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

std::vector<Record> run_spec_task(const NetworkSpec& spec_in, TaskKind task, Arith arith, const StudyConfig& config,
                                  const FsddData* fsdd, const std::function<void(const Record&)>& progress) {
  const NetworkSpec spec = scale_network(spec_in, config.size_scale);
  std::vector<Record> out(config.seeds);
  std::mutex mu;
  // One seed per index, stored by seed; progress is reported under the lock, in finishing order.
  parallel_for(config.seeds, std::max(1U, config.threads), [&](size_t k) {
    NetworkSpec s = spec;
    s.simulation.seed = config.first_seed + k;
    out[k] = run_snn_task(s, std::filesystem::path(spec.source).stem().string(), task, arith, config, fsdd);
    const std::lock_guard<std::mutex> lock(mu);
    if (progress) progress(out[k]);
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Baselines

namespace {

// An ESN drawn once with spectral radius 1 and input scaling 1; a grid point rescales it
// (the draws do not depend on the scalings, study/esn.hpp).
Eigen::MatrixXd esn_states(const EchoStateNetwork& base, double rho, double in_scale, double leak,
                           const Eigen::MatrixXd& inputs) {
  const Eigen::SparseMatrix<double, Eigen::RowMajor> w = base.recurrent_weights() * rho;
  const Eigen::MatrixXd drive = inputs * (base.input_weights() * in_scale).transpose();  // T x N
  const Eigen::Index n = w.rows();
  Eigen::VectorXd x = Eigen::VectorXd::Zero(n), pre(n);
  Eigen::MatrixXd states(inputs.rows(), n);
  for (Eigen::Index t = 0; t < inputs.rows(); ++t) {
    pre.noalias() = w * x;
    pre += drive.row(t).transpose();
    x = (1.0 - leak) * x + leak * pre.array().tanh().matrix();
    states.row(t) = x.transpose();
  }
  return states;
}

Eigen::MatrixXd column(const std::vector<double>& v) {
  return Eigen::Map<const Eigen::VectorXd>(v.data(), idx(v.size()));
}

Eigen::MatrixXd esn_pooled(const EchoStateNetwork& base, double rho, double in_scale, double leak, const FsddData& d,
                           uint32_t bins) {
  Eigen::MatrixXd out(idx(d.utterances.size()), idx(size_t{bins} * base.config().units));
  for (size_t u = 0; u < d.utterances.size(); ++u)
    out.row(idx(u)) = pool_frames(esn_states(base, rho, in_scale, leak, d.utterances[u]), bins);
  return out;
}

}  // namespace

std::shared_ptr<const EchoStateNetwork> EsnBank::get(uint64_t seed, std::size_t inputs) {
  std::shared_ptr<Entry> e;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto& slot = entries_[{seed, inputs}];
    if (!slot) slot = std::make_shared<Entry>();
    e = slot;
  }
  std::call_once(e->built, [&] {
    EsnConfig c;
    c.units = units_;
    c.inputs = inputs;
    c.spectral_radius = 1.0;
    c.input_scaling = 1.0;
    c.seed = seed;
    e->esn = std::make_shared<const EchoStateNetwork>(c);
  });
  return e->esn;
}

std::vector<Record> run_esn_task(TaskKind task, EsnBank& bank, const StudyConfig& config_in, const FsddData* fsdd) {
  const std::size_t units = bank.units();
  const StudyConfig config = sized_for(config_in, units);
  std::vector<Record> out;
  const auto& grid_in = task == TaskKind::fsdd ? config.baselines.fsdd_input_scalings : config.baselines.input_scalings;
  const double leak = task == TaskKind::fsdd ? config.fsdd.esn_leak_rate : 1.0;
  const std::size_t inputs = task == TaskKind::fsdd ? fsdd->bands : 1;
  PredictionConfig pc;
  pc.washout = config.reservoir.washout_samples;
  pc.standardize = config.standardize;
  const MemoryCapacityConfig mc = memory_config(config, units);
  // The grid is scored on at most 200 delays (the tuned ESNs' MC is ~110, their r^2 ~0 beyond
  // ~200 delays; 2 x units delays on every grid point would take ~10x longer); each seed's MC
  // is then measured on all K delays.
  MemoryCapacityConfig mc_tune = mc;
  mc_tune.max_delay = std::min<std::size_t>(mc.max_delay, 200);

  // Tuning on the first seed's network with validation data (validation series of another
  // seed; for FSDD the validation utterances).
  struct Choice {
    double rho = 0, in = 0, loss = kInf;
  };
  Choice best_a, best_b;  // memory: a = MC, b = NARMA; others: a only
  nlohmann::json trials = nlohmann::json::array();
  const auto t_tune = std::chrono::steady_clock::now();
  {
    const auto base = bank.get(config.first_seed, inputs);
    SeriesTask val;
    if (task != TaskKind::fsdd) val = make_series(task, config, config.first_seed + kValidationSeedOffset);
    for (double rho : config.baselines.spectral_radii) {
      for (double in : grid_in) {
        double la = kInf, lb = kInf;
        if (task == TaskKind::fsdd) {
          // Validation accuracy of a readout fitted on the fit utterances.
          const Eigen::MatrixXd x = esn_pooled(*base, rho, in, leak, *fsdd, config.fsdd.bins);
          Record scratch;
          std::vector<Eigen::Index> fit, vl;
          std::vector<int> lf, lv;
          for (size_t u = 0; u < fsdd->role.size(); ++u) {
            if (fsdd->role[u] == 0) fit.push_back(idx(u)), lf.push_back(fsdd->labels[u]);
            if (fsdd->role[u] == 1) vl.push_back(idx(u)), lv.push_back(fsdd->labels[u]);
          }
          Eigen::MatrixXd xf(idx(fit.size()), x.cols()), xv(idx(vl.size()), x.cols());
          for (size_t i = 0; i < fit.size(); ++i) xf.row(idx(i)) = x.row(fit[i]);
          for (size_t i = 0; i < vl.size(); ++i) xv.row(idx(i)) = x.row(vl[i]);
          RidgeSelectConfig fsdd_ridge;
          fsdd_ridge.standardize = config.standardize;
          // Lambda on the last fifth of the fit utterances, scored on the validation ones.
          const auto n_in = static_cast<Eigen::Index>(std::llround(0.8 * static_cast<double>(fit.size())));
          const RidgeClassifier c =
              fit_ridge_classifier_gram(xf.topRows(n_in), std::span<const int>(lf).first(static_cast<size_t>(n_in)),
                                        xf.bottomRows(xf.rows() - n_in),
                                        std::span<const int>(lf).subspan(static_cast<size_t>(n_in)), 10, fsdd_ridge);
          la = -accuracy(lv, c.predict(xv));
        } else {
          const Eigen::MatrixXd states = esn_states(*base, rho, in, leak, column(val.input));
          if (task == TaskKind::memory) {
            const MemoryAndPrediction mp =
                memory_and_prediction_gram(states, val.mc_input, val.target, mc_tune, pc, null_of(val));
            la = -mp.memory.capacity_corrected;
            lb = mp.prediction.test_nrmse;
          } else {
            la = lb = evaluate_prediction_gram(states, val.target, pc).test_nrmse;
          }
        }
        trials.push_back({{"spectral_radius", rho}, {"input_scaling", in}, {"loss", finite_or_string(la)}});
        if (la < best_a.loss) best_a = {rho, in, la};
        if (lb < best_b.loss) best_b = {rho, in, lb};
      }
    }
  }
  const double tune_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_tune).count();

  for (uint32_t k = 0; k < config.seeds; ++k) {
    const uint64_t seed = config.first_seed + k;
    const auto t0 = std::chrono::steady_clock::now();
    Record r;
    r.model = "esn";
    r.arith = "float64";
    r.seed = seed;
    r.task = task;
    try {
      const auto base = bank.get(seed, inputs);
      r.detail = {{"units", units},
                  {"leak_rate", leak},
                  {"spectral_radius", best_a.rho},
                  {"input_scaling", best_a.in},
                  {"tuned_on_seed", config.first_seed},
                  {"tuning_trials", trials},
                  {"tuning_time_s", tune_s}};
      if (task == TaskKind::fsdd) {
        r.metrics["accuracy"] =
            classify_fsdd(esn_pooled(*base, best_a.rho, best_a.in, leak, *fsdd, config.fsdd.bins), *fsdd, config, r);
      } else {
        const SeriesTask s = make_series(task, config, seed);
        const Eigen::MatrixXd states = esn_states(*base, best_a.rho, best_a.in, leak, column(s.input));
        if (task == TaskKind::memory) {
          add_memory_metrics(r, memory_capacity_gram(states, s.mc_input, mc, null_of(s)));
          const Eigen::MatrixXd states_b = esn_states(*base, best_b.rho, best_b.in, leak, column(s.input));
          r.metrics["narma10_nrmse"] = evaluate_prediction_gram(states_b, s.target, pc).test_nrmse;
          r.detail["narma10_spectral_radius"] = best_b.rho;
          r.detail["narma10_input_scaling"] = best_b.in;
        } else {
          r.metrics["nrmse"] = evaluate_prediction_gram(states, s.target, pc).test_nrmse;
        }
      }
    } catch (const std::exception& e) {
      r.error = e.what();
    }
    r.wall_time_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<Record> run_linear_task(TaskKind task, const StudyConfig& config, const FsddData* fsdd) {
  std::vector<Record> out;
  if (task == TaskKind::fsdd) {
    const auto t0 = std::chrono::steady_clock::now();
    Record r;
    r.model = "linear";
    r.arith = "float64";
    r.seed = config.first_seed;
    r.task = task;
    try {
      r.detail["features"] = fmt::format("log-mel pooled into {} bins", config.fsdd.bins);
      r.metrics["accuracy"] = classify_fsdd(pool_utterances(fsdd->utterances, config.fsdd.bins), *fsdd, config, r);
    } catch (const std::exception& e) {
      r.error = e.what();
    }
    r.wall_time_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    out.push_back(std::move(r));
    return out;
  }
  PredictionConfig pc;
  pc.washout = config.reservoir.washout_samples;
  pc.standardize = config.standardize;
  // Taps chosen on the validation series of the first seed.
  const SeriesTask val = make_series(task, config, config.first_seed + kValidationSeedOffset);
  std::size_t best_taps = config.baselines.taps.front();
  double best = kInf;
  for (std::size_t taps : config.baselines.taps) {
    const double loss = evaluate_prediction_gram(delay_embedding(val.input, taps), val.target, pc).test_nrmse;
    if (loss < best) best = loss, best_taps = taps;
  }
  for (uint32_t k = 0; k < config.seeds; ++k) {
    const auto t0 = std::chrono::steady_clock::now();
    Record r;
    r.model = "linear";
    r.arith = "float64";
    r.seed = config.first_seed + k;
    r.task = task;
    try {
      const SeriesTask s = make_series(task, config, r.seed);
      const double e = evaluate_prediction_gram(delay_embedding(s.input, best_taps), s.target, pc).test_nrmse;
      r.metrics[task == TaskKind::memory ? "narma10_nrmse" : "nrmse"] = e;
      r.detail["taps"] = best_taps;
    } catch (const std::exception& e) {
      r.error = e.what();
    }
    r.wall_time_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace hrsnn::study

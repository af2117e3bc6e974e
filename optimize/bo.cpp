// The BO loop (optimize/bo.hpp): rounds planned from the evaluations so far, each round's
// points evaluated on a few threads, every round and every finished evaluation checkpointed
// (optimize/checkpoint.hpp) before the loop goes on.
#include "optimize/bo.hpp"

#include "core/foundation/distribute.hpp"
#include "core/foundation/parallel.hpp"
#include "optimize/checkpoint.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>

namespace hrsnn::opt {

namespace {

using Clock = std::chrono::steady_clock;
using json = nlohmann::json;

constexpr int kAnchors = 3;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// The GP hyper-parameters as a round records them (warm starts of the next round read them back).
json hyper_to_json(const GpHyper& h) {
  return json{{"log_length", h.log_length},
              {"log_signal_variance", h.log_signal_variance},
              {"log_noise_variance", h.log_noise_variance}};
}

std::optional<GpHyper> hyper_from_json(const json& j) {
  if (!j.is_object() || !j.contains("log_length")) return std::nullopt;
  GpHyper h;
  h.log_length = j.at("log_length").get<std::vector<double>>();
  h.log_signal_variance = j.at("log_signal_variance").get<double>();
  h.log_noise_variance = j.at("log_noise_variance").get<double>();
  return h;
}

// ---- one run --------------------------------------------------------------------------------

class Run {
 public:
  Run(const Objective& objective, std::size_t dims, const Options& options)
      : objective_(objective), dims_(dims), options_(options) {
    if (dims == 0) throw std::invalid_argument("minimize: the search space has no dimensions");
    if (options.batch_size == 0) throw std::invalid_argument("minimize: batch_size must be at least 1");
    if (!(options.failure_margin >= 0.0)) throw std::invalid_argument("minimize: failure_margin must be >= 0");
    if (!(options.penalty_weight >= 0.0)) throw std::invalid_argument("minimize: penalty_weight must be >= 0");
    for (const auto& c : options.constraints) {
      if (!(c.lower <= c.upper)) {
        throw std::invalid_argument(fmt::format("minimize: constraint '{}' has lower > upper", c.name));
      }
    }
    for (const auto& p : options.initial_points) {
      if (p.size() != dims || std::any_of(p.begin(), p.end(), [](double u) { return !(u >= 0.0 && u <= 1.0); })) {
        throw std::invalid_argument(
            fmt::format("minimize: an initial point is not a point of the unit cube [0, 1]^{}", dims));
      }
    }
    n_initial_ = options.initial_design_size > 0 ? options.initial_design_size : 2 * (dims + 1);
    layout_ = RoundLayout{dims, options.initial_points.size() + n_initial_, options.batch_size};
    threads_ = options.threads > 0 ? options.threads : std::min<unsigned>(options.batch_size, resolve_threads(0));
  }

  Result run() {
    const auto start = Clock::now();
    if (!options_.checkpoint.empty()) open_checkpoint();
    const std::size_t resumed = records_.size();
    std::optional<json> previous_hyper;
    for (uint64_t r = 0; first_index(r) < options_.budget; ++r) {
      auto it = rounds_.find(r);
      if (it == rounds_.end()) {
        RoundInfo info = plan_round(r, previous_hyper);
        if (checkpoint_) checkpoint_->append(info);
        it = rounds_.emplace(r, std::move(info)).first;
      }
      const RoundInfo& info = it->second;
      previous_hyper = info.hyper;
      std::vector<std::pair<uint64_t, std::vector<double>>> pending;
      for (std::size_t j = 0; j < info.proposals.size(); ++j) {
        const uint64_t index = info.first_index + j;
        if (index >= options_.budget) break;
        if (!records_.count(index)) pending.emplace_back(index, info.proposals[j]);
      }
      evaluate(pending, r);
    }
    Result result = assemble();
    result.resumed_evaluations = resumed;
    result.wall_seconds = seconds_since(start);
    return result;
  }

 private:
  uint64_t first_index(uint64_t round) const { return layout_.first_index(round); }

  void open_checkpoint() {
    checkpoint_.emplace(options_.checkpoint, checkpoint_header(dims_, n_initial_, options_), options_.resume, layout_);
    rounds_ = std::move(checkpoint_->rounds);
    records_ = std::move(checkpoint_->records);
  }

  RoundInfo plan_round(uint64_t r, const std::optional<json>& previous_hyper) {
    const auto start = Clock::now();
    RoundInfo info;
    info.round = r;
    info.first_index = first_index(r);
    info.hyper = nullptr;
    if (r == 0) {
      info.proposals = options_.initial_points;
      for (auto& p : initial_design(options_.design, dims_, n_initial_, options_.seed))
        info.proposals.push_back(std::move(p));
    } else if (options_.strategy == Strategy::random_search) {
      info.proposals = uniform_points(dims_, options_.batch_size, options_.seed, derive_stream("random-search", r));
    } else {
      propose_by_model(r, previous_hyper, info);
    }
    info.surrogate_seconds = seconds_since(start);
    return info;
  }

  // The value the surrogate models for a record, before failures are imputed.
  std::optional<double> modelled_value(const Record& record) const {
    if (!record.ok || !std::isfinite(record.value)) return std::nullopt;
    if (options_.log_values) {
      if (record.value <= 0.0) return std::nullopt;
      return std::log(record.value);
    }
    return record.value;
  }

  // A GP fitted to the rows of x and y, warm-started from a previous round's hyper-parameters.
  GaussianProcess fit_model(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, uint64_t stream,
                            const json* warm_json) const {
    std::optional<GpHyper> warm;
    if (warm_json) warm = hyper_from_json(*warm_json);
    GaussianProcess gp;
    gp.fit(x, y, options_.gp, options_.seed, stream, warm ? &*warm : nullptr);
    return gp;
  }

  void propose_by_model(uint64_t r, const std::optional<json>& previous_hyper, RoundInfo& info) {
    std::vector<const Record*> data;
    for (const auto& [index, record] : records_) {
      if (index < info.first_index) data.push_back(&record);
    }
    std::vector<double> clean;
    for (const Record* record : data) {
      if (const auto v = modelled_value(*record)) clean.push_back(*v);
    }
    if (clean.size() < 2) {
      // Nothing to model yet (every evaluation failed): keep exploring space-fillingly.
      info.proposals = uniform_points(dims_, options_.batch_size, options_.seed, derive_stream("fallback", r));
      return;
    }
    const bool penalty = options_.constraint_handling == ConstraintHandling::penalty && !options_.constraints.empty();
    const bool classify = options_.failure_handling == FailureHandling::classify && clean.size() < data.size();
    const auto [lowest, highest] = std::minmax_element(clean.begin(), clean.end());
    const double range = *highest - *lowest > 0.0 ? *highest - *lowest : std::max(1.0, std::abs(*highest));
    const double imputed = *highest + options_.failure_margin * range;
    // Penalty: value + weight * range * sum of violations, each relative to the spread of that
    // constraint's observed values. Continuous across the feasible boundary, so the GP can
    // model it, unlike a jump to the worst value.
    std::vector<double> constraint_spread(options_.constraints.size(), 1.0);
    for (std::size_t c = 0; penalty && c < options_.constraints.size(); ++c) {
      double lo = std::numeric_limits<double>::infinity(), hi = -lo;
      for (const Record* record : data) {
        if (!record->ok) continue;
        lo = std::min(lo, record->constraints[c]);
        hi = std::max(hi, record->constraints[c]);
      }
      if (hi > lo) constraint_spread[c] = hi - lo;
    }
    const auto penalized_value = [&](const Record& record, double v) {
      if (!penalty || record.feasible) return v;
      double violation = 0.0;
      for (std::size_t c = 0; c < options_.constraints.size(); ++c) {
        const double value = record.constraints[c];
        const double excess =
            std::max(options_.constraints[c].lower - value, 0.0) + std::max(value - options_.constraints[c].upper, 0.0);
        violation += excess / constraint_spread[c];
      }
      return v + options_.penalty_weight * range * violation;
    };

    const auto n = static_cast<Eigen::Index>(data.size());
    const auto d = static_cast<Eigen::Index>(dims_);
    Eigen::MatrixXd x_all(n, d);
    for (Eigen::Index i = 0; i < n; ++i) {
      for (Eigen::Index k = 0; k < d; ++k)
        x_all(i, k) = data[static_cast<std::size_t>(i)]->x[static_cast<std::size_t>(k)];
    }
    // The objective's rows: every record (failures imputed), or with classify only the clean ones.
    std::vector<Eigen::Index> rows;
    std::vector<double> values;
    for (Eigen::Index i = 0; i < n; ++i) {
      const Record& record = *data[static_cast<std::size_t>(i)];
      const auto v = modelled_value(record);
      if (!v && classify) continue;
      rows.push_back(i);
      values.push_back(v ? penalized_value(record, *v) : imputed);
    }
    const auto subset = [&](const std::vector<Eigen::Index>& which) {
      Eigen::MatrixXd out(static_cast<Eigen::Index>(which.size()), d);
      for (std::size_t i = 0; i < which.size(); ++i) out.row(static_cast<Eigen::Index>(i)) = x_all.row(which[i]);
      return out;
    };
    const Eigen::MatrixXd x = subset(rows);
    const Eigen::VectorXd y =
        Eigen::Map<const Eigen::VectorXd>(values.data(), static_cast<Eigen::Index>(values.size()));

    const json* prev = previous_hyper && previous_hyper->is_object() ? &*previous_hyper : nullptr;
    const auto previous = [&](const char* key, std::optional<std::size_t> element = std::nullopt) -> const json* {
      if (!prev || !prev->contains(key)) return nullptr;
      const json& j = prev->at(key);
      if (!element) return j.is_object() ? &j : nullptr;
      return j.is_array() && j.size() > *element && j.at(*element).is_object() ? &j.at(*element) : nullptr;
    };

    const auto fit_start = Clock::now();
    AcquisitionState state;
    state.objective = fit_model(x, y, derive_stream("gp/objective", r), previous("objective"));
    json hyper{
        {"objective", hyper_to_json(state.objective.hyper())}, {"constraints", json::array()}, {"failure", nullptr}};

    if (!penalty) {
      std::vector<Eigen::Index> ok_rows;
      for (Eigen::Index i = 0; i < n; ++i) {
        if (data[static_cast<std::size_t>(i)]->ok) ok_rows.push_back(i);
      }
      for (std::size_t c = 0; c < options_.constraints.size(); ++c) {
        if (ok_rows.size() < 2) {
          hyper["constraints"].push_back(nullptr);
          continue;
        }
        Eigen::VectorXd cy(static_cast<Eigen::Index>(ok_rows.size()));
        for (std::size_t i = 0; i < ok_rows.size(); ++i) {
          cy[static_cast<Eigen::Index>(i)] = data[static_cast<std::size_t>(ok_rows[i])]->constraints[c];
        }
        ConstraintModel model;
        model.lower = options_.constraints[c].lower;
        model.upper = options_.constraints[c].upper;
        model.gp = fit_model(subset(ok_rows), cy, derive_stream("gp/constraint", r, c), previous("constraints", c));
        hyper["constraints"].push_back(hyper_to_json(model.gp.hyper()));
        state.constraints.push_back(std::move(model));
      }
    }
    if (classify) {
      // Where evaluations fail, by GP regression on +1 (worked) / -1 (failed) labels: the
      // acquisition is multiplied by P(label > 0), as for a constraint (Gelbart et al. 2014).
      Eigen::VectorXd label(n);
      for (Eigen::Index i = 0; i < n; ++i) label[i] = modelled_value(*data[static_cast<std::size_t>(i)]) ? 1.0 : -1.0;
      ConstraintModel model;
      model.lower = 0.0;
      model.gp = fit_model(x_all, label, derive_stream("gp/failure", r), previous("failure"));
      hyper["failure"] = hyper_to_json(model.gp.hyper());
      state.constraints.push_back(std::move(model));
    }
    info.fit_seconds = seconds_since(fit_start);

    // Incumbent: the model's belief at the best feasible points (robust to noise); anchors: the
    // best observations, around which the acquisition search looks closely.
    std::vector<std::pair<double, Eigen::Index>> feasible;  // (modelled value, row of x)
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const Record& record = *data[static_cast<std::size_t>(rows[i])];
      if (record.feasible && modelled_value(record)) feasible.emplace_back(values[i], static_cast<Eigen::Index>(i));
    }
    if (feasible.empty() && penalty) {
      for (std::size_t i = 0; i < rows.size(); ++i) feasible.emplace_back(values[i], static_cast<Eigen::Index>(i));
    }
    std::sort(feasible.begin(), feasible.end());
    for (const auto& [value, i] : feasible) {
      const double believed = state.objective.predict(x.row(i).transpose()).mean;
      state.incumbent = state.incumbent ? std::min(*state.incumbent, believed) : believed;
    }
    for (std::size_t a = 0; a < feasible.size() && a < static_cast<std::size_t>(kAnchors); ++a) {
      state.anchors.emplace_back(x.row(feasible[a].second).transpose());
    }

    const std::vector<Eigen::VectorXd> batch =
        propose_batch(std::move(state), options_.batch_size, options_.acquisition, options_.seed, r);
    for (const auto& p : batch) info.proposals.emplace_back(p.data(), p.data() + p.size());
    info.hyper = json::parse(dump_line(hyper));  // as it will read back from the checkpoint
  }

  Record evaluate_one(uint64_t index, uint64_t round, const std::vector<double>& x) const {
    Record record;
    record.index = index;
    record.round = round;
    record.x = x;
    const auto start = Clock::now();
    Evaluation e;
    try {
      e = objective_(x, index);
    } catch (const std::exception& ex) {
      e = Evaluation{};
      e.ok = false;
      e.error = ex.what();
    } catch (...) {
      e = Evaluation{};
      e.ok = false;
      e.error = "unknown exception";
    }
    record.eval_seconds = seconds_since(start);
    record.value = e.value;
    record.ok = e.ok;
    record.constraints = std::move(e.constraints);
    record.metrics = e.metrics.is_null() ? json::object() : std::move(e.metrics);
    record.error = std::move(e.error);
    if (record.ok && !std::isfinite(record.value)) {
      record.ok = false;
      record.error = fmt::format("objective returned the non-finite value {}", record.value);
    }
    if (record.ok && record.constraints.size() != options_.constraints.size()) {
      record.ok = false;
      record.error = fmt::format("objective returned {} constraint values, {} expected", record.constraints.size(),
                                 options_.constraints.size());
    }
    record.feasible = record.ok;
    for (std::size_t c = 0; record.ok && c < record.constraints.size(); ++c) {
      const double v = record.constraints[c];
      if (!std::isfinite(v)) {
        record.ok = record.feasible = false;
        record.error = fmt::format("constraint '{}' is not finite", options_.constraints[c].name);
      } else if (v < options_.constraints[c].lower || v > options_.constraints[c].upper) {
        record.feasible = false;
      }
    }
    // Exactly what the checkpoint will hold (NaN metrics become null, invalid UTF-8 is
    // replaced), so that a resumed run's history equals an uninterrupted one's.
    return record_from_json(json::parse(dump_line(record_to_json(record))));
  }

  void finish(Record record) {
    if (checkpoint_) checkpoint_->append(record);
    const auto [it, inserted] = records_.emplace(record.index, std::move(record));
    if (options_.on_evaluation) options_.on_evaluation(it->second, records_.size(), options_.budget);
  }

  // Each evaluation is recorded (checkpointed, then reported) as soon as it finishes, in the
  // order evaluations finish, so that a kill loses only those still running. After a failure
  // to record one, the others still running are not recorded either.
  void evaluate(const std::vector<std::pair<uint64_t, std::vector<double>>>& pending, uint64_t round) {
    std::vector<std::string> tasks;
    tasks.reserve(pending.size());
    for (const auto& [index, x] : pending) tasks.push_back(task_text(index, round, x));
    bool failed = false;
    // Under MPI the tasks run on every rank (serve() on the others); results come back here.
    run_tasks(
        tasks, threads_, [this](const std::string& task) { return run_task(task); },
        [&](std::size_t, std::string&& payload) {
          if (failed) return;
          try {
            finish(record_from_json(json::parse(payload)));
          } catch (...) {
            failed = true;
            throw;
          }
        });
  }

  static std::string task_text(uint64_t index, uint64_t round, const std::vector<double>& x) {
    return dump_line(json{{"index", index}, {"round", round}, {"x", x}});
  }

 public:
  // One evaluation from its task text; the record as checkpoint text.
  std::string run_task(const std::string& task) const {
    const json t = json::parse(task);
    const Record record = evaluate_one(t.at("index").get<uint64_t>(), t.at("round").get<uint64_t>(),
                                       t.at("x").get<std::vector<double>>());
    return dump_line(record_to_json(record));
  }

 private:
  Result assemble() const {
    Result result;
    result.dims = dims_;
    double best = std::numeric_limits<double>::infinity();
    for (const auto& [index, record] : records_) {
      if (index >= options_.budget) break;
      result.history.push_back(record);
      if (record.feasible && record.value < best) {
        best = record.value;
        result.best = result.history.size() - 1;
      }
      result.best_so_far.push_back(std::isfinite(best) ? best : std::numeric_limits<double>::quiet_NaN());
      result.evaluation_seconds += record.eval_seconds;
    }
    for (const auto& [round, info] : rounds_) {
      if (info.first_index >= options_.budget) break;
      result.rounds.push_back(info);
      result.surrogate_seconds += info.surrogate_seconds;
    }
    return result;
  }

  const Objective& objective_;
  std::size_t dims_;
  const Options& options_;
  uint64_t n_initial_ = 0;  // design points
  RoundLayout layout_;
  unsigned threads_ = 1;
  std::optional<Checkpoint> checkpoint_;
  std::map<uint64_t, RoundInfo> rounds_;
  std::map<uint64_t, Record> records_;
};

}  // namespace

std::string to_string(Strategy strategy) { return strategy == Strategy::bayesian ? "bayesian" : "random_search"; }

std::string to_string(FailureHandling handling) {
  return handling == FailureHandling::classify ? "classify" : "impute";
}

std::string to_string(ConstraintHandling handling) {
  return handling == ConstraintHandling::penalty ? "penalty" : "probability_of_feasibility";
}

Result minimize(const Objective& objective, std::size_t dims, const Options& options) {
  if (!objective) throw std::invalid_argument("minimize: no objective");
  Run run(objective, dims, options);
  if (world_size() > 1 && !is_root_rank()) {
    // Every other rank of an MPI launch evaluates the points rank 0 sends until it is done.
    serve_tasks([&run](const std::string& task) { return run.run_task(task); });
    Result result;
    result.dims = dims;
    result.worker = true;
    return result;
  }
  Result result;
  try {
    result = run.run();
  } catch (...) {
    abort_world_on_error(1);  // the other ranks wait in serve_tasks
    throw;
  }
  end_tasks();
  return result;
}

}  // namespace hrsnn::opt

#include "optimize/bo.hpp"

#include "optimize/space.hpp"

#include <fmt/core.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <exception>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace hrsnn::opt {

namespace {

using Clock = std::chrono::steady_clock;
using json = nlohmann::json;

constexpr std::string_view kCheckpointFormat = "hrsnn-bo-checkpoint/1";
constexpr int kAnchors = 3;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// JSON has no NaN or infinity: they are written as null and read back as NaN.
json number_or_null(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }
double number_from(const json& j) { return j.is_number() ? j.get<double>() : std::numeric_limits<double>::quiet_NaN(); }

std::string dump_line(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

[[noreturn]] void throw_errno(const std::string& what, const std::filesystem::path& path) {
  throw std::runtime_error(fmt::format("{} {}: {}", what, path.string(), std::strerror(errno)));
}

void write_all(int fd, std::string_view text, const std::filesystem::path& path) {
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_errno("cannot write", path);
    }
    text.remove_prefix(static_cast<std::size_t>(n));
  }
}

// ---- JSON forms of the run's pieces --------------------------------------------------------

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

json record_to_json(const Record& r) {
  json constraints = json::array();
  for (double c : r.constraints) constraints.push_back(number_or_null(c));
  return json{{"type", "evaluation"},   {"index", r.index},       {"round", r.round},
              {"x", r.x},               {"value", number_or_null(r.value)},
              {"ok", r.ok},             {"feasible", r.feasible}, {"constraints", constraints},
              {"metrics", r.metrics},   {"error", r.error},       {"eval_seconds", r.eval_seconds}};
}

Record record_from_json(const json& j) {
  Record r;
  r.index = j.at("index").get<uint64_t>();
  r.round = j.at("round").get<uint64_t>();
  r.x = j.at("x").get<std::vector<double>>();
  r.value = number_from(j.at("value"));
  r.ok = j.at("ok").get<bool>();
  r.feasible = j.at("feasible").get<bool>();
  for (const auto& c : j.at("constraints")) r.constraints.push_back(number_from(c));
  r.metrics = j.value("metrics", json::object());
  r.error = j.value("error", std::string());
  r.eval_seconds = j.value("eval_seconds", 0.0);
  return r;
}

json round_to_json(const RoundInfo& info) {
  return json{{"type", "round"},
              {"round", info.round},
              {"first_index", info.first_index},
              {"proposals", info.proposals},
              {"hyper", info.hyper},
              {"surrogate_seconds", info.surrogate_seconds},
              {"fit_seconds", info.fit_seconds}};
}

RoundInfo round_from_json(const json& j) {
  RoundInfo info;
  info.round = j.at("round").get<uint64_t>();
  info.first_index = j.at("first_index").get<uint64_t>();
  info.proposals = j.at("proposals").get<Points>();
  info.hyper = j.value("hyper", json(nullptr));
  info.surrogate_seconds = j.value("surrogate_seconds", 0.0);
  info.fit_seconds = j.value("fit_seconds", 0.0);
  return info;
}

// The options that fix which points a run evaluates (everything but the budget, threads and
// the checkpoint itself), normalized through a dump so it compares equal to its parsed copy.
json run_header(std::size_t dims, uint64_t n_initial, const Options& o) {
  json constraints = json::array();
  for (const auto& c : o.constraints) {
    constraints.push_back({{"name", c.name}, {"lower", number_or_null(c.lower)}, {"upper", number_or_null(c.upper)}});
  }
  const json header{
      {"type", "header"},
      {"format", kCheckpointFormat},
      {"dims", dims},
      {"seed", o.seed},
      {"strategy", to_string(o.strategy)},
      {"design", to_string(o.design)},
      {"initial_design_size", n_initial},
      {"initial_points", o.initial_points},
      {"batch_size", o.batch_size},
      {"constraints", constraints},
      {"constraint_handling", to_string(o.constraint_handling)},
      {"log_values", o.log_values},
      {"failure_margin", o.failure_margin},
      {"penalty_weight", o.penalty_weight},
      {"failure_handling", to_string(o.failure_handling)},
      {"gp",
       {{"log_length", {o.gp.log_length_min, o.gp.log_length_max}},
        {"log_signal", {o.gp.log_signal_min, o.gp.log_signal_max}},
        {"log_noise", {o.gp.log_noise_min, o.gp.log_noise_max}},
        {"fit_noise", o.gp.fit_noise},
        {"length_prior", {o.gp.length_prior_shape, o.gp.length_prior_rate}},
        {"random_starts", o.gp.random_starts},
        {"max_evaluations", o.gp.max_evaluations}}},
      {"acquisition",
       {{"candidates", o.acquisition.candidates},
        {"local_candidates", o.acquisition.local_candidates},
        {"local_radius", o.acquisition.local_radius},
        {"local_starts", o.acquisition.local_starts},
        {"max_evaluations", o.acquisition.max_evaluations}}}};
  return json::parse(dump_line(header));
}

// ---- the checkpoint file --------------------------------------------------------------------

class CheckpointFile {
 public:
  explicit CheckpointFile(std::filesystem::path path) : path_(std::move(path)) {}

  bool exists_nonempty() const {
    std::error_code ec;
    return std::filesystem::exists(path_, ec) && std::filesystem::file_size(path_, ec) > 0;
  }

  // The parsed lines. A torn last line (a kill during its write) is dropped, and the file
  // rewritten without it so that the next append starts on a fresh line.
  std::vector<json> load() {
    std::ifstream in(path_, std::ios::binary);
    if (!in) throw_errno("cannot read checkpoint", path_);
    std::stringstream buffer;
    buffer << in.rdbuf();
    const std::string text = buffer.str();
    std::vector<json> lines;
    std::size_t start = 0, line_no = 0;
    bool torn = false;
    while (start < text.size()) {
      ++line_no;
      const std::size_t end = text.find('\n', start);
      const bool complete = end != std::string::npos;
      const std::string_view line(text.data() + start, (complete ? end : text.size()) - start);
      json parsed = json::parse(line, nullptr, false);
      if (!complete || parsed.is_discarded() || !parsed.is_object()) {
        if (!complete) {
          torn = true;
          break;
        }
        throw std::runtime_error(fmt::format("{}:{}: checkpoint line is not a JSON object", path_.string(), line_no));
      }
      lines.push_back(std::move(parsed));
      start = end + 1;
    }
    if (torn) {
      std::string kept;
      for (const auto& j : lines) kept += dump_line(j) + "\n";
      write_file_atomically(path_, kept);
    }
    return lines;
  }

  void create(const json& header) { write_file_atomically(path_, dump_line(header) + "\n"); }

  void append(const json& line) {
    const std::string text = dump_line(line) + "\n";
    const int fd = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) throw_errno("cannot open checkpoint", path_);
    try {
      write_all(fd, text, path_);
      if (::fsync(fd) != 0) throw_errno("cannot fsync checkpoint", path_);
    } catch (...) {
      ::close(fd);
      throw;
    }
    ::close(fd);
  }

 private:
  std::filesystem::path path_;
};

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
        throw std::invalid_argument(fmt::format("minimize: an initial point is not a point of the unit cube [0, 1]^{}", dims));
      }
    }
    n_initial_ = options.initial_design_size > 0 ? options.initial_design_size : 2 * (dims + 1);
    round0_size_ = options.initial_points.size() + n_initial_;
    const unsigned hardware = std::max(1U, std::thread::hardware_concurrency());
    threads_ = options.threads > 0 ? options.threads : std::min<unsigned>(options.batch_size, hardware);
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
        if (checkpoint_) checkpoint_->append(round_to_json(info));
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
  uint64_t first_index(uint64_t round) const { return round == 0 ? 0 : round0_size_ + (round - 1) * options_.batch_size; }
  uint64_t round_size(uint64_t round) const { return round == 0 ? round0_size_ : options_.batch_size; }

  void open_checkpoint() {
    checkpoint_.emplace(options_.checkpoint);
    const json header = run_header(dims_, n_initial_, options_);
    const std::string where = options_.checkpoint.string();
    if (!checkpoint_->exists_nonempty()) {
      checkpoint_->create(header);
      return;
    }
    if (!options_.resume) {
      throw std::runtime_error(fmt::format("checkpoint {} exists; resume it or choose another path", where));
    }
    const std::vector<json> lines = checkpoint_->load();
    if (lines.empty() || lines.front().value("type", "") != "header") {
      throw std::runtime_error(fmt::format("{}: not an optimization checkpoint (no header line)", where));
    }
    const json& found = lines.front();
    for (const auto& [key, value] : header.items()) {
      if (!found.contains(key) || found.at(key) != value) {
        throw std::runtime_error(fmt::format(
            "{}: written with {} = {}, this run has {} = {}; resume with the same options (only the budget may "
            "change) or start a new checkpoint",
            where, key, found.contains(key) ? dump_line(found.at(key)) : "(missing)", key, dump_line(value)));
      }
    }
    for (std::size_t i = 1; i < lines.size(); ++i) {
      const json& line = lines[i];
      const std::string type = line.value("type", "");
      try {
        if (type == "round") {
          RoundInfo info = round_from_json(line);
          if (info.first_index != first_index(info.round) || info.proposals.size() != round_size(info.round) ||
              std::any_of(info.proposals.begin(), info.proposals.end(),
                          [&](const auto& p) { return p.size() != dims_; })) {
            throw std::runtime_error("round does not fit the run's layout");
          }
          rounds_.emplace(info.round, std::move(info));
        } else if (type == "evaluation") {
          Record record = record_from_json(line);
          if (!rounds_.count(record.round) || record.x.size() != dims_) {
            throw std::runtime_error("evaluation of a round that was never planned");
          }
          if (!records_.emplace(record.index, std::move(record)).second) {
            throw std::runtime_error("evaluation index recorded twice");
          }
        } else {
          throw std::runtime_error(fmt::format("unknown line type '{}'", type));
        }
      } catch (const std::exception& e) {
        throw std::runtime_error(fmt::format("{}:{}: corrupt checkpoint: {}", where, i + 1, e.what()));
      }
    }
  }

  RoundInfo plan_round(uint64_t r, const std::optional<json>& previous_hyper) {
    const auto start = Clock::now();
    RoundInfo info;
    info.round = r;
    info.first_index = first_index(r);
    info.hyper = nullptr;
    if (r == 0) {
      info.proposals = options_.initial_points;
      for (auto& p : initial_design(options_.design, dims_, n_initial_, options_.seed)) info.proposals.push_back(std::move(p));
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
        const double excess = std::max(options_.constraints[c].lower - value, 0.0) +
                              std::max(value - options_.constraints[c].upper, 0.0);
        violation += excess / constraint_spread[c];
      }
      return v + options_.penalty_weight * range * violation;
    };

    const auto n = static_cast<Eigen::Index>(data.size());
    const auto d = static_cast<Eigen::Index>(dims_);
    Eigen::MatrixXd x_all(n, d);
    for (Eigen::Index i = 0; i < n; ++i) {
      for (Eigen::Index k = 0; k < d; ++k) x_all(i, k) = data[static_cast<std::size_t>(i)]->x[static_cast<std::size_t>(k)];
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
    const Eigen::VectorXd y = Eigen::Map<const Eigen::VectorXd>(values.data(), static_cast<Eigen::Index>(values.size()));

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
    json hyper{{"objective", hyper_to_json(state.objective.hyper())}, {"constraints", json::array()}, {"failure", nullptr}};

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
    if (checkpoint_) checkpoint_->append(record_to_json(record));
    const auto [it, inserted] = records_.emplace(record.index, std::move(record));
    if (options_.on_evaluation) options_.on_evaluation(it->second, records_.size(), options_.budget);
  }

  void evaluate(const std::vector<std::pair<uint64_t, std::vector<double>>>& pending, uint64_t round) {
    if (pending.empty()) return;
    const std::size_t workers = std::min<std::size_t>(threads_, pending.size());
    if (workers <= 1) {
      for (const auto& [index, x] : pending) finish(evaluate_one(index, round, x));
      return;
    }
    std::atomic<std::size_t> next{0};
    std::atomic<bool> stop{false};
    std::mutex mutex;
    std::exception_ptr failure;
    auto work = [&] {
      for (;;) {
        if (stop.load()) return;
        const std::size_t i = next.fetch_add(1);
        if (i >= pending.size()) return;
        Record record = evaluate_one(pending[i].first, round, pending[i].second);
        const std::lock_guard<std::mutex> lock(mutex);
        if (failure) return;
        try {
          finish(std::move(record));
        } catch (...) {
          failure = std::current_exception();
          stop = true;
        }
      }
    };
    std::vector<std::thread> pool;
    for (std::size_t w = 0; w < workers; ++w) pool.emplace_back(work);
    for (auto& t : pool) t.join();
    if (failure) std::rethrow_exception(failure);
  }

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
  uint64_t n_initial_ = 0;    // design points
  uint64_t round0_size_ = 0;  // initial points + design points
  std::size_t threads_ = 1;
  std::optional<CheckpointFile> checkpoint_;
  std::map<uint64_t, RoundInfo> rounds_;
  std::map<uint64_t, Record> records_;
};

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string csv_number(double v) { return std::isfinite(v) ? fmt::format("{}", v) : std::string(); }

std::string csv_scalar(const json& j) {
  if (j.is_number()) return csv_number(j.get<double>());
  if (j.is_boolean()) return j.get<bool>() ? "1" : "0";
  if (j.is_string()) return csv_field(j.get<std::string>());
  return csv_field(dump_line(j));
}

}  // namespace

std::string to_string(Strategy strategy) {
  return strategy == Strategy::bayesian ? "bayesian" : "random_search";
}

std::string to_string(FailureHandling handling) {
  return handling == FailureHandling::classify ? "classify" : "impute";
}

std::string to_string(ConstraintHandling handling) {
  return handling == ConstraintHandling::penalty ? "penalty" : "probability_of_feasibility";
}

Result minimize(const Objective& objective, std::size_t dims, const Options& options) {
  if (!objective) throw std::invalid_argument("minimize: no objective");
  Result result = Run(objective, dims, options).run();
  return result;
}

nlohmann::ordered_json to_json(const Result& result, const SearchSpace* space) {
  using ojson = nlohmann::ordered_json;
  ojson out;
  out["format"] = "hrsnn-bo-history/1";
  out["dims"] = result.dims;
  if (space) {
    ojson names = ojson::array();
    for (const auto& d : space->dimensions()) names.push_back(d.name);
    out["dimensions"] = names;
  }
  out["evaluations_count"] = result.history.size();
  if (result.best) {
    const Record& b = result.history[*result.best];
    out["best"] = {{"index", b.index}, {"value", b.value}, {"x", b.x}};
    if (space) out["best"]["values"] = space->to_json(space->from_unit(b.x));
  } else {
    out["best"] = nullptr;
  }
  ojson convergence = ojson::array();
  for (double v : result.best_so_far) convergence.push_back(std::isfinite(v) ? ojson(v) : ojson(nullptr));
  out["convergence"] = convergence;
  out["timing"] = {{"surrogate_seconds", result.surrogate_seconds},
                   {"evaluation_seconds", result.evaluation_seconds},
                   {"wall_seconds", result.wall_seconds},
                   {"resumed_evaluations", result.resumed_evaluations}};
  ojson rounds = ojson::array();
  for (const auto& r : result.rounds) {
    rounds.push_back({{"round", r.round},
                      {"first_index", r.first_index},
                      {"size", r.proposals.size()},
                      {"surrogate_seconds", r.surrogate_seconds},
                      {"fit_seconds", r.fit_seconds},
                      {"hyper", r.hyper}});
  }
  out["rounds"] = rounds;
  ojson evaluations = ojson::array();
  for (std::size_t i = 0; i < result.history.size(); ++i) {
    const Record& r = result.history[i];
    ojson e = ojson::parse(dump_line(record_to_json(r)));
    e.erase("type");
    if (space && r.x.size() == space->size()) e["values"] = space->to_json(space->from_unit(r.x));
    e["best_so_far"] = std::isfinite(result.best_so_far[i]) ? ojson(result.best_so_far[i]) : ojson(nullptr);
    evaluations.push_back(std::move(e));
  }
  out["evaluations"] = evaluations;
  return out;
}

std::string history_csv(const Result& result, const SearchSpace* space) {
  const bool named = space && space->size() == result.dims;
  std::set<std::string> metric_keys;
  std::size_t n_constraints = 0;
  for (const Record& r : result.history) {
    n_constraints = std::max(n_constraints, r.constraints.size());
    if (!r.metrics.is_object()) continue;
    for (const auto& [key, value] : r.metrics.items()) {
      if (value.is_primitive()) metric_keys.insert(key);
    }
  }
  std::string out = "index,round,ok,feasible,value,best_so_far,eval_seconds";
  for (std::size_t k = 0; k < result.dims; ++k) {
    out += named ? "," + csv_field("u:" + space->dimensions()[k].name) : fmt::format(",u{}", k);
  }
  if (named) {
    for (const auto& d : space->dimensions()) out += "," + csv_field(d.name);
  }
  for (std::size_t c = 0; c < n_constraints; ++c) out += fmt::format(",constraint{}", c);
  for (const auto& key : metric_keys) out += "," + csv_field("metric:" + key);
  out += ",error\n";
  for (std::size_t i = 0; i < result.history.size(); ++i) {
    const Record& r = result.history[i];
    out += fmt::format("{},{},{},{},{},{},{}", r.index, r.round, r.ok ? 1 : 0, r.feasible ? 1 : 0,
                       csv_number(r.value), csv_number(result.best_so_far[i]), r.eval_seconds);
    for (double u : r.x) out += "," + csv_number(u);
    if (named) {
      for (double v : space->from_unit(r.x)) out += "," + csv_number(v);
    }
    for (std::size_t c = 0; c < n_constraints; ++c) {
      out += "," + (c < r.constraints.size() ? csv_number(r.constraints[c]) : std::string());
    }
    for (const auto& key : metric_keys) {
      out += ",";
      if (r.metrics.is_object() && r.metrics.contains(key)) out += csv_scalar(r.metrics.at(key));
    }
    out += "," + csv_field(r.error) + "\n";
  }
  return out;
}

void write_file_atomically(const std::filesystem::path& path, std::string_view content) {
  static std::atomic<unsigned> counter{0};
  std::filesystem::path tmp = path;
  tmp += fmt::format(".tmp.{}.{}", ::getpid(), counter.fetch_add(1));
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw_errno("cannot create", tmp);
  try {
    write_all(fd, content, tmp);
    if (::fsync(fd) != 0) throw_errno("cannot fsync", tmp);
  } catch (...) {
    ::close(fd);
    ::unlink(tmp.c_str());
    throw;
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int saved = errno;
    ::unlink(tmp.c_str());
    errno = saved;
    throw_errno("cannot rename a temporary file onto", path);
  }
  // Make the rename itself durable.
  const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

void write_history_json(const Result& result, const std::filesystem::path& path, const SearchSpace* space) {
  write_file_atomically(path, to_json(result, space).dump(1) + "\n");
}

void write_history_csv(const Result& result, const std::filesystem::path& path, const SearchSpace* space) {
  write_file_atomically(path, history_csv(result, space));
}

}  // namespace hrsnn::opt

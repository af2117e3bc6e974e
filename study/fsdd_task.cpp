#include "study/fsdd_task.hpp"

#include "core/foundation/random.hpp"
#include "study/audio.hpp"
#include "study/fsdd.hpp"
#include "study/gram_ridge.hpp"
#include "study/metrics.hpp"
#include "study/readout.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <numeric>
#include <span>
#include <utility>

namespace hrsnn::study {

namespace {

Eigen::Index idx(std::size_t i) { return static_cast<Eigen::Index>(i); }

// Per-utterance pooled features of a stream: the sink's rows, pooled over each utterance's frames.
// With `keeps` (one per readout filter: exp(-frame_ms / tau)) the rows are spike counts per frame
// and the pooler filters them once per filter, concatenating the filtered copies (filter-major
// within each time bin).
class UtterancePooler {
 public:
  UtterancePooler(const FsddData& d, uint32_t neurons, uint32_t bins, std::vector<double> keeps = {})
      : d_(d), bins_(bins), neurons_(neurons), keeps_(std::move(keeps)) {
    frames_.assign(d.utterances.size(), 0);
    for (int64_t u : d.utterance_of_frame)
      if (u >= 0) ++frames_[static_cast<size_t>(u)];
    size_t longest = 0;
    for (size_t f : frames_) longest = std::max(longest, f);
    const size_t width = neurons * std::max<size_t>(1, keeps_.size());
    state_.assign(keeps_.size() * neurons, 0.0);
    buffer_.resize(idx(longest), idx(width));
    pooled_.resize(idx(d.utterances.size()), idx(size_t{bins} * width));
  }
  void operator()(uint64_t k, std::span<const double> row) {
    // The filters run over every frame (warm-up and gaps too): the readout synapse never resets.
    for (size_t t = 0; t < keeps_.size(); ++t)
      for (size_t i = 0; i < neurons_; ++i) {
        double& f = state_[t * neurons_ + i];
        f = f * keeps_[t] + row[i];
      }
    const int64_t u = d_.utterance_of_frame[k];
    if (u < 0) return;
    if (keeps_.empty()) {
      for (size_t i = 0; i < row.size(); ++i) buffer_(fill_, idx(i)) = row[i];
    } else {
      for (size_t i = 0; i < state_.size(); ++i) buffer_(fill_, idx(i)) = state_[i];
    }
    ++fill_;
    if (static_cast<size_t>(fill_) == frames_[static_cast<size_t>(u)]) {
      pooled_.row(u) = pool_frames(buffer_.topRows(fill_), bins_);
      fill_ = 0;
    }
  }
  const Eigen::MatrixXd& pooled() const { return pooled_; }

 private:
  const FsddData& d_;
  uint32_t bins_;
  size_t neurons_;
  std::vector<double> keeps_;
  std::vector<double> state_;
  std::vector<size_t> frames_;
  Eigen::MatrixXd buffer_;
  Eigen::Index fill_ = 0;
  Eigen::MatrixXd pooled_;
};

}  // namespace

FsddData load_fsdd_data(const FsddTaskConfig& config) {
  const FsddSplit split = load_fsdd_split(config.data_dir);
  // Roles by take index: test 0..4, validation 5..9, fit 10..49, each limited per group.
  std::vector<FsddRecording> chosen;
  std::vector<int> role;
  const auto take = [&](const std::vector<FsddRecording>& from, int lo, uint32_t count, int r) {
    for (const auto& rec : from)
      if (rec.index >= lo && rec.index < lo + static_cast<int>(count)) {
        chosen.push_back(rec);
        role.push_back(r);
      }
  };
  take(split.test, 0, config.test_per_group, 2);
  take(split.train, 5, config.val_per_group, 1);
  take(split.train, 10, config.fit_per_group, 0);
  if (chosen.empty()) throw FsddError(fmt::format("{}: no recordings selected", config.data_dir));

  // One fixed order for every model and seed (so seeds pair on the network only): a
  // Fisher-Yates shuffle with a constant seed, mixing roles so that slow drift of the network
  // (STDP stays on) affects training and test utterances alike.
  std::vector<size_t> order(chosen.size());
  std::iota(order.begin(), order.end(), size_t{0});
  Rng rng(20230222);
  for (size_t i = order.size(); i > 1; --i)
    std::swap(order[i - 1], order[static_cast<size_t>(rng.below_by_rejection(i))]);

  FrontEndConfig fe;
  fe.hop_ms = config.hop_ms;
  const MelFrontEnd front_end(fe);
  std::vector<FsddRecording> ordered;
  FsddData d;
  for (size_t i : order) {
    ordered.push_back(chosen[i]);
    d.role.push_back(role[i]);
  }
  FsddFeatures f = compute_fsdd_features(ordered, front_end);
  for (auto& u : f.utterances) normalize_per_utterance(u);
  d.utterances = std::move(f.utterances);
  d.labels = std::move(f.labels);
  d.bands = static_cast<uint32_t>(fe.n_mels);

  // The stream: the learning phase's utterances, warm-up utterances (the first fit utterances
  // of the order), then every utterance followed by gap_frames of zero input. The learning
  // phase replays fit utterances (the order's fit utterances from the first, cycled): training
  // recordings only, so no validation or test recording shapes the network before it is
  // measured, and without labels (unsupervised plasticity); with fit_per_group = 40 the
  // training split has no recordings outside the fit and validation roles.
  std::vector<size_t> fit;
  for (size_t u = 0; u < d.utterances.size(); ++u)
    if (d.role[u] == 0) fit.push_back(u);
  std::vector<size_t> learn, warm;
  for (size_t i = 0; i < config.learning_utterances && !fit.empty(); ++i) learn.push_back(fit[i % fit.size()]);
  for (size_t i = 0; i < fit.size() && warm.size() < config.warmup_utterances; ++i) warm.push_back(fit[i]);
  const uint32_t bands = d.bands;
  std::vector<double>& v = d.stream.values;
  d.stream.channels = bands;
  const auto append = [&](const Eigen::MatrixXd& m, int64_t id) {
    for (Eigen::Index r = 0; r < m.rows(); ++r) {
      for (uint32_t b = 0; b < bands; ++b) v.push_back(config.input_gain * m(r, static_cast<Eigen::Index>(b)));
      d.utterance_of_frame.push_back(id);
    }
    for (uint32_t g = 0; g < config.gap_frames; ++g) {
      for (uint32_t b = 0; b < bands; ++b) v.push_back(0.0);
      d.utterance_of_frame.push_back(-1);
    }
  };
  for (size_t u : learn) append(d.utterances[u], -1);
  d.learning_frames = d.utterance_of_frame.size();
  d.utterance_of_frame.clear();  // it numbers the measured frames only
  for (size_t u : warm) append(d.utterances[u], -1);
  d.warmup_frames = d.utterance_of_frame.size();
  for (size_t u = 0; u < d.utterances.size(); ++u) append(d.utterances[u], static_cast<int64_t>(u));
  return d;
}

NetworkSpec fsdd_task_spec(const NetworkSpec& spec, const FsddTaskConfig& config, const FsddData& fsdd) {
  NetworkSpec s = spec;
  s.input.channels = fsdd.bands;
  s.input.weight = Distribution::uniform(-config.input_weight, config.input_weight);
  s.input.steps_per_sample = config.steps_per_frame;
  s.input.encoder = config.encoder == "delta" ? EncoderKind::Delta : EncoderKind::Current;
  s.input.delta_threshold = config.delta_threshold;
  return s;
}

FsddFeatureRun fsdd_features(const Network& net, const Backend& backend, const StudyConfig& config,
                             const FsddData& fsdd) {
  ReservoirConfig rc = config.reservoir;
  rc.learning_samples = fsdd.learning_frames;
  rc.washout_samples = fsdd.warmup_frames;
  rc.filter_tau_ms = config.fsdd.filter_tau_ms;
  std::vector<double> keeps;
  if (!config.fsdd.extra_filter_taus_ms.empty() && rc.kind == FeatureKind::filtered) {
    // Several readout filters: the reservoir emits spike counts per frame and the pooler filters
    // them (the same features as the reservoir's own filter at one step per frame).
    rc.kind = FeatureKind::counts;
    const double frame_ms = net.dt_ms * config.fsdd.steps_per_frame;
    keeps.push_back(std::exp(-frame_ms / config.fsdd.filter_tau_ms));
    for (double tau : config.fsdd.extra_filter_taus_ms) keeps.push_back(std::exp(-frame_ms / tau));
  }
  UtterancePooler pooler(fsdd, net.size(), config.fsdd.bins, keeps);
  FsddFeatureRun out;
  out.activity =
      run_reservoir(net, fsdd.stream, backend, rc, [&](uint64_t k, std::span<const double> row) { pooler(k, row); });
  out.pooled = pooler.pooled();
  if (config.fsdd.sqrt_features) out.pooled = out.pooled.cwiseSqrt();  // filtered spikes are >= 0
  return out;
}

double classify_fsdd(const Eigen::MatrixXd& x, const FsddData& d, const StudyConfig& config, Record& r) {
  std::vector<Eigen::Index> rows[3];
  std::vector<int> labels[3];
  for (size_t u = 0; u < d.role.size(); ++u) {
    rows[d.role[u]].push_back(idx(u));
    labels[d.role[u]].push_back(d.labels[u]);
  }
  const auto pick = [&](int role) {
    Eigen::MatrixXd m(idx(rows[role].size()), x.cols());
    for (size_t i = 0; i < rows[role].size(); ++i) m.row(idx(i)) = x.row(rows[role][i]);
    return m;
  };
  RidgeSelectConfig rc;
  rc.standardize = config.standardize;
  rc.lambda_grid = log_grid(1e-8, 1e2, config.fsdd.lambdas_per_decade);
  const RidgeClassifier c = fit_ridge_classifier_gram(pick(0), labels[0], pick(1), labels[1], 10, rc);
  const std::vector<int> predicted = c.predict(pick(2));
  r.detail["lambda"] = c.lambda;
  // The selection criterion for FSDD settings (never the test accuracy): the validation
  // accuracy of the chosen lambda's readout fitted on the fit rows alone.
  const auto chosen = std::find(c.lambda_grid.begin(), c.lambda_grid.end(), c.lambda) - c.lambda_grid.begin();
  if (chosen < static_cast<std::ptrdiff_t>(c.validation_accuracy.size()))
    r.detail["validation_accuracy"] = c.validation_accuracy[static_cast<size_t>(chosen)];
  r.detail["test_utterances"] = labels[2].size();
  r.detail["fit_utterances"] = labels[0].size();
  r.detail["validation_utterances"] = labels[1].size();
  return accuracy(labels[2], predicted);
}

}  // namespace hrsnn::study

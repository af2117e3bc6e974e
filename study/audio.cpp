#include "study/audio.hpp"

#include <fftw3.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <mutex>
#include <numbers>
#include <stdexcept>

namespace hrsnn::study {

namespace {

Eigen::Index idx(std::size_t i) { return static_cast<Eigen::Index>(i); }

// FFTW's planner (and plan destruction) touch global state and are not thread-safe;
// executing an existing plan on new arrays is. All planning goes through this mutex.
std::mutex& fftw_planner_mutex() {
  static std::mutex m;
  return m;
}

struct FftwRealBuffer {
  explicit FftwRealBuffer(std::size_t n) : data(fftw_alloc_real(n)) {
    if (data == nullptr) throw std::bad_alloc();
  }
  ~FftwRealBuffer() { fftw_free(data); }
  FftwRealBuffer(const FftwRealBuffer&) = delete;
  FftwRealBuffer& operator=(const FftwRealBuffer&) = delete;
  double* data;
};

struct FftwComplexBuffer {
  explicit FftwComplexBuffer(std::size_t n) : data(fftw_alloc_complex(n)) {
    if (data == nullptr) throw std::bad_alloc();
  }
  ~FftwComplexBuffer() { fftw_free(data); }
  FftwComplexBuffer(const FftwComplexBuffer&) = delete;
  FftwComplexBuffer& operator=(const FftwComplexBuffer&) = delete;
  fftw_complex* data;
};

std::size_t next_power_of_two(std::size_t n) {
  std::size_t p = 1;
  while (p < n) p <<= 1U;
  return p;
}

void require(bool ok, const std::string& message) {
  if (!ok) throw std::invalid_argument("FrontEndConfig." + message);
}

}  // namespace

struct MelFrontEnd::Plan {
  explicit Plan(std::size_t n_fft) : n(n_fft) {
    const std::lock_guard<std::mutex> lock(fftw_planner_mutex());
    FftwRealBuffer in(n);
    FftwComplexBuffer out(n / 2 + 1);
    // FFTW_ESTIMATE: no timing-based choice of algorithm, so the same plan (and the same
    // rounding) is chosen on every run and machine of the same FFTW build.
    plan = fftw_plan_dft_r2c_1d(static_cast<int>(n), in.data, out.data, FFTW_ESTIMATE);
    if (plan == nullptr) throw std::runtime_error("FFTW could not plan a real FFT");
  }
  ~Plan() {
    const std::lock_guard<std::mutex> lock(fftw_planner_mutex());
    fftw_destroy_plan(plan);
  }
  Plan(const Plan&) = delete;
  Plan& operator=(const Plan&) = delete;

  std::size_t n;
  fftw_plan plan;
};

double hz_to_mel(double hz) { return 2595.0 * std::log10(1.0 + hz / 700.0); }
double mel_to_hz(double mel) { return 700.0 * (std::pow(10.0, mel / 2595.0) - 1.0); }

std::vector<double> make_window(WindowKind kind, std::size_t length) {
  std::vector<double> w(length, 1.0);
  if (length < 2) return w;
  const double a0 = kind == WindowKind::hann ? 0.5 : 0.54;
  const double a1 = 1.0 - a0;
  const double denom = static_cast<double>(length - 1);
  for (std::size_t n = 0; n < length; ++n) {
    w[n] = a0 - a1 * std::cos(2.0 * std::numbers::pi * static_cast<double>(n) / denom);
  }
  return w;
}

Eigen::MatrixXd make_mel_filterbank(std::size_t n_mels, std::size_t n_fft, double sample_rate_hz, double fmin_hz,
                                    double fmax_hz, MelScaling scaling) {
  if (n_mels == 0) throw std::invalid_argument("mel filterbank: n_mels must be >= 1");
  if (n_fft < 2) throw std::invalid_argument("mel filterbank: n_fft must be >= 2");
  if (!(fmin_hz >= 0.0 && fmin_hz < fmax_hz && fmax_hz <= sample_rate_hz / 2.0)) {
    throw std::invalid_argument(
        fmt::format("mel filterbank: need 0 <= fmin_hz < fmax_hz <= Nyquist ({} Hz), got fmin {} fmax {}",
                    sample_rate_hz / 2.0, fmin_hz, fmax_hz));
  }
  const std::size_t n_bins = n_fft / 2 + 1;
  const double bin_hz = sample_rate_hz / static_cast<double>(n_fft);
  // n_mels + 2 edge frequencies, equally spaced in mel.
  std::vector<double> edge_hz(n_mels + 2);
  const double mel_lo = hz_to_mel(fmin_hz);
  const double mel_hi = hz_to_mel(fmax_hz);
  for (std::size_t i = 0; i < edge_hz.size(); ++i) {
    edge_hz[i] = mel_to_hz(mel_lo + (mel_hi - mel_lo) * static_cast<double>(i) / static_cast<double>(n_mels + 1));
  }
  Eigen::MatrixXd fb = Eigen::MatrixXd::Zero(idx(n_mels), idx(n_bins));
  for (std::size_t m = 0; m < n_mels; ++m) {
    const double left = edge_hz[m];
    const double centre = edge_hz[m + 1];
    const double right = edge_hz[m + 2];
    for (std::size_t k = 0; k < n_bins; ++k) {
      const double f = static_cast<double>(k) * bin_hz;
      double w = 0.0;
      if (f > left && f <= centre) {
        w = (f - left) / (centre - left);
      } else if (f > centre && f < right) {
        w = (right - f) / (right - centre);
      }
      fb(idx(m), idx(k)) = w;
    }
    const double row_sum = fb.row(idx(m)).sum();
    if (row_sum <= 0.0) {
      throw std::invalid_argument(
          fmt::format("mel filterbank: band {} ({:.1f}-{:.1f} Hz) covers no FFT bin; use fewer bands, a "
                      "wider frequency range or a larger n_fft (bin spacing {:.2f} Hz)",
                      m, left, right, bin_hz));
    }
    if (scaling == MelScaling::unit_sum) fb.row(idx(m)) /= row_sum;
  }
  return fb;
}

MelFrontEnd::MelFrontEnd(const FrontEndConfig& config) : config_(config) {
  require(config.sample_rate_hz > 0.0, fmt::format("sample_rate_hz = {} must be > 0", config.sample_rate_hz));
  require(config.window_ms > 0.0, fmt::format("window_ms = {} must be > 0", config.window_ms));
  require(config.hop_ms > 0.0, fmt::format("hop_ms = {} must be > 0", config.hop_ms));
  require(config.pre_emphasis >= 0.0 && config.pre_emphasis < 1.0,
          fmt::format("pre_emphasis = {} must be in [0, 1)", config.pre_emphasis));
  require(config.log_floor > 0.0, fmt::format("log_floor = {} must be > 0", config.log_floor));
  window_length_ =
      static_cast<std::size_t>(std::max(1.0, std::round(config.window_ms * config.sample_rate_hz / 1000.0)));
  hop_length_ = static_cast<std::size_t>(std::max(1.0, std::round(config.hop_ms * config.sample_rate_hz / 1000.0)));
  n_fft_ = config.n_fft == 0 ? next_power_of_two(window_length_) : config.n_fft;
  require(n_fft_ >= window_length_ && n_fft_ >= 2,
          fmt::format("n_fft = {} must be >= the window length ({} samples) and >= 2", n_fft_, window_length_));
  require(config.n_mels >= 1, "n_mels must be >= 1");
  const double fmax = config.fmax_hz == 0.0 ? config.sample_rate_hz / 2.0 : config.fmax_hz;
  window_ = make_window(config.window, window_length_);
  filterbank_ =
      make_mel_filterbank(config.n_mels, n_fft_, config.sample_rate_hz, config.fmin_hz, fmax, config.mel_scaling);
  plan_ = std::make_shared<const Plan>(n_fft_);
}

std::size_t MelFrontEnd::frame_count(std::size_t n_samples) const {
  if (n_samples <= window_length_) return 1;
  return 1 + (n_samples - window_length_) / hop_length_;
}

Eigen::MatrixXd MelFrontEnd::power_spectrogram(std::span<const double> signal) const {
  const std::size_t frames = frame_count(signal.size());
  const std::size_t n_bins = n_fft_ / 2 + 1;
  Eigen::MatrixXd power(idx(frames), idx(n_bins));
  FftwRealBuffer in(n_fft_);
  FftwComplexBuffer out(n_bins);
  const double a = config_.pre_emphasis;
  for (std::size_t f = 0; f < frames; ++f) {
    const std::size_t start = f * hop_length_;
    for (std::size_t n = 0; n < n_fft_; ++n) {
      double x = 0.0;
      if (n < window_length_ && start + n < signal.size()) {
        const std::size_t i = start + n;
        // Pre-emphasis over the whole signal (the sample before the frame is used), so a
        // frame's spectrum does not depend on where it starts.
        x = signal[i] - (i > 0 ? a * signal[i - 1] : 0.0);
        x *= window_[n];
      }
      in.data[n] = x;
    }
    fftw_execute_dft_r2c(plan_->plan, in.data, out.data);
    for (std::size_t k = 0; k < n_bins; ++k) {
      power(idx(f), idx(k)) = out.data[k][0] * out.data[k][0] + out.data[k][1] * out.data[k][1];
    }
  }
  return power;
}

Eigen::MatrixXd MelFrontEnd::log_mel(std::span<const double> signal) const {
  Eigen::MatrixXd mel = power_spectrogram(signal) * filterbank_.transpose();
  return (mel.array() + config_.log_floor).log().matrix();
}

void normalize_per_utterance(Eigen::MatrixXd& features) {
  if (features.rows() == 0) return;
  const Eigen::RowVectorXd mean = features.colwise().mean();
  features.rowwise() -= mean;
  const Eigen::RowVectorXd std_dev =
      (features.array().square().colwise().sum() / static_cast<double>(features.rows())).sqrt();
  for (Eigen::Index c = 0; c < features.cols(); ++c) {
    if (std_dev(c) > 0.0) features.col(c) /= std_dev(c);
  }
}

BandNormalizer BandNormalizer::fit(std::span<const Eigen::MatrixXd> utterances) {
  if (utterances.empty()) throw std::invalid_argument("BandNormalizer::fit: no utterances");
  const Eigen::Index bands = utterances.front().cols();
  Eigen::RowVectorXd sum = Eigen::RowVectorXd::Zero(bands);
  Eigen::RowVectorXd sum_sq = Eigen::RowVectorXd::Zero(bands);
  double rows = 0.0;
  for (const auto& u : utterances) {
    if (u.cols() != bands) {
      throw std::invalid_argument(fmt::format("BandNormalizer::fit: utterances have {} and {} bands", bands, u.cols()));
    }
    sum += u.colwise().sum();
    rows += static_cast<double>(u.rows());
  }
  if (rows == 0.0) throw std::invalid_argument("BandNormalizer::fit: no frames");
  BandNormalizer n;
  n.mean = sum / rows;
  // Second pass around the mean (numerically safer than E[x^2] - E[x]^2).
  for (const auto& u : utterances) sum_sq += (u.rowwise() - n.mean).array().square().colwise().sum().matrix();
  n.inverse_std.resize(bands);
  for (Eigen::Index c = 0; c < bands; ++c) {
    const double sd = std::sqrt(sum_sq(c) / rows);
    n.inverse_std(c) = sd > 0.0 ? 1.0 / sd : 1.0;
  }
  return n;
}

void BandNormalizer::apply(Eigen::MatrixXd& features) const {
  if (features.cols() != mean.cols()) {
    throw std::invalid_argument(
        fmt::format("BandNormalizer::apply: fitted on {} bands, got {}", mean.cols(), features.cols()));
  }
  features.rowwise() -= mean;
  features.array().rowwise() *= inverse_std.array();
}

Eigen::RowVectorXd pool_frames(const Eigen::MatrixXd& features, std::size_t bins) {
  if (bins == 0) throw std::invalid_argument("pool_frames: bins must be >= 1");
  if (features.rows() == 0) throw std::invalid_argument("pool_frames: no frames");
  const auto frames = static_cast<std::size_t>(features.rows());
  const Eigen::Index bands = features.cols();
  Eigen::RowVectorXd out(idx(bins) * bands);
  for (std::size_t b = 0; b < bins; ++b) {
    std::size_t first = b * frames / bins;
    std::size_t last = (b + 1) * frames / bins;  // exclusive
    if (last <= first) last = std::min(first + 1, frames);
    if (first >= frames) first = frames - 1;
    out.segment(idx(b) * bands, bands) = features.middleRows(idx(first), idx(last - first)).colwise().mean();
  }
  return out;
}

Eigen::MatrixXd pool_utterances(std::span<const Eigen::MatrixXd> utterances, std::size_t bins) {
  if (utterances.empty()) throw std::invalid_argument("pool_utterances: no utterances");
  const Eigen::Index bands = utterances.front().cols();
  Eigen::MatrixXd out(idx(utterances.size()), idx(bins) * bands);
  for (std::size_t i = 0; i < utterances.size(); ++i) {
    if (utterances[i].cols() != bands) {
      throw std::invalid_argument(fmt::format("pool_utterances: utterance {} has {} columns, the first has {}", i,
                                              utterances[i].cols(), bands));
    }
    out.row(idx(i)) = pool_frames(utterances[i], bins);
  }
  return out;
}

}  // namespace hrsnn::study
